"""`manage.py render_report`: the exact interface others rely on. Errors are
checked both in-process (the CommandError's return code) and as a real child
process (the exit status a shell sees)."""

import io
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent


def render(tmp_path, *extra, name="out"):
    output = tmp_path / name
    stdout = io.StringIO()
    call_command("render_report", *extra, "--output", str(output), stdout=stdout)
    return output, stdout.getvalue()


def base_args(**overrides):
    values = {
        "--period": "2024",
        "--instansi": "kaltim",
        "--basis": "final",
        "--kind": "instansi",
        "--format": "pdf",
    } | overrides
    return [part for key, value in values.items() if value for part in (key, value)]


def test_instansi_pdf(kaltim2024, tmp_path):
    output, stdout = render(tmp_path, *base_args(), name="kaltim.pdf")
    assert output.read_bytes()[:5] == b"%PDF-"
    text = "\n".join(p.extract_text() for p in PdfReader(output).pages)
    assert "3,79" in text and "Sangat Baik" in text
    assert str(output) in stdout


def test_self_basis_xlsx(kaltim2024, tmp_path):
    output, _ = render(tmp_path, *base_args(**{"--basis": "self", "--format": "xlsx"}))
    summary = pd.read_excel(output, sheet_name="Ringkasan").set_index("Keterangan")["Nilai"]
    assert summary["Indeks SPBE"] == pytest.approx(4.35)


def test_opd_and_berita_acara(kaltim2024_signed, tmp_path):
    output, _ = render(
        tmp_path, *base_args(**{"--kind": "opd", "--opd": "bappeda"}), name="opd.pdf"
    )
    assert "Bappeda" in "\n".join(p.extract_text() for p in PdfReader(output).pages)
    output, _ = render(
        tmp_path, *base_args(**{"--kind": "berita-acara", "--basis": "validated"}), name="ba.pdf"
    )
    assert "BERITA ACARA" in PdfReader(output).pages[0].extract_text()


def test_berita_acara_on_another_basis_is_refused(kaltim2024_signed, tmp_path):
    with pytest.raises(CommandError) as refused:
        render(tmp_path, *base_args(**{"--kind": "berita-acara"}), name="ba.pdf")
    assert refused.value.returncode == 2
    assert "Hasil validasi asesor internal" in str(refused.value)
    assert not (tmp_path / "ba.pdf").exists()


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"--instansi": "atlantis"}, "Instansi atlantis"),
        ({"--period": "1999"}, "Periode 1999"),
        ({"--kind": "opd"}, "--opd"),
        ({"--kind": "opd", "--opd": "nope"}, "OPD nope"),
    ],
)
def test_unknown_inputs_exit_2(kaltim2024, tmp_path, overrides, fragment):
    with pytest.raises(CommandError) as caught:
        render(tmp_path, *base_args(**overrides))
    assert caught.value.returncode == 2
    assert fragment in str(caught.value)
    assert not (tmp_path / "out").exists()


@pytest.fixture
def manage(transactional_db, tmp_path):
    """Runs manage.py in a child process against the test database."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the child process needs a database it can reach (PostgreSQL)")
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{host}/{db['NAME']}",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "test-only",
    }
    env.pop("REDIS_URL", None)

    def run(*args):
        return subprocess.run(
            [sys.executable, "manage.py", "render_report", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


@pytest.mark.slow
def test_child_process_renders_and_exits_0(manage, kaltim2024, tmp_path):
    output = tmp_path / "kaltim.pdf"
    result = manage(*base_args(), "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert "3,79" in "\n".join(p.extract_text() for p in PdfReader(output).pages)


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        base_args(**{"--instansi": "atlantis"}),
        base_args(**{"--kind": "opd"}),
        base_args(**{"--format": "docx"}),
        base_args(**{"--period": None}),
    ],
)
def test_child_process_exits_2_with_a_clear_error(manage, tmp_path, args):
    result = manage(*args, "--output", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()
