"""Everything a report shows for one period, basis and (optionally) OPD,
gathered in a fixed number of queries and computed with the scoring engine.

The result is plain data (dataclasses of Decimals and strings) so that the PDF
templates and the Excel writer show the very same numbers. Every figure is the
engine's (`indicators.scoring`) and the OPD figures are `reports.figures`',
the very ones the dashboard shows; values are rounded only here, half-up from
the exact value, with `scoring.rounded`.

An OPD report holds only what that OPD's officers may see: its own
indicators, figures and recommendations. The instansi's index, domains,
aspects, trend and the other OPDs stay out of it (officers cannot read the
instansi's results).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from django.db.models import Prefetch
from django.utils import timezone

from assessments.models import (
    OPD,
    Answer,
    AnswerState,
    EvaluationPeriod,
    EvidenceFile,
    EvidenceLink,
    ExternalValue,
)
from indicators import scoring
from indicators.bases import BASES, LEVEL_FIELD
from indicators.models import Aspect, Domain, Indicator, LevelName
from reports import timeline
from reports.figures import (
    IndicatorStanding,
    OPDFigures,
    opd_figures,
    period_standings,
    ranked_by_open_points,
)
from reports.models import Basis
from reports.snapshots import inputs_sha256


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
    explanation: str = ""
    evidence: tuple[str, ...] = ()  # file names and links, not withdrawn


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
    average_level: Decimal | None  # an average level, never an index
    points: Decimal  # scoring.POINTS_PLACES, as open_points
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
    gain: Decimal  # index points one raise adds (scoring.POINTS_PLACES)


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
    def previous_year(self) -> TrendRow | None:
        """Last year's row on the report's basis when it is comparable (the
        same instrument and an index), for the change on page one."""
        rows = [r for r in self.trend if not r.is_current]
        current = next((r for r in self.trend if r.is_current), None)
        if not rows or current is None or rows[-1].index is None:
            return None
        return rows[-1] if rows[-1].instrument == current.instrument else None

    @property
    def change(self) -> Decimal | None:
        """The change from last year, from the two displayed (rounded) values
        as the reader can check them on the page."""
        previous = self.previous_year
        if previous is None or self.index is None:
            return None
        return self.index - previous.index

    @property
    def top_recommendations(self) -> list[Recommendation]:
        """The five raises that gain most: the planner's order (largest
        weight first, then the lower level, then framework order)."""
        return self.recommendations[:5]

    @property
    def index_display(self) -> str:
        """The index as the snapshots store it ("3.79"), or empty."""
        return f"{self.index:.2f}" if self.index is not None else ""

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


def _answers(period) -> dict[int, Answer]:
    """The answers' own words and evidence for the indicator table (levels
    and owners come from the standings, as on the dashboard)."""
    return {
        a.indicator_id: a
        for a in Answer.objects.filter(period=period)
        .only("indicator_id", "explanation")
        .prefetch_related(
            Prefetch(
                "evidence_files",
                queryset=EvidenceFile.objects.filter(withdrawn_at__isnull=True).only(
                    "answer_id", "original_name"
                ),
            ),
            Prefetch(
                "evidence_links",
                queryset=EvidenceLink.objects.filter(withdrawn_at__isnull=True).only(
                    "answer_id", "url"
                ),
            ),
        )
    }


def _indicator_rows(
    cat: _Catalogue,
    standings: Mapping[str, IndicatorStanding],
    answers: Mapping[int, Answer],
    owners: Mapping[int, OPD],
    basis: str,
) -> list[IndicatorRow]:
    spec = cat.spec
    aspect_by_id = {a.id: a for a in cat.aspects}
    domain_by_id = {d.id: d for d in cat.domains}
    state_labels = dict(AnswerState.choices)
    rows = []
    for ind in cat.indicators:
        standing = standings.get(ind.code)
        levels = standing.levels if standing else {}
        level = levels.get(basis)
        level = level if spec.admits(level) else None  # out of range counts as missing
        owner = owners.get(standing.opd_id) if standing else None
        answer = answers.get(ind.id)
        aspect = aspect_by_id[ind.aspect_id]
        domain = domain_by_id.get(aspect.domain_id)
        state = (standing.state if standing else None) or ""
        rows.append(
            IndicatorRow(
                code=ind.code,
                name=ind.name,
                aspect_code=aspect.code,
                domain_code=domain.code if domain else None,
                weight=ind.weight,
                capability=ind.capability,
                self_level=levels.get(Basis.SELF),
                validated_level=levels.get(Basis.VALIDATED),
                final_level=levels.get(Basis.FINAL),
                level=level,
                level_name=cat.level_names.get((ind.capability, level), "") if level else "",
                state=state,
                state_label=str(state_labels.get(state, "")) if state else "",
                opd_id=owner.id if owner else None,
                opd_code=owner.code if owner else "",
                opd_name=owner.short_name if owner else "",
                explanation=answer.explanation if answer else "",
                evidence=_evidence(answer),
            )
        )
    return rows


def _evidence(answer: Answer | None) -> tuple[str, ...]:
    if answer is None:
        return ()
    files = [f.original_name for f in answer.evidence_files.all()]
    return (*files, *(link.url for link in answer.evidence_links.all()))


def _score_row(obj, score: scoring.Score | None, domain_code=None) -> ScoreRow:
    return ScoreRow(
        code=obj.code,
        name=obj.name,
        weight=obj.weight,
        value=scoring.rounded(score.value) if score else None,
        exact=score.exact_str if score else None,
        predicate=score.predicate if score else None,
        domain_code=domain_code,
    )


def _opd_row(opd: OPD, fig: OPDFigures) -> OpdRow:
    return OpdRow(
        id=opd.id,
        code=opd.code,
        name=opd.name,
        short_name=opd.short_name,
        indicators=fig.assigned,
        submitted=fig.submitted,
        validated=fig.validated,
        missing=len(fig.missing),
        average_level=scoring.rounded(fig.weighted_average),
        points=scoring.rounded(fig.points, scoring.POINTS_PLACES),
        open_points=scoring.rounded(fig.open_points, scoring.POINTS_PLACES),
    )


def report_data(*, period: EvaluationPeriod, basis: str, opd: OPD | None = None) -> ReportData:
    """All figures of one report: the instansi's, or with `opd` only that
    OPD's (see the module docstring)."""
    basis = Basis(basis).value
    period = EvaluationPeriod.objects.select_related("instansi", "framework").get(pk=period.pk)
    cat = _catalogue(period.framework)
    standings = period_standings(period.pk)
    owners = OPD.objects.in_bulk({s.opd_id for s in standings.values()})
    rows = _indicator_rows(cat, standings, _answers(period), owners, basis)
    figures = opd_figures(cat.spec, standings.values(), basis)
    criteria = {ind.code: {c.level: c.text for c in ind.criteria.all()} for ind in cat.indicators}
    waiting = _external_waiting(period, cat.indicators)
    common = {
        "period": period,
        "basis": basis,
        "basis_label": str(Basis(basis).label),
        "opd": opd,
        "generated_at": timezone.now(),
        "level_min": cat.spec.level_min,
        "level_max": cat.spec.level_max,
    }
    if opd is not None:
        rows = [r for r in rows if r.opd_id == opd.id]
        empty = scoring.contribution(cat.spec, {}, ())
        own = figures.get(opd.id) or OPDFigures(opd.id, empty, 0, 0, 0)
        return ReportData(
            **common,
            complete=not own.missing,
            missing=list(own.missing),
            index=None,
            index_exact=None,
            inputs_sha256="",
            predicate=None,
            target_index=None,
            target_reached=None,
            indicators=rows,
            recommendations=_recommendations(cat, rows, criteria),
            opd_summary=_opd_row(opd, own),
            external_waiting=[code for code in waiting if any(r.code == code for r in rows)],
        )
    return _instansi_report(common, cat, rows, figures, owners, criteria, waiting)


def _instansi_report(common, cat, rows, figures, owners, criteria, waiting) -> ReportData:
    spec, period = cat.spec, common["period"]
    levels = {r.code: r.level for r in rows if r.level is not None}
    result = scoring.compute_partial(spec, levels)
    domain_by_id = {d.id: d for d in cat.domains}
    index, target = result.index, period.target_index
    ranked = ranked_by_open_points(figures, {k: o.short_name for k, o in owners.items()})
    return ReportData(
        **common,
        complete=result.complete,
        missing=list(result.missing),
        index=scoring.rounded(index.value) if index else None,
        index_exact=index.exact_str if index else None,
        # The same digest the index snapshot stores: a reader can match the
        # report to the snapshot it agrees with.
        inputs_sha256=inputs_sha256(period.framework.code, period.framework.source_sha256, levels),
        predicate=index.predicate if index else None,
        target_index=target,
        target_reached=(index.value >= Fraction(target)) if index and target is not None else None,
        domains=[_score_row(d, result.domains.get(d.code)) for d in cat.domains],
        aspects=[
            _score_row(
                a,
                result.aspects.get(a.code),
                domain_by_id[a.domain_id].code if a.domain_id in domain_by_id else None,
            )
            for a in cat.aspects
        ],
        indicators=rows,
        opds=[_opd_row(owners[fig.opd_id], fig) for fig in ranked],
        trend=_trend(period, common["basis"], spec),
        recommendations=_recommendations(cat, rows, criteria),
        external_waiting=waiting,
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


def _trend(period: EvaluationPeriod, basis: str, spec) -> list[TrendRow]:
    """The instansi's index over the years up to this period, on all three
    bases, in two queries plus the structure of any other framework."""
    periods = list(
        EvaluationPeriod.objects.filter(instansi_id=period.instansi_id, year__lte=period.year)
        .select_related("framework")
        .order_by("year")
    )
    by_period: dict[int, dict[str, dict[str, int | None]]] = defaultdict(
        lambda: {b: {} for b in BASES}
    )
    for period_id, code, *values in Answer.objects.filter(
        period__in=[p.id for p in periods]
    ).values_list("period_id", "indicator__code", *LEVEL_FIELD.values()):
        for b, value in zip(BASES, values, strict=True):
            by_period[period_id][b][code] = value
    specs = {period.framework_id: spec}
    rows = []
    for p in periods:
        if p.framework_id not in specs:
            specs[p.framework_id] = p.framework.to_spec()
        p_spec = specs[p.framework_id]
        results = {b: scoring.compute_partial(p_spec, by_period[p.id][b]).index for b in BASES}
        shown = {b: scoring.rounded(r.value) if r else None for b, r in results.items()}
        own = results[basis]
        rows.append(
            TrendRow(
                year=p.year,
                self_index=shown[Basis.SELF],
                validated_index=shown[Basis.VALIDATED],
                final_index=shown[Basis.FINAL],
                index=shown[basis],
                predicate=own.predicate if own else None,
                is_current=p.id == period.id,
                framework_name=p.framework.name,
                instrument=timeline.instrument_label(p.framework),
            )
        )
    return rows


def _recommendations(cat: _Catalogue, rows, criteria) -> list[Recommendation]:
    """Indicators that can still rise, the largest gain per raise first (then
    the lower level, then framework order), each with its next criteria."""
    spec = cat.spec
    weight_of = {i.code: Fraction(i.weight) for i in spec.indicators}
    items = []
    for row in rows:
        if row.level is not None and row.level >= spec.level_max:
            continue
        next_level = spec.level_min if row.level is None else row.level + 1
        recommendation = Recommendation(
            code=row.code,
            name=row.name,
            opd_name=row.opd_name,
            level=row.level,
            next_level=next_level,
            next_level_name=cat.level_names.get((row.capability, next_level), ""),
            criterion=criteria[row.code].get(next_level, ""),
            gain=scoring.rounded(weight_of[row.code] / scoring.HUNDRED, scoring.POINTS_PLACES),
        )
        items.append((-weight_of[row.code], row.level or 0, recommendation))
    items.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in items]
