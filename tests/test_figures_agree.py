"""One figure, one value, wherever it is shown: for the demo's 2024 period the
engine, the CLI, the API, the dashboard, the PDF and the Excel workbook give
the same index, domains, aspects and per-OPD points, and rank the OPDs alike."""

import io
import json
import re
from decimal import Decimal
from fractions import Fraction
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from assessments.models import OPD, Role
from indicators import scoring
from reports.figures import (
    OPDFigures,
    opd_figures,
    period_standings,
    ranked_by_open_points,
)
from reports.models import ReportFormat, ReportKind
from reports.rendering import render_report
from tests.factories import role_in

pytestmark = pytest.mark.django_db

BASIS = "final"


def indonesian(value: Decimal) -> str:
    return str(value).replace(".", ",")


def engine_figures(period):
    """What the pure engine says, rounded for display by its own helper."""
    spec = period.framework.to_spec()
    levels = {c: s.levels.get(BASIS) for c, s in period_standings(period.pk).items()}
    result = scoring.compute(spec, scoring.usable_levels(spec, levels))
    figures = opd_figures(spec, period_standings(period.pk).values(), BASIS)
    names = dict(OPD.objects.filter(pk__in=figures).values_list("pk", "short_name"))
    ranked = [
        (
            names[f.opd_id],
            scoring.rounded(f.points, scoring.POINTS_PLACES),
            scoring.rounded(f.open_points, scoring.POINTS_PLACES),
        )
        for f in ranked_by_open_points(figures, names)
    ]
    return result, ranked


def cli_record():
    out = StringIO()
    call_command(
        "compute_index",
        "--period=2024",
        "--instansi=kaltim",
        f"--basis={BASIS}",
        "--format=json",
        stdout=out,
    )
    return json.loads(out.getvalue())


def api_snapshot(user, period):
    client = APIClient()
    client.force_authenticate(user)
    body = client.get(
        reverse("api:snapshot-list"),
        {"instansi": period.instansi.code, "year": period.year, "basis": BASIS},
    ).json()
    (snapshot,) = body["results"]
    return snapshot


def dashboard(client, user, period):
    client.force_login(user)
    url = reverse("reports:dashboard", kwargs={"instansi": "kaltim", "year": period.year})
    html = client.get(f"{url}?basis={BASIS}").content.decode()

    def chart(name):
        match = re.search(
            rf'<script id="chart-{name}" type="application/json">(.*?)</script>', html, re.S
        )
        return json.loads(match.group(1))

    return html, chart


def workbook(period):
    content = render_report(
        period=period, basis=BASIS, kind=ReportKind.INSTANSI, fmt=ReportFormat.XLSX
    )
    book = openpyxl.load_workbook(io.BytesIO(content))

    def rows(name):
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        return [
            dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=2)
        ]

    summary = {row["Keterangan"]: row["Nilai"] for row in rows("Ringkasan")}
    return summary, rows


def pdf_text(period) -> str:
    content = render_report(
        period=period, basis=BASIS, kind=ReportKind.INSTANSI, fmt=ReportFormat.PDF
    )
    return re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    )


def test_every_output_shows_the_same_figures(client, kaltim2024):
    period = kaltim2024.period
    leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)
    result, ranked = engine_figures(period)
    index = result.index.display
    domains = {code: s.display for code, s in result.domains.items()}
    aspects = {code: s.display for code, s in result.aspects.items()}
    assert (index, result.index.exact_str) == ("3.79", "3.7885")  # the published figure

    # The CLI (it also stores the snapshot the API and the dashboard read).
    record = cli_record()
    assert (record["index"], record["index_exact"]) == (index, result.index.exact_str)
    assert record["domains"] == domains and record["aspects"] == aspects

    snapshot = api_snapshot(leader, period)
    assert snapshot["index_display"] == index
    assert Decimal(snapshot["index_exact"]) == Decimal(result.index.exact_str)
    assert {c: v["display"] for c, v in snapshot["domains"].items()} == domains
    assert {c: v["display"] for c, v in snapshot["aspects"].items()} == aspects

    for basis in ("self", "validated"):  # the dashboard shows all three bases' cards
        call_command(
            "compute_index",
            "--period=2024",
            "--instansi=kaltim",
            f"--basis={basis}",
            stdout=StringIO(),
        )
    html, chart = dashboard(client, leader, period)
    assert indonesian(Decimal(index)) in html
    assert chart("domains")["datasets"][0]["data"] == [float(v) for v in domains.values()]
    assert chart("aspects")["datasets"][0]["data"] == [float(v) for v in aspects.values()]
    ranking = chart("open_points")
    assert ranking["labels"] == [name for name, _points, _open in ranked]
    assert ranking["datasets"][0]["data"] == [float(open_) for _name, _points, open_ in ranked]
    for _name, points, open_ in ranked:
        assert indonesian(points) in html and indonesian(open_) in html

    summary, rows = workbook(period)
    assert summary["Indeks SPBE"] == float(index)
    assert Decimal(str(summary["Indeks SPBE (eksak)"])) == Decimal(result.index.exact_str)
    assert {r["Kode"]: Decimal(str(r["Nilai"])) for r in rows("Domain")} == {
        c: Decimal(v) for c, v in domains.items()
    }
    assert {r["Kode"]: Decimal(str(r["Nilai"])) for r in rows("Aspek")} == {
        c: Decimal(v) for c, v in aspects.items()
    }
    assert [
        (r["OPD"], Decimal(str(r["Poin indeks"])), Decimal(str(r["Poin terbuka"])))
        for r in rows("OPD")
    ] == ranked

    text = pdf_text(period)
    assert indonesian(Decimal(index)) in text
    for value in (*domains.values(), *aspects.values()):
        assert indonesian(Decimal(value)) in text
    for name, points, open_ in ranked:
        assert f"{name} " in text and indonesian(points) in text and indonesian(open_) in text


def test_points_keep_four_places_and_add_up_to_the_index(kaltim2024):
    _result, ranked = engine_figures(kaltim2024.period)
    assert all(p.as_tuple().exponent == -4 for _n, p, o in ranked for p in (p, o))
    assert sum(points for _n, points, _o in ranked) == Decimal("3.7885")
    assert sum(p + o for _n, p, o in ranked) == Decimal("5.0000")


def test_equal_open_points_rank_by_short_name_then_id():
    def fig(opd_id, open_points):
        contribution = scoring.Contribution((), (), 0, 0, Fraction(open_points))
        return OPDFigures(opd_id, contribution, 0, 0, 0)

    figures = {1: fig(1, "0.3"), 2: fig(2, "0.3"), 3: fig(3, "0.31"), 4: fig(4, "0.3")}
    names = {1: "Dinas B", 2: "Dinas A", 3: "Dinas Z", 4: "Dinas A"}
    assert [f.opd_id for f in ranked_by_open_points(figures, names)] == [3, 2, 4, 1]
