"""Who is told what: in-app notifications, each also sent by e-mail once the
transaction that created it commits."""

from __future__ import annotations

import logging
from functools import partial

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from assessments.models import (
    OPD,
    Answer,
    AnswerState,
    Assignment,
    EvaluationPeriod,
    Notification,
    NotificationKind,
    ReturnReason,
    Role,
    User,
)
from assessments.notifications import mail

logger = logging.getLogger(__name__)


def officers_of(opd: OPD):
    return User.objects.filter(
        is_active=True,
        memberships__opd=opd,
        memberships__role=Role.OFFICER,
        memberships__ended_on__isnull=True,
    ).distinct()


def _url(name: str, **kwargs) -> str:
    """Links point at pages other slices own; a missing route must not stop a
    notification from being recorded."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        logger.warning("No route %s for a notification link", name)
        return ""


def _enqueue_emails(ids: list[int]) -> None:
    mail.notification_emails_send.delay(ids)


def notify(
    *,
    recipients,
    kind: str,
    message: str,
    link: str = "",
    answer: Answer | None = None,
    dedupe_key: str = "",
) -> list[Notification]:
    """Create one notification per recipient; with a dedupe_key, a recipient
    who already has that notice gets nothing new. E-mails go after commit,
    and a failing mail server never undoes the decision that caused them."""
    created = []
    for user in recipients:
        fields = {
            "recipient": user,
            "kind": kind,
            "message": message,
            "link": link,
            "answer": answer,
            "dedupe_key": dedupe_key,
        }
        if dedupe_key:
            try:
                with transaction.atomic():
                    created.append(Notification.objects.create(**fields))
            except IntegrityError:
                continue
        else:
            created.append(Notification.objects.create(**fields))
    if created:
        transaction.on_commit(partial(_enqueue_emails, [n.pk for n in created]), robust=True)
    return created


def _tell_owners(answer: Answer, kind: str, message: str) -> list[Notification]:
    """The owning OPD's officers, with a link to the answer."""
    return notify(
        recipients=officers_of(answer.opd),
        kind=kind,
        message=message,
        link=_url("assessments:answer_detail", public_id=answer.public_id),
        answer=answer,
    )


def answer_returned_notify(*, answer: Answer, reason: str, comment: str) -> list[Notification]:
    message = _(
        "Jawaban indikator %(code)s (%(period)s) dikembalikan untuk perbaikan: "
        "%(reason)s. Catatan asesor: %(comment)s"
    ) % {
        "code": answer.indicator.code,
        "period": answer.period,
        "reason": ReturnReason(reason).label,
        "comment": comment,
    }
    return _tell_owners(answer, NotificationKind.ANSWER_RETURNED, message)


def answer_adjusted_notify(*, answer: Answer, justification: str) -> list[Notification]:
    message = _(
        "Tingkat jawaban indikator %(code)s (%(period)s) disesuaikan asesor: usulan "
        "%(proposed)s menjadi %(validated)s. Justifikasi: %(justification)s"
    ) % {
        "code": answer.indicator.code,
        "period": answer.period,
        "proposed": answer.proposed_level,
        "validated": answer.validated_level,
        "justification": justification,
    }
    return _tell_owners(answer, NotificationKind.ANSWER_ADJUSTED, message)


def answer_reopened_notify(*, answer: Answer, reason: str) -> list[Notification]:
    message = _(
        "Jawaban indikator %(code)s (%(period)s) yang sudah tervalidasi dibuka kembali "
        "untuk dinilai ulang. Alasan: %(reason)s"
    ) % {"code": answer.indicator.code, "period": answer.period, "reason": reason}
    return _tell_owners(answer, NotificationKind.ANSWER_REOPENED, message)


def reviewers_of(period: EvaluationPeriod):
    return User.objects.filter(
        is_active=True,
        memberships__instansi_id=period.instansi_id,
        memberships__role=Role.REVIEWER,
    ).distinct()


def answers_submitted_notify(*, period: EvaluationPeriod) -> list[Notification]:
    """Tell the instansi's reviewers that answers wait for them: at most one
    notice (and one e-mail) per reviewer, period and day, however many
    answers are submitted that day."""
    day = timezone.localdate().isoformat()
    waiting = Answer.objects.filter(period=period, state=AnswerState.SUBMITTED).count()
    message = _(
        "Ada jawaban baru yang diajukan pada periode %(period)s; %(waiting)s jawaban "
        "menunggu verifikasi."
    ) % {"period": period, "waiting": waiting}
    link = _url("review:queue")
    if link:
        link += f"?period={period.pk}&state=submitted"
    return notify(
        recipients=reviewers_of(period),
        kind=NotificationKind.ANSWERS_SUBMITTED,
        message=message,
        link=link,
        dedupe_key=f"submitted:{period.pk}:{day}",
    )


def opd_is_fully_validated(*, period: EvaluationPeriod, opd: OPD) -> bool:
    """Every answer of the OPD is validated and every indicator assigned to
    it has an answer."""
    if Answer.objects.filter(period=period, opd=opd).exclude(state=AnswerState.VALIDATED).exists():
        return False
    validated = Answer.objects.filter(period=period, state=AnswerState.VALIDATED)
    return not (
        Assignment.objects.filter(period=period, responsible_opd=opd)
        .exclude(indicator_id__in=validated.values("indicator_id"))
        .exists()
    )


def opd_validated_notify(*, period: EvaluationPeriod, opd: OPD) -> list[Notification]:
    if not opd_is_fully_validated(period=period, opd=opd):
        return []
    message = _(
        "Semua jawaban %(opd)s untuk periode %(period)s telah divalidasi asesor internal."
    ) % {"opd": opd.name, "period": period}
    return notify(
        recipients=officers_of(opd),
        kind=NotificationKind.OPD_VALIDATED,
        message=message,
        link=_url("assessments:my_indicators"),
        dedupe_key=f"opd-validated:{period.pk}:{opd.pk}",
    )


def deadline_reminder_notify(
    *, period: EvaluationPeriod, opd: OPD, days: int, pending: int
) -> list[Notification]:
    closes = formats.date_format(timezone.localtime(period.fill_closes_at), "DATETIME_FORMAT")
    message = _(
        "Batas pengisian periode %(period)s tinggal %(days)s hari lagi (%(closes)s). "
        "%(pending)s indikator %(opd)s belum diajukan."
    ) % {"period": period, "days": days, "closes": closes, "pending": pending, "opd": opd.name}
    return notify(
        recipients=officers_of(opd),
        kind=NotificationKind.DEADLINE_REMINDER,
        message=message,
        link=_url("assessments:my_indicators"),
        dedupe_key=f"deadline:{period.pk}:{opd.pk}:{days}",
    )


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark the user's unread notifications read (all, or those in `ids`)."""
    qs = Notification.objects.filter(recipient=user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
