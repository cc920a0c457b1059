"""The landing page: what each of the user's roles has to do next.

One panel per role the user holds: officers their open periods' progress,
reviewers their queue, leadership the latest index per basis, administrators
their periods. The number of queries does not depend on how many periods,
answers or snapshots there are."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments import access
from assessments.models import Answer, AnswerState, EvaluationPeriod, PeriodState, Role

CURRENT_PERIOD_STATES = (PeriodState.OPEN, PeriodState.IN_REVIEW)
DONE_STATES = (AnswerState.SUBMITTED, AnswerState.VALIDATED)
ADMIN_PERIODS_SHOWN = 8


def _officer_periods(scope) -> list[dict]:
    """Progress of the user's own OPDs in every period still being filled or reviewed."""
    rows = (
        Answer.objects.filter(
            opd_id__in=scope.officer_opds, period__state__in=CURRENT_PERIOD_STATES
        )
        .values("period_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(state__in=DONE_STATES)),
            returned=Count("pk", filter=Q(state=AnswerState.RETURNED)),
        )
        .order_by()
    )
    counts = {row["period_id"]: row for row in rows}
    periods = EvaluationPeriod.objects.filter(pk__in=counts).select_related("instansi")
    now = timezone.now()
    result = []
    for period in sorted(periods, key=lambda p: (-p.year, p.instansi.name)):
        row = counts[period.pk]
        result.append(
            {
                "period": period,
                "total": row["total"],
                "done": row["done"],
                "returned": row["returned"],
                "percent": round(100 * row["done"] / row["total"]) if row["total"] else 0,
                "open": period.accepts_answers(now),
            }
        )
    return result


def _review_queue(user) -> list[dict]:
    """Submitted answers waiting for a decision, per period still under review."""
    rows = (
        access.reviewable_answers(user)
        .filter(state=AnswerState.SUBMITTED, period__state__in=CURRENT_PERIOD_STATES)
        .values("period_id", "period__year", "period__instansi__name")
        .annotate(waiting=Count("pk"))
        .order_by("-period__year", "period__instansi__name")
    )
    return [
        {
            "period_id": row["period_id"],
            "year": row["period__year"],
            "instansi": row["period__instansi__name"],
            "waiting": row["waiting"],
        }
        for row in rows
    ]


def _latest_results(instansi_ids) -> list[dict]:
    """Per instansi, the newest complete index of each basis."""
    from reports.models import Basis, IndexSnapshot

    if not instansi_ids:
        return []
    snapshots = (
        IndexSnapshot.objects.filter(period__instansi_id__in=instansi_ids, complete=True)
        .select_related("period__instansi", "period__framework")
        .order_by("period__instansi__name", "-period__year")
    )
    by_instansi: dict[int, dict] = {}
    for snap in snapshots:
        instansi = snap.period.instansi
        entry = by_instansi.setdefault(
            instansi.pk, {"instansi": instansi, "latest_year": snap.period.year, "bases": {}}
        )
        entry["bases"].setdefault(snap.basis, snap)
    results = []
    for entry in by_instansi.values():
        rows = []
        for basis, label in Basis.choices:
            snap = entry["bases"].get(basis)
            index = Decimal(snap.index_display) if snap and snap.index_display else None
            rows.append({"basis": basis, "label": label, "snapshot": snap, "index": index})
        entry["bases"] = rows
        # Frameworks whose reading of the bands must be named beside the predicate (Pemdi).
        shown = {r["snapshot"].period.framework for r in rows if r["snapshot"] is not None}
        entry["predicate_notes"] = sorted(
            (f for f in shown if f.predicate_note), key=lambda f: f.code
        )
        results.append(entry)
    return results


def _admin_periods(user, scope) -> dict:
    """The periods of the instansi the user administers directly; those of
    kabupaten/kota registered under it are only counted, so that ten
    regencies' periods do not push the province's own off the list."""
    periods = access.administrable_periods(user).select_related("instansi", "framework")
    if not scope.is_superuser:
        own = scope.instansi_ids(Role.ADMINISTRATOR)
        children = periods.exclude(instansi_id__in=own).count()
        periods = periods.filter(instansi_id__in=own)
    else:
        children = 0
    return {
        "periods": list(periods.order_by("-year", "instansi__name")[:ADMIN_PERIODS_SHOWN]),
        "children": children,
    }


@login_required
@require_GET
def home(request):
    user = request.user
    scope = access.scope_for(user)
    reviewer = access.is_reviewer(user)
    leadership_ids = set(scope.roles) if scope.is_superuser else scope.instansi_ids(Role.LEADERSHIP)
    administrator = access.is_administrator(user)
    panels = {
        "officer": _officer_periods(scope) if scope.officer_opds else None,
        "reviewer": _review_queue(user) if reviewer else None,
        "leadership": _latest_results(leadership_ids) if leadership_ids else None,
        "administrator": _admin_periods(user, scope) if administrator else None,
    }
    return render(
        request,
        "home.html",
        {
            **panels,
            "review_waiting": sum(row["waiting"] for row in panels["reviewer"] or []),
            "has_role": any(panel is not None for panel in panels.values()),
        },
    )
