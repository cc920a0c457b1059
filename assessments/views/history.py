"""An answer's history as the officer's and the reviewer's pages list it:
every event with the strings it shows prepared once here. An answer saved
often has dozens of events, and the template's filters, choice displays and
field labels per event cost more than the query that reads them."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from assessments.models import AnswerEvent, AnswerState, EventKind, ReturnReason
from assessments.templatetags.review_tags import answer_field_label


def answer_history(answer, borders: dict[str, str]) -> list[AnswerEvent]:
    """The answer's events, oldest first, each with `border` (from `borders`
    by kind), `when`, `who`, `kind_label`, `states` (before and after, or
    None), `reason_label` and `changes` ((label, before, after, folded) per
    field written; the explanation is folded)."""
    events = list(answer.events.select_related("actor"))
    states = {value: str(label) for value, label in AnswerState.choices}
    kinds = {value: str(label) for value, label in EventKind.choices}
    reasons = {value: str(label) for value, label in ReturnReason.choices}
    labels: dict[str, str] = {}
    for event in events:
        event.border = borders.get(event.kind, "border-secondary")
        event.when = date_format(timezone.localtime(event.created_at), "DATETIME_FORMAT")
        event.who = _who(event.actor)
        event.kind_label = kinds.get(event.kind, event.kind)
        event.reason_label = reasons.get(event.reason, event.reason)
        before, after = event.state_before, event.state_after
        event.states = (
            (states.get(before, before) or "–", states.get(after, after) or "–")
            if before or after
            else None
        )
        changes = []
        for name, value_before, value_after in event.field_changes:
            if name not in labels:
                labels[name] = capfirst(answer_field_label(name))
            changes.append((labels[name], value_before, value_after, name == "explanation"))
        event.changes = changes
    return events


def _who(actor) -> str:
    if actor is None:
        return _("sistem")
    who = actor.get_full_name() or actor.username
    return f"{who} ({actor.position})" if actor.position else who
