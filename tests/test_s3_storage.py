"""Evidence and reports on a real S3-compatible server (SeaweedFS on
127.0.0.1, django-storages' S3Storage): the upload, download and withdrawal
tests of tests/test_evidence_upload.py run again unchanged against a bucket,
and report jobs are rendered into it, in-process and by a real worker.

Objects are private under random keys; every download is streamed by the
portal after its access check, never a redirect to the store."""

import io
import re
import urllib.error
import urllib.request

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import EvidenceFile, Role
from reports.jobs import report_job_request
from reports.models import JobState, ReportJob
from tests.conftest import wait_until
from tests.factories import role_in

# The same tests, collected again in this module, where `evidence_storage`
# below is the bucket instead of a directory.
from tests.test_evidence_upload import (  # noqa: F401
    test_contributor_withdraws_only_own_evidence,
    test_download_is_404_for_outsiders_and_login_for_anonymous,
    test_download_streams_as_attachment_with_safe_headers,
    test_large_upload_spooled_to_a_temporary_file_is_checked_and_stored,
    test_outsider_cannot_withdraw,
    test_valid_files_are_accepted_with_sha256,
    test_withdraw_is_soft_and_recorded,
    test_withdrawn_evidence_stays_downloadable_for_the_audit,
    upload,
)

RANDOM_KEY = re.compile(r"(evidence|reports)/\d+/[0-9a-f]{32}")


class StoredObject:
    """One object of the bucket, with the little of pathlib.Path the evidence
    tests use (`is_file`, `read_bytes`, `str`). `name` is the storage's name
    (the key without the test's prefix)."""

    def __init__(self, server, key, prefix):
        self.server, self.key, self.name = server, key, key.removeprefix(prefix + "/")

    def is_file(self):
        return True

    def read_bytes(self):
        return read_object(self.server, self.key)

    def __str__(self):
        return self.key


class BucketListing:
    """The objects under one test's prefix, listed like a directory."""

    def __init__(self, server, prefix):
        self.server, self.prefix = server, prefix

    def rglob(self, pattern):
        listed = self.server.client().list_objects_v2(
            Bucket=self.server.bucket, Prefix=self.prefix + "/"
        )
        return [
            StoredObject(self.server, i["Key"], self.prefix) for i in listed.get("Contents", [])
        ]


def read_object(server, key) -> bytes:
    return server.client().get_object(Bucket=server.bucket, Key=key)["Body"].read()


@pytest.fixture
def evidence_storage(s3_storage):
    return BucketListing(*s3_storage)


@pytest.fixture
def world(officer_world, evidence_storage):
    officer_world.storage = evidence_storage
    return officer_world


def anonymous_get(server, key) -> int:
    try:
        with urllib.request.urlopen(
            f"{server.endpoint}/{server.bucket}/{key}", timeout=10
        ) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_evidence_objects_are_private_under_random_keys(client, world):
    client.force_login(world.officer)
    assert upload(client, world.answer, ("Pergub 4 2023.pdf", b"%PDF-1.4\n%%EOF\n")).status_code
    evidence = EvidenceFile.objects.get()
    [stored] = world.storage.rglob("*")

    assert RANDOM_KEY.fullmatch(stored.name) and stored.name == evidence.file.name
    assert "Pergub" not in stored.key
    # The store refuses anyone without the portal's key ...
    assert anonymous_get(world.storage.server, stored.key) == 403
    # ... and the portal streams the file itself, after its access check.
    url = reverse("assessments:evidence_download", kwargs={"public_id": evidence.public_id})
    response = client.get(url)
    assert response.status_code == 200 and not response.has_header("Location")
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_report_rendered_in_process_is_stored_in_the_bucket_and_streamed(
    s3_storage, client, kaltim2024, django_capture_on_commit_callbacks, monkeypatch
):
    from spbe_portal.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    server, prefix = s3_storage
    leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)
    client.force_login(leader)
    period = kaltim2024.period
    url = reverse("reports:report_list", kwargs={"instansi": "kaltim", "year": period.year})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "instansi", "basis": "final", "fmt": "pdf"})
    assert response.status_code == 302

    job = ReportJob.objects.get()
    assert job.state == JobState.DONE, job.message
    assert RANDOM_KEY.fullmatch(job.file.name)
    assert anonymous_get(server, f"{prefix}/{job.file.name}") == 403
    download = client.get(reverse("reports:report_download", kwargs={"public_id": job.public_id}))
    assert download.status_code == 200
    assert "3,79" in pdf_text(b"".join(download.streaming_content))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_renders_into_the_bucket(s3_storage, celery_worker_process, kaltim2024):
    """The worker reads FILES_STORAGE_* from its environment, like a deployment."""
    server, prefix = s3_storage
    leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)
    job = report_job_request(
        user=leader, period=kaltim2024.period, basis="final", kind="instansi", fmt="pdf"
    )

    def finished():
        current = ReportJob.objects.get(pk=job.pk)
        return current if current.state in (JobState.DONE, JobState.FAILED) else None

    done = wait_until(finished, timeout=120)
    assert done.state == JobState.DONE, done.message
    assert "3,79" in pdf_text(read_object(server, f"{prefix}/{done.file.name}"))
