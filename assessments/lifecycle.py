"""The only writer of an answer's state, levels and version.

Every change to an answer — an officer's save or submission, a reviewer's
decision, a Pemdi item decision, a final level entered or imported, an external
indicator's value, "start from last year" — is one of the transitions below,
written as data: from which states, to which state, who may, and in which
window of the period. `apply` takes every transition through the same steps:

1. who may (the access layer), when (the period's window) and from where (the
   answer's state), each refused with its own domain error;
2. the action's own check and the changed values (`prepare`);
3. a conditional UPDATE on the version the user saw, so of two writers racing
   on one version exactly one wins and the other gets Conflict;
4. exactly one AnswerEvent holding every field that changed;
5. one `answers_changed` signal per operation, after the commit (`operation`
   groups the transitions of a bulk action so listeners hear of it once).

Callers (assessments.answering, assessments.review, assessments.items,
assessments.external, assessments.periods, assessments.level_import) build the
values; they never write Answer rows themselves.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import access
from assessments.errors import AnswerLocked, DeadlinePassed, ReviewClosed
from assessments.models import (
    Answer,
    AnswerEvent,
    AnswerState,
    Assignment,
    EvaluationPeriod,
    EventKind,
    PeriodState,
)
from assessments.signals import answers_changed
from indicators import external
from spbe_portal.errors import Closed, Conflict, NotAllowed, WrongState

DRAFT, SUBMITTED = AnswerState.DRAFT, AnswerState.SUBMITTED
RETURNED, VALIDATED = AnswerState.RETURNED, AnswerState.VALIDATED
EDITABLE = frozenset({DRAFT, RETURNED})
ANY_STATE = frozenset(AnswerState.values)

# The fields a transition may write besides state, version and who/when.
ANSWER_FIELDS = ("proposed_level", "explanation", "validated_level", "final_level", "opd")


# --- who may -------------------------------------------------------------------


@dataclass(frozen=True)
class Who:
    check: Callable[[Any, Answer], bool]
    refusal: Any  # the NotAllowed message
    side: str  # "officer", "reviewer" or "admin": the wording of a state refusal


def _officer(user, answer: Answer) -> bool:
    return user is not None and access.can_edit_answer(user, answer)


def _evidence_holder(user, answer: Answer) -> bool:
    # Contributors' evidence moves a Pemdi answer's claimed level too.
    return user is not None and access.can_add_evidence(user, answer)


def _reviewer(user, answer: Answer) -> bool:
    return user is not None and access.can_review(user, answer.period)


def _administrator(user, answer: Answer) -> bool:
    return user is not None and access.can_administer(user, answer.period.instansi_id)


_NOT_OFFICER = gettext_lazy("Anda tidak berwenang mengubah jawaban ini.")
_NOT_REVIEWER = gettext_lazy("Anda bukan asesor internal untuk instansi ini.")
_NOT_ADMIN = gettext_lazy("Hanya administrator instansi yang dapat mengubah nilai ini.")

OFFICER = Who(_officer, _NOT_OFFICER, "officer")
EVIDENCE_HOLDER = Who(_evidence_holder, _NOT_OFFICER, "officer")
REVIEWER = Who(_reviewer, _NOT_REVIEWER, "reviewer")
REVIEWER_OR_ADMIN = Who(
    lambda user, answer: _reviewer(user, answer) or _administrator(user, answer),
    _NOT_REVIEWER,
    "reviewer",
)
ADMIN = Who(_administrator, _NOT_ADMIN, "admin")
# user None: a management command, run by whoever operates the server.
ADMIN_OR_OPERATOR = Who(
    lambda user, answer: user is None or _administrator(user, answer), _NOT_ADMIN, "admin"
)
SYSTEM = Who(
    lambda user, answer: user is None,
    gettext_lazy("Perubahan ini hanya dilakukan oleh sistem."),
    "admin",
)


# --- when ------------------------------------------------------------------------


def _filling(period: EvaluationPeriod) -> Closed | None:
    return None if period.accepts_answers() else DeadlinePassed()


def _reviewing(period: EvaluationPeriod) -> Closed | None:
    if period.accepts_reviews():
        return None
    return ReviewClosed(_("Masa penilaian periode %(period)s sudah ditutup.") % {"period": period})


def _in_review(period: EvaluationPeriod) -> Closed | None:
    if period.state in (PeriodState.OPEN, PeriodState.IN_REVIEW) and period.accepts_reviews():
        return None
    return ReviewClosed(_("Jawaban tervalidasi hanya dapat dibuka kembali selama masa penilaian."))


def _results_recorded(period: EvaluationPeriod) -> Closed | None:
    if period.state in (PeriodState.CLOSED, PeriodState.PUBLISHED):
        return None
    return Closed(_("Nilai akhir hanya dapat dicatat setelah periode ditutup atau diumumkan."))


def _assignments_open(period: EvaluationPeriod) -> Closed | None:
    if period.state in (PeriodState.DRAFT, PeriodState.OPEN):
        return None
    return Closed(_("Penugasan hanya dapat diubah selama periode berstatus draf atau dibuka."))


def _always(period: EvaluationPeriod) -> Closed | None:
    return None


# --- the transitions -------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the state stays as it is
    who: Who
    window: Callable[[EvaluationPeriod], Closed | None]
    event: str
    # Recorded even when no answer field changes (the item rows do).
    always: bool = False


ONLY_SUBMITTED, ONLY_VALIDATED, ONLY_DRAFT = (
    frozenset({SUBMITTED}),
    frozenset({VALIDATED}),
    frozenset({DRAFT}),
)

# fmt: off
TRANSITIONS: dict[str, Transition] = {
    # action:          from            to         who                when
    "save":           Transition(EDITABLE,       None,      OFFICER,           _filling,
                                 EventKind.SAVED),
    "submit":         Transition(EDITABLE,       SUBMITTED, OFFICER,           _filling,
                                 EventKind.SUBMITTED),
    "withdraw":       Transition(ONLY_SUBMITTED, DRAFT,     OFFICER,           _filling,
                                 EventKind.WITHDRAWN),
    "sync_items":     Transition(EDITABLE,       None,      EVIDENCE_HOLDER,   _filling,
                                 EventKind.SAVED),
    "accept":         Transition(ONLY_SUBMITTED, VALIDATED, REVIEWER,          _reviewing,
                                 EventKind.ACCEPTED),
    "adjust":         Transition(ONLY_SUBMITTED, VALIDATED, REVIEWER,          _reviewing,
                                 EventKind.ADJUSTED),
    "return":         Transition(ONLY_SUBMITTED, RETURNED,  REVIEWER,          _reviewing,
                                 EventKind.RETURNED),
    "decide_item":    Transition(ONLY_SUBMITTED, None,      REVIEWER,          _reviewing,
                                 EventKind.ITEM_DECIDED, always=True),
    "reopen":         Transition(ONLY_VALIDATED, SUBMITTED, REVIEWER_OR_ADMIN, _in_review,
                                 EventKind.REOPENED),
    "set_final":      Transition(ANY_STATE,      None,      ADMIN_OR_OPERATOR, _results_recorded,
                                 EventKind.FINAL_SET),
    "import":         Transition(ANY_STATE,      None,      ADMIN_OR_OPERATOR, _always,
                                 EventKind.IMPORTED),
    "copy_previous":  Transition(ONLY_DRAFT,     None,      ADMIN_OR_OPERATOR, _always,
                                 EventKind.IMPORTED),
    "reassign":       Transition(ANY_STATE,      None,      ADMIN_OR_OPERATOR, _assignments_open,
                                 EventKind.REASSIGNED),
    "set_external":   Transition(ANY_STATE,      VALIDATED, ADMIN,             _always,
                                 EventKind.EXTERNAL_SET),
    "prime_external": Transition(ANY_STATE,      VALIDATED, SYSTEM,            _always,
                                 EventKind.EXTERNAL_SET),
}
# fmt: on


# --- one signal per operation -------------------------------------------------------


@dataclass
class _Batch:
    action: str
    period_ids: set[int]
    answer_ids: set[int]


_batch: ContextVar[_Batch | None] = ContextVar("answers_changed_batch", default=None)


@contextmanager
def operation(action: str) -> Iterator[None]:
    """One atomic operation whose transitions listeners hear of once, after
    the commit. Nested operations join the outermost one."""
    if _batch.get() is not None:
        with transaction.atomic():
            yield
        return
    batch = _Batch(action, set(), set())
    token = _batch.set(batch)
    try:
        with transaction.atomic():
            yield
            if batch.answer_ids:
                transaction.on_commit(lambda: _send(batch), robust=True)
    finally:
        _batch.reset(token)


def _send(batch: _Batch) -> None:
    answers_changed.send(
        sender=Answer,
        period_ids=frozenset(batch.period_ids),
        answer_ids=frozenset(batch.answer_ids),
        action=batch.action,
    )


def _touched(answer: Answer) -> None:
    batch = _batch.get()
    batch.period_ids.add(answer.period_id)
    batch.answer_ids.add(answer.pk)


# --- apply -------------------------------------------------------------------------


def fresh(answer: Answer) -> Answer:
    """The answer as stored now, with what the checks need."""
    return Answer.objects.select_related("period__framework", "indicator", "opd").get(pk=answer.pk)


def apply(
    action: str,
    answer: Answer,
    *,
    user,
    expected_version: int | None = None,
    prepare: Callable[[Answer], dict] | None = None,
    event: dict | None = None,
    reload: bool = True,
) -> Answer:
    """Take `answer` through `action`; return the stored answer afterwards.

    `prepare(current)` runs after the generic checks and returns the fields
    to write (a subset of ANSWER_FIELDS); it raises a domain error to refuse.
    `expected_version` is the version the user saw (None: whatever is stored,
    for imports and system changes). `event` adds to or overrides the event's
    fields (comment, reason, or the field shown when it is not the first
    changed one). A transition without a new state that changes no field is
    a no-op: no event, no signal, no version bump."""
    transition = TRANSITIONS[action]
    with operation(action):
        current = fresh(answer) if reload else answer
        _check(transition, current, user)
        values = prepare(current) if prepare else {}
        if transition.target is not None:
            values["state"] = transition.target
            if transition.target == SUBMITTED:
                values["submitted_at"] = timezone.now()
        changes = [
            (name, getattr(current, name), value)
            for name, value in values.items()
            if getattr(current, name) != value and name in ANSWER_FIELDS
        ]
        if transition.target is None and not changes and not transition.always:
            return current
        if expected_version is not None and current.version != expected_version:
            raise _conflict(transition, current)
        written = _write(transition, current, user, values)
        _record(transition, action, current, user, changes, event or {})
        _touched(current)
        return written


def _check(transition: Transition, current: Answer, user) -> None:
    if not transition.who.check(user, current):
        raise NotAllowed(str(transition.who.refusal), answer=current)
    closed = transition.window(current.period)
    if closed is not None:
        closed.answer = current
        raise closed
    if current.state not in transition.sources:
        raise _wrong_state(transition, current)


def _wrong_state(transition: Transition, current: Answer) -> WrongState:
    if transition.who.side == "officer":
        return AnswerLocked(answer=current)
    if transition.sources == {SUBMITTED}:
        message = _(
            "Indikator %(code)s berstatus %(state)s; hanya jawaban berstatus Diajukan "
            "yang dapat diputuskan."
        )
    else:
        message = _("Indikator %(code)s berstatus %(state)s; perubahan ini tidak berlaku.")
    return WrongState(
        message % {"code": current.indicator.code, "state": current.get_state_display()},
        answer=current,
    )


def _conflict(transition: Transition, current: Answer) -> Conflict:
    if transition.who.side == "officer":
        return Conflict(current=current, answer=current)
    return Conflict(
        _(
            "Jawaban indikator %(code)s telah diubah oleh %(who)s (versi %(version)s); "
            "keputusan Anda tidak disimpan. Periksa versi terbaru lalu putuskan kembali."
        )
        % {
            "code": current.indicator.code,
            "who": current.updated_by or _("pengguna lain"),
            "version": current.version,
        },
        current=current,
        answer=current,
    )


def _write(transition: Transition, current: Answer, user, values: dict) -> Answer:
    """The conditional UPDATE; returns the answer as it now stands."""
    now = timezone.now()
    updated = Answer.objects.filter(
        pk=current.pk, version=current.version, state__in=transition.sources
    ).update(version=F("version") + 1, updated_at=now, updated_by=user, **values)
    if updated:
        return _as_written(current, user, now, values)
    # Someone wrote between our read and our update: say what happened.
    now = fresh(current)
    if now.state not in transition.sources:
        if transition.who.side == "reviewer":
            raise WrongState(
                _("Indikator %(code)s sudah berstatus %(state)s; keputusan Anda tidak disimpan.")
                % {"code": now.indicator.code, "state": now.get_state_display()},
                answer=now,
            )
        raise _wrong_state(transition, now)
    raise _conflict(transition, now)


def _as_written(current: Answer, user, now, values: dict) -> Answer:
    """The row the UPDATE just wrote, built from what it was (matched on its
    version, so nobody wrote in between) and what was written, instead of
    being read back: one query less on every transition."""
    written = copy.copy(current)  # Django copies _state and its related-object cache
    for name, value in values.items():
        setattr(written, name, value)
    written.version = current.version + 1
    written.updated_at, written.updated_by = now, user
    return written


def _as_text(value) -> str:
    return "" if value is None else str(value)


def _record(transition, action, current, user, changes, extra) -> AnswerEvent:
    fields: dict[str, Any] = {"kind": transition.event}
    if changes:
        name, before, after = changes[0]
        fields.update(field=name, value_before=_as_text(before), value_after=_as_text(after))
    if transition.target is not None:
        fields.update(state_before=current.state, state_after=transition.target)
    fields.update(extra)
    return AnswerEvent.objects.create(
        answer=current,
        actor=user,
        changes=[[name, _as_text(before), _as_text(after)] for name, before, after in changes],
        **fields,
    )


def refusal_for(action: str, answer: Answer, user) -> Exception | None:
    """Why `action` would be refused for `user` now, or None: for pages that
    show a button only where it would work."""
    try:
        _check(TRANSITIONS[action], answer, user)
    except (NotAllowed, Closed, WrongState) as refusal:
        return refusal
    return None


# --- the answers of a period ------------------------------------------------------


def answers_ensure(*, period: EvaluationPeriod) -> int:
    """Create the missing Answer rows of `period`: one per assignment, owned
    by the assignment's responsible OPD, as an empty draft. Idempotent; call
    it whenever a period opens or its assignments change (period management,
    seeding, "start from last year"). An answer nobody has touched yet
    (version 1, still a draft) follows its assignment to a new responsible
    OPD; answers with work in them stay where they are. Returns the number
    of answers created."""
    with operation("ensure"):
        assignments = list(
            Assignment.objects.filter(period=period).values_list(
                "indicator_id", "responsible_opd_id"
            )
        )
        existing = dict(Answer.objects.filter(period=period).values_list("indicator_id", "opd_id"))
        missing = [
            Answer(period=period, indicator_id=indicator_id, opd_id=opd_id)
            for indicator_id, opd_id in assignments
            if indicator_id not in existing
        ]
        Answer.objects.bulk_create(missing, ignore_conflicts=True)
        for indicator_id, opd_id in assignments:
            if indicator_id in existing and existing[indicator_id] != opd_id:
                # The owner moves, not the answer's state, levels or version.
                Answer.objects.filter(
                    period=period, indicator_id=indicator_id, version=1, state=DRAFT
                ).update(opd_id=opd_id)
        _external_prime(period)
    return len(missing)


def _external_prime(period: EvaluationPeriod) -> None:
    """Answers of external indicators that have no level yet count as the
    waiting level (1) on every basis but the final one, and are not for
    officers to edit."""
    waiting = (
        Answer.objects.filter(
            period=period, proposed_level__isnull=True, validated_level__isnull=True
        )
        .exclude(indicator__external_source="")
        .select_related("period__framework", "indicator", "opd")
    )
    level = external.WAITING_LEVEL
    for answer in waiting:
        apply(
            "prime_external",
            answer,
            user=None,
            reload=False,
            prepare=lambda _current: {"proposed_level": level, "validated_level": level},
        )


# --- history ---------------------------------------------------------------------


def history_load(*, answers: list[Answer], fields: list[str], events: list[AnswerEvent]) -> None:
    """A finished period's history as it happened, in bulk: the answers'
    final values and the events that led there, with their own times (the
    demo's published years; a migration from another system). Not a
    transition: nothing is checked against the present, so no request ever
    reaches it. Listeners still hear of it once."""
    with operation("history"):
        Answer.objects.bulk_update(answers, fields)
        AnswerEvent.objects.bulk_create(events)
        for answer in answers:
            _touched(answer)
