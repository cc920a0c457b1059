"""Excel export of a report's data, written cell by cell with openpyxl so that
every cell's type is decided here, not guessed:

- numbers are numeric cells: rounded values exactly as the PDF shows them,
  and the exact index values beside them (numeric too, all their decimals);
- the number formats are Excel's locale-independent codes ("0.00"), which a
  spreadsheet shows with the reader's separators: 3,79 in Bahasa Indonesia;
- indicator codes that are whole numbers are numbers, so they sort 1, 2, 10;
- no cell is ever a formula: text starting with "=", "+", "-" or "@" is
  stored as text with Excel's quote prefix (also kept when the cell is
  edited), and characters a workbook cannot hold are dropped;
- every table has a frozen header row and filters.

An OPD report holds that OPD's sheets only (see `reports.report_data`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from reports.report_data import ReportData

TWO_DECIMALS = "0.00"
POINTS = "0.0000"  # scoring.POINTS_PLACES
EXACT = "0.0#########"
INTEGER = "0"
FORMULA_PREFIXES = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    header: str
    fmt: str | None = None  # a number format; None for text


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[Column]
    rows: list[tuple]


def code(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def exact(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def write_cell(sheet, row: int, column: int, value, fmt: str | None = None) -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if cell.value.startswith(FORMULA_PREFIXES):
            # openpyxl makes "=…" a formula; a text cell with the quote
            # prefix is what Excel itself stores for a typed '=….
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
        if fmt and value is not None:
            cell.number_format = fmt


def _summary(data: ReportData) -> Table:
    """Two columns, one fact a row; each value carries its own format."""
    label = Column(_("Keterangan"))
    if data.opd is not None:
        return Table(_("Ringkasan"), [label, Column(_("Nilai"))], _opd_summary_rows(data))
    rows = [
        (_("Instansi"), data.instansi.name, None),
        (_("Tahun periode"), data.period.year, INTEGER),
        (_("Kerangka"), data.framework.name, None),
        (_("Dasar penilaian"), data.basis_label, None),
        (_("OPD"), "", None),
        (_("Indeks SPBE"), data.index, TWO_DECIMALS),
        (_("Indeks SPBE (eksak)"), exact(data.index_exact), EXACT),
        (_("Predikat"), data.predicate or "", None),
        # Which reading of the bands gave the predicate (Pemdi's is unverified).
        *(
            [(_("Pembacaan predikat"), data.framework.predicate_note, None)]
            if data.framework.predicate_note
            else []
        ),
        (_("Sidik masukan (SHA-256)"), data.inputs_sha256, None),
        (_("Target indeks"), data.target_index, TWO_DECIMALS),
        (_("Lengkap"), _("ya") if data.complete else _("tidak"), None),
        (_("Indikator belum bertingkat"), ", ".join(data.missing), None),
        (_("Dibuat"), _generated(data), None),
    ]
    return Table(_("Ringkasan"), [label, Column(_("Nilai"))], rows)


def _opd_summary_rows(data: ReportData) -> list[tuple]:
    own = data.opd_summary
    return [
        (_("Instansi"), data.instansi.name, None),
        (_("Tahun periode"), data.period.year, INTEGER),
        (_("Kerangka"), data.framework.name, None),
        (_("Dasar penilaian"), data.basis_label, None),
        (_("OPD"), data.opd.name, None),
        (_("Indikator"), own.indicators, INTEGER),
        (_("Diajukan"), own.submitted, INTEGER),
        (_("Tervalidasi"), own.validated, INTEGER),
        (_("Poin indeks yang disumbangkan"), own.points, POINTS),
        (_("Poin indeks yang masih terbuka"), own.open_points, POINTS),
        (_("Indikator belum bertingkat"), ", ".join(data.missing), None),
        (
            _("Catatan"),
            _("Angka manajemen internal: unit resmi penilaian SPBE adalah instansi."),
            None,
        ),
        (_("Dibuat"), _generated(data), None),
    ]


def _generated(data: ReportData) -> str:
    # The portal's one style (spbe_portal/formats/): 29 November 2026 14.05 WITA.
    return formats.date_format(timezone.localtime(data.generated_at), "DATETIME_FORMAT")


def _scores(data: ReportData) -> list[Table]:
    value, weight, predicate = _("Nilai"), _("Bobot (%)"), _("Predikat")
    exact_value = _("Nilai (eksak)")
    domains = Table(
        _("Domain"),
        [
            Column(_("Kode")),
            Column(_("Domain")),
            Column(weight, TWO_DECIMALS),
            Column(value, TWO_DECIMALS),
            Column(exact_value, EXACT),
            Column(predicate),
        ],
        [
            (d.code, d.name, d.weight, d.value, exact(d.exact), d.predicate or "")
            for d in data.domains
        ],
    )
    aspects = Table(
        _("Aspek"),
        [
            Column(_("Kode")),
            Column(_("Aspek")),
            Column(_("Domain")),
            Column(weight, TWO_DECIMALS),
            Column(value, TWO_DECIMALS),
            Column(exact_value, EXACT),
            Column(predicate),
        ],
        [
            (
                a.code,
                a.name,
                a.domain_code or "",
                a.weight,
                a.value,
                exact(a.exact),
                a.predicate or "",
            )
            for a in data.aspects
        ],
    )
    return [aspects, domains]


def _indicators(data: ReportData) -> Table:
    columns = [
        Column(_("Kode"), INTEGER),
        Column(_("Indikator")),
        Column(_("Aspek")),
        Column(_("Domain")),
        Column(_("Bobot (%)"), TWO_DECIMALS),
        Column(_("Tingkat mandiri"), INTEGER),
        Column(_("Tingkat validasi"), INTEGER),
        Column(_("Tingkat akhir"), INTEGER),
        Column(_("Tingkat (dasar laporan)"), INTEGER),
        Column(_("Nama tingkat")),
        Column(_("Status")),
        Column(_("OPD penanggung jawab")),
        Column(_("Penjelasan")),
        Column(_("Data dukung")),
    ]
    rows = [
        (
            code(r.code),
            r.name,
            r.aspect_code,
            r.domain_code or "",
            r.weight,
            r.self_level,
            r.validated_level,
            r.final_level,
            r.level,
            r.level_name,
            r.state_label,
            r.opd_name,
            r.explanation,
            "\n".join(r.evidence),
        )
        for r in data.indicators
    ]
    return Table(_("Indikator"), columns, rows)


def _opds(data: ReportData) -> Table:
    columns = [
        Column(_("Kode")),
        Column(_("OPD")),
        Column(_("Indikator"), INTEGER),
        Column(_("Diajukan"), INTEGER),
        Column(_("Tervalidasi"), INTEGER),
        Column(_("Belum bertingkat"), INTEGER),
        Column(_("Rata-rata tingkat"), TWO_DECIMALS),
        Column(_("Poin indeks"), POINTS),
        Column(_("Poin terbuka"), POINTS),
    ]
    rows = [
        (
            o.code,
            o.short_name,
            o.indicators,
            o.submitted,
            o.validated,
            o.missing,
            o.average_level,
            o.points,
            o.open_points,
        )
        for o in data.opds
    ]
    return Table(_("OPD"), columns, rows)


def _trend(data: ReportData) -> Table:
    columns = [
        Column(_("Tahun"), INTEGER),
        # SPBE and Pemdi years are different instruments: say which one each row is.
        Column(_("Instrumen")),
        Column(_("Mandiri"), TWO_DECIMALS),
        Column(_("Validasi"), TWO_DECIMALS),
        Column(_("Akhir"), TWO_DECIMALS),
        Column(_("Predikat")),
    ]
    rows = [
        (
            t.year,
            t.instrument,
            t.self_index,
            t.validated_index,
            t.final_index,
            t.predicate or "",
        )
        for t in data.trend
    ]
    return Table(_("Tren"), columns, rows)


def _recommendations(data: ReportData) -> Table:
    columns = [
        Column(_("Kode"), INTEGER),
        Column(_("Indikator")),
        Column(_("Tingkat"), INTEGER),
        Column(_("Tingkat berikutnya"), INTEGER),
        Column(_("Kriteria tingkat berikutnya")),
        Column(_("Tambahan indeks per kenaikan"), POINTS),
        Column(_("OPD")),
    ]
    rows = [
        (code(r.code), r.name, r.level, r.next_level, r.criterion, r.gain, r.opd_name)
        for r in data.recommendations
    ]
    return Table(_("Rekomendasi"), columns, rows)


def tables(data: ReportData) -> list[Table]:
    """The workbook's sheets in order; an OPD report has its own only."""
    if data.opd is not None:
        return [_summary(data), _indicators(data), _recommendations(data)]
    return [
        _summary(data),
        _indicators(data),
        *_scores(data),
        _opds(data),
        _trend(data),
        _recommendations(data),
    ]


def _write_table(sheet, table: Table) -> None:
    bold = Font(bold=True)
    for column, spec in enumerate(table.columns, start=1):
        write_cell(sheet, 1, column, spec.header)
        sheet.cell(row=1, column=column).font = bold
    summary = table.name == _("Ringkasan")
    for row, values in enumerate(table.rows, start=2):
        if summary:
            label, value, fmt = values
            write_cell(sheet, row, 1, label)
            write_cell(sheet, row, 2, value, fmt)
            continue
        for column, (spec, value) in enumerate(zip(table.columns, values, strict=True), start=1):
            write_cell(sheet, row, column, value, spec.fmt)
    sheet.freeze_panes = "A2"
    if not summary:
        sheet.auto_filter.ref = sheet.dimensions
    _fit_columns(sheet)


def _fit_columns(sheet) -> None:
    for column in sheet.columns:
        longest = max(
            (len(line) for c in column if c.value is not None for line in str(c.value).split("\n")),
            default=8,
        )
        sheet.column_dimensions[column[0].column_letter].width = min(max(longest + 2, 8), 70)


def render_xlsx(data: ReportData) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    with translation.override("id"):
        for table in tables(data):
            _write_table(workbook.create_sheet(table.name), table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
