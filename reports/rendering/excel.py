"""Excel export of a report's data: one sheet per table, numbers stored as
numbers (rounded half-up exactly as the PDF shows them) with display formats,
so that a spreadsheet user can sum and sort without re-typing anything."""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.report_data import ReportData

TWO_DECIMALS = "0.00"
THREE_DECIMALS = "0.000"
INTEGER = "0"


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _frame(rows: list[dict], formats: dict[str, str], columns: list[str]):
    """A sheet's table; `columns` keeps the header when there are no rows."""
    frame = pd.DataFrame(rows, columns=columns)
    for column, fmt in formats.items():
        if fmt == INTEGER:
            frame[column] = frame[column].astype("Int64")
        else:
            frame[column] = frame[column].astype("Float64")
    return frame, formats


def _summary(data: ReportData):
    rows = [
        (_("Instansi"), data.instansi.name, None),
        (_("Tahun periode"), data.period.year, INTEGER),
        (_("Kerangka"), data.framework.name, None),
        (_("Dasar penilaian"), data.basis_label, None),
        (_("OPD"), data.opd.name if data.opd else "", None),
        (_("Indeks SPBE"), _num(data.index), TWO_DECIMALS),
        (_("Indeks SPBE (eksak)"), data.index_exact or "", None),
        (_("Predikat"), data.predicate or "", None),
        (_("Sidik masukan (SHA-256)"), data.inputs_sha256, None),
        (_("Target indeks"), _num(data.target_index), TWO_DECIMALS),
        (_("Lengkap"), _("ya") if data.complete else _("tidak"), None),
        (_("Indikator belum bertingkat"), ", ".join(data.missing), None),
        (
            _("Dibuat"),
            timezone.localtime(data.generated_at).strftime("%Y-%m-%d %H:%M"),
            None,
        ),
    ]
    frame = pd.DataFrame(
        [(label, value) for label, value, _fmt in rows], columns=[_("Keterangan"), _("Nilai")]
    )
    cell_formats = {i: fmt for i, (_label, _value, fmt) in enumerate(rows) if fmt}
    return frame, cell_formats


def _sheets(data: ReportData) -> dict[str, tuple[pd.DataFrame, dict[str, str]]]:
    value, weight, predicate = _("Nilai"), _("Bobot (%)"), _("Predikat")
    domains = _frame(
        [
            {
                _("Kode"): d.code,
                _("Domain"): d.name,
                weight: _num(d.weight),
                value: _num(d.value),
                predicate: d.predicate or "",
            }
            for d in data.domains
        ],
        {weight: TWO_DECIMALS, value: TWO_DECIMALS},
        [_("Kode"), _("Domain"), weight, value, predicate],
    )
    aspects = _frame(
        [
            {
                _("Kode"): a.code,
                _("Aspek"): a.name,
                _("Domain"): a.domain_code or "",
                weight: _num(a.weight),
                value: _num(a.value),
                predicate: a.predicate or "",
            }
            for a in data.aspects
        ],
        {weight: TWO_DECIMALS, value: TWO_DECIMALS},
        [_("Kode"), _("Aspek"), _("Domain"), weight, value, predicate],
    )
    self_, validated, final, level = (
        _("Tingkat mandiri"),
        _("Tingkat validasi"),
        _("Tingkat akhir"),
        _("Tingkat (dasar laporan)"),
    )
    indicators = _frame(
        [
            {
                _("Kode"): r.code,
                _("Indikator"): r.name,
                _("Aspek"): r.aspect_code,
                _("Domain"): r.domain_code or "",
                weight: _num(r.weight),
                self_: r.self_level,
                validated: r.validated_level,
                final: r.final_level,
                level: r.level,
                _("Nama tingkat"): r.level_name,
                _("Status"): r.state_label,
                _("OPD penanggung jawab"): r.opd_name,
            }
            for r in data.indicators
        ],
        {
            weight: TWO_DECIMALS,
            self_: INTEGER,
            validated: INTEGER,
            final: INTEGER,
            level: INTEGER,
        },
        [
            _("Kode"),
            _("Indikator"),
            _("Aspek"),
            _("Domain"),
            weight,
            self_,
            validated,
            final,
            level,
            _("Nama tingkat"),
            _("Status"),
            _("OPD penanggung jawab"),
        ],
    )
    count_cols = (_("Indikator"), _("Diajukan"), _("Tervalidasi"), _("Belum bertingkat"))
    average, points, open_points = _("Rata-rata tingkat"), _("Poin indeks"), _("Poin terbuka")
    opds = _frame(
        [
            {
                _("Kode"): o.code,
                _("OPD"): o.short_name,
                count_cols[0]: o.indicators,
                count_cols[1]: o.submitted,
                count_cols[2]: o.validated,
                count_cols[3]: o.missing,
                average: _num(o.average_level),
                points: _num(o.points),
                open_points: _num(o.open_points),
            }
            for o in data.opds
        ],
        {
            **dict.fromkeys(count_cols, INTEGER),
            average: TWO_DECIMALS,
            points: THREE_DECIMALS,
            open_points: THREE_DECIMALS,
        },
        [_("Kode"), _("OPD"), *count_cols, average, points, open_points],
    )
    year, s, v, f = _("Tahun"), _("Mandiri"), _("Validasi"), _("Akhir")
    # SPBE and Pemdi years are different instruments: say which one each row is.
    instrument = _("Instrumen")
    trend = _frame(
        [
            {
                year: t.year,
                instrument: t.instrument,
                s: _num(t.self_index),
                v: _num(t.validated_index),
                f: _num(t.final_index),
                predicate: t.predicate or "",
            }
            for t in data.trend
        ],
        {year: INTEGER, s: TWO_DECIMALS, v: TWO_DECIMALS, f: TWO_DECIMALS},
        [year, instrument, s, v, f, predicate],
    )
    gain = _("Tambahan indeks per kenaikan")
    recommendations = _frame(
        [
            {
                _("Kode"): r.code,
                _("Indikator"): r.name,
                _("Tingkat"): r.level,
                _("Tingkat berikutnya"): r.next_level,
                _("Kriteria tingkat berikutnya"): r.criterion,
                gain: _num(r.gain),
                _("OPD"): r.opd_name,
            }
            for r in data.recommendations
        ],
        {_("Tingkat"): INTEGER, _("Tingkat berikutnya"): INTEGER, gain: THREE_DECIMALS},
        [
            _("Kode"),
            _("Indikator"),
            _("Tingkat"),
            _("Tingkat berikutnya"),
            _("Kriteria tingkat berikutnya"),
            gain,
            _("OPD"),
        ],
    )
    return {
        _("Indikator"): indicators,
        _("Aspek"): aspects,
        _("Domain"): domains,
        _("OPD"): opds,
        _("Tren"): trend,
        _("Rekomendasi"): recommendations,
    }


def _fit_columns(sheet) -> None:
    for column in sheet.columns:
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(longest + 2, 8), 70)


def render_xlsx(data: ReportData) -> bytes:
    buffer = io.BytesIO()
    with translation.override("id"), pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        summary, cell_formats = _summary(data)
        summary_name = _("Ringkasan")
        summary.to_excel(writer, sheet_name=summary_name, index=False)
        sheet = writer.sheets[summary_name]
        for row, fmt in cell_formats.items():
            sheet.cell(row=row + 2, column=2).number_format = fmt
        _fit_columns(sheet)
        for name, (frame, formats) in _sheets(data).items():
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            for idx, column in enumerate(frame.columns, start=1):
                fmt = formats.get(column)
                if fmt:
                    for (cell,) in sheet.iter_rows(
                        min_row=2, max_row=len(frame) + 1, min_col=idx, max_col=idx
                    ):
                        cell.number_format = fmt
            _fit_columns(sheet)
    return buffer.getvalue()
