"""Rendering report jobs in the worker. Imported by reports.tasks so that
Celery's autodiscovery registers it."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.models import JobState, ReportJob
from reports.rendering import render_report, report_filename
from spbe_portal.errors import Invalid

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    name="reports.report_render",
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=10,
    retry_jitter=True,
    max_retries=3,
)
def report_render(job_id: int) -> str:
    """Renders one job's file. A finished job is left alone, so a redelivered
    message (acks_late after a lost worker) costs nothing; a job caught half
    way simply renders again. The user sees a readable message; the
    traceback goes to the log only."""
    job = (
        ReportJob.objects.select_related("period__instansi", "opd", "requested_by")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        logger.info("Report job %s no longer exists", job_id)
        return "missing"
    if job.state == JobState.DONE:
        return JobState.DONE
    ReportJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=timezone.now(), message=""
    )
    params = {
        "period": job.period,
        "basis": job.basis,
        "kind": job.kind,
        "opd": job.opd,
        "fmt": job.format,
    }
    with translation.override("id"):
        try:
            content = render_report(**params, user=job.requested_by, job=job)
        except TRANSIENT_ERRORS:
            raise
        except Invalid as error:
            # The document cannot be issued as asked (its signatories were
            # removed after the request): the reason is the user's to read.
            return _fail(job, error.message)
        except SoftTimeLimitExceeded:
            logger.error("Report job %s exceeded its time limit", job_id)
            return _fail(job, _("Waktu pembuatan laporan habis. Silakan coba lagi nanti."))
        except Exception:
            logger.exception("Report job %s failed", job_id)
            return _fail(
                job,
                _(
                    "Laporan gagal dibuat karena kesalahan pada server. Silakan coba lagi; "
                    "bila terulang, hubungi administrator portal."
                ),
            )
    if job.file:
        job.file.delete(save=False)
    job.file.save(report_filename(**params), ContentFile(content), save=False)
    job.state = JobState.DONE
    job.finished_at = timezone.now()
    job.message = ""
    job.save(update_fields=["file", "state", "finished_at", "message"])
    return JobState.DONE


def _fail(job: ReportJob, message: str) -> str:
    ReportJob.objects.filter(pk=job.pk).update(
        state=JobState.FAILED, finished_at=timezone.now(), message=message
    )
    return JobState.FAILED


REQUEUE_BATCH = 200


@shared_task(name="reports.report_jobs_requeue", soft_time_limit=60, time_limit=90)
def report_jobs_requeue() -> int:
    """Hands the broker the jobs it never got (requested while it was down:
    queued, with a message). Run by beat every minute; while the broker is
    still down the first delay() fails and the next run tries again."""
    ids = list(
        ReportJob.objects.filter(state=JobState.QUEUED)
        .exclude(message="")
        .order_by("pk")
        .values_list("pk", flat=True)[:REQUEUE_BATCH]
    )
    for job_id in ids:
        report_render.delay(job_id)
        ReportJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(message="")
    if ids:
        logger.info("Requeued %s report jobs the broker had not received", len(ids))
    return len(ids)
