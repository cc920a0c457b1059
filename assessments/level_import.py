"""Levels from a spreadsheet: reading and checking a CSV/XLSX file of
(indicator, level, explanation) rows, and writing them all-or-nothing into a
period's answers on one basis (self, validated or final).

Shared by `manage.py import_levels` and the administrator's import page, so
both refuse the same files with the same row-level errors.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from assessments import lifecycle
from assessments.models import Answer, Assignment, EvaluationPeriod
from indicators.bases import LEVEL_FIELD

# The basis -> answer level field map, defined once for every app.
BASIS_FIELDS = LEVEL_FIELD
REQUIRED_COLUMNS = ("indicator", "level")
OPTIONAL_COLUMNS = ("explanation",)
# Excel's own header row is row 1, so data rows are numbered as the user sees them.
FIRST_DATA_ROW = 2
MAX_FILE_BYTES = 5 * 1024 * 1024
# A framework has at most a few hundred indicators: these bound what a hostile
# file can make us build (a sheet may claim A1:XFD1048576 while holding nothing).
MAX_ROWS = 10_000
MAX_COLUMNS = 50
# An .xlsx is a zip; judged from its directory before openpyxl opens it.
XLSX_MAX_ENTRIES = 200
XLSX_MAX_UNCOMPRESSED = 10 * 1024 * 1024
XLSX_MAX_RATIO = 100
XLSX_RATIO_FLOOR = 1024 * 1024  # small workbooks may compress well

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class LevelRow:
    row: int
    indicator: str
    level: int
    explanation: str | None = None


@dataclass(frozen=True)
class RowError:
    """One refused cell; row is None for problems of the file as a whole."""

    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = _("baris %(row)s") % {"row": self.row} if self.row else _("berkas")
        column = f", {_('kolom')} {self.column}" if self.column else ""
        value = f" ({self.value!r})" if self.value else ""
        return f"{where}{column}{value}: {self.reason}"


class LevelFileError(Exception):
    """The file or its rows were refused; nothing was written."""

    def __init__(self, errors: Sequence[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class ImportOutcome:
    basis: str
    rows: int
    changed: int
    created: int
    unchanged: int


def levels_read(data: bytes, *, framework, name: str = "") -> list[LevelRow]:
    """Parses and checks a whole file against `framework` (a FrameworkVersion).
    Returns every row or raises LevelFileError listing every bad one."""
    table = _read_table(data, name)
    header, body = _split_header(table)
    raw_rows = [(FIRST_DATA_ROW + i, cells) for i, cells in enumerate(body)]
    return _check_rows(raw_rows, header, framework)


def levels_read_path(path: Path, *, framework) -> list[LevelRow]:
    try:
        with Path(path).open("rb") as handle:
            # The size is checked before the file is read, as for an upload.
            if Path(path).stat().st_size > MAX_FILE_BYTES:
                raise LevelFileError([_too_big(str(path))])
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise LevelFileError(
            [RowError(None, "", str(path), _("berkas tidak dapat dibaca: %s") % exc.strerror)]
        ) from None
    return levels_read(data, framework=framework, name=str(path))


def levels_check(*, period: EvaluationPeriod, rows: Iterable[LevelRow]) -> list[RowError]:
    """Problems that depend on the period rather than the file: an indicator
    outside the period's framework, a level out of its range, a duplicate, or
    an indicator without an answer and without a responsible OPD."""
    rows = list(rows)
    framework = period.framework
    codes = dict(framework.indicators.values_list("code", "id"))
    errors = []
    seen: dict[str, int] = {}
    for row in rows:
        if row.indicator not in codes:
            errors.append(_unknown_indicator(row.row, row.indicator, framework))
            continue
        if row.indicator in seen:
            errors.append(_duplicate(row.row, row.indicator, seen[row.indicator]))
            continue
        seen[row.indicator] = row.row
        if not framework.admits(row.level):
            errors.append(_out_of_range(row.row, str(row.level), framework))
    wanted = {codes[code] for code in seen}
    answered = set(
        Answer.objects.filter(period=period, indicator_id__in=wanted).values_list(
            "indicator_id", flat=True
        )
    )
    assigned = set(
        Assignment.objects.filter(period=period, indicator_id__in=wanted).values_list(
            "indicator_id", flat=True
        )
    )
    for code, row_number in seen.items():
        indicator_id = codes[code]
        if indicator_id not in answered and indicator_id not in assigned:
            errors.append(
                RowError(
                    row_number,
                    "indicator",
                    code,
                    _(
                        "indikator ini belum ditugaskan ke OPD mana pun pada periode ini, "
                        "sehingga jawabannya tidak dapat dibuat"
                    ),
                )
            )
    return sorted(errors, key=lambda e: (e.row or 0, e.column))


@transaction.atomic
def levels_import(
    *, period: EvaluationPeriod, basis: str, rows: Sequence[LevelRow], user=None
) -> ImportOutcome:
    """Writes every row's level into the `basis` field of the period's answer
    (self also takes the explanation when given), creating missing answers
    from the assignments. One bad row refuses the lot."""
    if basis not in BASIS_FIELDS:
        raise ValueError(f"unknown basis {basis!r}")
    rows = list(rows)
    errors = levels_check(period=period, rows=rows)
    if errors:
        raise LevelFileError(errors)
    if not rows:
        raise LevelFileError([_no_rows()])

    field = BASIS_FIELDS[basis]
    codes = dict(period.framework.indicators.values_list("code", "id"))
    wanted = {codes[row.indicator] for row in rows}
    changed = 0
    with lifecycle.operation("import"):
        created = lifecycle.answers_ensure(period=period)
        answers = {
            a.indicator_id: a
            for a in Answer.objects.filter(period=period, indicator_id__in=wanted).select_related(
                "period__framework", "indicator", "opd"
            )
        }
        for row in rows:
            if _import_row(answers[codes[row.indicator]], row, field, basis, user):
                changed += 1
    return ImportOutcome(
        basis=basis,
        rows=len(rows),
        changed=changed,
        created=created,
        unchanged=len(rows) - changed,
    )


def _import_row(answer: Answer, row: LevelRow, field: str, basis: str, user) -> bool:
    """One row through the lifecycle; False when it changes nothing."""
    values = {field: row.level}
    explanation_changed = basis == "self" and row.explanation not in (None, answer.explanation)
    if explanation_changed:
        values["explanation"] = row.explanation
    if all(getattr(answer, name) == value for name, value in values.items()):
        return False
    comment = _("Diimpor dari berkas (dasar: %(basis)s, baris %(row)s).") % {
        "basis": basis,
        "row": row.row,
    }
    if explanation_changed:
        comment += " " + _("Penjelasan juga diperbarui.")
    elif basis != "self" and row.explanation:
        comment += " " + row.explanation
    lifecycle.apply(
        "import",
        answer,
        user=user,
        reload=False,
        prepare=lambda _current: values,
        event={"comment": comment},
    )
    return True


# --- reading -----------------------------------------------------------------


def _too_big(name: str) -> RowError:
    limit = {"mb": MAX_FILE_BYTES // (1024 * 1024)}
    return RowError(None, "", name, _("berkas terlalu besar (maksimal %(mb)s MB)") % limit)


def _refused(name: str, reason: str) -> LevelFileError:
    return LevelFileError([RowError(None, "", name, reason)])


def _too_many_rows(name: str) -> LevelFileError:
    limit = {"rows": number_format(MAX_ROWS, force_grouping=True)}
    return _refused(name, _("lebih dari %(rows)s baris; hapus baris di bawah data") % limit)


def _read_table(data: bytes, name: str) -> list[list[object]]:
    if len(data) > MAX_FILE_BYTES:
        raise LevelFileError([_too_big(name)])
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, name)
    if data.startswith(_OLE_MAGIC):
        raise LevelFileError(
            [
                RowError(
                    None,
                    "",
                    name,
                    _(
                        "format Excel lama (.xls) tidak didukung; simpan sebagai .xlsx atau CSV "
                        "lalu unggah lagi"
                    ),
                )
            ]
        )
    return _read_csv(data, name)


def _read_xlsx(data: bytes, name: str) -> list[list[object]]:
    from openpyxl import load_workbook

    damaged = _refused(name, _("berkas XLSX rusak atau tidak dapat dibaca"))
    _check_xlsx_package(data, name, damaged)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise damaged from None
    try:
        sheet = workbook.worksheets[0]
        # Explicit bounds: without them openpyxl pads every row to the
        # dimension the sheet claims, however empty it is.
        rows = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
        table = [list(row) for row in rows]
    except Exception:  # a sheet part that does not parse
        raise damaged from None
    finally:
        workbook.close()
    if len(table) > MAX_ROWS:
        raise _too_many_rows(name)
    return table


def _check_xlsx_package(data: bytes, name: str, damaged: LevelFileError) -> None:
    """Entry count, total size and compression ratio from the zip directory,
    before anything is inflated: a 300 KB file can hold a 300 MB string."""
    bomb = _refused(name, _("berkas XLSX mengembang terlalu besar saat dibuka"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise damaged from None
    if len(infos) > XLSX_MAX_ENTRIES:
        raise bomb
    total = sum(info.file_size for info in infos)
    if total > XLSX_MAX_UNCOMPRESSED:
        raise bomb
    for info in infos:
        if info.file_size > XLSX_RATIO_FLOOR and info.file_size > XLSX_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise bomb


def _read_csv(data: bytes, name: str) -> list[list[object]]:
    if b"\x00" in data:
        raise LevelFileError(
            [RowError(None, "", name, _("berkas bukan CSV atau XLSX yang dapat dibaca"))]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page.
        text = data.decode("cp1252", errors="replace")
    first_line = text.partition("\n")[0].partition("\r")[0]
    delimiter = max(",;\t", key=first_line.count)
    # newline="" lets the csv module take \r\n, \n and a bare \r (old Mac
    # exports) as line ends, and keep line breaks inside quoted cells.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = []
    try:
        for cells in reader:
            if len(table) == MAX_ROWS:
                raise _too_many_rows(name)
            table.append(cells[:MAX_COLUMNS])
    except csv.Error:
        # A cell over the csv module's size limit, a quote left open, ...
        raise _refused(
            name, _("CSV rusak di sekitar baris %(row)s") % {"row": reader.line_num}
        ) from None
    return table


def _split_header(table: list[list[object]]) -> tuple[dict[str, int], list[list[object]]]:
    rows = list(table)
    while rows and _blank(rows[0]):
        rows.pop(0)
    if not rows:
        raise LevelFileError([_no_rows()])
    header: dict[str, int] = {}
    for position, cell in enumerate(rows[0]):
        column = _text(cell).lower()
        if column and column not in header:
            header[column] = position
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise LevelFileError(
            [
                RowError(
                    1,
                    column,
                    "",
                    _("kolom wajib tidak ada; baris pertama harus memuat %(columns)s")
                    % {"columns": ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)},
                )
                for column in missing
            ]
        )
    return header, rows[1:]


def _check_rows(raw_rows, header, framework) -> list[LevelRow]:
    codes = set(framework.indicators.values_list("code", flat=True))
    errors: list[RowError] = []
    rows: list[LevelRow] = []
    seen: dict[str, int] = {}
    for row_number, cells in raw_rows:
        if _blank(cells):
            continue
        indicator = _cell_code(_cell(cells, header, "indicator"))
        raw_level = _cell(cells, header, "level")
        explanation = (
            _text(_cell(cells, header, "explanation")) if "explanation" in header else None
        )
        row_errors = []
        if not indicator:
            row_errors.append(RowError(row_number, "indicator", "", _("kode indikator kosong")))
        elif indicator not in codes:
            row_errors.append(_unknown_indicator(row_number, indicator, framework))
        elif indicator in seen:
            row_errors.append(_duplicate(row_number, indicator, seen[indicator]))
        else:
            seen[indicator] = row_number
        level, level_error = _parse_level(row_number, raw_level, framework)
        if level_error:
            row_errors.append(level_error)
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(LevelRow(row_number, indicator, level, explanation or None))
    if errors:
        raise LevelFileError(errors)
    if not rows:
        raise LevelFileError([_no_rows()])
    return rows


def _parse_level(row_number, raw, framework) -> tuple[int | None, RowError | None]:
    text = _text(raw)
    if text == "":
        return None, RowError(row_number, "level", "", _("tingkat kosong"))
    if isinstance(raw, bool):
        return None, RowError(row_number, "level", text, _("tingkat bukan bilangan bulat"))
    try:
        number = Decimal(text.replace(",", ".")) if isinstance(raw, str) else Decimal(str(raw))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        return None, RowError(row_number, "level", text, _("tingkat bukan bilangan bulat"))
    level = int(number)
    if not framework.admits(level):
        return None, _out_of_range(row_number, text, framework)
    return level, None


def _cell(cells, header, column):
    position = header.get(column)
    if position is None or position >= len(cells):
        return None
    return cells[position]


def _cell_code(value) -> str:
    # Spreadsheets turn the code "12" into the number 12.0.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _blank(cells) -> bool:
    return all(_text(cell) == "" for cell in cells)


def _unknown_indicator(row, code, framework) -> RowError:
    return RowError(
        row,
        "indicator",
        code,
        _("indikator tidak dikenal dalam kerangka %(framework)s") % {"framework": framework.code},
    )


def _duplicate(row, code, first_row) -> RowError:
    return RowError(
        row,
        "indicator",
        code,
        _("indikator ganda; sudah ada di baris %(row)s") % {"row": first_row},
    )


def _out_of_range(row, text, framework) -> RowError:
    return RowError(
        row,
        "level",
        text,
        _("tingkat di luar rentang %(low)s–%(high)s")
        % {"low": framework.value_floor, "high": framework.level_max},
    )


def _no_rows() -> RowError:
    return RowError(None, "", "", _("berkas tidak memuat baris data"))
