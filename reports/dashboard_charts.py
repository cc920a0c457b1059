"""The dashboard's charts as data for static/js/charts.js: built from the
rows its tables show, so that a chart and its table never disagree."""

from __future__ import annotations

from django.utils.translation import gettext as _

from reports.models import Basis
from reports.snapshots import BASES


def chart(kind: str, labels, datasets, *, max_value=None, title="") -> dict:
    """Chart data for static/js/charts.js; numbers as plain floats."""
    return {
        "kind": kind,
        "title": title,
        "labels": [str(label) for label in labels],
        "max": max_value,
        "datasets": [
            {"label": str(label), "data": [None if v is None else float(v) for v in data]}
            for label, data in datasets
        ],
    }


def dashboard_charts(
    basis, level_max, *, cards, domain_rows, aspect_rows, comparison, trend, opd_rows
):
    label = Basis(basis).label
    progress, ranking = opd_rows["progress"], opd_rows["ranking"]
    return {
        "domains": chart(
            "bar",
            [r["code"] for r in domain_rows],
            [(label, [r["value"] for r in domain_rows])],
            max_value=level_max,
        ),
        "aspects": chart(
            "bar",
            [r["code"] for r in aspect_rows],
            [(label, [r["value"] for r in aspect_rows])],
            max_value=level_max,
        ),
        "radar": chart(
            "radar",
            [r["code"] for r in aspect_rows],
            [(label, [r["value"] for r in aspect_rows])],
            max_value=level_max,
        ),
        "comparison": chart(
            "bar",
            [row["label"] for row in comparison],
            [
                (cards[b].label, [row["values"][i] for row in comparison])
                for i, b in enumerate(BASES)
            ],
            max_value=level_max,
        ),
        "trend": trend,
        "progress": chart(
            "stacked",
            [row["opd"].short_name for row in progress],
            [
                (_("Tervalidasi"), [row["validated"] for row in progress]),
                (_("Diajukan"), [row["submitted_only"] for row in progress]),
                (_("Diisi, belum diajukan"), [row["draft"] for row in progress]),
                (_("Belum diisi"), [row["empty"] for row in progress]),
            ],
        ),
        "open_points": chart(
            "hbar",
            [row["opd"].short_name for row in ranking],
            [(_("Poin terbuka"), [row["open_points"] for row in ranking])],
        ),
    }


def trend_chart(trend, basis, mixed: bool, level_max) -> dict:
    """One line per basis; on a timeline that mixes SPBE and Pemdi years,
    one line per instrument instead (on the basis shown), so that no line
    joins two instruments' values as if they were one series."""
    years = [row["period"].year for row in trend]
    if not mixed:
        return chart(
            "line",
            years,
            [(Basis(b).label, [row["values"][i] for row in trend]) for i, b in enumerate(BASES)],
            max_value=level_max,
        )
    position = BASES.index(basis)
    instruments = list(dict.fromkeys(row["instrument"] for row in trend))
    return chart(
        "line",
        years,
        [
            (
                f"{name} · {Basis(basis).label}",
                [row["values"][position] if row["instrument"] == name else None for row in trend],
            )
            for name in instruments
        ],
        max_value=level_max,
        title=_("Instrumen berbeda: nilai tidak dapat dibandingkan langsung"),
    )
