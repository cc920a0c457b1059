"""`manage.py spbe_index` run as a user runs it: a separate process, so the
exit codes (0 computed, 1 some rows refused, 2 file refused) are the real ones.

The process talks to the test database, where no framework is loaded, so it
computes from the shipped framework file; one test checks that the loaded
catalogue gives the same figures.
"""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from indicators.framework_file import parse_framework_file, shipped_path

REPO = Path(__file__).resolve().parent.parent
COMMAND = (sys.executable, "manage.py", "spbe_index", "--framework", "spbe-2020")
CODES = parse_framework_file(shipped_path("spbe-2020")).to_spec().indicator_codes

# Kaltim 2024 (FRAMEWORK.md): level sums 37, 35, 31, 41, 28 per indicator group.
KALTIM_2024 = (
    [4] * 7 + [3] * 3 + [4] * 5 + [3] * 5 + [3] * 9 + [2] * 2 + [5] + [4] * 9 + [5] * 4 + [4] * 2
)
ALL_THREES = [3] * 47


def csv_text(rows, header=("id", *CODES), delimiter=","):
    lines = [delimiter.join(header)]
    lines += [delimiter.join(str(cell) for cell in row) for row in rows]
    return "\n".join(lines) + "\n"


def with_cell(levels, code, value):
    cells = list(levels)
    cells[CODES.index(code)] = value
    return cells


@pytest.fixture
def spbe_index(django_db_setup, tmp_path):
    """Runs the command in a child process against the test database."""
    settings = connection.settings_dict
    if settings["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the child process needs a database it can reach (PostgreSQL)")
    auth = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        auth += ":" + quote(settings["PASSWORD"], safe="")
    host = settings["HOST"] or "127.0.0.1"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{host}{port}/{settings['NAME']}",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "test-only",
    }

    def run(text, *extra, name="levels.csv", encoding="utf-8"):
        path = tmp_path / name
        path.write_text(text, encoding=encoding)
        return subprocess.run(
            [*COMMAND, "--input", str(path), *extra],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def records(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_json_lines_carry_the_published_kaltim_2024_values(spbe_index):
    done = spbe_index(csv_text([["kaltim-2024", *KALTIM_2024], ["all-3", *ALL_THREES]]))

    assert done.returncode == 0, done.stderr
    kaltim, threes = records(done.stdout)
    assert list(kaltim) == ["id", "index", "index_exact", "predicate", "domains", "aspects"]
    assert kaltim["id"] == "kaltim-2024"
    assert kaltim["index"] == "3.79"
    assert kaltim["index_exact"] == "3.7885"
    assert kaltim["predicate"] == "Sangat Baik"
    assert kaltim["domains"] == {"D1": "3.70", "D2": "3.50", "D3": "2.82", "D4": "4.32"}
    assert kaltim["aspects"]["A8"] == "4.67"
    assert list(kaltim["aspects"]) == [f"A{n}" for n in range(1, 9)]
    assert threes == {
        "id": "all-3",
        "index": "3.00",
        "index_exact": "3",
        "predicate": "Baik",
        "domains": dict.fromkeys(("D1", "D2", "D3", "D4"), "3.00"),
        "aspects": {f"A{n}": "3.00" for n in range(1, 9)},
    }


def test_rows_come_out_in_input_order(spbe_index):
    ids = ["z", "a", "m", "b"]
    done = spbe_index(csv_text([[row_id, *ALL_THREES] for row_id in ids]))

    assert done.returncode == 0, done.stderr
    assert [r["id"] for r in records(done.stdout)] == ids


BAD_ROWS = [
    ("short", ALL_THREES[:-1], ["47", "tidak ada"]),
    ("letters", with_cell(ALL_THREES, "12", "abc"), ["12", "'abc'", "bukan bilangan bulat"]),
    ("decimal", with_cell(ALL_THREES, "13", "3.5"), ["13", "'3.5'", "bukan bilangan bulat"]),
    ("zero", with_cell(ALL_THREES, "14", 0), ["14", "tingkat 0", "1–5"]),
    ("six", with_cell(ALL_THREES, "15", 6), ["15", "tingkat 6", "1–5"]),
    ("empty", with_cell(ALL_THREES, "16", ""), ["16", "kosong"]),
]


def test_bad_rows_are_reported_and_the_rest_computed(spbe_index):
    rows = [["first", *KALTIM_2024]]
    rows += [[row_id, *cells] for row_id, cells, _ in BAD_ROWS]
    rows += [["last", *KALTIM_2024]]

    done = spbe_index(csv_text(rows))

    assert done.returncode == 1
    assert f"{len(BAD_ROWS)} row(s) could not be computed" in done.stderr
    out = records(done.stdout)
    assert [r["id"] for r in out] == ["first", *(b[0] for b in BAD_ROWS), "last"]
    assert out[0]["index"] == out[-1]["index"] == "3.79"
    for record, (row_id, _, fragments) in zip(out[1:-1], BAD_ROWS, strict=True):
        assert set(record) == {"id", "error"}, row_id
        for fragment in fragments:
            assert fragment in record["error"], (row_id, record["error"])


def test_file_without_id_column_is_refused(spbe_index):
    done = spbe_index(csv_text([["x", *ALL_THREES]], header=("kode", *CODES)))

    assert done.returncode == 2
    assert done.stdout == ""
    assert "'id'" in done.stderr


def test_unknown_indicator_column_is_refused_before_any_output(spbe_index):
    done = spbe_index(csv_text([["x", *ALL_THREES, 3]], header=("id", *CODES, "48")))

    assert done.returncode == 2
    assert done.stdout == ""
    assert "unknown indicator column(s): 48" in done.stderr


def test_repeated_column_is_refused(spbe_index):
    done = spbe_index(csv_text([["x", *ALL_THREES, 3]], header=("id", *CODES, "7")))

    assert done.returncode == 2
    assert done.stdout == ""
    assert "repeated column(s): 7" in done.stderr


def test_table_format_is_readable(spbe_index):
    rows = [["kaltim-2024", *KALTIM_2024], ["broken", *with_cell(ALL_THREES, "12", "abc")]]

    done = spbe_index(csv_text(rows), "--format", "table")

    assert done.returncode == 1
    header, kaltim, broken = done.stdout.splitlines()
    domains, aspects = [f"D{n}" for n in range(1, 5)], [f"A{n}" for n in range(1, 9)]
    assert header.split() == ["id", "index", "predicate", *domains, *aspects]
    assert kaltim.split()[:3] == ["kaltim-2024", "3.79", "Sangat"]
    assert kaltim.split()[4:8] == ["3.70", "3.50", "2.82", "4.32"]
    # Columns line up: each value starts where its heading does.
    assert kaltim.index("3.79") == header.index("index")
    assert kaltim.index("4.32") == header.index("D4")
    assert broken.startswith("broken")
    assert "ERROR" in broken and "abc" in broken


def test_semicolon_delimited_file(spbe_index):
    done = spbe_index(csv_text([["kaltim-2024", *KALTIM_2024]], delimiter=";"))

    assert done.returncode == 0, done.stderr
    assert records(done.stdout)[0]["index_exact"] == "3.7885"


def test_utf8_bom_is_ignored(spbe_index):
    # Spreadsheet programs save "CSV UTF-8" with a byte order mark, which would
    # otherwise turn the first heading into "\ufeffid".
    done = spbe_index(csv_text([["kaltim-2024", *KALTIM_2024]]), encoding="utf-8-sig")

    assert done.returncode == 0, done.stderr
    assert records(done.stdout)[0]["index"] == "3.79"


def test_blank_lines_are_skipped(spbe_index):
    header, row_a, row_b = csv_text([["a", *ALL_THREES], ["b", *ALL_THREES]]).splitlines()
    empty_cells = "," * len(CODES)

    done = spbe_index("\n".join([header, row_a, "", empty_cells, row_b]) + "\n")

    assert done.returncode == 0, done.stderr
    assert [r["id"] for r in records(done.stdout)] == ["a", "b"]


def test_unknown_framework_exits_2(db, tmp_path):
    path = tmp_path / "levels.csv"
    path.write_text(csv_text([]), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("spbe_index", "--framework", "no-such", "--input", str(path))
    assert caught.value.returncode == 2


def test_loaded_catalogue_gives_the_same_figures(spbe2020, tmp_path):
    path = tmp_path / "levels.csv"
    path.write_text(csv_text([["kaltim-2024", *KALTIM_2024]]), encoding="utf-8")
    out = StringIO()

    call_command("spbe_index", "--framework", "spbe-2020", "--input", str(path), stdout=out)

    (record,) = records(out.getvalue())
    assert record["index_exact"] == "3.7885"
    assert record["domains"] == {"D1": "3.70", "D2": "3.50", "D3": "2.82", "D4": "4.32"}


def test_works_without_a_database(tmp_path):
    """The calculator falls back to the shipped framework file when the
    database is absent, so it runs on a machine that only has the code."""
    import os
    import subprocess
    import sys

    csv_file = tmp_path / "levels.csv"
    header = ",".join(["id", *[str(code) for code in range(1, 48)]])
    csv_file.write_text(f"\ufeff{header}\nsemua-tiga,{','.join(['3'] * 47)}\n", encoding="utf-8")
    env = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}
    } | {"SPBE_VAR_DIR": str(tmp_path / "empty-var"), "DEBUG": "true"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spbe_index",
            "--framework",
            "spbe-2020",
            "--input",
            "-",
            "--format",
            "json",
        ],
        input=csv_file.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    assert result.returncode == 0, result.stderr
    assert '"index": "3.00"' in result.stdout
