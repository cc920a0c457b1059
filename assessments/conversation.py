"""The answer's conversation: replies between the OPD and its reviewers.

A reply is a message, not a change to the answer: it writes an AnswerEvent of
kind COMMENTED and touches neither the state, the levels nor the version, so
it does not go through the lifecycle (which owns those) and cannot conflict
with an officer's save or a reviewer's decision made at the same moment."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments import access
from assessments.models import Answer, AnswerEvent, EventKind, NotificationKind, PeriodState
from assessments.notifications import notices
from spbe_portal.errors import Closed, Invalid, NotAllowed

REPLY_MAX_LENGTH = 2000
# While the answer can still change, talking about it helps; afterwards the
# thread is the record of how the level was reached and stays as it was.
CONVERSATION_PERIOD_STATES = (PeriodState.OPEN, PeriodState.IN_REVIEW)


def can_reply(user, answer: Answer) -> bool:
    """The responsible OPD's officers and the period's reviewers."""
    return access.can_edit_answer(user, answer) or access.can_review(user, answer.period)


def answer_reply(*, answer: Answer, user, text: str) -> AnswerEvent:
    if not can_reply(user, answer):
        raise NotAllowed(_("Anda tidak dapat menanggapi jawaban ini."))
    if answer.period.state not in CONVERSATION_PERIOD_STATES:
        raise Closed(_("Periode ini sudah ditutup; percakapan hanya dapat dibaca."))
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Tulis tanggapan sebelum mengirim."))
    if len(text) > REPLY_MAX_LENGTH:
        raise Invalid(_("Tanggapan paling panjang %(n)s karakter.") % {"n": REPLY_MAX_LENGTH})
    with transaction.atomic():
        reply = AnswerEvent.objects.create(
            answer=answer, actor=user, kind=EventKind.COMMENTED, comment=text
        )
        _tell_the_other_side(answer, user, text)
    return reply


def _tell_the_other_side(answer: Answer, author, text: str) -> None:
    """A reviewer's reply goes to the OPD's officers; an officer's reply to
    the reviewers who have taken part in this answer's thread (not to every
    reviewer of the instansi: the queue already shows them the answer)."""
    if access.can_review(author, answer.period):
        recipients = notices.officers_of(answer.opd)
        link_name = "assessments:answer_detail"
    else:
        taking_part = set(answer.events.exclude(actor=None).values_list("actor_id", flat=True))
        recipients = notices.reviewers_of(answer.period).filter(pk__in=taking_part)
        link_name = "review:detail"
    message = _("Tanggapan baru pada jawaban indikator %(code)s (%(period)s): %(text)s") % {
        "code": answer.indicator.code,
        "period": answer.period,
        "text": text,
    }
    notices.notify(
        recipients=recipients.exclude(pk=author.pk),
        kind=NotificationKind.ANSWER_REPLIED,
        message=message,
        link=reverse(link_name, kwargs={"public_id": answer.public_id}),
        answer=answer,
    )
