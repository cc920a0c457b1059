"""The review queue's rows as the page shows them: plain values from
`values()` with each row's strings prepared once, instead of a model
instance per answer, indicator, aspect and OPD and the template's filters
per row (most of the queue's time before)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from assessments.models import AnswerState
from assessments.templatetags.officer_tags import state_badge_class

# What a row shows.
ROW_COLUMNS = (
    "pk",
    "public_id",
    "version",
    "state",
    "proposed_level",
    "validated_level",
    "submitted_at",
    "evidence_count",
    "indicator__code",
    "indicator__name",
    "indicator__aspect__code",
    "opd__name",
    "opd__short_name",
)
_URL_ID = uuid.UUID(int=0)


@dataclass(frozen=True, slots=True)
class QueueRow:
    pk: int
    public_id: uuid.UUID
    version: int
    selectable: bool
    select_label: str
    url: str
    indicator: str
    aspect_code: str
    opd_name: str
    opd_short_name: str
    proposed_level: int | None
    validated_level: int | None
    evidence_count: int
    state_label: str
    badge: str
    submitted: str
    waiting: str

    @property
    def html(self) -> SafeString:
        """The row's markup, as the queue's template wrote it per cell (byte
        for byte; tests/test_review_queue_rows.py compares): one format of
        escaped texts instead of a dozen template variables and filters per
        row. The version in the checkbox is read back by the bulk
        decisions, so it is written plainly, never with a separator."""
        checkbox = (
            _CHECKBOX.format(self.public_id, self.version, escape(self.select_label))
            if self.selectable
            else ""
        )
        waiting = _WAITING.format(escape(self.waiting)) if self.waiting else ""
        # Every text in the row is escaped above or in the arguments below.
        return mark_safe(
            _ROW.format(
                checkbox,
                escape(self.url),
                escape(self.indicator),
                escape(self.aspect_code),
                escape(self.opd_name),
                escape(self.opd_short_name),
                _level(self.proposed_level),
                _level(self.validated_level),
                _number(self.evidence_count),
                escape(self.badge),
                escape(self.state_label),
                escape(self.submitted),
                waiting,
            )
        )


_ROW = """<tr>
          <td>
            {}
          </td>
          <td><a href="{}">{}</a></td>
          <td>{}</td>
          <td title="{}">{}</td>
          <td class="num">{}</td>
          <td class="num">{}</td>
          <td class="num">{}</td>
          <td><span class="badge {}">{}</span></td>
          <td>{}{}</td>
        </tr>"""
_CHECKBOX = """
            <input class="form-check-input" type="checkbox" name="selected"
                   value="{0}:{1}" id="sel-{0}">
            <label class="visually-hidden" for="sel-{0}">{2}</label>
            """
_WAITING = ' <span class="small text-muted">({})</span>'


def _level(level: int | None) -> str:
    return "–" if level is None else _number(level)


def _number(value: int) -> str:
    # localize() writes a whole number below a thousand as str() does, at a
    # tenth of its cost; larger ones take the grouping of the language.
    return str(value) if -1000 < value < 1000 else localize(value)


def _submitted(at: datetime | None) -> str:
    """As `{{ at|date:"SHORT_DATETIME_FORMAT" }}` shows it, in the portal's zone."""
    return date_format(localtime(at), "SHORT_DATETIME_FORMAT") if at else "–"


def queue_rows(rows, *, here: str, selectable: bool) -> list[QueueRow]:
    """The queue's rows ready to show; `selectable` when bulk decisions are
    open, and then only for submitted answers."""
    # Each label, text and time written once per page, not once per row:
    # "submit all" gives a whole batch of answers the same submission time.
    labels = {value: str(label) for value, label in AnswerState.choices}
    select_label = _("Pilih indikator %(code)s")
    now = timezone.now()
    submitted = cache(_submitted)
    waiting = cache(lambda at: timesince(at, now))
    # One reverse() for the page: the rows' addresses differ only in the id.
    url = reverse("review:detail", kwargs={"public_id": _URL_ID}) + "?next=" + quote(here, safe="/")
    return [
        QueueRow(
            pk=row["pk"],
            public_id=row["public_id"],
            version=row["version"],
            selectable=selectable and row["state"] == AnswerState.SUBMITTED,
            select_label=select_label % {"code": row["indicator__code"]},
            url=url.replace(str(_URL_ID), str(row["public_id"]), 1),
            indicator=f"{row['indicator__code']}. {row['indicator__name']}",
            aspect_code=row["indicator__aspect__code"],
            opd_name=row["opd__name"],
            opd_short_name=row["opd__short_name"],
            proposed_level=row["proposed_level"],
            validated_level=row["validated_level"],
            evidence_count=row["evidence_count"],
            state_label=labels.get(row["state"], row["state"]),
            badge=state_badge_class(row["state"]),
            submitted=submitted(row["submitted_at"]),
            waiting=(
                waiting(row["submitted_at"])
                if row["state"] == AnswerState.SUBMITTED and row["submitted_at"]
                else ""
            ),
        )
        for row in rows
    ]
