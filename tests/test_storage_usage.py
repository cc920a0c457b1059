"""Growing past one machine: evidence and report files go through Django's
storage API only (so an object store replaces the disk by configuration),
and a web process keeps no state of its own.

Three kinds of proof: the source of the evidence and report code never
reaches for a file path; the whole file life cycle (upload, download,
withdraw, render, download a report) works on a storage that has no paths
at all (InMemoryStorage, like S3); and the production settings put sessions,
caches, files and jobs in shared services."""

from __future__ import annotations

import ast
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import InMemoryStorage, storages
from django.urls import reverse

from assessments.models import EvidenceFile, Role
from reports.models import JobState, ReportJob
from tests.factories import role_in
from tests.pdf_samples import MINIMAL_PDF

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("assessments", "reports")

# Where code legitimately touches the local file system, and why. Anything
# else found below fails: use the storage API (field.open(), storage.save()).
ALLOWED = {
    # The PDF renderer reads the portal's own static files (CSS, fonts) found
    # by the staticfiles finders; they ship with the code, not the storage.
    ("reports/rendering/pdf.py", "open"),
    # Command-line tools read or write a file the operator names.
    ("assessments/level_import.py", "Path"),
    ("assessments/management/commands/import_levels.py", "Path"),
    ("reports/management/commands/render_report.py", "Path"),
}
# `.path` on these names is a URL's path or a request's, not a file's.
NOT_FILES = {"request", "parts", "url", "parsed", "split", "urlparts"}
FORBIDDEN_NAMES = {"PRIVATE_FILES_ROOT", "MEDIA_ROOT", "FileSystemStorage"}


def offences(source: str, relative: str) -> list[tuple[str, int, str]]:
    found = []
    for node in ast.walk(ast.parse(source, filename=relative)):
        what = None
        if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "os":
            if node.attr in ("path", "open", "remove", "unlink"):
                what = f"os.{node.attr}"
        elif isinstance(node, ast.Attribute) and node.attr == "path":
            owner = node.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name not in NOT_FILES:
                what = ".path"
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("open", "Path"):
            what = node.func.id
        elif isinstance(node, ast.Attribute) and node.attr in ("read_bytes", "write_bytes"):
            what = "Path"
        elif getattr(node, "id", None) in FORBIDDEN_NAMES:
            what = node.id
        elif getattr(node, "attr", None) in FORBIDDEN_NAMES:
            what = node.attr
        if what and (relative, what) not in ALLOWED:
            found.append((relative, node.lineno, what))
    return found


def test_evidence_and_report_code_uses_no_file_paths():
    found = []
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found += offences(path.read_text(), str(path.relative_to(ROOT)))
    assert not found, "direct file-system access (use the storage API): " + "; ".join(
        f"{file}:{line} {what}" for file, line, what in found
    )


def test_the_scan_catches_a_direct_path():
    """The scanner itself works: it flags what the rule forbids."""
    sample = (
        "import os\nfrom django.conf import settings\n"
        "def f(job, request):\n"
        "    request.path\n"
        "    os.path.join(settings.PRIVATE_FILES_ROOT, job.file.name)\n"
        "    return open(job.file.path).read()\n"
    )
    found = {what for _file, _line, what in offences(sample, "reports/sample.py")}
    assert found == {"open", ".path", "os.path", "PRIVATE_FILES_ROOT"}


# --- the whole life cycle on a storage without paths -----------------------------------

# Any readable PDF will do: the evidence check parses it.
PDF = MINIMAL_PDF


class PathlessStorage(InMemoryStorage):
    """Like an object store: files only through the API, no path() for the
    portal's code (the in-memory storage uses it internally for its tree)."""

    def path(self, name):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if not caller.startswith("django.core.files.storage"):
            raise NotImplementedError("This backend doesn't support absolute paths.")
        return super().path(name)


@pytest.fixture
def pathless_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.PathlessStorage"},
    }
    storage = storages["default"]
    with pytest.raises(NotImplementedError):
        storage.path("x")
    return storage


def test_evidence_life_cycle_on_a_storage_without_paths(client, officer_world, pathless_storage):
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = officer_world
    client.force_login(w.officer)
    response = client.post(
        reverse("assessments:evidence_upload", kwargs={"public_id": w.answer.public_id}),
        {"files": SimpleUploadedFile("Pergub 4 2023.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get(answer=w.answer)
    assert pathless_storage.exists(evidence.file.name)

    download = reverse("assessments:evidence_download", kwargs={"public_id": evidence.public_id})
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    client.force_login(w.reviewer)
    assert b"".join(client.get(download).streaming_content) == PDF

    client.force_login(w.officer)
    response = client.post(
        reverse("assessments:evidence_withdraw", kwargs={"public_id": evidence.public_id})
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.withdrawn_at is not None
    assert pathless_storage.exists(evidence.file.name)  # kept for the audit trail


def test_report_render_and_download_on_a_storage_without_paths(
    client, kaltim2024, pathless_storage
):
    from reports.report_tasks import report_render

    leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)
    job = ReportJob.objects.create(
        period=kaltim2024.period,
        basis="final",
        kind="instansi",
        format="xlsx",
        requested_by=leader,
    )
    assert report_render(job.pk) == JobState.DONE  # the worker's code, run here
    job.refresh_from_db()
    assert pathless_storage.exists(job.file.name)
    client.force_login(leader)
    response = client.get(reverse("reports:report_download", kwargs={"public_id": job.public_id}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"


# --- no local state in a production web process ------------------------------------------


def production_settings(tmp_path, **env) -> dict:
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'session': s.SESSION_ENGINE, 'cache': s.CACHES['default']['BACKEND'], "
        "'storage': s.STORAGES['default'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
        "'messages': s.MESSAGE_STORAGE}, default=str))"
    )
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "spbe_portal.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SPBE_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": "postgres://spbe@db.internal:5432/spbe",
        "REDIS_URL": "redis://redis.internal:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_web_nodes_share_sessions_caches_and_jobs(tmp_path):
    values = production_settings(tmp_path)
    # Sessions in PostgreSQL, caches (login throttling, coalescing) in Redis,
    # jobs run by workers elsewhere; flash messages ride in the session/cookie.
    assert values["session"] == "django.contrib.sessions.backends.db"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["eager"] is False
    assert values["messages"] == "django.contrib.messages.storage.fallback.FallbackStorage"


def test_object_storage_is_a_matter_of_configuration(tmp_path):
    values = production_settings(
        tmp_path,
        FILES_STORAGE_BACKEND="storages.backends.s3.S3Storage",
        FILES_STORAGE_OPTIONS=json.dumps({"bucket_name": "spbe", "endpoint_url": "https://s3"}),
    )
    assert values["storage"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "spbe", "endpoint_url": "https://s3"},
    }
    local = production_settings(tmp_path)["storage"]
    assert local["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert local["OPTIONS"]["location"].endswith("var/files")


def test_bad_storage_options_refuse_to_start(tmp_path):
    with pytest.raises(AssertionError, match="FILES_STORAGE_OPTIONS"):
        production_settings(tmp_path, FILES_STORAGE_OPTIONS="{not json")
