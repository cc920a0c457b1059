"""manage.py import_levels: all-or-nothing level imports from CSV/XLSX."""

import io
import os
import re
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from assessments.level_import import LevelFileError, levels_import, levels_read
from assessments.models import Answer, AnswerEvent, Assignment, EventKind, Role
from tests.factories import (
    EvaluationPeriodFactory,
    InstansiFactory,
    OPDFactory,
    officer_of,
    role_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def indonesian():
    """The messages are asserted in the source language, whatever another test left active."""
    with translation.override("id"):
        yield


@pytest.fixture
def period(spbe2020):
    instansi = InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    opd = OPDFactory(instansi=instansi, code="diskominfo", short_name="Diskominfo")
    period = EvaluationPeriodFactory(instansi=instansi, year=2024, framework=spbe2020)
    Assignment.objects.bulk_create(
        Assignment(period=period, indicator=indicator, responsible_opd=opd)
        for indicator in spbe2020.indicators.all()
    )
    return period


def write_csv(tmp_path, text, name="levels.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(tmp_path, rows, name="levels.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def run(path, basis="final", year=2024, instansi="kaltim", **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_levels",
        "--period",
        str(year),
        "--instansi",
        instansi,
        "--basis",
        basis,
        str(path),
        stdout=out,
        stderr=err,
        **kwargs,
    )
    return out.getvalue(), err.getvalue()


def run_refused(path, **kwargs):
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_levels",
            "--period",
            str(kwargs.pop("year", 2024)),
            "--instansi",
            kwargs.pop("instansi", "kaltim"),
            "--basis",
            kwargs.pop("basis", "final"),
            str(path),
            stdout=io.StringIO(),
            stderr=err,
        )
    return caught.value, err.getvalue()


def levels(period, field):
    return dict(
        Answer.objects.filter(period=period)
        .exclude(**{f"{field}__isnull": True})
        .values_list("indicator__code", field)
    )


def test_csv_import_writes_final_levels_and_creates_answers(period, tmp_path):
    path = write_csv(tmp_path, "indicator,level\n1,4\n2,3\n47,5\n")
    out, _ = run(path, basis="final")
    assert levels(period, "final_level") == {"1": 4, "2": 3, "47": 5}
    # Missing answers are created from the assignments, for the responsible OPD.
    assert Answer.objects.filter(period=period).count() == 47
    assert set(Answer.objects.values_list("opd__code", flat=True)) == {"diskominfo"}
    assert "3" in out
    events = AnswerEvent.objects.filter(kind=EventKind.IMPORTED)
    assert events.count() == 3
    event = events.get(answer__indicator__code="1")
    assert (event.field, event.value_before, event.value_after) == ("final_level", "", "4")


@pytest.mark.parametrize(
    ("basis", "field"),
    [("self", "proposed_level"), ("validated", "validated_level"), ("final", "final_level")],
)
def test_basis_routes_to_its_field_only(period, tmp_path, basis, field):
    path = write_csv(tmp_path, "indicator,level,explanation\n5,2,FAKTA: Pergub 4/2023\n")
    run(path, basis=basis)
    answer = Answer.objects.get(period=period, indicator__code="5")
    for other in ("proposed_level", "validated_level", "final_level"):
        assert getattr(answer, other) == (2 if other == field else None)
    # Only the self-assessment carries the OPD's explanation.
    assert answer.explanation == ("FAKTA: Pergub 4/2023" if basis == "self" else "")
    assert answer.version == 2


def test_xlsx_import_with_numeric_cells(period, tmp_path):
    path = write_xlsx(
        tmp_path,
        [["Indicator", "Level", "Explanation"], [1, 3, "dok"], [12.0, 4.0, None], ["13", "2", ""]],
    )
    run(path, basis="self")
    assert levels(period, "proposed_level") == {"1": 3, "12": 4, "13": 2}
    assert Answer.objects.get(period=period, indicator__code="1").explanation == "dok"


def test_semicolon_csv_from_excel(period, tmp_path):
    path = write_csv(tmp_path, "\ufeffindicator;level\n1;2\n")
    run(path)
    assert levels(period, "final_level") == {"1": 2}


def test_one_bad_row_writes_nothing_and_lists_row_numbers(period, tmp_path):
    path = write_csv(tmp_path, "indicator,level\n1,4\n2,9\n3,3\n99,2\n")
    error, stderr = run_refused(path)
    assert error.returncode == 1
    assert "baris 3" in stderr and "level" in stderr and "'9'" in stderr
    assert "baris 5" in stderr and "'99'" in stderr
    assert "baris 2" not in stderr
    assert Answer.objects.count() == 0
    assert AnswerEvent.objects.count() == 0


def test_bad_row_leaves_existing_answers_untouched(period, tmp_path):
    run(write_csv(tmp_path, "indicator,level\n1,2\n", name="first.csv"))
    before = list(Answer.objects.order_by("id").values())
    run_refused(write_csv(tmp_path, "indicator,level\n1,5\n2,x\n", name="second.csv"))
    assert list(Answer.objects.order_by("id").values()) == before
    assert AnswerEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "row", "column", "reason"),
    [
        ("indicator,level\n1,4\n48,3\n", 3, "indicator", "tidak dikenal"),
        ("indicator,level\n1,0\n", 2, "level", "di luar rentang"),
        ("indicator,level\n1,6\n", 2, "level", "di luar rentang"),
        ("indicator,level\n1,\n", 2, "level", "kosong"),
        ("indicator,level\n1,tiga\n", 2, "level", "bukan bilangan bulat"),
        ("indicator,level\n1,3.5\n", 2, "level", "bukan bilangan bulat"),
        ("indicator,level\n,3\n", 2, "indicator", "kosong"),
        ("indicator,level\n7,3\n8,2\n7,4\n", 4, "indicator", "sudah ada di baris 2"),
    ],
)
def test_each_row_error_kind(period, tmp_path, content, row, column, reason):
    error, _ = run_refused(write_csv(tmp_path, content))
    assert error.returncode == 1
    with pytest.raises(LevelFileError) as caught:
        levels_read(content.encode(), framework=period.framework)
    [found] = caught.value.errors
    assert (found.row, found.column) == (row, column)
    assert reason in found.reason
    assert Answer.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"code,value\n1,3\n", "kolom wajib"),
        (b"indicator,level\n", "tidak memuat baris"),
        (b"", "tidak memuat baris"),
        (b"PK\x03\x04not really a workbook", "XLSX rusak"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", ".xls"),
        (b"\x00\x01\x02binary", "bukan CSV"),
    ],
)
def test_file_level_errors(period, tmp_path, content, reason):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    error, stderr = run_refused(path)
    assert error.returncode == 1
    assert reason in stderr
    assert Answer.objects.count() == 0


def test_missing_file_is_refused(period, tmp_path):
    error, stderr = run_refused(tmp_path / "nope.csv")
    assert error.returncode == 1
    assert "tidak dapat dibaca" in stderr


def test_unknown_period_or_instansi_exits_2(period, tmp_path):
    path = write_csv(tmp_path, "indicator,level\n1,3\n")
    error, _ = run_refused(path, year=2019)
    assert error.returncode == 2
    assert "2024" in str(error)
    error, _ = run_refused(path, instansi="atlantis")
    assert error.returncode == 2
    assert "kaltim" in str(error)


def test_unassigned_indicator_without_answer_is_refused(period, tmp_path):
    Assignment.objects.filter(period=period, indicator__code="3").delete()
    error, stderr = run_refused(write_csv(tmp_path, "indicator,level\n1,2\n3,2\n"))
    assert error.returncode == 1
    assert "baris 3" in stderr and "ditugaskan" in stderr
    assert Answer.objects.count() == 0


def test_reimport_of_same_file_changes_nothing(period, tmp_path):
    path = write_csv(tmp_path, "indicator,level\n1,4\n2,3\n")
    run(path)
    versions = dict(Answer.objects.values_list("id", "version"))
    out, _ = run(path)
    assert dict(Answer.objects.values_list("id", "version")) == versions
    assert AnswerEvent.objects.count() == 2
    assert "0 jawaban berubah" in out


def test_service_records_the_actor(period):
    admin = role_in(period.instansi, Role.ADMINISTRATOR, user__username="admin-impor")
    rows = levels_read(b"indicator,level\n1,3\n", framework=period.framework)
    outcome = levels_import(period=period, basis="validated", rows=rows, user=admin)
    assert (outcome.changed, outcome.created) == (1, 47)
    event = AnswerEvent.objects.get()
    assert event.actor == admin
    answer = Answer.objects.get(indicator__code="1", period=period)
    assert answer.updated_by == admin


def test_service_refuses_rows_for_another_framework(period, spbe2020):
    rows = levels_read(b"indicator,level\n1,3\n", framework=spbe2020)
    bad = [rows[0].__class__(row=2, indicator="999", level=3)]
    with pytest.raises(LevelFileError):
        levels_import(period=period, basis="final", rows=bad)
    assert Answer.objects.count() == 0


def _subprocess_env():
    """Points a child manage.py at the test database this test sees."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL to share the test database with a child process")
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    url = f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    return {**os.environ, "DATABASE_URL": url}


@pytest.mark.django_db(transaction=True)
def test_exit_status_through_manage_py(tmp_path, spbe2020):
    instansi = InstansiFactory(code="kaltim")
    opd = OPDFactory(instansi=instansi)
    period = EvaluationPeriodFactory(instansi=instansi, year=2024, framework=spbe2020)
    Assignment.objects.bulk_create(
        Assignment(period=period, indicator=indicator, responsible_opd=opd)
        for indicator in spbe2020.indicators.all()
    )
    env = _subprocess_env()
    root = Path(__file__).resolve().parent.parent

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", "import_levels", *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    bad = write_csv(tmp_path, "indicator,level\n1,3\n2,9\n", name="bad.csv")
    result = manage("--period", "2024", "--instansi", "kaltim", "--basis", "final", str(bad))
    assert result.returncode == 1, result.stderr
    assert "baris 3" in result.stderr
    assert Answer.objects.count() == 0

    result = manage("--period", "2024", "--instansi", "nowhere", "--basis", "final", str(bad))
    assert result.returncode == 2, result.stderr

    good = write_csv(tmp_path, "indicator,level\n1,3\n", name="good.csv")
    result = manage("--period", "2024", "--instansi", "kaltim", "--basis", "final", str(good))
    assert result.returncode == 0, result.stderr
    assert levels(period, "final_level") == {"1": 3}


def test_full_published_set_round_trips_to_the_published_index(period, tmp_path):
    from assessments.management.demo.data import LEVELS
    from indicators import scoring

    path = write_xlsx(
        tmp_path, [["indicator", "level"], *[[int(c), v] for c, v in LEVELS[2024]["final"].items()]]
    )
    run(path, basis="final")
    result = scoring.compute(period.framework.to_spec(), levels(period, "final_level"))
    assert (result.index.display, result.index.exact_str) == ("3.79", "3.7885")


# --- the administrator's import page -----------------------------------------


def import_url(period):
    return reverse("manage:import_levels", args=[period.instansi.code, period.year])


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def admin(period):
    return role_in(period.instansi, Role.ADMINISTRATOR)


def test_admin_page_shows_the_form(client, admin, period, django_assert_max_num_queries):
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        response = client.get(import_url(period))
    assert response.status_code == 200
    assert 'name="file"' in response.content.decode()


def test_admin_imports_a_csv(client, admin, period):
    client.force_login(admin)
    response = client.post(
        import_url(period),
        {"basis": "self", "file": upload("tingkat.csv", b"indicator,level,explanation\n1,4,ok\n")},
    )
    assert response.status_code == 302
    answer = Answer.objects.get(period=period, indicator__code="1")
    assert (answer.proposed_level, answer.explanation, answer.updated_by) == (4, "ok", admin)
    assert AnswerEvent.objects.get().actor == admin
    page = client.get(response["Location"]).content.decode()
    assert "1 jawaban berubah" in page


def test_admin_imports_an_xlsx(client, admin, period, tmp_path):
    client.force_login(admin)
    path = write_xlsx(tmp_path, [["indicator", "level"], [2, 3]])
    response = client.post(
        import_url(period), {"basis": "validated", "file": upload("t.xlsx", path.read_bytes())}
    )
    assert response.status_code == 302
    assert levels(period, "validated_level") == {"2": 3}


def test_admin_upload_with_bad_rows_lists_them_and_writes_nothing(client, admin, period):
    client.force_login(admin)
    response = client.post(
        import_url(period),
        {"basis": "final", "file": upload("t.csv", b"indicator,level\n1,4\n2,7\n2,3\n")},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "tidak ada yang disimpan" in page
    assert "<td>3</td>" in page and "<td>4</td>" in page
    assert "sudah ada di baris 3" in page
    assert Answer.objects.count() == 0


def test_admin_upload_without_file_is_refused(client, admin, period):
    client.force_login(admin)
    response = client.post(import_url(period), {"basis": "final"})
    assert response.status_code == 400
    assert Answer.objects.count() == 0


@pytest.mark.parametrize("who", ["officer", "reviewer", "leadership", "other_admin"])
def test_outsiders_get_404_and_change_nothing(client, period, who):
    if who == "officer":
        user = officer_of(period.instansi.opds.get())
    elif who == "other_admin":
        user = role_in(InstansiFactory(code="kaltara"), Role.ADMINISTRATOR)
    else:
        user = role_in(period.instansi, who)
    client.force_login(user)
    assert client.get(import_url(period)).status_code == 404
    response = client.post(
        import_url(period), {"basis": "final", "file": upload("t.csv", b"indicator,level\n1,4\n")}
    )
    assert response.status_code == 404
    assert Answer.objects.count() == 0


def test_anonymous_is_sent_to_login(client, period):
    response = client.post(
        import_url(period), {"basis": "final", "file": upload("t.csv", b"indicator,level\n1,4\n")}
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Answer.objects.count() == 0


def test_unknown_period_is_404(client, admin, period):
    client.force_login(admin)
    url = reverse("manage:import_levels", args=[period.instansi.code, 1999])
    assert client.get(url).status_code == 404


def test_framework_with_a_zero_value_accepts_level_0(db, tmp_path):
    """Pemdi 2026 allows 0 ("belum terindikasi"); the range comes from the framework."""
    from indicators.models import FrameworkVersion

    call_command("load_framework", "pemdi-2026", verbosity=0)
    pemdi = FrameworkVersion.objects.get(code="pemdi-2026")
    instansi = InstansiFactory(code="kaltim")
    opd = OPDFactory(instansi=instansi)
    period = EvaluationPeriodFactory(instansi=instansi, year=2026, framework=pemdi)
    Assignment.objects.bulk_create(
        Assignment(period=period, indicator=indicator, responsible_opd=opd)
        for indicator in pemdi.indicators.all()
    )
    code = pemdi.indicators.order_by("position").first().code
    run(write_csv(tmp_path, f"indicator,level\n{code},0\n"), year=2026, basis="final")
    assert levels(period, "final_level") == {code: 0}
    error, stderr = run_refused(write_csv(tmp_path, f"indicator,level\n{code},-1\n"), year=2026)
    assert error.returncode == 1 and "0–" in stderr


# --- hostile files: bounded time and memory ---------------------------------------------------


def rewrite_xlsx(data: bytes, replace: dict[str, object]) -> bytes:
    """A copy of the workbook with some parts replaced: bytes, or a callable
    writing the part in chunks (so the test itself stays small)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        names = source.namelist()
        for name in names + [n for n in replace if n not in names]:
            part = replace.get(name, source.read(name) if name in names else b"")
            if callable(part):
                with target.open(name, "w") as handle:
                    part(handle)
            else:
                target.writestr(name, part)
    return out.getvalue()


def plain_xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def whole_grid_xlsx(far_cell: bool) -> bytes:
    """A sheet that claims A1:XFD1048576 (and, with far_cell, holds a cell
    in its last row and column): 1.5 KB that once padded a million rows."""
    data = plain_xlsx([["indicator", "level"], [1, 4]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', sheet)
    if far_cell:
        far = '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
        sheet = sheet.replace("</sheetData>", far + "</sheetData>")
    return rewrite_xlsx(data, {"xl/worksheets/sheet1.xml": sheet.encode()})


def huge_string_xlsx(megabytes: int) -> bytes:
    """A few hundred KB holding one shared string of `megabytes` MB."""

    def write(handle):
        handle.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        handle.write(b"<si><t>")
        for _ in range(megabytes):
            handle.write(b"A" * 1024 * 1024)
        handle.write(b"</t></si></sst>")

    return rewrite_xlsx(
        plain_xlsx([["indicator", "level"], [1, 4]]), {"xl/sharedStrings.xml": write}
    )


def measured(call):
    """(outcome or the LevelFileError, seconds, peak traced MB)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = call()
    except LevelFileError as error:
        outcome = error
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    return outcome, seconds, peak


def test_sheet_claiming_the_whole_grid_is_refused_quickly_with_little_memory(period):
    data = whole_grid_xlsx(far_cell=True)
    assert len(data) < 10_000
    outcome, seconds, peak = measured(lambda: levels_read(data, framework=period.framework))
    assert isinstance(outcome, LevelFileError)
    assert "lebih dari 10.000 baris" in str(outcome)
    assert seconds < 1 and peak < 50, (seconds, peak)


def test_claimed_range_alone_does_not_pad_rows(period):
    data = whole_grid_xlsx(far_cell=False)
    outcome, seconds, peak = measured(lambda: levels_read(data, framework=period.framework))
    assert [(row.indicator, row.level) for row in outcome] == [("1", 4)]
    assert seconds < 1 and peak < 50, (seconds, peak)


def test_workbook_inflating_to_a_huge_string_is_refused_before_opening(period):
    data = huge_string_xlsx(100)
    assert len(data) < 1024 * 1024
    outcome, seconds, peak = measured(lambda: levels_read(data, framework=period.framework))
    assert isinstance(outcome, LevelFileError)
    assert "mengembang terlalu besar" in str(outcome)
    assert seconds < 1 and peak < 20, (seconds, peak)


def test_workbook_with_thousands_of_parts_is_refused(period):
    data = rewrite_xlsx(
        plain_xlsx([["indicator", "level"], [1, 4]]), {f"x/{i}.xml": b"" for i in range(1000)}
    )
    with pytest.raises(LevelFileError, match="mengembang terlalu besar"):
        levels_read(data, framework=period.framework)


def test_csv_with_bare_carriage_returns_is_read_as_lines(period):
    rows = levels_read(b"indicator,level\r1,4\r2,3\r", framework=period.framework)
    assert [(row.indicator, row.level) for row in rows] == [("1", 4), ("2", 3)]


@pytest.mark.parametrize(
    "content",
    [
        b'indicator,level,explanation\n1,4,"' + b"x" * 200_000 + b'"\n',
        b"indicator,level,explanation\n1,4," + b"x" * 200_000 + b"\n",
    ],
)
def test_csv_field_over_the_csv_modules_limit_is_refused_with_a_message(period, content):
    with pytest.raises(LevelFileError, match="CSV rusak di sekitar baris 2"):
        levels_read(content, framework=period.framework)


def test_csv_with_too_many_rows_is_refused(period):
    content = b"indicator,level\n" + b"1,4\n" * 10_001
    with pytest.raises(LevelFileError, match=r"lebih dari 10\.000 baris"):
        levels_read(content, framework=period.framework)


def test_command_checks_the_size_before_reading(period, tmp_path):
    path = tmp_path / "besar.csv"
    with path.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: no disk used
    outcome, _seconds, peak = measured(lambda: run_refused(path))
    error, stderr = outcome
    assert error.returncode == 1 and "terlalu besar" in stderr
    assert peak < 20, peak
    assert Answer.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "build", "reason"),
    [
        ("grid.xlsx", lambda: whole_grid_xlsx(far_cell=True), "lebih dari 10.000 baris"),
        ("bom.xlsx", lambda: huge_string_xlsx(30), "mengembang terlalu besar"),
        ("panjang.csv", lambda: b"indicator,level\n1," + b"9" * 200_000 + b"\n", "CSV rusak"),
    ],
)
def test_admin_upload_of_a_hostile_file_is_refused_with_a_message(
    client, admin, period, name, build, reason
):
    client.force_login(admin)
    response = client.post(import_url(period), {"basis": "final", "file": upload(name, build())})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert Answer.objects.count() == 0 and AnswerEvent.objects.count() == 0
