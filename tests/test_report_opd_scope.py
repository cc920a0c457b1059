"""An officer's OPD report holds only what that officer may see: its own
indicators, figures and recommendations; nothing of the other OPDs, and none
of the instansi's results (index, domains, aspects, trend), for which the same
officer gets 403 on the dashboard."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports.models import ReportFormat, ReportKind
from reports.rendering import render_report
from tests.factories import officer_of

pytestmark = pytest.mark.django_db


def other_opds(kaltim2024, opd):
    return [o for o in kaltim2024.opds if o != opd]


def workbook_texts(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    texts = list(book.sheetnames)
    for sheet in book.worksheets:
        texts += [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    return texts


def own_and_other_codes(kaltim2024, opd):
    own = {code for code, a in kaltim2024.answers.items() if a.opd_id == opd.id}
    return own, set(kaltim2024.answers) - own


@pytest.mark.parametrize("basis", ["self", "final"])
def test_every_sheet_of_an_opd_workbook_is_about_that_opd_only(client, kaltim2024, basis):
    opd = kaltim2024.opds[1]
    client.force_login(officer_of(opd))  # the officer this report is for ...
    dashboard = reverse("reports:dashboard", kwargs={"instansi": "kaltim", "year": 2024})
    assert client.get(dashboard).status_code == 403  # ... may not read the instansi's results

    content = render_report(
        period=kaltim2024.period, basis=basis, kind=ReportKind.OPD, opd=opd, fmt=ReportFormat.XLSX
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Ringkasan", "Indikator", "Rekomendasi"]
    texts = workbook_texts(content)
    for other in other_opds(kaltim2024, opd):
        for word in (other.name, other.short_name, other.code):
            assert not [t for t in texts if word.lower() in t.lower()], word
    own, others = own_and_other_codes(kaltim2024, opd)
    for name in ("Indikator", "Rekomendasi"):
        sheet = book[name]
        codes = {str(row[0].value) for row in sheet.iter_rows(min_row=2)}
        assert codes <= own and not codes & others
    # None of the instansi's results: its index in any form.
    assert not {"3.79", "3,79", "3.7885", "4.35", "4,35"} & set(texts)


def test_every_page_of_an_opd_pdf_is_about_that_opd_only(kaltim2024):
    opd = kaltim2024.opds[2]
    content = render_report(
        period=kaltim2024.period, basis="final", kind=ReportKind.OPD, opd=opd, fmt=ReportFormat.PDF
    )
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(content)).pages]
    assert pages and all(opd.short_name in page for page in pages[:1])
    for page in pages:
        for other in other_opds(kaltim2024, opd):
            assert other.name.lower() not in page.lower(), other.name
        assert "3,79" not in page and "Nilai domain" not in page and "Nilai aspek" not in page
