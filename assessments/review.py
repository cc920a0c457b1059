"""The reviewer's decisions on submitted answers: accept, adjust, return, and
reopening a validated answer while the period is in review, and the bulk
acceptance and return the queue offers.

Each decision is a transition of assessments.lifecycle (one conditional write
on the version the reviewer saw, one event, one signal); this module checks
the decision's own input and tells the officers concerned.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from assessments import items, lifecycle
from assessments.models import Answer, EventKind, ReturnReason
from assessments.notifications import notices
from spbe_portal.errors import Invalid

REASON_MAX = 2_000


def _validated_event(current: Answer, level: int, comment: str) -> dict:
    # For a decision the meaningful "before" is the level on the table, the
    # one the OPD proposed (validated_level is empty while an answer is submitted).
    return {
        "field": "validated_level",
        "value_before": "" if current.proposed_level is None else str(current.proposed_level),
        "value_after": str(level),
        "comment": comment,
    }


def _accept(answer: Answer, user, comment: str) -> Answer:
    event: dict = {}

    def prepare(current: Answer) -> dict:
        if current.proposed_level is None:
            raise Invalid(_("Jawaban ini belum memiliki tingkat usulan."), answer=current)
        level, note = current.proposed_level, comment.strip()
        if items.uses_items(current.period.framework):
            # Item mode: the level is what the item decisions reach, never a choice.
            level = items.derived_level(current)
            if level != current.proposed_level:
                event["kind"] = EventKind.ADJUSTED
                note = (
                    note + "\n" + _("Tingkat mengikuti keputusan per butir (berjenjang).")
                ).strip()
        event.update(_validated_event(current, level, note))
        return {"validated_level": level}

    return lifecycle.apply(
        "accept",
        answer,
        user=user,
        expected_version=answer.version,
        prepare=prepare,
        event=event,
    )


def answer_accept(*, answer: Answer, user, comment: str = "") -> Answer:
    """Validated level = the level the OPD proposed."""
    with lifecycle.operation("accept"):
        decided = _accept(answer, user, comment)
        notices.opd_validated_notify(period=decided.period, opd=decided.opd)
    return decided


def answer_adjust(*, answer: Answer, user, level: int, justification: str) -> Answer:
    """Validate at another level than proposed; the justification is required."""
    justification = (justification or "").strip()
    event: dict = {}

    def prepare(current: Answer) -> dict:
        framework = current.period.framework
        if not justification:
            raise Invalid(_("Justifikasi penyesuaian tingkat wajib diisi."), answer=current)
        if items.uses_items(framework):
            raise Invalid(
                _("Pada kerangka berbutir, tingkat mengikuti keputusan per butir bukti."),
                answer=current,
            )
        if not framework.admits(level):
            raise Invalid(
                _("Tingkat harus antara %(min)s dan %(max)s.")
                % {"min": framework.value_floor, "max": framework.level_max},
                answer=current,
            )
        if level == current.proposed_level:
            raise Invalid(
                _("Tingkat yang dipilih sama dengan tingkat usulan; gunakan keputusan Terima."),
                answer=current,
            )
        event.update(_validated_event(current, level, justification))
        return {"validated_level": level}

    with lifecycle.operation("adjust"):
        decided = lifecycle.apply(
            "adjust",
            answer,
            user=user,
            expected_version=answer.version,
            prepare=prepare,
            event=event,
        )
        notices.answer_adjusted_notify(answer=decided, justification=justification)
        notices.opd_validated_notify(period=decided.period, opd=decided.opd)
    return decided


def _return(answer: Answer, user, reason: str, comment: str) -> Answer:
    def prepare(current: Answer) -> dict:
        if reason not in ReturnReason.values:
            raise Invalid(_("Pilih alasan pengembalian."), answer=current)
        if not comment:
            raise Invalid(_("Catatan pengembalian wajib diisi."), answer=current)
        return {}

    return lifecycle.apply(
        "return",
        answer,
        user=user,
        expected_version=answer.version,
        prepare=prepare,
        event={"reason": reason, "comment": comment},
    )


def answer_return(*, answer: Answer, user, reason: str, comment: str) -> Answer:
    """Send the answer back to the OPD, which may then edit and resubmit it."""
    comment = (comment or "").strip()
    with lifecycle.operation("return"):
        returned = _return(answer, user, reason, comment)
        notices.answer_returned_notify(answer=returned, reason=reason, comment=comment)
    return returned


def answers_return_bulk(
    *, answers: Iterable[Answer], user, reason: str, comment: str
) -> list[Answer]:
    """Return several answers with one reason and one note, all or nothing:
    one refused answer leaves every answer as it was. Each OPD is told once,
    with all of its returned indicators."""
    answers = list(answers)
    comment = (comment or "").strip()
    if not answers:
        raise Invalid(_("Pilih setidaknya satu jawaban."))
    returned = []
    with lifecycle.operation("return"):
        for answer in answers:
            returned.append(_return(answer, user, reason, comment))
        by_opd: dict[tuple[int, int], list[Answer]] = {}
        for answer in returned:
            by_opd.setdefault((answer.period_id, answer.opd_id), []).append(answer)
        for group in by_opd.values():
            notices.answers_returned_notify(
                period=group[0].period,
                opd=group[0].opd,
                answers=group,
                reason=reason,
                comment=comment,
            )
    return returned


def answer_reopen(*, answer: Answer, user, reason: str, expected_version=None) -> Answer:
    """Open a validated answer again (it is submitted once more, so the
    reviewer decides anew); the reason is required and kept in the history."""
    reason = (reason or "").strip()

    def prepare(current: Answer) -> dict:
        if not reason:
            raise Invalid(_("Alasan membuka kembali wajib diisi."), answer=current)
        if len(reason) > REASON_MAX:
            raise Invalid(_("Alasan terlalu panjang."), answer=current)
        return {"validated_level": None}

    with lifecycle.operation("reopen"):
        reopened = lifecycle.apply(
            "reopen",
            answer,
            user=user,
            expected_version=answer.version if expected_version is None else expected_version,
            prepare=prepare,
            event={"comment": reason},
        )
        notices.answer_reopened_notify(answer=reopened, reason=reason)
    return reopened


def answers_accept_bulk(*, answers: Iterable[Answer], user) -> list[Answer]:
    """Accept several answers at once, all or nothing: one refused answer
    (wrong state, stale, no right) leaves every answer as it was."""
    answers = list(answers)
    if not answers:
        raise Invalid(_("Pilih setidaknya satu jawaban."))
    decided = []
    with lifecycle.operation("accept"):
        for answer in answers:
            if items.uses_items(answer.period.framework):
                raise Invalid(
                    _("Indikator %(code)s dinilai per butir bukti; buka halamannya untuk menilai.")
                    % {"code": answer.indicator.code},
                    answer=answer,
                )
            decided.append(_accept(answer, user, ""))
        seen = set()
        for answer in decided:
            if (answer.period_id, answer.opd_id) not in seen:
                seen.add((answer.period_id, answer.opd_id))
                notices.opd_validated_notify(period=answer.period, opd=answer.opd)
    return decided
