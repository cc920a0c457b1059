"""A real Celery worker (a separate process, Redis broker) renders a report
job that the web side only queued."""

import io

import pytest
from pypdf import PdfReader

from assessments.models import Role
from reports.jobs import report_job_request
from reports.models import JobState, ReportJob
from tests.conftest import wait_until
from tests.factories import role_in

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_renders_a_requested_pdf(celery_worker_process, kaltim2024):
    leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)
    job = report_job_request(
        user=leader, period=kaltim2024.period, basis="final", kind="instansi", fmt="pdf"
    )

    def finished():
        current = ReportJob.objects.get(pk=job.pk)
        return current if current.state in (JobState.DONE, JobState.FAILED) else None

    try:
        done = wait_until(finished, timeout=120)
        assert done.state == JobState.DONE, done.message
        with done.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        assert len(reader.pages) > 1
        assert "3,79" in "\n".join(page.extract_text() for page in reader.pages)
        log = celery_worker_process.log_path.read_text(errors="replace")
        assert "reports.report_render" in log and "succeeded" in log
    finally:
        current = ReportJob.objects.get(pk=job.pk)
        if current.file:
            current.file.delete(save=False)
