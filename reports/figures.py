"""Per-OPD figures, the one reports module behind the dashboard's OPD tables
and the reports' OPD rows. Internal management figures only: the official
unit of the SPBE index is the instansi. The arithmetic is the engine's
(`scoring.contribution`); this module only gathers who owns which indicator
and ranks the OPDs.

Ownership: the OPD that answered an indicator owns it; an indicator not
answered yet belongs to the OPD it is assigned to.

Ranking: the most open points first, compared on the exact values (two OPDs
whose rounded figures agree are not tied by rounding), then by short name as
the reader sees it, then by id, so that the order is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from assessments.models import Answer, AnswerState, Assignment
from indicators import scoring
from indicators.bases import BASES, LEVEL_FIELD

SUBMITTED_STATES = (AnswerState.SUBMITTED, AnswerState.VALIDATED)


@dataclass(frozen=True)
class IndicatorStanding:
    """Who owns one indicator of a period and its levels on every basis."""

    code: str
    opd_id: int
    levels: dict[str, int | None]  # basis -> level
    state: str | None  # None: no answer yet


@dataclass(frozen=True)
class OPDFigures:
    opd_id: int
    contribution: scoring.Contribution
    # Progress of the workflow, independent of the basis.
    answered: int
    submitted: int
    validated: int

    @property
    def indicators(self) -> tuple[str, ...]:
        return self.contribution.indicators

    @property
    def assigned(self) -> int:
        return len(self.contribution.indicators)

    @property
    def missing(self) -> tuple[str, ...]:
        return self.contribution.missing

    @property
    def points(self) -> Fraction:
        return self.contribution.points

    @property
    def open_points(self) -> Fraction:
        return self.contribution.open_points

    @property
    def weighted_average(self) -> Fraction | None:
        return self.contribution.weighted_average


def opd_figures(
    spec: scoring.FrameworkSpec, standings: Iterable[IndicatorStanding], basis: str
) -> dict[int, OPDFigures]:
    """Pure: {opd id: figures} on one basis, for the framework's indicators
    among `standings`."""
    known = set(spec.indicator_codes)
    by_opd: dict[int, list[IndicatorStanding]] = {}
    for standing in standings:
        if standing.code in known:
            by_opd.setdefault(standing.opd_id, []).append(standing)
    figures = {}
    for opd_id, owned in by_opd.items():
        levels = {s.code: s.levels.get(basis) for s in owned}
        figures[opd_id] = OPDFigures(
            opd_id=opd_id,
            contribution=scoring.contribution(spec, levels, [s.code for s in owned]),
            answered=sum(1 for s in owned if s.levels.get("self") is not None),
            submitted=sum(1 for s in owned if s.state in SUBMITTED_STATES),
            validated=sum(1 for s in owned if s.state == AnswerState.VALIDATED),
        )
    return figures


def ranked_by_open_points(
    figures: Mapping[int, OPDFigures], short_names: Mapping[int, str]
) -> list[OPDFigures]:
    """The one ranking of OPDs (see the module docstring)."""
    return sorted(
        figures.values(),
        key=lambda f: (-f.open_points, short_names.get(f.opd_id, ""), f.opd_id),
    )


def standing_levels(standings: Iterable[IndicatorStanding]) -> dict[str, dict[str, int]]:
    """{basis: {indicator code: level}} of the answered indicators, as
    snapshots.gather_levels reads them: a page that has the standings needs
    no second query for the snapshots' freshness."""
    gathered: dict[str, dict[str, int]] = {basis: {} for basis in BASES}
    for standing in standings:
        for basis, level in standing.levels.items():
            if level is not None:
                gathered[basis][standing.code] = level
    return gathered


def period_standings(period_id: int) -> dict[str, IndicatorStanding]:
    """{indicator code: standing} in two queries."""
    answers = (
        Answer.objects.filter(period_id=period_id)
        # The model's order within one period, without the join to the
        # period and its instansi that ordering by "period" costs.
        .order_by("indicator__position")
        .values_list("indicator__code", "opd_id", "state", *(LEVEL_FIELD[b] for b in BASES))
    )
    standings = {
        code: IndicatorStanding(
            code=code, opd_id=opd_id, levels=dict(zip(BASES, levels, strict=True)), state=state
        )
        for code, opd_id, state, *levels in answers
    }
    for code, opd_id in Assignment.objects.filter(period_id=period_id).values_list(
        "indicator__code", "responsible_opd_id"
    ):
        if code not in standings:
            standings[code] = IndicatorStanding(code=code, opd_id=opd_id, levels={}, state=None)
    return standings
