"""Everything a report shows for one period, basis and (optionally) OPD,
gathered in a fixed number of queries and computed with the scoring engine.

The result is plain data (dataclasses of Decimals and strings) so that the PDF
templates and the Excel writer show the very same numbers. Values are rounded
only here, half-up from the exact value, through `indicators.scoring`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from assessments.models import (
    OPD,
    Answer,
    AnswerState,
    Assignment,
    EvaluationPeriod,
    ExternalValue,
)
from indicators import scoring
from indicators.models import Aspect, Domain, Indicator, LevelName
from reports import timeline
from reports.models import Basis
from reports.snapshots import inputs_sha256

BASIS_LEVEL_FIELD = {
    Basis.SELF: "proposed_level",
    Basis.VALIDATED: "validated_level",
    Basis.FINAL: "final_level",
}
HUNDRED = Fraction(100)


@dataclass(frozen=True)
class ScoreRow:
    """A domain or aspect with its value on the report's basis."""

    code: str
    name: str
    weight: Decimal
    value: Decimal | None
    exact: str | None
    predicate: str | None
    domain_code: str | None = None


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name: str
    aspect_code: str
    domain_code: str | None
    weight: Decimal
    capability: str
    self_level: int | None
    validated_level: int | None
    final_level: int | None
    level: int | None  # on the report's basis
    level_name: str
    state: str
    state_label: str
    opd_id: int | None
    opd_code: str
    opd_name: str


@dataclass(frozen=True)
class OpdRow:
    """Internal management figures: the official unit is the instansi."""

    id: int
    code: str
    name: str
    short_name: str
    indicators: int
    submitted: int
    validated: int
    missing: int
    average_level: Decimal | None
    points: Decimal
    open_points: Decimal


@dataclass(frozen=True)
class TrendRow:
    year: int
    self_index: Decimal | None
    validated_index: Decimal | None
    final_index: Decimal | None
    index: Decimal | None  # on the report's basis
    predicate: str | None
    is_current: bool
    # Which instrument the year was assessed on (SPBE 2020 or Pemdi 2026).
    framework_name: str = ""
    instrument: str = ""


@dataclass(frozen=True)
class Recommendation:
    code: str
    name: str
    opd_name: str
    level: int | None
    next_level: int
    next_level_name: str
    criterion: str
    gain: Decimal  # index points one raise adds


@dataclass
class ReportData:
    period: EvaluationPeriod
    basis: str
    basis_label: str
    opd: OPD | None
    generated_at: datetime
    level_min: int
    level_max: int
    complete: bool
    missing: list[str]
    index: Decimal | None
    index_exact: str | None
    inputs_sha256: str
    predicate: str | None
    target_index: Decimal | None
    target_reached: bool | None
    domains: list[ScoreRow] = field(default_factory=list)
    aspects: list[ScoreRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    opds: list[OpdRow] = field(default_factory=list)
    trend: list[TrendRow] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    opd_summary: OpdRow | None = None
    # External indicators still counted at the waiting level (Pemdi).
    external_waiting: list[str] = field(default_factory=list)

    @property
    def index_label(self) -> str:
        return timeline.instrument_label(self.framework)

    @property
    def below_scale_label(self) -> str:
        return timeline.below_scale_label(self.framework)

    @property
    def mixed_instruments(self) -> bool:
        return len({row.instrument for row in self.trend}) > 1

    @property
    def instansi(self):
        return self.period.instansi

    @property
    def framework(self):
        return self.period.framework

    @property
    def radar_rows(self) -> list[ScoreRow]:
        return self.aspects


def rounded(value: Fraction | None) -> Decimal | None:
    return None if value is None else Decimal(scoring.display(value))


def points(value: Fraction) -> Decimal:
    """Index points keep three decimals: one raise of a 1.30 % indicator is 0.013."""
    return Decimal(scoring.display(value, places=3))


@dataclass(frozen=True)
class _Catalogue:
    spec: scoring.FrameworkSpec
    domains: list[Domain]
    aspects: list[Aspect]
    indicators: list[Indicator]
    level_names: dict[tuple[str, int], str]


def _catalogue(framework) -> _Catalogue:
    """The framework's rows for names and criteria, and the engine's spec from
    the model itself, so that every scoring rule (band bounds, a value below
    the scale) is the one the snapshots use."""
    domains = list(Domain.objects.filter(framework=framework).order_by("position"))
    aspects = list(Aspect.objects.filter(framework=framework).order_by("position"))
    indicators = list(
        Indicator.objects.filter(framework=framework)
        .order_by("position")
        .prefetch_related("criteria")
    )
    level_names = {
        (ln.capability, ln.level): ln.name for ln in LevelName.objects.filter(framework=framework)
    }
    return _Catalogue(framework.to_spec(), domains, aspects, indicators, level_names)


def _index_or_none(spec: scoring.FrameworkSpec, levels: dict[str, int | None]):
    try:
        return scoring.compute(spec, levels)
    except scoring.ScoringError:
        return None


def _partial_scores(spec: scoring.FrameworkSpec, levels: dict[str, int | None]):
    """Aspect values for the aspects whose indicators all have a level, and
    domain values for the domains whose aspects are all complete."""
    aspect_points: dict[str, Fraction | None] = {a.code: Fraction(0) for a in spec.aspects}
    for ind in spec.indicators:
        level = levels.get(ind.code)
        if level is None or aspect_points[ind.aspect] is None:
            aspect_points[ind.aspect] = None
        else:
            aspect_points[ind.aspect] += Fraction(ind.weight) * level
    aspects = {
        a.code: (
            None if aspect_points[a.code] is None else aspect_points[a.code] / Fraction(a.weight)
        )
        for a in spec.aspects
    }
    domains = {}
    for d in spec.domains:
        parts = [aspect_points[a.code] for a in spec.aspects if a.domain == d.code]
        domains[d.code] = (
            None if any(p is None for p in parts) else sum(parts, Fraction(0)) / Fraction(d.weight)
        )
    return aspects, domains


def report_data(*, period: EvaluationPeriod, basis: str, opd: OPD | None = None) -> ReportData:
    """All figures of one report. `opd` narrows the indicator table and the
    recommendations to that OPD's indicators; the index stays the instansi's."""
    basis = Basis(basis)
    period = EvaluationPeriod.objects.select_related("instansi", "framework").get(pk=period.pk)
    cat = _catalogue(period.framework)
    spec = cat.spec
    level_field = BASIS_LEVEL_FIELD[basis]

    answers = {
        a.indicator_id: a
        for a in Answer.objects.filter(period=period)
        .select_related("opd")
        .only(
            "indicator_id",
            "state",
            "proposed_level",
            "validated_level",
            "final_level",
            "opd__id",
            "opd__code",
            "opd__name",
            "opd__short_name",
        )
    }
    responsible = {
        a.indicator_id: a.responsible_opd
        for a in Assignment.objects.filter(period=period).select_related("responsible_opd")
    }

    aspect_by_id = {a.id: a for a in cat.aspects}
    domain_by_id = {d.id: d for d in cat.domains}
    state_labels = dict(AnswerState.choices)
    rows: list[IndicatorRow] = []
    levels: dict[str, int | None] = {}
    criteria: dict[str, dict[int, str]] = {}
    for ind in cat.indicators:
        answer = answers.get(ind.id)
        # The answering OPD owns an indicator; an unanswered one belongs to the
        # OPD it is assigned to (as on the dashboard's OPD figures).
        owner = answer.opd if answer else responsible.get(ind.id)
        level = getattr(answer, level_field) if answer else None
        if level is not None and not spec.value_floor <= level <= spec.level_max:
            # Out of range counts as missing, as it does for the snapshots.
            level = None
        levels[ind.code] = level
        criteria[ind.code] = {c.level: c.text for c in ind.criteria.all()}
        aspect = aspect_by_id[ind.aspect_id]
        domain = domain_by_id.get(aspect.domain_id)
        state = answer.state if answer else ""
        rows.append(
            IndicatorRow(
                code=ind.code,
                name=ind.name,
                aspect_code=aspect.code,
                domain_code=domain.code if domain else None,
                weight=ind.weight,
                capability=ind.capability,
                self_level=answer.proposed_level if answer else None,
                validated_level=answer.validated_level if answer else None,
                final_level=answer.final_level if answer else None,
                level=level,
                level_name=cat.level_names.get((ind.capability, level), "") if level else "",
                state=state,
                state_label=str(state_labels.get(state, "")) if state else "",
                opd_id=owner.id if owner else None,
                opd_code=owner.code if owner else "",
                opd_name=owner.short_name if owner else "",
            )
        )

    result = _index_or_none(spec, levels)
    missing = [code for code, level in levels.items() if level is None]
    if result is not None:
        aspect_values = {code: s.value for code, s in result.aspects.items()}
        domain_values = {code: s.value for code, s in result.domains.items()}
    else:
        aspect_values, domain_values = _partial_scores(spec, levels)

    def score_row(obj, value, domain_code=None):
        return ScoreRow(
            code=obj.code,
            name=obj.name,
            weight=obj.weight,
            value=rounded(value),
            exact=None if value is None else scoring.exact_string(value),
            predicate=None if value is None else scoring.predicate(value, spec.bands),
            domain_code=domain_code,
        )

    domains = [score_row(d, domain_values.get(d.code)) for d in cat.domains]
    aspects = [
        score_row(
            a,
            aspect_values.get(a.code),
            domain_by_id[a.domain_id].code if a.domain_id in domain_by_id else None,
        )
        for a in cat.aspects
    ]

    opds = _opd_rows(spec, rows)
    opd_summary = None
    if opd is not None:
        rows_shown = [r for r in rows if r.opd_id == opd.id]
        opd_summary = next((o for o in opds if o.id == opd.id), None) or _opd_row(
            spec, opd.id, opd.code, opd.name, opd.short_name, []
        )
    else:
        rows_shown = rows

    target = period.target_index
    index = result.index if result else None
    return ReportData(
        period=period,
        basis=basis.value,
        basis_label=str(basis.label),
        opd=opd,
        generated_at=timezone.now(),
        level_min=spec.level_min,
        level_max=spec.level_max,
        complete=result is not None,
        missing=missing,
        index=rounded(index.value) if index else None,
        index_exact=index.exact_str if index else None,
        # The same digest the index snapshot stores: a reader can match the
        # report to the snapshot it agrees with.
        inputs_sha256=inputs_sha256(
            period.framework.code,
            period.framework.source_sha256,
            {code: level for code, level in levels.items() if level is not None},
        ),
        predicate=index.predicate if index else None,
        target_index=target,
        target_reached=(index.value >= Fraction(target)) if index and target is not None else None,
        domains=domains,
        aspects=aspects,
        indicators=rows_shown,
        opds=opds,
        trend=_trend(period, basis, spec),
        recommendations=_recommendations(spec, rows_shown, criteria, cat.level_names),
        opd_summary=opd_summary,
        external_waiting=_external_waiting(period, cat.indicators),
    )


def _external_waiting(period, indicators) -> list[str]:
    """No query for frameworks without external indicators (SPBE 2020)."""
    external = [i for i in indicators if i.external_source]
    if not external:
        return []
    entered = set(
        ExternalValue.objects.filter(period=period).values_list("indicator_id", flat=True)
    )
    return [i.code for i in external if i.pk not in entered]


def _opd_row(spec, opd_id, code, name, short_name, rows: list[IndicatorRow]) -> OpdRow:
    weight_of = {i.code: Fraction(i.weight) for i in spec.indicators}
    leveled = [r for r in rows if r.level is not None]
    weight_sum = sum((weight_of[r.code] for r in leveled), Fraction(0))
    weighted = sum((weight_of[r.code] * r.level for r in leveled), Fraction(0))
    open_ = sum((weight_of[r.code] * (spec.level_max - r.level) for r in leveled), Fraction(0))
    # An indicator without a level is open from the bottom of the scale.
    open_ += sum(
        (weight_of[r.code] * (spec.level_max - spec.value_floor) for r in rows if r.level is None),
        Fraction(0),
    )
    return OpdRow(
        id=opd_id,
        code=code,
        name=name,
        short_name=short_name,
        indicators=len(rows),
        submitted=sum(1 for r in rows if r.state in (AnswerState.SUBMITTED, AnswerState.VALIDATED)),
        validated=sum(1 for r in rows if r.state == AnswerState.VALIDATED),
        missing=len(rows) - len(leveled),
        average_level=rounded(weighted / weight_sum) if weight_sum else None,
        points=points(weighted / HUNDRED),
        open_points=points(open_ / HUNDRED),
    )


def _opd_rows(spec, rows: list[IndicatorRow]) -> list[OpdRow]:
    """OPDs holding indicators, those with the most open points first."""
    by_opd: dict[int, list[IndicatorRow]] = defaultdict(list)
    for row in rows:
        if row.opd_id is not None:
            by_opd[row.opd_id].append(row)
    # Names come from the rows themselves: no extra query.
    result = []
    for opd_id, opd_rows in by_opd.items():
        first = opd_rows[0]
        result.append(
            _opd_row(spec, opd_id, first.opd_code, first.opd_name, first.opd_name, opd_rows)
        )
    result.sort(key=lambda o: (-o.open_points, o.short_name))
    return result


def _trend(period: EvaluationPeriod, basis: str, spec) -> list[TrendRow]:
    """The instansi's index over the years up to this period, on all three
    bases, in two queries plus the structure of any other framework."""
    periods = list(
        EvaluationPeriod.objects.filter(instansi_id=period.instansi_id, year__lte=period.year)
        .select_related("framework")
        .order_by("year")
    )
    by_period: dict[int, dict[str, dict[str, int | None]]] = defaultdict(
        lambda: {b: {} for b in BASIS_LEVEL_FIELD}
    )
    for period_id, code, *values in Answer.objects.filter(
        period__in=[p.id for p in periods]
    ).values_list("period_id", "indicator__code", *BASIS_LEVEL_FIELD.values()):
        for b, value in zip(BASIS_LEVEL_FIELD, values, strict=True):
            by_period[period_id][b][code] = value
    specs = {period.framework_id: spec}
    rows = []
    for p in periods:
        if p.framework_id not in specs:
            specs[p.framework_id] = p.framework.to_spec()
        p_spec = specs[p.framework_id]
        results = {b: _index_or_none(p_spec, by_period[p.id][b]) for b in BASIS_LEVEL_FIELD}
        shown = {b: rounded(r.index.value) if r else None for b, r in results.items()}
        own = results[Basis(basis)]
        rows.append(
            TrendRow(
                year=p.year,
                self_index=shown[Basis.SELF],
                validated_index=shown[Basis.VALIDATED],
                final_index=shown[Basis.FINAL],
                index=shown[Basis(basis)],
                predicate=own.index.predicate if own else None,
                is_current=p.id == period.id,
                framework_name=p.framework.name,
                instrument=timeline.instrument_label(p.framework),
            )
        )
    return rows


def _recommendations(spec, rows, criteria, level_names) -> list[Recommendation]:
    """Indicators that can still rise, the largest gain per raise first, each
    with the criteria of its next level."""
    weight_of = {i.code: Fraction(i.weight) for i in spec.indicators}
    items = []
    for row in rows:
        if row.level is not None and row.level >= spec.level_max:
            continue
        next_level = spec.level_min if row.level is None else row.level + 1
        items.append(
            (
                -weight_of[row.code],
                row.level or 0,
                Recommendation(
                    code=row.code,
                    name=row.name,
                    opd_name=row.opd_name,
                    level=row.level,
                    next_level=next_level,
                    next_level_name=level_names.get((row.capability, next_level), ""),
                    criterion=criteria[row.code].get(next_level, ""),
                    gain=points(weight_of[row.code] / HUNDRED),
                ),
            )
        )
    items.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in items]
