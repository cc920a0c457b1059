"""Excel exports read back with pandas and openpyxl: the sheets are there and
the numbers are numbers, rounded as the published figures are."""

import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from pandas.api.types import is_integer_dtype, is_numeric_dtype

from reports.rendering.excel import render_xlsx
from reports.report_data import report_data

SHEETS = {"Ringkasan", "Indikator", "Aspek", "Domain", "OPD"}


@pytest.fixture
def final_xlsx(kaltim2024):
    return render_xlsx(report_data(period=kaltim2024.period, basis="final"))


def read(content: bytes) -> dict[str, pd.DataFrame]:
    return pd.read_excel(io.BytesIO(content), sheet_name=None, engine="openpyxl")


def test_sheets_exist(final_xlsx):
    assert set(read(final_xlsx)) >= SHEETS


def test_summary_holds_index_as_number(final_xlsx):
    summary = read(final_xlsx)["Ringkasan"].set_index("Keterangan")["Nilai"]
    assert summary["Indeks SPBE"] == pytest.approx(3.79)
    assert summary["Indeks SPBE (eksak)"] == 3.7885  # the exact value, numeric
    assert summary["Predikat"] == "Sangat Baik"
    cell = openpyxl.load_workbook(io.BytesIO(final_xlsx))["Ringkasan"]["B7"]
    assert isinstance(cell.value, float) and cell.number_format == "0.00"


def test_domains_and_aspects_are_numeric(final_xlsx):
    sheets = read(final_xlsx)
    domains = sheets["Domain"].set_index("Kode")
    assert is_numeric_dtype(domains["Nilai"]) and is_numeric_dtype(domains["Bobot (%)"])
    assert domains["Nilai"].to_dict() == pytest.approx(
        {"D1": 3.70, "D2": 3.50, "D3": 2.82, "D4": 4.32}
    )
    assert domains["Predikat"]["D4"] == "Memuaskan"
    aspects = sheets["Aspek"]
    assert len(aspects) == 8 and is_numeric_dtype(aspects["Nilai"])
    assert aspects["Bobot (%)"].sum() == pytest.approx(100)


def test_indicator_levels_are_integers(final_xlsx):
    indicators = read(final_xlsx)["Indikator"]
    assert len(indicators) == 47
    for column in ("Tingkat mandiri", "Tingkat validasi", "Tingkat akhir"):
        assert is_integer_dtype(indicators[column])
    weighted = (indicators["Bobot (%)"] * indicators["Tingkat akhir"]).sum() / 100
    assert weighted == pytest.approx(3.7885)
    sheet = openpyxl.load_workbook(io.BytesIO(final_xlsx))["Indikator"]
    assert sheet["E2"].number_format == "0.00"
    assert sheet["F2"].number_format == "0"


def test_opd_sheet_adds_up(final_xlsx):
    opds = read(final_xlsx)["OPD"]
    assert len(opds) == 4
    assert opds["Indikator"].sum() == 47
    assert is_numeric_dtype(opds["Poin terbuka"])
    # Points contributed + points open = the maximum 5.00, across all OPDs.
    assert (opds["Poin indeks"].sum() + opds["Poin terbuka"].sum()) == pytest.approx(5, abs=0.01)


def test_incomplete_period_leaves_cells_empty(kaltim2024):
    kaltim2024.answers["12"].final_level = None
    kaltim2024.answers["12"].save()
    sheets = read(render_xlsx(report_data(period=kaltim2024.period, basis="final")))
    summary = sheets["Ringkasan"].set_index("Keterangan")["Nilai"]
    assert pd.isna(summary["Indeks SPBE"])
    assert summary["Indikator belum bertingkat"] == "12"
    domains = sheets["Domain"].set_index("Kode")["Nilai"]
    assert pd.isna(domains["D2"]) and domains["D1"] == pytest.approx(3.70)


def test_opd_export_has_only_its_indicators(kaltim2024):
    opd = kaltim2024.opds[2]
    sheets = read(render_xlsx(report_data(period=kaltim2024.period, basis="self", opd=opd)))
    assert set(sheets["Indikator"]["OPD penanggung jawab"]) == {opd.short_name}


def test_codes_are_numbers_with_explanation_and_evidence_columns(kaltim2024):
    from assessments.models import EvidenceLink
    from tests.factories import officer_of

    answer = kaltim2024.answers["7"]
    answer.explanation = "SK Gubernur tentang arsitektur SPBE."
    answer.save()
    officer = officer_of(answer.opd)
    EvidenceLink.objects.create(answer=answer, url="https://jdih.example.test/sk", added_by=officer)
    book = openpyxl.load_workbook(
        io.BytesIO(render_xlsx(report_data(period=kaltim2024.period, basis="final")))
    )
    sheet = book["Indikator"]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["Penjelasan", "Data dukung"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert sorted(rows) == list(range(1, 48))  # codes as numbers: they sort 1, 2, … 47
    assert rows[7][-2].value == "SK Gubernur tentang arsitektur SPBE."
    assert rows[7][-1].value == "https://jdih.example.test/sk"
    assert isinstance(book["Rekomendasi"]["A2"].value, int)


def test_every_table_has_a_frozen_header_and_filters(final_xlsx):
    book = openpyxl.load_workbook(io.BytesIO(final_xlsx))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        if sheet.title != "Ringkasan":
            assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
        assert all(c.font.bold for c in sheet[1])


def test_exact_values_are_numeric_beside_the_rounded_ones(final_xlsx):
    book = openpyxl.load_workbook(io.BytesIO(final_xlsx))
    summary = book["Ringkasan"]
    assert (summary["B7"].value, summary["B8"].value) == (3.79, 3.7885)
    assert summary["B8"].number_format == "0.0#########"
    domains = book["Domain"]
    header = [c.value for c in domains[1]]
    d3 = next(row for row in domains.iter_rows(min_row=2) if row[0].value == "D3")
    value, exact = d3[header.index("Nilai")], d3[header.index("Nilai (eksak)")]
    assert value.value == 2.82 and value.number_format == "0.00"
    assert isinstance(exact.value, float) and 2.815 < exact.value < 2.825 and exact.value != 2.82
    opd = book["OPD"]
    assert opd.cell(row=2, column=8).number_format == "0.0000"  # index points, four places


def test_generated_at_is_written_the_indonesian_way(final_xlsx):
    summary = read(final_xlsx)["Ringkasan"].set_index("Keterangan")["Nilai"]
    assert re.fullmatch(
        r"\d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober"
        r"|November|Desember) \d{4} \d{2}\.\d{2} WITA",
        summary["Dibuat"],
    )


HOSTILE = ['=HYPERLINK("https://evil.test","klik")', "+1+1", "-2+3", "@SUM(A1:A2)"]


@pytest.mark.parametrize("opd_report", [False, True])
def test_no_exported_cell_is_ever_a_formula(kaltim2024, opd_report):
    """Text from users (explanations, OPD names) starting with =, +, - or @
    stays text in every sheet, with Excel's quote prefix."""
    for code, text in zip(("1", "5", "9", "13"), HOSTILE, strict=True):
        kaltim2024.answers[code].explanation = text
        kaltim2024.answers[code].save()
    opd = kaltim2024.opds[0]
    opd.short_name = "=cmd|' /C calc'!A0"
    opd.save()
    content = render_xlsx(
        report_data(period=kaltim2024.period, basis="final", opd=opd if opd_report else None)
    )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    book = openpyxl.load_workbook(io.BytesIO(content))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate)
                    found.append(cell.value)
    assert set(HOSTILE) <= set(found) and opd.short_name in found
