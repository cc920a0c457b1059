"""The results dashboard for leadership, reviewers and administrators of an
instansi: index, domains and aspects, trend, the three bases side by side,
OPD progress and open points. Numbers come from stored snapshots; a missing
or stale snapshot is shown as "being computed", never computed in the request."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from kombu.exceptions import OperationalError as BrokerError

from assessments.access import (
    INSTANSI_WIDE_ROLES,
    can_read_results,
    get_visible_or_404,
    scope_for,
    visible_periods,
)
from assessments.external import external_waiting_codes
from assessments.models import OPD, EvaluationPeriod, PeriodState, Role
from indicators import scoring
from reports import timeline
from reports.dashboard_cache import cached_fragment
from reports.dashboard_charts import dashboard_charts, trend_chart
from reports.figures import (
    opd_figures,
    period_standings,
    ranked_by_open_points,
    standing_levels,
)
from reports.models import Basis, IndexSnapshot
from reports.snapshots import BASES, current_digests
from reports.tasks import snapshot_enqueue_now
from reports.templatetags.report_numbers import angka, poin

logger = logging.getLogger(__name__)

# The basis shown first: the most authoritative one that has a result.
PREFERENCE = (Basis.FINAL, Basis.VALIDATED, Basis.SELF)


def without_drafts(user, periods):
    """A draft period is one an administrator is still preparing: only the
    instansi's administrators see it among results and reports until it is
    opened, so leadership never reads a year that has not begun."""
    scope = scope_for(user)
    if scope.is_superuser:
        return periods
    return periods.filter(
        ~Q(state=PeriodState.DRAFT) | Q(instansi_id__in=scope.instansi_ids(Role.ADMINISTRATOR))
    )


def readable_period_or_404(user, instansi: str, year: int) -> EvaluationPeriod:
    """404 for a period the user cannot see at all, 403 for one they see
    but whose results they may not read (officers)."""
    period = get_visible_or_404(
        without_drafts(user, visible_periods(user)).select_related("instansi", "framework"),
        instansi__code=instansi,
        year=year,
    )
    if not can_read_results(user, period.instansi_id):
        raise PermissionDenied
    return period


def readable_periods_or_404(
    user, instansi: str, year: int
) -> tuple[EvaluationPeriod, list[EvaluationPeriod]]:
    """readable_period_or_404's period, with every period of its instansi
    the user may list, by year, in one query: visible_periods filters by
    instansi, so whoever sees one period of an instansi sees them all."""
    periods = list(
        without_drafts(user, visible_periods(user))
        .filter(instansi__code=instansi)
        .select_related("instansi", "framework")
        .order_by("year")
    )
    period = next((p for p in periods if p.year == year), None)
    if period is None:
        raise Http404
    if not can_read_results(user, period.instansi_id):
        raise PermissionDenied
    return period, periods


class Named(NamedTuple):
    """A domain, an aspect or an OPD as the dashboard names it."""

    code: str
    name: str
    short_name: str = ""


def as_decimal(display: str | None) -> Decimal | None:
    return Decimal(display) if display else None


@dataclass
class BasisCard:
    basis: str
    label: str
    snapshot: IndexSnapshot | None
    fresh: bool

    @property
    def status(self) -> str:
        if self.snapshot is None or not self.fresh:
            return "computing"
        return "complete" if self.snapshot.complete else "incomplete"

    @property
    def index(self) -> Decimal | None:
        return as_decimal(self.snapshot.index_display) if self.snapshot else None


def basis_cards(period, snapshots, digests) -> dict[str, BasisCard]:
    cards = {}
    for basis in BASES:
        snap = snapshots.get((period.pk, basis))
        fresh = snap is not None and snap.inputs_sha256 == digests.get(basis)
        cards[basis] = BasisCard(basis=basis, label=Basis(basis).label, snapshot=snap, fresh=fresh)
    return cards


def chosen_basis(requested: str | None, cards: dict[str, BasisCard]) -> str:
    if requested in BASES:
        return requested
    for basis in PREFERENCE:
        card = cards[basis]
        if card.snapshot is not None and card.snapshot.complete:
            return basis
    return Basis.SELF


def score_rows(items, values: dict) -> list[dict]:
    rows = []
    for item in items:
        value = values.get(item.code) or {}
        rows.append(
            {
                "code": item.code,
                "name": item.name,
                "value": as_decimal(value.get("display")),
                "predicate": value.get("predicate", ""),
            }
        )
    return rows


def _provisional(spec, snapshot, domains, aspects):
    """The provisional index of an incomplete snapshot with its coverage, and
    domain and aspect rows from the answered indicators (no predicate: a
    provisional value is not graded)."""
    found = scoring.provisional(spec, snapshot.levels)

    def rows(items, values):
        return [
            {
                "code": item.code,
                "name": item.name,
                "value": scoring.rounded(values.get(item.code)),
                "predicate": "",
            }
            for item in items
        ]

    summary = {
        "index": scoring.rounded(found.index),
        "answered": found.answered,
        "total": found.total,
        "weight": scoring.rounded(found.weight_share),
    }
    return summary, rows(domains, found.domains), rows(aspects, found.aspects)


@login_required
@require_GET
def results_home(request):
    """The latest period with results that the user may read (an open year
    with nothing computed yet would greet leadership with empty cards), or
    else the latest period they may read at all."""
    scope = scope_for(request.user)
    periods = without_drafts(request.user, visible_periods(request.user))
    if not scope.is_superuser:
        periods = periods.filter(instansi_id__in=scope.instansi_ids(*INSTANSI_WIDE_ROLES))
    results = IndexSnapshot.objects.filter(period=OuterRef("pk"), complete=True)
    period = (
        periods.annotate(has_results=Exists(results))
        .select_related("instansi")
        .order_by("-has_results", "-year", "instansi__name")
        .first()
    )
    if period is None:
        raise PermissionDenied
    return redirect("reports:dashboard", instansi=period.instansi.code, year=period.year)


@login_required
@require_GET
def dashboard(request, instansi: str, year: int):
    period, periods = readable_periods_or_404(request.user, instansi, year)
    framework = period.framework
    snapshots = {
        (s.period_id, s.basis): s
        for s in IndexSnapshot.objects.filter(period__instansi_id=period.instansi_id)
    }
    standings = period_standings(period.pk)
    cards = basis_cards(
        period, snapshots, current_digests(period, standing_levels(standings.values()))
    )
    basis = chosen_basis(request.GET.get("basis"), cards)
    trend = _trend(periods, snapshots, period)
    opds = _opd_names({s.opd_id for s in standings.values()})
    # Everything the figures are drawn from (reports/dashboard_cache.py).
    inputs = (
        period.pk,
        period.target_index,
        period.instansi.code,
        basis,
        [
            (p.pk, p.year, p.framework_id, p.framework.revision, p.framework.loaded_at)
            for p in periods
        ],
        sorted(
            (s.pk, s.period_id, s.basis, s.inputs_sha256, s.computed_at, s.complete)
            for s in snapshots.values()
        ),
        standings,
        opds,
    )
    figures = cached_fragment(
        inputs,
        lambda: render_to_string(
            "reports/partials/dashboard_figures.html",
            _figures_context(period, cards, basis, trend, standings, opds),
            request=request,
        ),
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "period": period,
            "basis": basis,
            "bases": [(b, Basis(b).label) for b in BASES],
            "any_stale": any(not c.fresh for c in cards.values()),
            "trend": trend,
            "index_label": timeline.instrument_label(framework),
            "external_waiting": external_waiting_codes(period),
            "figures": figures,
        },
    )


def _figures_context(period, cards, basis, trend, standings, opds) -> dict:
    """What reports/partials/dashboard_figures.html shows: the work a cached
    fragment saves."""
    framework = period.framework
    main = cards[basis]
    spec = framework.to_spec()
    # Codes and names are all the page shows of them: no model instances.
    domain_names, aspect_names = framework.outline()
    domains = [Named(*row) for row in domain_names]
    aspects = [Named(*row) for row in aspect_names]

    main_values = main.snapshot if main.snapshot and main.snapshot.complete else None
    domain_rows = score_rows(domains, main_values.domains if main_values else {})
    aspect_rows = score_rows(aspects, main_values.aspects if main_values else {})
    provisional = None
    if main.status == "incomplete":
        # Mid-round: the charts fill from the answered indicators, labelled so.
        provisional, domain_rows, aspect_rows = _provisional(spec, main.snapshot, domains, aspects)

    index_label = timeline.instrument_label(framework)
    comparison = _comparison(domains, cards, index_label)
    mixed = timeline.mixes_instruments(row["framework"] for row in trend)
    opd_rows = _opd_rows(standings.values(), spec, basis, opds)
    charts = dashboard_charts(
        basis,
        spec.level_max,
        cards=cards,
        domain_rows=domain_rows,
        aspect_rows=aspect_rows,
        comparison=comparison,
        trend=trend_chart(trend, basis, mixed, spec.level_max),
        opd_rows=opd_rows,
    )
    return {
        "period": period,
        "basis": basis,
        "bases": [(b, Basis(b).label) for b in BASES],
        "cards": [cards[b] for b in BASES],
        "main": main,
        "provisional": provisional,
        "domain_rows": domain_rows,
        "aspect_rows": aspect_rows,
        "comparison": comparison,
        "trend": trend,
        "progress": opd_rows["progress"],
        "ranking": opd_rows["ranking"],
        "charts": charts,
        "level_max": spec.level_max,
        "index_label": index_label,
        "below_scale_label": timeline.below_scale_label(framework),
        "mixed_instruments": mixed,
    }


def _comparison(domains, cards, index_label) -> list[dict]:
    def value(card, code=None):
        snap = card.snapshot
        if snap is None or not snap.complete:
            return None
        if code is None:
            return as_decimal(snap.index_display)
        return as_decimal((snap.domains.get(code) or {}).get("display"))

    rows = [{"label": index_label, "values": [value(cards[b]) for b in BASES]}]
    rows += [
        {"label": f"{d.code} {d.name}", "values": [value(cards[b], d.code) for b in BASES]}
        for d in domains
    ]
    for row in rows:
        row["shown"] = [angka(v) for v in row["values"]]
    return rows


def _trend(periods, snapshots, period) -> list[dict]:
    """One row per period, with what the template writes ready: its
    dashboard's link (the period picker reuses it) and the values formatted
    once here rather than by a filter per cell."""
    rows = []
    for p in periods:
        values = []
        for basis in BASES:
            snap = snapshots.get((p.pk, basis))
            values.append(as_decimal(snap.index_display) if snap and snap.complete else None)
        rows.append(
            {
                "period": p,
                "current": p.pk == period.pk,
                "url": reverse(
                    "reports:dashboard",
                    kwargs={"instansi": period.instansi.code, "year": p.year},
                ),
                "framework": p.framework,
                "instrument": timeline.instrument_label(p.framework),
                "values": values,
                "shown": [angka(v) for v in values],
            }
        )
    return rows


def _opd_names(opd_ids) -> dict[int, Named]:
    return {
        pk: Named(code, name, short_name)
        for pk, code, name, short_name in OPD.objects.filter(pk__in=opd_ids)
        .order_by("pk")  # a stable order for the cache key; the default joins the instansi
        .values_list("pk", "code", "name", "short_name")
    }


def _opd_rows(standings, spec, basis, opds) -> dict[str, list[dict]]:
    figures = opd_figures(spec, standings, basis)
    progress = []
    for fig in sorted(figures.values(), key=lambda f: opds[f.opd_id].short_name):
        # A submitted answer normally has a level; max() keeps odd data from going negative.
        filled = max(fig.answered, fig.submitted)
        progress.append(
            {
                "opd": opds[fig.opd_id],
                "assigned": fig.assigned,
                "answered": fig.answered,
                "submitted": fig.submitted,
                "validated": fig.validated,
                "submitted_only": fig.submitted - fig.validated,
                "draft": filled - fig.submitted,
                "empty": fig.assigned - filled,
                "validated_pct": round(100 * fig.validated / fig.assigned) if fig.assigned else 0,
            }
        )
    ranking = []
    for fig in ranked_by_open_points(figures, {k: o.short_name for k, o in opds.items()}):
        open_points = scoring.rounded(fig.open_points, scoring.POINTS_PLACES)
        ranking.append(
            {
                "opd": opds[fig.opd_id],
                "assigned": fig.assigned,
                "open_points": open_points,
                # Formatted here once, not by a filter per cell.
                "shown": (
                    angka(scoring.rounded(fig.weighted_average)),
                    poin(scoring.rounded(fig.points, scoring.POINTS_PLACES)),
                    poin(open_points),
                ),
                "missing": ", ".join(fig.missing) or "—",
            }
        )
    return {"progress": progress, "ranking": ranking}


@login_required
@require_POST
def recompute(request, instansi: str, year: int):
    period = readable_period_or_404(request.user, instansi, year)
    try:
        snapshot_enqueue_now(period_id=period.pk)
    except BrokerError:
        logger.warning("Recompute of period %s not queued: broker unavailable", period.pk)
        messages.error(
            request,
            _("Antrean perhitungan sedang tidak tersedia. Coba lagi beberapa saat lagi."),
        )
    else:
        messages.info(
            request,
            _("Perhitungan ulang indeks dijadwalkan. Muat ulang halaman ini sebentar lagi."),
        )
    url = reverse("reports:dashboard", kwargs={"instansi": instansi, "year": year})
    basis = request.POST.get("basis")
    return redirect(f"{url}?basis={basis}" if basis in BASES else url)
