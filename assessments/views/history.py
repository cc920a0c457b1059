"""An answer's history as the officer's and the reviewer's pages list it:
every event with the strings it shows prepared once here. An answer saved
often has dozens of events, and the template's filters, choice displays and
field labels per event cost more than the query that reads them."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from assessments.models import AnswerEvent, AnswerState, EventKind, ReturnReason
from assessments.templatetags.review_tags import answer_field_label

# The latest events shown on an answer's page; the rest one link away
# (?riwayat=lengkap). An answer saved every few minutes collects hundreds of
# events in a round, and the page is opened after every save.
HISTORY_SHOWN = 10
COMPLETE_PARAMETER, COMPLETE_VALUE = "riwayat", "lengkap"


@dataclass
class History:
    answer: object
    borders: dict[str, str]
    events: list[AnswerEvent]
    # Events older than those listed, left out (a link shows them).
    earlier: bool

    def latest(self, kinds) -> AnswerEvent | None:
        """The newest event of one of `kinds`, prepared like the listed
        ones: from the list, or, when older events were left out, read."""
        for event in reversed(self.events):
            if event.kind in kinds:
                return event
        if not self.earlier:
            return None
        found = (
            self.answer.events.filter(kind__in=kinds)
            .select_related("actor")
            .order_by("-created_at", "-id")
            .first()
        )
        return _prepared([found], self.borders)[0] if found else None


def wants_complete_history(request) -> bool:
    return request.GET.get(COMPLETE_PARAMETER) == COMPLETE_VALUE


def complete_history_query(request) -> str:
    """The page's own query string (a reviewer's `next`, say) asking for
    every event."""
    query = request.GET.copy()
    query[COMPLETE_PARAMETER] = COMPLETE_VALUE
    return "?" + query.urlencode()


def answer_history(answer, borders: dict[str, str], *, complete: bool = False) -> History:
    """The answer's latest HISTORY_SHOWN events (all if `complete`), oldest
    first, each with `border` (from `borders` by kind), `when`, `who`,
    `kind_label`, `states` (before and after, or None), `reason_label` and
    `changes` (the HTML of every field written; the explanation folded)."""
    found = answer.events.select_related("actor")
    if complete:
        events, earlier = list(found), False
    else:
        # One query: a row more than shown tells whether older ones exist.
        latest = list(found.order_by("-created_at", "-id")[: HISTORY_SHOWN + 1])
        earlier = len(latest) > HISTORY_SHOWN
        events = latest[:HISTORY_SHOWN][::-1]
    return History(answer, borders, _prepared(events, borders), earlier)


def _prepared(events: list[AnswerEvent], borders: dict[str, str]) -> list[AnswerEvent]:
    """`events` with the strings the history shows set on each."""
    states = {value: str(label) for value, label in AnswerState.choices}
    kinds = {value: str(label) for value, label in EventKind.choices}
    reasons = {value: str(label) for value, label in ReturnReason.choices}
    labels: dict[str, str] = {}
    before_after = _("sebelum → sesudah")
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
            if name == "explanation":
                changes.append(_folded(labels[name], before_after, value_before, value_after))
            else:
                changes.append(_inline(labels[name], value_before, value_after))
        event.changes = mark_safe("\n      ".join(changes))
    return events


# Written here rather than by an included template: an include per event
# cost more than the rest of the event.
def _folded(label, before_after, before, after) -> SafeString:
    """Long text (the explanation) folded as before → after."""
    return format_html(
        '<details class="small"><summary>{}: {}</summary>\n'
        '        <div class="row g-1">\n'
        '          <div class="col-6 border rounded p-1">{}</div>\n'
        '          <div class="col-6 border rounded p-1">{}</div>\n'
        "        </div>\n      </details>",
        label,
        before_after,
        linebreaksbr(before) or "–",
        linebreaksbr(after) or "–",
    )


def _inline(label, before, after) -> SafeString:
    return format_html('<div class="small">{}: {} → {}</div>', label, before or "–", after or "–")


def _who(actor) -> str:
    if actor is None:
        return _("sistem")
    who = actor.get_full_name() or actor.username
    return f"{who} ({actor.position})" if actor.position else who
