"""Issue 13, point 7: wherever a Pemdi predicate is shown, the reading of
its bands in use (FrameworkVersion.predicate_note) is shown with it: the
dashboard, the planner and the PDF reports. SPBE, without a note, shows none."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import Answer, Assignment, Role
from indicators.models import FrameworkVersion
from reports.models import ReportKind
from reports.rendering.pdf import render_pdf
from reports.report_data import report_data
from tests.factories import EvaluationPeriodFactory, role_in

LABEL = "Pembacaan predikat"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def pemdi_period(kaltim2024):
    call_command("load_framework", "pemdi-2026", verbosity=0)
    framework = FrameworkVersion.objects.get(code="pemdi-2026")
    period = EvaluationPeriodFactory(instansi=kaltim2024.instansi, year=2026, framework=framework)
    opd = kaltim2024.opds[0]
    for indicator in framework.indicators.order_by("position"):
        Assignment.objects.create(period=period, indicator=indicator, responsible_opd=opd)
        Answer.objects.create(
            period=period, indicator=indicator, opd=opd, proposed_level=3, final_level=3
        )
    return period


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return flat("\n".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("kind", [ReportKind.INSTANSI, ReportKind.BERITA_ACARA])
def test_pemdi_reports_say_which_reading_of_the_bands_is_used(pemdi_period, kind):
    note = pemdi_period.framework.predicate_note
    assert note.startswith("Predikat memakai bacaan batas bawah inklusif")
    text = pdf_text(render_pdf(report_data(period=pemdi_period, basis="final"), kind))
    assert LABEL in text
    assert flat(note)[:80] in text


def test_spbe_reports_carry_no_note(kaltim2024):
    assert not kaltim2024.period.framework.predicate_note
    data = report_data(period=kaltim2024.period, basis="final")
    assert LABEL not in pdf_text(render_pdf(data, ReportKind.INSTANSI))


def test_dashboard_and_planner_show_the_note_for_pemdi_only(client, pemdi_period, kaltim2024):
    client.force_login(role_in(kaltim2024.instansi, Role.LEADERSHIP))
    note = pemdi_period.framework.predicate_note[:60]
    for name in ("reports:dashboard", "reports:planner"):
        pemdi = client.get(reverse(name, kwargs={"instansi": "kaltim", "year": 2026}))
        assert pemdi.status_code == 200, name
        assert LABEL in pemdi.text and note in pemdi.text, name
        spbe = client.get(reverse(name, kwargs={"instansi": "kaltim", "year": 2024}))
        assert spbe.status_code == 200 and LABEL not in spbe.text, name


def test_excel_summary_names_the_reading_for_pemdi_only(pemdi_period, kaltim2024):
    import openpyxl

    from reports.rendering.excel import render_xlsx

    def summary(period):
        content = render_xlsx(report_data(period=period, basis="final"))
        sheet = openpyxl.load_workbook(io.BytesIO(content))["Ringkasan"]
        return {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}

    assert summary(pemdi_period)[LABEL] == pemdi_period.framework.predicate_note
    assert LABEL not in summary(kaltim2024.period)


def test_the_framework_api_carries_the_reading(pemdi_period, kaltim2024):
    from rest_framework.test import APIClient

    from assessments.api.auth import api_token_create

    user = role_in(kaltim2024.instansi, Role.LEADERSHIP)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='uji')[1]}")
    body = client.get(reverse("api:framework-detail", args=["pemdi-2026"])).json()
    assert body["predicate_note"] == pemdi_period.framework.predicate_note
    assert {band["lower_inclusive"] for band in body["bands"]} == {True}


def test_home_names_the_reading_beside_the_latest_pemdi_index(client, pemdi_period, kaltim2024):
    from reports.snapshots import snapshot_compute

    client.force_login(role_in(kaltim2024.instansi, Role.LEADERSHIP))
    assert LABEL not in client.get(reverse("home")).text
    snapshot_compute(period_id=pemdi_period.pk, basis="final")
    html = client.get(reverse("home")).text
    assert LABEL in html and pemdi_period.framework.predicate_note[:60] in html


def test_the_period_pages_of_administrators_name_it_too(client, pemdi_period, kaltim2024):
    client.force_login(role_in(kaltim2024.instansi, Role.ADMINISTRATOR))
    html = client.get(reverse("manage:period_detail", args=["kaltim", 2026])).text
    assert LABEL in html
    html = client.get(reverse("manage:period_detail", args=["kaltim", 2024])).text
    assert LABEL not in html
