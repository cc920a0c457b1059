"""Report jobs through the UI: requested, rendered (in-process, eager Celery),
listed per period, downloaded only by those allowed to see them."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import Role
from reports.models import JobState, ReportJob
from reports.report_tasks import report_render
from tests.factories import PASSWORD, InstansiFactory, officer_of, role_in


@pytest.fixture(autouse=True)
def eager_and_private_storage(settings, tmp_path, monkeypatch):
    from spbe_portal.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def list_url(period):
    return reverse(
        "reports:report_list", kwargs={"instansi": period.instansi.code, "year": period.year}
    )


def jobs_url(period):
    return reverse(
        "reports:report_jobs", kwargs={"instansi": period.instansi.code, "year": period.year}
    )


def download_url(job):
    return reverse("reports:report_download", kwargs={"public_id": job.public_id})


def request_report(client, period, capture, **fields):
    data = {"kind": "instansi", "basis": "final", "fmt": "pdf", "idempotency_key": ""} | fields
    with capture(execute=True):
        return client.post(list_url(period), {k: v for k, v in data.items() if v is not None})


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def leader(kaltim2024):
    return role_in(kaltim2024.instansi, Role.LEADERSHIP)


def test_leadership_requests_instansi_pdf_and_downloads_it(
    client, kaltim2024, leader, django_capture_on_commit_callbacks
):
    login(client, leader)
    response = request_report(client, kaltim2024.period, django_capture_on_commit_callbacks)
    assert response.status_code == 302

    job = ReportJob.objects.get()
    assert (job.kind, job.basis, job.format, job.requested_by) == (
        "instansi",
        "final",
        "pdf",
        leader,
    )
    assert job.state == JobState.DONE and job.message == ""
    assert job.started_at <= job.finished_at

    page = client.get(list_url(kaltim2024.period))
    assert page.status_code == 200
    assert download_url(job) in page.content.decode()

    download = client.get(download_url(job))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "spbe-instansi-kaltim-2024-final.pdf" in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    assert "3,79" in pdf_text(content)


def test_excel_report_through_the_ui(
    client, kaltim2024, leader, django_capture_on_commit_callbacks
):
    login(client, leader)
    request_report(client, kaltim2024.period, django_capture_on_commit_callbacks, fmt="xlsx")
    job = ReportJob.objects.get()
    assert job.state == JobState.DONE
    download = client.get(download_url(job))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_same_idempotency_key_queues_one_job(
    client, kaltim2024, leader, django_capture_on_commit_callbacks
):
    login(client, leader)
    for _ in range(2):
        request_report(
            client, kaltim2024.period, django_capture_on_commit_callbacks, idempotency_key="abc"
        )
    assert ReportJob.objects.count() == 1


def test_a_queued_job_is_polled_and_a_done_one_is_not(client, kaltim2024, leader):
    job = ReportJob.objects.create(
        period=kaltim2024.period, basis="final", kind="instansi", format="pdf"
    )
    login(client, leader)
    partial = client.get(jobs_url(kaltim2024.period)).content.decode()
    assert 'hx-trigger="every 3s"' in partial and "Dalam antrean" in partial
    assert download_url(job) not in partial
    assert client.get(download_url(job)).status_code == 404

    report_render(job.id)
    partial = client.get(jobs_url(kaltim2024.period)).content.decode()
    assert "hx-trigger" not in partial and download_url(job) in partial


def test_done_job_is_not_rendered_again(kaltim2024_signed, monkeypatch):
    job = ReportJob.objects.create(
        period=kaltim2024_signed.period, basis="validated", kind="berita-acara", format="pdf"
    )
    assert report_render(job.id) == JobState.DONE
    job.refresh_from_db()
    finished, name = job.finished_at, job.file.name

    from reports import report_tasks

    monkeypatch.setattr(report_tasks, "render_report", lambda **kw: pytest.fail("rendered twice"))
    assert report_render(job.id) == JobState.DONE
    job.refresh_from_db()
    assert (job.finished_at, job.file.name) == (finished, name)


def test_failed_render_shows_a_message_without_traceback(
    client, kaltim2024, leader, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    from reports import report_tasks

    def broken(**kwargs):
        raise RuntimeError("internal detail: /srv/secret/path")

    monkeypatch.setattr(report_tasks, "render_report", broken)
    login(client, leader)
    request_report(client, kaltim2024.period, django_capture_on_commit_callbacks)

    job = ReportJob.objects.get()
    assert job.state == JobState.FAILED and not job.file
    assert "Laporan gagal dibuat" in job.message
    page = client.get(list_url(kaltim2024.period)).content.decode()
    assert "Laporan gagal dibuat" in page
    assert "Traceback" not in page and "secret" not in page
    assert "RuntimeError" in caplog.text  # the traceback goes to the log
    assert client.get(download_url(job)).status_code == 404


def test_officer_requests_and_downloads_own_opd_report(
    client, kaltim2024, django_capture_on_commit_callbacks
):
    opd = kaltim2024.opds[0]
    officer = officer_of(opd)
    login(client, officer)
    page = client.get(list_url(kaltim2024.period))
    assert page.status_code == 200
    response = request_report(
        client, kaltim2024.period, django_capture_on_commit_callbacks, kind="opd", opd=opd.pk
    )
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert (job.kind, job.opd, job.state) == ("opd", opd, JobState.DONE)
    download = client.get(download_url(job))
    assert download.status_code == 200
    assert opd.name in pdf_text(b"".join(download.streaming_content))


def test_officer_cannot_request_other_opd_or_instansi_reports(
    client, kaltim2024, django_capture_on_commit_callbacks
):
    own, other = kaltim2024.opds[0], kaltim2024.opds[1]
    login(client, officer_of(own))
    period = kaltim2024.period
    capture = django_capture_on_commit_callbacks
    response = request_report(client, period, capture, kind="opd", opd=other.pk)
    assert response.status_code == 400
    assert "Masukkan pilihan yang valid" in response.content.decode()
    assert request_report(client, period, capture, kind="instansi").status_code == 400
    assert request_report(client, period, capture, kind="berita-acara").status_code == 400
    assert not ReportJob.objects.exists()


def test_officer_of_another_opd_cannot_see_or_download(client, kaltim2024):
    own, other = kaltim2024.opds[0], kaltim2024.opds[1]
    opd_job = ReportJob.objects.create(
        period=kaltim2024.period, basis="final", kind="opd", opd=other, format="pdf"
    )
    instansi_job = ReportJob.objects.create(
        period=kaltim2024.period, basis="final", kind="instansi", format="pdf"
    )
    report_render(opd_job.id)
    report_render(instansi_job.id)
    login(client, officer_of(own))
    page = client.get(list_url(kaltim2024.period)).content.decode()
    assert download_url(opd_job) not in page and download_url(instansi_job) not in page
    assert client.get(download_url(opd_job)).status_code == 404
    assert client.get(download_url(instansi_job)).status_code == 404


def test_outsiders_get_404_and_anonymous_the_login(client, kaltim2024):
    job = ReportJob.objects.create(
        period=kaltim2024.period, basis="final", kind="instansi", format="pdf"
    )
    report_render(job.id)
    stranger = role_in(InstansiFactory(code="kaltara"), Role.LEADERSHIP)
    period = kaltim2024.period

    anonymous = client.get(list_url(period))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client.get(download_url(job)).status_code == 302

    login(client, stranger)
    assert client.get(list_url(period)).status_code == 404
    assert client.get(jobs_url(period)).status_code == 404
    assert client.post(list_url(period), {"kind": "instansi"}).status_code == 404
    assert client.get(download_url(job)).status_code == 404
    assert ReportJob.objects.count() == 1


def test_reviewer_may_request_the_berita_acara(client, kaltim2024):
    login(client, role_in(kaltim2024.instansi, Role.REVIEWER))
    page = client.get(list_url(kaltim2024.period)).content.decode()
    assert 'value="berita-acara"' in page and 'value="instansi"' in page


def test_officer_is_offered_only_the_opd_report_of_own_opd(client, kaltim2024):
    own = kaltim2024.opds[3]
    login(client, officer_of(own))
    page = client.get(list_url(kaltim2024.period)).content.decode()
    assert 'value="opd"' in page and 'value="instansi"' not in page
    assert f'value="{own.pk}"' in page and f'value="{kaltim2024.opds[0].pk}"' not in page


def test_job_list_queries_do_not_grow(client, kaltim2024, leader, django_assert_max_num_queries):
    for i in range(30):
        ReportJob.objects.create(
            period=kaltim2024.period,
            basis="final",
            kind="opd",
            opd=kaltim2024.opds[i % 4],
            format="pdf",
            requested_by=leader,
        )
    login(client, leader)
    with django_assert_max_num_queries(12):
        assert client.get(list_url(kaltim2024.period)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(jobs_url(kaltim2024.period)).status_code == 200


def test_report_index_lists_visible_periods(client, kaltim2024, leader):
    login(client, leader)
    page = client.get(reverse("reports:report_index")).content.decode()
    assert list_url(kaltim2024.period) in page


def test_render_task_is_late_acked_and_time_limited():
    assert report_render.acks_late is True
    assert 0 < report_render.soft_time_limit < report_render.time_limit
    assert report_render.name == "reports.report_render"


def test_time_limit_gives_a_readable_failure(kaltim2024, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from reports import report_tasks

    def slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(report_tasks, "render_report", slow)
    job = ReportJob.objects.create(
        period=kaltim2024.period, basis="final", kind="instansi", format="pdf"
    )
    assert report_render(job.id) == JobState.FAILED
    job.refresh_from_db()
    assert job.message.startswith("Waktu pembuatan laporan habis")


def test_broker_outage_keeps_the_job_queued_with_a_message(
    client, kaltim2024, leader, django_capture_on_commit_callbacks, monkeypatch
):
    """Recorded and shown as waiting for the queue; report_jobs_requeue hands it
    over once the broker is back (tests/test_job_faults.py)."""
    from kombu.exceptions import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(report_render, "delay", down)
    login(client, leader)
    response = request_report(client, kaltim2024.period, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.state == JobState.QUEUED
    assert "Antrean pekerjaan sedang tidak tersedia" in job.message
