"""A period's index on each basis as the administrator's pages show it,
from the engine: self 4,35 → final 3,79 once the national results are in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.models import Answer, EvaluationPeriod
from indicators import scoring
from indicators.bases import LEVEL_FIELD


@dataclass(frozen=True)
class BasisSummary:
    basis: str
    label: str
    filled: int
    total: int
    index: Decimal | None  # rounded for display, None until every indicator has a level
    predicate: str | None


def index_summary(period: EvaluationPeriod) -> list[BasisSummary]:
    """The index by each of the three values (proposed, validated, final),
    so an administrator sees e.g. self 4.35 → final 3.79 after entering the
    national results; from the engine, and only once every indicator counts."""
    spec = period.framework.to_spec()
    rows = list(
        Answer.objects.filter(period=period).values_list("indicator__code", *LEVEL_FIELD.values())
    )
    labels = {
        "self": _("Usulan OPD"),
        "validated": _("Tervalidasi (nilai mandiri)"),
        "final": _("Nilai akhir nasional"),
    }
    total = len(spec.indicator_codes)
    summaries = []
    for column, basis in enumerate(LEVEL_FIELD, start=1):
        levels = scoring.usable_levels(spec, {row[0]: row[column] for row in rows})
        index = scoring.compute_partial(spec, levels).index
        summaries.append(
            BasisSummary(
                basis,
                labels[basis],
                len(levels),
                total,
                scoring.rounded(index.value) if index else None,
                index.predicate if index else None,
            )
        )
    return summaries
