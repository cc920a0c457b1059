"""Backup and restore, with the commands of docs/OPERATIONS.md as written.

The demo data (every kind of row, evidence files) plus a rendered report is
backed up with the documented `pg_dump` + `tar` block, restored with the
documented `pg_restore` + `tar` block into a scratch database and an empty
directory, and compared: every table's row count and a hash of all its rows
in primary-key order, every sequence, every file byte for byte, and every
evidence file against the SHA-256 stored in its (restored) row."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from assessments.models import EvaluationPeriod, EvidenceFile, Role
from reports.models import JobState, ReportJob
from tests.factories import role_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parent.parent / "docs" / "OPERATIONS.md"


def documented_block(tag: str) -> str:
    """The ```sh block right after `<!-- tag -->` in the operations guide."""
    match = re.search(rf"<!-- {tag} -->\s*```sh\n(.*?)```", DOCS.read_text(), re.S)
    assert match, f"no '{tag}' block in {DOCS}"
    return match.group(1)


def run_block(tag: str, *, cwd: Path, env: dict) -> None:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", documented_block(tag)],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{tag} failed:\n{result.stdout}\n{result.stderr}"


def database_url(name: str) -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def scratch_database():
    """An empty database next to the test database, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are PostgreSQL's pg_dump/pg_restore")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("needs pg_dump and pg_restore")
    name = f"spbe_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def seeded(settings, evidence_storage, monkeypatch):
    """The demo data with its evidence files, and one rendered report."""
    monkeypatch.setenv("DEMO_PASSWORD", "sandi-cadangan-uji-1")
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    period = EvaluationPeriod.objects.get(instansi__code="kaltim", year=2024)
    job = ReportJob(
        period=period,
        basis="final",
        kind="instansi",
        format="xlsx",
        state=JobState.DONE,
        requested_by=role_in(period.instansi, Role.LEADERSHIP),
        finished_at=timezone.now(),
    )
    job.file.save("report.xlsx", ContentFile(b"PK\x03\x04 laporan " * 100), save=False)
    job.save()
    assert EvidenceFile.objects.count() > 0, "the demo data should carry evidence files"
    return evidence_storage.parent  # SPBE_VAR_DIR: holds files/


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Per table: (row count, md5 of every row as text in primary-key order)."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        result = {}
        for table in tables:
            pk = [
                row[0]
                for row in conn.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                    "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                    "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
                    [f'public."{table}"'],
                )
            ]
            order = ", ".join(f't."{column}"' for column in pk) or "t::text"
            count, digest = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY {order}), '')) "
                f'FROM public."{table}" t'
            ).fetchone()
            result[table] = (count, digest)
        return result


def sequence_values(url: str) -> dict[str, int | None]:
    with psycopg.connect(url) as conn:
        return dict(
            conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            ).fetchall()
        )


def file_hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_documented_backup_restores_every_row_and_file(seeded, scratch_database, tmp_path):
    source_url = database_url(connection.settings_dict["NAME"])
    restored_url = database_url(scratch_database)
    source_dir = seeded
    backups = tmp_path / "backups"
    backups.mkdir()
    restored_dir = tmp_path / "restored-var"
    restored_dir.mkdir()

    run_block(
        "backup", cwd=backups, env={"DATABASE_URL": source_url, "SPBE_VAR_DIR": str(source_dir)}
    )
    dumps = list(backups.glob("spbe-*.dump"))
    assert len(dumps) == 1 and list(backups.glob("spbe-files-*.tar.gz"))
    stamp = dumps[0].name.removeprefix("spbe-").removesuffix(".dump")

    run_block(
        "restore",
        cwd=backups,
        env={"DATABASE_URL": restored_url, "SPBE_VAR_DIR": str(restored_dir), "stamp": stamp},
    )

    source_tables = table_fingerprints(source_url)
    restored_tables = table_fingerprints(restored_url)
    assert source_tables["assessments_answer"][0] > 100  # a real data set, not an empty one
    assert set(restored_tables) == set(source_tables)
    differing = {t for t in source_tables if source_tables[t] != restored_tables[t]}
    assert not differing, f"tables differ after restore: {sorted(differing)}"
    assert sequence_values(restored_url) == sequence_values(source_url)

    source_files = file_hashes(source_dir / "files")
    assert len(source_files) >= EvidenceFile.objects.count() + 1  # evidence + the report
    assert file_hashes(restored_dir / "files") == source_files
    # Every evidence row of the restored database finds its file, intact.
    with psycopg.connect(restored_url) as conn:
        rows = conn.execute("SELECT file, sha256 FROM assessments_evidencefile").fetchall()
        reports = conn.execute("SELECT file FROM reports_reportjob WHERE file <> ''").fetchall()
    assert rows and reports
    for name, sha256 in rows:
        path = restored_dir / "files" / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256, name
    for (name,) in reports:
        assert (restored_dir / "files" / name).is_file(), name


def test_the_guide_names_both_blocks():
    backup, restore = documented_block("backup"), documented_block("restore")
    assert "pg_dump --format=custom" in backup and "tar -C" in backup
    assert "pg_restore" in restore and "tar -C" in restore
