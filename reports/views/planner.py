"""The improvement planner page and its what-if form. Both only read: a plan
or a hand-tried level set is computed in memory and never saved."""

from __future__ import annotations

from fractions import Fraction

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.models import Assignment
from indicators import scoring
from indicators.models import Indicator
from reports import planner as planning
from reports.models import Basis
from reports.snapshots import BASES, gather_levels
from reports.views.dashboard import readable_period_or_404

PREFERENCE = (Basis.FINAL, Basis.VALIDATED, Basis.SELF)


class PlannerInput:
    """What the page works on: the period's levels on one basis, with any
    missing level assumed at the framework's lowest (and said so)."""

    def __init__(self, period, requested_basis: str | None):
        self.period = period
        self.spec = period.framework.to_spec()
        gathered = gather_levels(period.pk)
        if requested_basis in BASES:
            self.basis = requested_basis
        else:
            codes = set(self.spec.indicator_codes)
            self.basis = next(
                (b for b in PREFERENCE if codes <= set(gathered[b])), Basis.SELF.value
            )
        own = gathered[self.basis]
        # Out-of-range stored levels cannot be planned from; treat them as missing.
        own = scoring.usable_levels(self.spec, own)
        self.assumed = [c for c in self.spec.indicator_codes if c not in own]
        self.levels = {c: own.get(c, self.spec.value_floor) for c in self.spec.indicator_codes}
        self.current = scoring.compute(self.spec, self.levels)
        self.indicators = list(
            Indicator.objects.filter(framework_id=period.framework_id)
            .select_related("aspect")
            .prefetch_related("criteria")
            .order_by("position")
        )


def default_target(data: PlannerInput) -> tuple[str, str]:
    """The period's target when still ahead, else the next predicate band."""
    current = data.current.index.value
    target = data.period.target_index
    if target is not None and Fraction(target) > current:
        return "value", str(target)
    for band in sorted(data.spec.bands, key=lambda b: b.lower):
        if not band.admits(current):
            return "predicate", band.label
    return "value", str(data.spec.level_max)


def read_target(request, data: PlannerInput):
    kind = request.GET.get("target_kind")
    if kind not in ("value", "predicate"):
        kind, text = default_target(data)
    else:
        text = request.GET.get("predicate" if kind == "predicate" else "target", "")
    if kind == "predicate":
        return kind, text, planning.target_from_predicate(data.spec, text)
    return kind, text, planning.parse_target(text, data.spec)


def result_context(spec, result: scoring.IndexResult, framework) -> dict:
    domains = {d.code: d.name for d in framework.domains.all()}
    aspects = {a.code: a.name for a in framework.aspects.all()}

    def rows(scores, names):
        return [
            {
                "code": code,
                "name": names.get(code, ""),
                "value": scoring.rounded(score.value),
                "predicate": score.predicate or "",
            }
            for code, score in scores.items()
        ]

    return {
        "index": scoring.rounded(result.index.value),
        "predicate": result.index.predicate or "",
        "domains": rows(result.domains, domains),
        "aspects": rows(result.aspects, aspects),
    }


def raise_rows(data: PlannerInput, plan: planning.Plan) -> list[dict]:
    by_code = {i.code: i for i in data.indicators}
    owners = dict(
        Assignment.objects.filter(
            period_id=data.period.pk, indicator__code__in=[r.indicator for r in plan.raises]
        ).values_list("indicator__code", "responsible_opd__short_name")
    )
    rows = []
    for r in plan.raises:
        indicator = by_code[r.indicator]
        criteria = [c for c in indicator.criteria.all() if r.from_level < c.level <= r.to_level]
        rows.append(
            {
                "raise": r,
                "indicator": indicator,
                "criteria": criteria,
                "owner": owners.get(r.indicator, ""),
                "gain": scoring.rounded(r.gain, scoring.POINTS_PLACES),
            }
        )
    return rows


def planner_context(request, data: PlannerInput) -> tuple[dict, int]:
    context = {
        "period": data.period,
        "basis": data.basis,
        "bases": [(b, Basis(b).label) for b in BASES],
        "assumed": data.assumed,
        "current": result_context(data.spec, data.current, data.period.framework),
        "bands": sorted(data.spec.bands, key=lambda b: b.lower),
        "level_range": range(data.spec.value_floor, data.spec.level_max + 1),
        "indicator_levels": [(i, data.levels[i.code]) for i in data.indicators],
    }
    try:
        kind, text, target = read_target(request, data)
    except planning.PlanError as exc:
        context.update(error=str(exc), target_kind=request.GET.get("target_kind"))
        context["target_text"] = request.GET.get("target", "")
        context["target_predicate"] = request.GET.get("predicate", "")
        return context, 400
    plan = planning.plan(data.spec, data.levels, target)
    context.update(
        target_kind=kind,
        target_text=text if kind == "value" else "",
        target_predicate=text if kind == "predicate" else "",
        target=scoring.rounded(plan.target),
        plan=plan,
        raises=raise_rows(data, plan),
        result=result_context(data.spec, plan.result, data.period.framework)
        if plan.reachable
        else None,
    )
    return context, 200


@login_required
@require_GET
def planner(request, instansi: str, year: int):
    period = readable_period_or_404(request.user, instansi, year)
    data = PlannerInput(period, request.GET.get("basis"))
    context, status = planner_context(request, data)
    return render(request, "reports/planner.html", context, status=status)


def read_levels(request, data: PlannerInput) -> dict[str, int]:
    """The hand-tried levels; anything not sent keeps its current level."""
    tried = dict(data.levels)
    for code in data.spec.indicator_codes:
        raw = request.GET.get(f"level-{code}")
        if raw is None or raw.strip() == "":
            continue
        try:
            level = int(raw)
        except ValueError:
            raise planning.PlanError(
                _("Indikator %(code)s: %(value)r bukan tingkat.") % {"code": code, "value": raw}
            ) from None
        if not data.spec.admits(level):
            raise planning.PlanError(
                _("Indikator %(code)s: tingkat harus %(low)s–%(high)s.")
                % {"code": code, "low": data.spec.value_floor, "high": data.spec.level_max}
            )
        tried[code] = level
    return tried


@login_required
@require_GET
def what_if(request, instansi: str, year: int):
    period = readable_period_or_404(request.user, instansi, year)
    data = PlannerInput(period, request.GET.get("basis"))
    status = 200
    try:
        tried = read_levels(request, data)
    except planning.PlanError as exc:
        whatif = {"error": str(exc)}
        status = 400
    else:
        result = planning.what_if(data.spec, data.levels, tried)
        whatif = {
            "result": result_context(data.spec, result, period.framework),
            "changed": [
                (i, data.levels[i.code], tried[i.code])
                for i in data.indicators
                if tried[i.code] != data.levels[i.code]
            ],
            "delta": scoring.rounded(
                result.index.value - data.current.index.value, scoring.POINTS_PLACES
            ),
        }
    if request.headers.get("HX-Request"):
        # htmx does not swap error responses by default; the message is the content.
        return render(request, "reports/partials/what_if_result.html", {"whatif": whatif})
    context, plan_status = planner_context(request, data)
    context["whatif"] = whatif
    return render(request, "reports/planner.html", context, status=max(status, plan_status))
