"""SPBE 2020 years and Pemdi 2026 years on one timeline: each year labelled
with its instrument, and a visible note that the indices are not directly
comparable (dashboard trend and the PDF's year-over-year table)."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, AnswerState, PeriodState, Role
from assessments.periods import period_create
from indicators.models import FrameworkVersion
from reports.models import Basis, ReportKind
from reports.rendering.pdf import render_html
from reports.report_data import report_data
from reports.snapshots import snapshot_compute
from tests.factories import OPDFactory, officer_of, role_in

NOTE = "tidak dapat dibandingkan secara langsung"


@pytest.fixture
def both(kaltim2024):
    call_command("load_framework", "pemdi-2026", verbosity=0)
    pemdi = FrameworkVersion.objects.get(code="pemdi-2026")
    instansi = kaltim2024.instansi
    OPDFactory(instansi=instansi, code="kominfo-fn", function_key="diskominfo")
    now = timezone.now()
    period = period_create(
        instansi=instansi,
        year=2026,
        framework=pemdi,
        fill_opens_at=now - timedelta(days=1),
        fill_closes_at=now + timedelta(days=20),
        review_closes_at=now + timedelta(days=40),
    )
    period.state = PeriodState.OPEN
    period.save(update_fields=["state"])
    # Every Pemdi indicator validated at 2 (externals too): index 2.00.
    Answer.objects.filter(period=period).update(
        proposed_level=2, validated_level=2, state=AnswerState.VALIDATED
    )
    for p in (kaltim2024.period, period):
        for basis in Basis:
            snapshot_compute(period_id=p.pk, basis=basis)
    kaltim2024.pemdi_period = period
    kaltim2024.leader = role_in(instansi, Role.LEADERSHIP)
    return kaltim2024


def test_dashboard_trend_labels_instruments_and_says_not_comparable(client, both):
    client.force_login(both.leader)
    response = client.get(reverse("reports:dashboard", args=["kaltim", 2026]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hasil Indeks Pemdi" in page
    assert NOTE in page
    trend = response.context["trend"]
    assert [(row["period"].year, row["instrument"]) for row in trend] == [
        (2024, "Indeks SPBE"),
        (2026, "Indeks Pemdi"),
    ]
    chart = response.context["charts"]["trend"]
    labels = [d["label"] for d in chart["datasets"]]
    assert len(labels) == 2
    assert labels[0].startswith("Indeks SPBE") and labels[1].startswith("Indeks Pemdi")
    # No line joins the two instruments: each dataset has the other's year empty.
    assert chart["datasets"][0]["data"][1] is None
    assert chart["datasets"][1]["data"][0] is None
    assert json.dumps(chart)  # serialisable for the page's JSON script
    # No domain section on a framework without domains.
    assert "Indeks domain" not in page


def test_spbe_only_timeline_has_no_note_and_keeps_three_bases(client, kaltim2024):
    leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)
    for basis in Basis:
        snapshot_compute(period_id=kaltim2024.period.pk, basis=basis)
    client.force_login(leader)
    response = client.get(reverse("reports:dashboard", args=["kaltim", 2024]))
    page = response.content.decode()
    assert NOTE not in page
    assert "Hasil Indeks SPBE" in page
    assert len(response.context["charts"]["trend"]["datasets"]) == 3
    assert "Indeks domain" in page


def test_pdf_comparison_labels_instruments_and_says_not_comparable(both):
    data = report_data(period=both.pemdi_period, basis=Basis.VALIDATED)
    assert [(row.year, row.instrument) for row in data.trend] == [
        (2024, "Indeks SPBE"),
        (2026, "Indeks Pemdi"),
    ]
    assert data.mixed_instruments
    html = render_html(data, ReportKind.INSTANSI)
    assert NOTE in html
    assert "Laporan Indeks Pemdi" in html
    spbe = report_data(period=both.period, basis=Basis.FINAL)
    assert not spbe.mixed_instruments
    assert NOTE not in render_html(spbe, ReportKind.INSTANSI)


def test_timeline_outsiders(client, both):
    url = reverse("reports:dashboard", args=["kaltim", 2026])
    assert client.get(url).status_code == 302
    officer = officer_of(both.opds[0])
    client.force_login(officer)
    assert client.get(url).status_code == 403


def test_excel_trend_sheet_names_each_years_instrument(both):
    import io

    import pandas as pd

    from reports.rendering.excel import render_xlsx

    content = render_xlsx(report_data(period=both.pemdi_period, basis=Basis.VALIDATED))
    trend = pd.read_excel(io.BytesIO(content), sheet_name="Tren", engine="openpyxl")
    assert list(trend["Instrumen"]) == ["Indeks SPBE", "Indeks Pemdi"]


# --- Versions of one instrument (spbe-2020 and spbe-2024) ---------------------------


@pytest.fixture
def spbe_2024_year(kaltim2024):
    """2024 on spbe-2020 and 2025 on spbe-2024 (the same instrument), every
    2025 answer validated at 3."""
    call_command("load_framework", "spbe-2024", verbosity=0)
    spbe2024 = FrameworkVersion.objects.get(code="spbe-2024")
    instansi = kaltim2024.instansi
    OPDFactory(instansi=instansi, code="kominfo-fn", function_key="diskominfo")
    now = timezone.now()
    period = period_create(
        instansi=instansi,
        year=2025,
        framework=spbe2024,
        fill_opens_at=now - timedelta(days=1),
        fill_closes_at=now + timedelta(days=20),
        review_closes_at=now + timedelta(days=40),
    )
    period.state = PeriodState.OPEN
    period.save(update_fields=["state"])
    Answer.objects.filter(period=period).update(
        proposed_level=3, validated_level=3, state=AnswerState.VALIDATED
    )
    for p in (kaltim2024.period, period):
        for basis in Basis:
            snapshot_compute(period_id=p.pk, basis=basis)
    kaltim2024.period_2025 = period
    kaltim2024.leader = role_in(instansi, Role.LEADERSHIP)
    return kaltim2024


def test_versions_of_one_instrument_share_the_trend_without_the_note(client, spbe_2024_year):
    client.force_login(spbe_2024_year.leader)
    response = client.get(reverse("reports:dashboard", args=["kaltim", 2025]))
    assert response.status_code == 200
    page = response.content.decode()
    assert NOTE not in page
    assert [(row["period"].year, row["instrument"]) for row in response.context["trend"]] == [
        (2024, "Indeks SPBE"),
        (2025, "Indeks SPBE"),
    ]
    # One line per basis running through both years, as in a single-version timeline.
    datasets = response.context["charts"]["trend"]["datasets"]
    assert len(datasets) == 3
    assert all(None not in d["data"] for d in datasets[:2])  # self, validated

    data = report_data(period=spbe_2024_year.period_2025, basis=Basis.VALIDATED)
    assert not data.mixed_instruments
    assert [row.validated_index for row in data.trend][1] == Decimal("3.00")
    assert NOTE not in render_html(data, ReportKind.INSTANSI)


def test_comparability_comes_from_the_framework_data_not_its_code():
    from reports import timeline

    spbe2020 = FrameworkVersion(code="spbe-2020")
    spbe2024 = FrameworkVersion(code="spbe-2024", comparable_with="spbe-2020")
    pemdi = FrameworkVersion(code="pemdi-2026")
    # A later SPBE version that does not declare itself comparable stands apart.
    spbe2030 = FrameworkVersion(code="spbe-2030")
    assert not timeline.mixes_instruments([spbe2020, spbe2024])
    assert timeline.mixes_instruments([spbe2024, pemdi])
    assert timeline.mixes_instruments([spbe2020, spbe2030])
    assert timeline.instrument_label(spbe2024) == "Indeks SPBE"
    assert timeline.instrument_label(pemdi) == "Indeks Pemdi"
