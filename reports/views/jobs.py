"""Report jobs in the UI: request a report for a period, watch its job, and
download the file. Rendering itself happens in the worker."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments.access import can_read_results, get_visible_or_404, visible_periods
from reports.forms.requests import ReportRequestForm
from reports.jobs import (
    report_job_request,
    requestable_kinds,
    requestable_opds,
    visible_report_jobs,
)
from reports.models import JobState
from reports.rendering import CONTENT_TYPES, report_filename
from reports.views.dashboard import without_drafts
from spbe_portal.errors import Invalid

JOBS_SHOWN = 50
ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


def period_or_404(user, instansi: str, year: int):
    return get_visible_or_404(
        visible_periods(user).select_related("instansi", "framework"),
        instansi__code=instansi,
        year=year,
    )


def period_jobs(user, period) -> list:
    return list(
        visible_report_jobs(user)
        .filter(period=period)
        .select_related("opd", "requested_by")
        .order_by("-created_at", "-id")[:JOBS_SHOWN]
    )


def jobs_context(request, period) -> dict:
    jobs = period_jobs(request.user, period)
    return {
        "period": period,
        "jobs": jobs,
        "polling": any(job.state in ACTIVE_STATES for job in jobs),
    }


@login_required
@require_GET
def report_index(request):
    """The periods whose reports the user may work with."""
    periods = (
        without_drafts(request.user, visible_periods(request.user))
        .select_related("instansi")
        .order_by("instansi__name", "-year")
    )
    return render(request, "reports/report_index.html", {"periods": periods})


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request, instansi: str, year: int):
    period = period_or_404(request.user, instansi, year)
    kinds = requestable_kinds(request.user, period)
    if not kinds:
        # The period is visible (an officer of the instansi without an OPD
        # report to ask for), but there is nothing here for them.
        raise PermissionDenied
    opds = requestable_opds(request.user, period)
    if request.method == "POST":
        form = ReportRequestForm(request.POST, kinds=kinds, opds=opds)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = report_job_request(
                    user=request.user,
                    period=period,
                    basis=data["basis"],
                    kind=data["kind"],
                    opd=data["opd"],
                    fmt=data["fmt"],
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            except Invalid as error:
                form.add_error(None, error.message)
            else:
                job.refresh_from_db(fields=["state", "message"])
                if job.state == JobState.QUEUED and job.message:
                    # The broker was down: recorded, and queued once it is back.
                    messages.warning(request, job.message)
                else:
                    messages.success(
                        request,
                        _("Laporan masuk antrean. Berkas dapat diunduh setelah statusnya Selesai."),
                    )
                return redirect("reports:report_list", instansi=instansi, year=year)
        status = 400
    else:
        form = ReportRequestForm(
            kinds=kinds,
            opds=opds,
            initial={"idempotency_key": uuid.uuid4().hex, "fmt": "pdf", "basis": "validated"},
        )
        status = 200
    context = {
        "form": form,
        "can_read_results": can_read_results(request.user, period.instansi_id),
        **jobs_context(request, period),
    }
    return render(request, "reports/report_list.html", context, status=status)


@login_required
@require_GET
def report_jobs(request, instansi: str, year: int):
    """The job table alone, polled by htmx while a job is queued or running."""
    period = period_or_404(request.user, instansi, year)
    return render(request, "reports/partials/report_jobs.html", jobs_context(request, period))


@login_required
@require_GET
def report_download(request, public_id):
    job = get_visible_or_404(
        visible_report_jobs(request.user).select_related("period__instansi", "opd"),
        public_id=public_id,
    )
    if job.state != JobState.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = report_filename(
        period=job.period, basis=job.basis, kind=job.kind, opd=job.opd, fmt=job.format
    )
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[job.format]
    )
