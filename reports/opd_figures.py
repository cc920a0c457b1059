"""Per-OPD figures: internal management figures only — the official unit
of the SPBE index is the instansi. They show where the index can still
grow and who owns that part: each OPD's weighted average level, the index
points its indicators contribute (Σ weight × level / 100) and the points
still open (Σ weight × (max − level) / 100).

An indicator without a level contributes nothing and counts as open from
the lowest level (weight × (max − min) / 100); it is listed as missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from assessments.models import Answer, AnswerState, Assignment
from indicators import scoring
from reports.snapshots import BASES, LEVEL_FIELD

SUBMITTED_STATES = (AnswerState.SUBMITTED, AnswerState.VALIDATED)


@dataclass
class OPDFigures:
    opd_id: int
    indicators: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    weight: Fraction = Fraction(0)  # of the indicators with a level
    points: Fraction = Fraction(0)
    open_points: Fraction = Fraction(0)
    # Progress of the workflow, independent of the basis.
    answered: int = 0
    submitted: int = 0
    validated: int = 0

    @property
    def weighted_average(self) -> Fraction | None:
        if not self.weight:
            return None
        return self.points * 100 / self.weight

    @property
    def assigned(self) -> int:
        return len(self.indicators)


@dataclass(frozen=True)
class IndicatorRow:
    """What one indicator of a period stands at, as the figures need it."""

    code: str
    opd_id: int
    levels: dict[str, int | None]  # basis -> level
    state: str | None  # None: no answer yet


def opd_figures(
    spec: scoring.FrameworkSpec, rows: Iterable[IndicatorRow], basis: str
) -> dict[int, OPDFigures]:
    """Pure: {opd id: figures} on one basis, for the indicators in `rows`."""
    weights = {i.code: Fraction(i.weight) for i in spec.indicators}
    figures: dict[int, OPDFigures] = {}
    for row in rows:
        weight = weights.get(row.code)
        if weight is None:
            continue
        fig = figures.setdefault(row.opd_id, OPDFigures(opd_id=row.opd_id))
        fig.indicators.append(row.code)
        if row.levels.get("self") is not None:
            fig.answered += 1
        if row.state in SUBMITTED_STATES:
            fig.submitted += 1
        if row.state == AnswerState.VALIDATED:
            fig.validated += 1
        level = row.levels.get(basis)
        if level is None or not spec.value_floor <= level <= spec.level_max:
            fig.missing.append(row.code)
            fig.open_points += weight * (spec.level_max - spec.value_floor) / 100
            continue
        fig.weight += weight
        fig.points += weight * level / 100
        fig.open_points += weight * (spec.level_max - level) / 100
    return figures


def ranked_by_open_points(figures: Mapping[int, OPDFigures]) -> list[OPDFigures]:
    return sorted(figures.values(), key=lambda f: (-f.open_points, f.opd_id))


def period_indicator_rows(period_id: int) -> list[IndicatorRow]:
    """Two queries: the answer's OPD owns an indicator; an indicator not
    answered yet belongs to the OPD it is assigned to."""
    answers = {
        code: (opd_id, state, dict(zip(BASES, levels, strict=True)))
        for code, opd_id, state, *levels in Answer.objects.filter(period_id=period_id).values_list(
            "indicator__code", "opd_id", "state", *(LEVEL_FIELD[b] for b in BASES)
        )
    }
    rows = [
        IndicatorRow(code=code, opd_id=opd_id, levels=levels, state=state)
        for code, (opd_id, state, levels) in answers.items()
    ]
    for code, opd_id in Assignment.objects.filter(period_id=period_id).values_list(
        "indicator__code", "responsible_opd_id"
    ):
        if code not in answers:
            rows.append(IndicatorRow(code=code, opd_id=opd_id, levels={}, state=None))
    return rows
