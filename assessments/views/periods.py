"""The administrator's period pages: creating a period, its schedule and
state, indicator assignments and final levels. The work (and the audit of
each move) is in assessments.periods."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import periods as period_services
from assessments.forms.manage import (
    BulkAssignmentForm,
    FinalLevelsForm,
    PastedLevelsForm,
    PeriodCreateForm,
    PeriodWindowsForm,
    TransitionForm,
)
from assessments.models import OPD, Answer, AnswerState, Assignment, PeriodState
from assessments.people.audit import period_trail
from assessments.views.manage_common import (
    errors_to_messages,
    instansi_or_404,
    period_or_404,
    posted,
)

# --- Periods ---------------------------------------------------------------------


@login_required
def period_list(request, code):
    instansi = instansi_or_404(request, code)
    periods = instansi.periods.select_related("framework").order_by("-year")
    return render(
        request, "assessments/manage/period_list.html", {"instansi": instansi, "periods": periods}
    )


@login_required
def period_create(request, code):
    instansi = instansi_or_404(request, code)
    latest = instansi.periods.order_by("-year").first()
    initial = {"year": latest.year + 1 if latest else timezone.localdate().year}
    if latest is not None:
        initial.update(framework=latest.framework_id, copy_from_previous=True)
    form = PeriodCreateForm(posted(request), instansi=instansi, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = period_services.period_create(
                instansi=instansi,
                year=data["year"],
                framework=data["framework"],
                fill_opens_at=data["fill_opens_at"],
                fill_closes_at=data["fill_closes_at"],
                review_closes_at=data["review_closes_at"],
                target_index=data["target_index"],
                copy_from_previous=data["copy_from_previous"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Periode %(year)s dibuat.") % {"year": period.year})
            return redirect("manage:period_detail", code=instansi.code, year=period.year)
    return render(
        request, "assessments/manage/period_form.html", {"instansi": instansi, "form": form}
    )


@login_required
def period_detail(request, code, year):
    instansi = instansi_or_404(request, code)
    period = period_or_404(instansi, year)
    labels = dict(PeriodState.choices)
    counted = dict(
        Answer.objects.filter(period=period)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    state_counts = [
        (label, counted[value]) for value, label in AnswerState.choices if value in counted
    ]
    context = {
        "instansi": instansi,
        "period": period,
        "step_back": (
            (period_services.BACK[period.state], labels[period_services.BACK[period.state]])
            if period.state in period_services.BACK
            else None
        ),
        "transitions": [
            (state, labels[state]) for state in period_services.allowed_transitions(period)
        ],
        "state_counts": state_counts,
        "answer_count": sum(counted.values()),
        "windows_editable": period.state in period_services.WINDOWS_EDITABLE,
        "assignments_editable": period.state in period_services.ASSIGNMENTS_EDITABLE,
        "final_editable": period.state in period_services.FINAL_LEVELS_EDITABLE,
        "summary": period_services.index_summary(period),
        "warning": _transition_warning(period, counted),
        "trail": period_trail(period),
    }
    return render(request, "assessments/manage/period_detail.html", context)


def _transition_warning(period, counted: dict) -> str:
    """What the next step leaves behind, said before the button is pressed."""
    if period.state == PeriodState.OPEN:
        pending = counted.get(AnswerState.DRAFT, 0) + counted.get(AnswerState.RETURNED, 0)
        if pending:
            return _(
                "%(n)s jawaban belum diajukan. Setelah periode masuk penilaian, "
                "OPD tidak dapat mengubahnya lagi."
            ) % {"n": pending}
    if period.state == PeriodState.IN_REVIEW:
        pending = counted.get(AnswerState.SUBMITTED, 0)
        if pending:
            return _(
                "%(n)s jawaban yang diajukan belum divalidasi. Setelah periode ditutup, "
                "asesor tidak dapat memvalidasinya lagi."
            ) % {"n": pending}
    return ""


@login_required
@require_POST
def period_transition(request, code, year):
    instansi = instansi_or_404(request, code)
    period = period_or_404(instansi, year)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Status tujuan tidak dikenal."))
    else:
        try:
            period_services.period_transition(
                period=period, user=request.user, to_state=form.cleaned_data["to_state"]
            )
        except ValidationError as error:
            errors_to_messages(request, error)
        else:
            messages.success(
                request,
                _("Status periode sekarang: %(state)s.") % {"state": period.get_state_display()},
            )
    return redirect("manage:period_detail", code=instansi.code, year=period.year)


@login_required
@require_POST
def period_step_back(request, code, year):
    instansi = instansi_or_404(request, code)
    period = period_or_404(instansi, year)
    try:
        period_services.period_step_back(
            period=period, user=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        errors_to_messages(request, error)
    else:
        messages.success(
            request,
            _("Status periode dimundurkan menjadi: %(state)s.")
            % {"state": period.get_state_display()},
        )
    return redirect("manage:period_detail", code=instansi.code, year=period.year)


@login_required
@require_POST
def period_delete(request, code, year):
    instansi = instansi_or_404(request, code)
    period = period_or_404(instansi, year)
    try:
        period_services.period_delete(period=period, user=request.user)
    except ValidationError as error:
        errors_to_messages(request, error)
        return redirect("manage:period_detail", code=instansi.code, year=period.year)
    messages.success(request, _("Periode %(year)s dihapus.") % {"year": year})
    return redirect("manage:period_list", code=instansi.code)


@login_required
def period_edit(request, code, year):
    instansi = instansi_or_404(request, code)
    period = period_or_404(instansi, year)
    if period.state not in period_services.WINDOWS_EDITABLE:
        messages.error(
            request, _("Jadwal hanya dapat diubah selama periode berstatus draf atau dibuka.")
        )
        return redirect("manage:period_detail", code=instansi.code, year=period.year)
    initial = {
        "fill_opens_at": period.fill_opens_at,
        "fill_closes_at": period.fill_closes_at,
        "review_closes_at": period.review_closes_at,
        "target_index": period.target_index,
    }
    form = PeriodWindowsForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            period_services.period_windows_update(
                period=period, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Jadwal periode tersimpan."))
            return redirect("manage:period_detail", code=instansi.code, year=period.year)
    return render(
        request,
        "assessments/manage/period_edit.html",
        {"instansi": instansi, "period": period, "form": form},
    )


# --- Assignments ---------------------------------------------------------------


@login_required
def assignments(request, code, year):
    instansi = instansi_or_404(request, code)
    period = period_or_404(instansi, year)
    rows = list(
        Assignment.objects.filter(period=period)
        .select_related("indicator__aspect", "responsible_opd")
        .prefetch_related("contributors")
        .order_by("indicator__position")
    )
    opds = OPD.objects.filter(instansi=instansi, active=True).order_by("short_name")
    form = BulkAssignmentForm(
        posted(request),
        opds=opds,
        indicator_choices=[(row.indicator_id, row.indicator.code) for row in rows],
    )
    editable = period.state in period_services.ASSIGNMENTS_EDITABLE
    if request.method == "POST":
        if not editable:
            messages.error(
                request,
                _("Penugasan hanya dapat diubah selama periode berstatus draf atau dibuka."),
            )
            return redirect("manage:assignments", code=instansi.code, year=period.year)
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = period_services.assignments_update_bulk(
                    period=period,
                    indicator_ids=data["indicators"],
                    responsible_opd=data["responsible_opd"],
                    contributors=list(data["contributors"]) if data["set_contributors"] else None,
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(n)s penugasan indikator diubah.") % {"n": changed})
                return redirect("manage:assignments", code=instansi.code, year=period.year)
    selected = {str(i) for i in form["indicators"].value() or []}
    context = {
        "instansi": instansi,
        "period": period,
        "rows": rows,
        "form": form,
        "editable": editable,
        "selected": selected,
    }
    return render(request, "assessments/manage/assignments.html", context)


# --- Final levels ----------------------------------------------------------------


@login_required
def final_levels(request, code, year):
    """Two forms on one page: the full table, or pasted lines. Only the one
    submitted is bound, so an error in one never blanks the other."""
    instansi = instansi_or_404(request, code)
    period = period_or_404(instansi, year)
    framework = period.framework
    indicators = list(framework.indicators.order_by("position"))
    current = dict(
        Answer.objects.filter(period=period).values_list("indicator__code", "final_level")
    )
    # value_floor: a Pemdi final value may be 0 ("belum terindikasi").
    bounds = {"level_min": framework.value_floor, "level_max": framework.level_max}
    data = posted(request)
    mode = data.get("mode") if data is not None else None
    table = FinalLevelsForm(
        data if mode == FinalLevelsForm.mode else None,
        initial={FinalLevelsForm.field_name(c): level for c, level in current.items()},
        indicators=indicators,
        **bounds,
    )
    paste = PastedLevelsForm(
        data if mode == PastedLevelsForm.mode else None,
        codes=[i.code for i in indicators],
        **bounds,
    )
    editable = period.state in period_services.FINAL_LEVELS_EDITABLE
    if request.method == "POST":
        if not editable:
            messages.error(
                request,
                _("Nilai akhir hanya dapat dicatat setelah periode ditutup atau diumumkan."),
            )
            return redirect("manage:final_levels", code=instansi.code, year=period.year)
        form = table if mode == FinalLevelsForm.mode else paste
        if not form.is_bound:
            messages.error(request, _("Formulir tidak dikenal; muat ulang halaman."))
        elif form.is_valid():
            try:
                changed = period_services.final_levels_set(
                    period=period, user=request.user, levels=form.cleaned_data["levels"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(n)s nilai akhir tersimpan.") % {"n": changed})
                return redirect("manage:final_levels", code=instansi.code, year=period.year)
        if form.is_bound and form.errors:
            messages.error(request, _("Ada isian yang tidak valid; tidak ada nilai yang disimpan."))
    context = {
        "instansi": instansi,
        "period": period,
        "form": table,
        "paste_form": paste,
        "editable": editable,
        "summary": period_services.index_summary(period),
    }
    return render(request, "assessments/manage/final_levels.html", context)
