"""Excel exports read back with pandas and openpyxl: the sheets are there and
the numbers are numbers, rounded as the published figures are."""

import io

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
