"""Report jobs: who may request and see which report, and the service that
queues one. Rendering happens in the worker (reports.report_tasks), never in
the web request."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from assessments.access import INSTANSI_WIDE_ROLES, can_read_results, scope_for
from assessments.models import OPD, EvaluationPeriod
from reports.documents import issuable_check
from reports.models import Basis, JobState, ReportFormat, ReportJob, ReportKind

logger = logging.getLogger(__name__)


def visible_report_jobs(user) -> QuerySet[ReportJob]:
    """Instansi-wide roles see every job of their instansi; officers see the
    OPD reports of their own OPDs, whoever requested them."""
    scope = scope_for(user)
    if scope.is_superuser:
        return ReportJob.objects.all()
    return ReportJob.objects.filter(
        Q(period__instansi_id__in=scope.instansi_ids(*INSTANSI_WIDE_ROLES))
        | Q(kind=ReportKind.OPD, opd_id__in=scope.officer_opds)
    )


def requestable_kinds(user, period: EvaluationPeriod) -> list[str]:
    if can_read_results(user, period.instansi_id):
        return list(ReportKind.values)
    if requestable_opds(user, period).exists():
        return [ReportKind.OPD]
    return []


def requestable_opds(user, period: EvaluationPeriod) -> QuerySet[OPD]:
    """The OPDs whose report the user may request in this period."""
    opds = OPD.objects.filter(instansi_id=period.instansi_id)
    if can_read_results(user, period.instansi_id):
        return opds
    return opds.filter(id__in=scope_for(user).officer_opds)


def can_request_report(user, period: EvaluationPeriod, kind: str, opd: OPD | None) -> bool:
    if can_read_results(user, period.instansi_id):
        return True
    return (
        kind == ReportKind.OPD
        and opd is not None
        and opd.instansi_id == period.instansi_id
        and opd.id in scope_for(user).officer_opds
    )


@transaction.atomic
def report_job_request(
    *,
    user,
    period: EvaluationPeriod,
    basis: str,
    kind: str,
    opd: OPD | None = None,
    fmt: str,
    idempotency_key: str = "",
) -> ReportJob:
    """Queues a report and returns its job; the same idempotency key from the
    same user for the same period returns the job it created the first time
    (a double-clicked button renders once)."""
    if basis not in Basis.values or kind not in ReportKind.values or fmt not in ReportFormat.values:
        raise ValidationError(_("Jenis, dasar, atau format laporan tidak dikenal."))
    if kind == ReportKind.OPD:
        if opd is None:
            raise ValidationError(_("Pilih OPD untuk laporan OPD."))
        if opd.instansi_id != period.instansi_id:
            raise ValidationError(_("OPD tersebut bukan bagian dari instansi periode ini."))
    else:
        opd = None
    if not can_request_report(user, period, kind, opd):
        raise PermissionDenied
    # Refused now, with the reason, rather than failing later in the worker.
    issuable_check(period, kind, basis)
    if idempotency_key:
        # Serialises concurrent requests carrying the same key.
        EvaluationPeriod.objects.select_for_update().filter(pk=period.pk).first()
        existing = ReportJob.objects.filter(
            period=period, requested_by=user, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
    job = ReportJob.objects.create(
        period=period,
        basis=basis,
        kind=kind,
        opd=opd,
        format=fmt,
        requested_by=user,
        idempotency_key=idempotency_key,
    )
    transaction.on_commit(lambda: _enqueue(job.id))
    return job


def queue_unavailable_message() -> str:
    return _(
        "Antrean pekerjaan sedang tidak tersedia. Laporan tetap tercatat dan akan dibuat "
        "otomatis begitu antrean pulih."
    )


def _enqueue(job_id: int) -> None:
    """Hands the job to the broker. When the broker is down the job stays
    queued with a message saying so; a queued job carrying a message is one
    the broker never got, and reports.report_tasks.report_jobs_requeue (run
    by beat) hands it over once the broker is back. Nothing is lost."""
    from reports.report_tasks import report_render

    try:
        report_render.delay(job_id)
    except (BrokerError, ConnectionError, OSError):
        logger.warning("Report job %s not queued: broker unavailable", job_id, exc_info=True)
        ReportJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            message=queue_unavailable_message()
        )
