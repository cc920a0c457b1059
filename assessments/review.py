"""The reviewer's decisions on submitted answers: accept, adjust, return.

Each decision is one transaction: the answer row is written with an
optimistic version check (a decision taken on a stale page changes nothing),
an AnswerEvent records it, and the officers concerned are notified.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import access
from assessments.models import Answer, AnswerEvent, AnswerState, EventKind, ReturnReason
from assessments.notifications import notices as notifications
from assessments.services import ServiceError, _announce


class ReviewError(ServiceError):
    """A decision the service refused; the message is shown to the user and
    `status` is the HTTP status a view answers with (as for the officer side)."""

    status = 400

    def __init__(self, message: str, *, answer: Answer | None = None):
        self.answer = answer
        super().__init__(message)


class ReviewNotAllowed(ReviewError):
    """The user may not review this answer, or the review window is shut."""

    status = 403


class ReviewWrongState(ReviewError):
    """Only submitted answers can be decided."""

    status = 409


class ReviewConflict(ReviewError):
    """Someone changed the answer since the page was loaded; `current` is
    the newer version to show."""

    status = 409

    def __init__(self, message: str, *, answer: Answer | None = None, current: Answer):
        self.current = current
        super().__init__(message, answer=answer)


class ReviewInvalid(ReviewError):
    """The decision's own input is unusable (missing justification, ...)."""


def _check_can_decide(answer: Answer, user) -> None:
    period = answer.period
    if not access.can_review(user, period):
        raise ReviewNotAllowed(_("Anda bukan asesor internal untuk instansi ini."), answer=answer)
    if not period.accepts_reviews():
        raise ReviewNotAllowed(
            _("Masa penilaian periode %(period)s sudah ditutup.") % {"period": period},
            answer=answer,
        )
    if answer.state != AnswerState.SUBMITTED:
        raise ReviewWrongState(
            _(
                "Indikator %(code)s berstatus %(state)s; hanya jawaban berstatus Diajukan "
                "yang dapat diputuskan."
            )
            % {"code": answer.indicator.code, "state": answer.get_state_display()},
            answer=answer,
        )


def _write(answer: Answer, user, **changes) -> None:
    """Apply `changes` only if the row is still the version and state the
    reviewer saw; otherwise explain what happened instead."""
    now = timezone.now()
    updated = Answer.objects.filter(
        pk=answer.pk, version=answer.version, state=AnswerState.SUBMITTED
    ).update(version=F("version") + 1, updated_at=now, updated_by=user, **changes)
    if updated:
        for name, value in changes.items():
            setattr(answer, name, value)
        answer.version += 1
        answer.updated_at = now
        answer.updated_by = user
        # The conditional UPDATE sends no post_save; reports' index snapshots
        # listen for it, so a decision must announce itself as officer saves do.
        _announce(answer, *changes)
        return
    current = Answer.objects.select_related("indicator", "updated_by").get(pk=answer.pk)
    if current.state != AnswerState.SUBMITTED:
        raise ReviewWrongState(
            _("Indikator %(code)s sudah berstatus %(state)s; keputusan Anda tidak disimpan.")
            % {"code": current.indicator.code, "state": current.get_state_display()},
            answer=answer,
        )
    raise ReviewConflict(
        _(
            "Jawaban indikator %(code)s telah diubah oleh %(who)s (versi %(version)s); "
            "keputusan Anda tidak disimpan. Periksa versi terbaru lalu putuskan kembali."
        )
        % {
            "code": current.indicator.code,
            "who": current.updated_by or _("pengguna lain"),
            "version": current.version,
        },
        answer=answer,
        current=current,
    )


def _level_text(level) -> str:
    return "" if level is None else str(level)


def _validate(answer: Answer, user, level: int, *, kind: str, comment: str) -> None:
    before = answer.proposed_level
    _write(answer, user, state=AnswerState.VALIDATED, validated_level=level)
    # For a decision the meaningful "before" is the level on the table, the
    # one the OPD proposed (validated_level is empty while an answer is submitted).
    AnswerEvent.objects.create(
        answer=answer,
        actor=user,
        kind=kind,
        state_before=AnswerState.SUBMITTED,
        state_after=AnswerState.VALIDATED,
        field="validated_level",
        value_before=_level_text(before),
        value_after=_level_text(level),
        comment=comment,
    )


@transaction.atomic
def answer_accept(*, answer: Answer, user, comment: str = "") -> Answer:
    """Validated level = the level the OPD proposed."""
    _check_can_decide(answer, user)
    if answer.proposed_level is None:
        raise ReviewInvalid(_("Jawaban ini belum memiliki tingkat usulan."), answer=answer)
    level, kind = answer.proposed_level, EventKind.ACCEPTED
    from assessments import items

    if items.uses_items(answer.period.framework):
        # Item mode: the level is what the item decisions reach, never a choice.
        level = items.derived_level(answer)
        if level != answer.proposed_level:
            kind = EventKind.ADJUSTED
            comment = (
                comment.strip() + "\n" + _("Tingkat mengikuti keputusan per butir (berjenjang).")
            ).strip()
    _validate(answer, user, level, kind=kind, comment=comment.strip())
    notifications.opd_validated_notify(period=answer.period, opd=answer.opd)
    return answer


@transaction.atomic
def answer_adjust(*, answer: Answer, user, level: int, justification: str) -> Answer:
    """Validate at another level than proposed; the justification is required."""
    _check_can_decide(answer, user)
    framework = answer.period.framework
    justification = (justification or "").strip()
    if not justification:
        raise ReviewInvalid(_("Justifikasi penyesuaian tingkat wajib diisi."), answer=answer)
    from assessments import items

    if items.uses_items(framework):
        raise ReviewInvalid(
            _("Pada kerangka berbutir, tingkat mengikuti keputusan per butir bukti."),
            answer=answer,
        )
    if level is None or not framework.value_floor <= level <= framework.level_max:
        raise ReviewInvalid(
            _("Tingkat harus antara %(min)s dan %(max)s.")
            % {"min": framework.value_floor, "max": framework.level_max},
            answer=answer,
        )
    if level == answer.proposed_level:
        raise ReviewInvalid(
            _("Tingkat yang dipilih sama dengan tingkat usulan; gunakan keputusan Terima."),
            answer=answer,
        )
    _validate(answer, user, level, kind=EventKind.ADJUSTED, comment=justification)
    notifications.opd_validated_notify(period=answer.period, opd=answer.opd)
    return answer


@transaction.atomic
def answer_return(*, answer: Answer, user, reason: str, comment: str) -> Answer:
    """Send the answer back to the OPD, which may then edit and resubmit it."""
    _check_can_decide(answer, user)
    comment = (comment or "").strip()
    if reason not in ReturnReason.values:
        raise ReviewInvalid(_("Pilih alasan pengembalian."), answer=answer)
    if not comment:
        raise ReviewInvalid(_("Catatan pengembalian wajib diisi."), answer=answer)
    _write(answer, user, state=AnswerState.RETURNED)
    AnswerEvent.objects.create(
        answer=answer,
        actor=user,
        kind=EventKind.RETURNED,
        state_before=AnswerState.SUBMITTED,
        state_after=AnswerState.RETURNED,
        reason=reason,
        comment=comment,
    )
    notifications.answer_returned_notify(answer=answer, reason=reason, comment=comment)
    return answer


@transaction.atomic
def answers_accept_bulk(*, answers: Iterable[Answer], user) -> list[Answer]:
    """Accept several answers at once, all or nothing: one refused answer
    (wrong state, stale, no right) leaves every answer as it was."""
    answers = list(answers)
    if not answers:
        raise ReviewInvalid(_("Pilih setidaknya satu jawaban."))
    from assessments import items

    for answer in answers:
        _check_can_decide(answer, user)
        if items.uses_items(answer.period.framework):
            raise ReviewInvalid(
                _("Indikator %(code)s dinilai per butir bukti; buka halamannya untuk menilai.")
                % {"code": answer.indicator.code},
                answer=answer,
            )
        if answer.proposed_level is None:
            raise ReviewInvalid(
                _("Indikator %(code)s belum memiliki tingkat usulan.")
                % {"code": answer.indicator.code},
                answer=answer,
            )
        _validate(answer, user, answer.proposed_level, kind=EventKind.ACCEPTED, comment="")
    seen = set()
    for answer in answers:
        if (answer.period_id, answer.opd_id) not in seen:
            seen.add((answer.period_id, answer.opd_id))
            notifications.opd_validated_notify(period=answer.period, opd=answer.opd)
    return answers
