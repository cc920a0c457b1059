"""The review queue's rows as the page shows them: plain values from
`values()` with each row's strings prepared once, instead of a model
instance per answer, indicator, aspect and OPD and the template's filters
per row (most of the queue's time before)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from django.urls import reverse
from django.utils.formats import date_format
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


def _submitted(at: datetime | None) -> str:
    """As `{{ at|date:"SHORT_DATETIME_FORMAT" }}` shows it, in the portal's zone."""
    return date_format(localtime(at), "SHORT_DATETIME_FORMAT") if at else "–"


def queue_rows(rows, *, here: str, selectable: bool) -> list[QueueRow]:
    """The queue's rows ready to show; `selectable` when bulk decisions are
    open, and then only for submitted answers."""
    labels = dict(AnswerState.choices)
    # One reverse() for the page: the rows' addresses differ only in the id.
    url = reverse("review:detail", kwargs={"public_id": _URL_ID}) + "?next=" + quote(here, safe="/")
    return [
        QueueRow(
            pk=row["pk"],
            public_id=row["public_id"],
            version=row["version"],
            selectable=selectable and row["state"] == AnswerState.SUBMITTED,
            select_label=_("Pilih indikator %(code)s") % {"code": row["indicator__code"]},
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
            submitted=_submitted(row["submitted_at"]),
            waiting=(
                timesince(row["submitted_at"])
                if row["state"] == AnswerState.SUBMITTED and row["submitted_at"]
                else ""
            ),
        )
        for row in rows
    ]
