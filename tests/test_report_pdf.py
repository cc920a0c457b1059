"""PDF reports rendered by WeasyPrint and read back as text with pypdf."""

import io
import re

import pytest
from pypdf import PdfReader

from reports.models import ReportKind
from reports.rendering.pdf import OfflineURLFetcher, render_html, render_pdf
from reports.report_data import report_data

A4_POINTS = (595.28, 841.89)


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def final_pdf(kaltim2024):
    data = report_data(period=kaltim2024.period, basis="final")
    return pdf_text(render_pdf(data, ReportKind.INSTANSI))


def test_instansi_report_final_shows_published_index(final_pdf):
    reader, text = final_pdf
    assert len(reader.pages) > 1
    assert "3,79" in text
    assert "Sangat Baik" in text
    assert "3.79" not in text
    assert "Pemerintah Provinsi Kalimantan Timur" in text
    assert "Periode evaluasi 2024" in flat(text)  # a year is not a number: no "2.024"


def test_instansi_report_pages_are_a4_and_numbered(final_pdf):
    reader, text = final_pdf
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1
    pages = len(reader.pages)
    assert f"Halaman 1 dari {pages}" in flat(text)
    assert f"Halaman {pages} dari {pages}" in flat(text)


def test_instansi_report_domains_aspects_and_trend(final_pdf):
    _, text = final_pdf
    text = flat(text)
    # D1 3.70, D2 3.50, D3 2.82, D4 4.32 (FRAMEWORK.md, Kaltim 2024).
    for value in ("3,70", "3,50", "2,82", "4,32"):
        assert value in text
    assert "Perbandingan antartahun" in text
    assert "Lima perbaikan dengan tambahan indeks terbesar" in text
    assert "Kemajuan dan poin terbuka per OPD" in text


def test_instansi_report_page_one_is_the_summary(kaltim2024):
    """Page one holds the index and predicate, the target, the trend, the
    domains and the five raises that gain most, with the points each gains."""
    kaltim2024.answers["1"].explanation = "FAKTA: Perda SPBE 2023. ANALISIS: berlaku."
    kaltim2024.answers["1"].save()
    data = report_data(period=kaltim2024.period, basis="final")
    reader, text = pdf_text(render_pdf(data, ReportKind.INSTANSI))
    first = flat(reader.pages[0].extract_text())
    for shown in (
        "3,79",
        "Sangat Baik",
        "Target indeks: 3,00",
        "tercapai",
        "Perbandingan antartahun",
    ):
        assert shown in first
    assert "D3 Manajemen SPBE" in first and "2,82" in first
    top = data.top_recommendations
    assert len(top) == 5
    for rec in top:
        assert rec.name in first and f"+{rec.gain}".replace(".", ",") in first
    assert "Nilai aspek" not in first and "SHA-256" not in flat(text)
    assert "FAKTA: Perda SPBE 2023. ANALISIS: berlaku." in flat(text)
    assert "Lampiran: data dukung per indikator" in flat(text)


def test_fonts_are_embedded(final_pdf):
    reader, _ = final_pdf
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object().get("/FontDescriptor")
            if descriptor is None:
                for descendant in font.get_object().get("/DescendantFonts", []):
                    descriptor = descendant.get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add(str(descriptor["/FontName"]))
    assert any("DejaVu" in name or "Noto" in name for name in fonts)


def test_self_basis_gives_demo_index(kaltim2024):
    data = report_data(period=kaltim2024.period, basis="self")
    _, text = pdf_text(render_pdf(data, ReportKind.INSTANSI))
    assert "4,35" in text
    assert "Memuaskan" in text


def test_opd_report_lists_only_its_indicators(kaltim2024):
    opd = kaltim2024.opds[1]
    data = report_data(period=kaltim2024.period, basis="final", opd=opd)
    assert {row.opd_id for row in data.indicators} == {opd.id}
    _, text = pdf_text(render_pdf(data, ReportKind.OPD))
    text = flat(text)
    assert opd.name in text
    assert "Angka manajemen internal" in text
    # The OPD's own points, never the instansi's index nor an average level
    # that reads like one (its officers cannot read the instansi's results).
    assert f"{data.opd_summary.open_points}".replace(".", ",") in text
    assert "3,79" not in text and "Rata-rata tertimbang" not in text


def test_berita_acara_unissued_is_a_draft_without_digest(kaltim2024):
    """Rendered without being issued (only tests do), a Berita Acara says it
    is a draft; issued ones are in tests/test_report_documents.py."""
    data = report_data(period=kaltim2024.period, basis="validated")
    _, text = pdf_text(render_pdf(data, ReportKind.BERITA_ACARA))
    text = flat(text)
    assert "BERITA ACARA" in text
    assert "Koordinator SPBE" in text
    assert "Tim Asesor Internal" in text
    assert "3,82" in text
    assert "Konsep, belum bernomor" in text
    assert data.inputs_sha256 not in text and "SHA-256" not in text


def test_incomplete_period_names_missing_indicators(kaltim2024):
    kaltim2024.answers["7"].final_level = None
    kaltim2024.answers["7"].save()
    data = report_data(period=kaltim2024.period, basis="final")
    assert not data.complete and data.missing == ["7"]
    _, text = pdf_text(render_pdf(data, ReportKind.INSTANSI))
    assert "belum lengkap" in text


def test_user_text_is_escaped(kaltim2024):
    kaltim2024.instansi.name = "<script>alert(1)</script> Kaltim"
    kaltim2024.instansi.save()
    html = render_html(report_data(period=kaltim2024.period, basis="final"), ReportKind.INSTANSI)
    assert "<script>" not in html


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/a.css",
        "https://portal.invalid/media/x.png",
        "file:///etc/passwd",
        "https://portal.invalid/static/../../etc/passwd",
        "https://portal.invalid/static/%2e%2e/settings.py",
        "ftp://example.com/x",
    ],
)
def test_url_fetcher_refuses_everything_but_static_and_data(url):
    with pytest.raises(ValueError):
        OfflineURLFetcher().fetch(url)


def test_url_fetcher_serves_static_files_and_data():
    css = OfflineURLFetcher().fetch("https://portal.invalid/static/css/report-pdf.css")
    assert b"table-header-group" in css.read()
    data = OfflineURLFetcher().fetch("data:text/plain;base64,aGFsbw==")
    assert data.read() == b"halo"


def test_a_framework_without_domains_and_with_level_zero(kaltim2024):
    """Pemdi 2026: aspects only, and 0 ("belum terindikasi") below the scale."""
    from django.core.management import call_command

    from assessments.models import Answer, Assignment
    from indicators.models import FrameworkVersion
    from reports.rendering.excel import render_xlsx
    from tests.factories import EvaluationPeriodFactory

    call_command("load_framework", "pemdi-2026", verbosity=0)
    framework = FrameworkVersion.objects.get(code="pemdi-2026")
    period = EvaluationPeriodFactory(instansi=kaltim2024.instansi, year=2026, framework=framework)
    opd = kaltim2024.opds[0]
    for i, indicator in enumerate(framework.indicators.order_by("position")):
        Assignment.objects.create(period=period, indicator=indicator, responsible_opd=opd)
        level = 0 if i == 0 else 3
        Answer.objects.create(
            period=period, indicator=indicator, opd=opd, proposed_level=level, final_level=level
        )
    data = report_data(period=period, basis="final")
    assert data.complete and data.domains == []
    for kind in ReportKind.values:
        _, text = pdf_text(render_pdf(data, kind))
        assert "Kalimantan Timur" in text
    assert data.index is not None
    assert render_xlsx(data)[:2] == b"PK"


def test_generated_at_is_written_the_indonesian_way(final_pdf):
    _, text = final_pdf
    assert re.search(r"Dibuat: \d{1,2} \w+ \d{4} \d{2}\.\d{2} WITA", flat(text))
