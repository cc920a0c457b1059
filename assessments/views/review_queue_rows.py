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
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from assessments.models import AnswerState
from assessments.templatetags.officer_tags import state_badge_class
from assessments.views import markup

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
            markup.row(_CHECKBOX, id=self.public_id, version=self.version, label=self.select_label)
            if self.selectable
            else ""
        )
        return markup.row(
            _ROW,
            checkbox=checkbox,
            url=self.url,
            indicator=self.indicator,
            aspect_code=self.aspect_code,
            opd_name=self.opd_name,
            opd_short_name=self.opd_short_name,
            proposed=_level(self.proposed_level),
            validated=_level(self.validated_level),
            evidence=_number(self.evidence_count),
            badge=self.badge,
            state=self.state_label,
            submitted=self.submitted,
            waiting=markup.row(_WAITING, waiting=self.waiting) if self.waiting else "",
        )


_ROW = """<tr>
          <td>
            {checkbox}
          </td>
          <td><a href="{url}">{indicator}</a></td>
          <td>{aspect_code}</td>
          <td title="{opd_name}">{opd_short_name}</td>
          <td class="num">{proposed}</td>
          <td class="num">{validated}</td>
          <td class="num">{evidence}</td>
          <td><span class="badge {badge}">{state}</span></td>
          <td>{submitted}{waiting}</td>
        </tr>"""
_CHECKBOX = """
            <input class="form-check-input" type="checkbox" name="selected"
                   value="{id}:{version}" id="sel-{id}">
            <label class="visually-hidden" for="sel-{id}">{label}</label>
            """
_WAITING = ' <span class="small text-muted">({waiting})</span>'


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
