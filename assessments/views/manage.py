"""The administrator's pages ("Kelola"): organisations, users and roles,
evaluation periods, indicator assignments and final levels.

Every page is scoped to one instansi looked up through access.py: someone
who does not administer it gets 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import periods as period_services
from assessments.access import administrable_instansi, get_visible_or_404
from assessments.default_assignment import FunctionKey
from assessments.forms.manage import (
    BulkAssignmentForm,
    ChildInstansiForm,
    FinalLevelsForm,
    MembershipForm,
    OPDForm,
    PastedLevelsForm,
    PeriodCreateForm,
    PeriodWindowsForm,
    SingleUserPasswordResetForm,
    TransitionForm,
    UserCreateForm,
    UserEditForm,
)
from assessments.models import (
    OPD,
    Answer,
    AnswerState,
    Assignment,
    EvaluationPeriod,
    Instansi,
    Membership,
    PeriodState,
    User,
)


def _instansi(request, code: str) -> Instansi:
    return get_visible_or_404(administrable_instansi(request.user), code=code)


def _period(instansi: Instansi, year: int) -> EvaluationPeriod:
    return get_visible_or_404(
        EvaluationPeriod.objects.filter(instansi=instansi).select_related("framework"), year=year
    )


def _posted(request):
    """Bound data for a POST, even an empty one (an empty QueryDict is falsy)."""
    return request.POST if request.method == "POST" else None


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Overview ---------------------------------------------------------------


@login_required
def index(request):
    instansi_list = list(administrable_instansi(request.user).select_related("parent"))
    if not instansi_list:
        raise Http404
    if len(instansi_list) == 1:
        return redirect("manage:instansi", code=instansi_list[0].code)
    return render(request, "assessments/manage/index.html", {"instansi_list": instansi_list})


@login_required
def instansi_home(request, code):
    instansi = _instansi(request, code)
    context = {
        "instansi": instansi,
        "opd_count": instansi.opds.count(),
        "user_count": User.objects.filter(memberships__instansi=instansi).distinct().count(),
        "periods": instansi.periods.select_related("framework").order_by("-year"),
        "children": instansi.children.order_by("name"),
    }
    return render(request, "assessments/manage/instansi.html", context)


# --- Organisations ------------------------------------------------------------


@login_required
def opd_list(request, code):
    instansi = _instansi(request, code)
    opds = list(instansi.opds.order_by("-active", "short_name"))
    held = {opd.function_key for opd in opds if opd.active and opd.function_key}
    missing = [label for key, label in FunctionKey.choices if key not in held]
    context = {"instansi": instansi, "opds": opds, "missing_functions": missing}
    return render(request, "assessments/manage/opd_list.html", context)


@login_required
def opd_edit(request, code, pk=None):
    instansi = _instansi(request, code)
    opd = get_visible_or_404(instansi.opds.all(), pk=pk) if pk is not None else None
    form = OPDForm(_posted(request), instance=opd, instansi=instansi)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.instansi = instansi
        saved.save()
        messages.success(request, _("OPD %(name)s tersimpan.") % {"name": saved.short_name})
        return redirect("manage:opd_list", code=instansi.code)
    return render(
        request,
        "assessments/manage/opd_form.html",
        {"instansi": instansi, "form": form, "opd": opd},
    )


@login_required
def child_instansi(request, code):
    """A province registers its kabupaten/kota as further instansi."""
    instansi = _instansi(request, code)
    if instansi.kind != Instansi.Kind.PROVINSI:
        raise Http404
    form = ChildInstansiForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        child = form.save(commit=False)
        child.parent = instansi
        child.save()
        messages.success(request, _("%(name)s terdaftar.") % {"name": child.name})
        return redirect("manage:children", code=instansi.code)
    return render(
        request,
        "assessments/manage/children.html",
        {"instansi": instansi, "form": form, "children": instansi.children.order_by("name")},
    )


# --- Users ------------------------------------------------------------------------


def _members(instansi):
    return User.objects.filter(memberships__instansi=instansi).distinct()


def _fully_administered(request, member: User) -> bool:
    """Account-wide changes (name, e-mail, active) only for accounts whose
    every role lies in instansi this administrator manages."""
    if member.is_superuser and not request.user.is_superuser:
        return False
    held = set(member.memberships.values_list("instansi_id", flat=True))
    return held <= set(administrable_instansi(request.user).values_list("id", flat=True))


@login_required
def user_list(request, code):
    instansi = _instansi(request, code)
    members = (
        _members(instansi)
        .order_by("username")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(instansi=instansi).select_related("opd"),
                to_attr="roles_here",
            )
        )
    )
    return render(
        request, "assessments/manage/user_list.html", {"instansi": instansi, "members": members}
    )


@login_required
def user_create(request, code):
    instansi = _instansi(request, code)
    form = UserCreateForm(_posted(request), instansi=instansi)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            member = User(
                username=data["username"], first_name=data["full_name"], email=data["email"]
            )
            if data["send_password_email"]:
                member.set_unusable_password()
            else:
                member.set_password(data["password1"])
            member.save()
            Membership.objects.create(
                user=member, instansi=instansi, role=data["role"], opd=data["opd"]
            )
        if data["send_password_email"]:
            _send_password_email(request, member, new_account=True)
        messages.success(request, _("Akun %(name)s dibuat.") % {"name": member.username})
        return redirect("manage:user_detail", code=instansi.code, pk=member.pk)
    return render(
        request, "assessments/manage/user_form.html", {"instansi": instansi, "form": form}
    )


def _send_password_email(request, member: User, *, new_account: bool = False) -> None:
    form = SingleUserPasswordResetForm(user=member)
    form.is_valid()
    templates = {}
    if new_account:
        templates = {
            "subject_template_name": "assessments/manage/email/account_created_subject.txt",
            "email_template_name": "assessments/manage/email/account_created_email.txt",
        }
    form.save(request=request, use_https=request.is_secure(), **templates)
    messages.info(
        request,
        _("Tautan pembuatan kata sandi dikirim ke %(email)s.") % {"email": member.email},
    )


@login_required
def user_detail(request, code, pk):
    instansi = _instansi(request, code)
    member = get_visible_or_404(_members(instansi), pk=pk)
    editable = _fully_administered(request, member)
    form = UserEditForm(_posted(request), instance=member)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            form.save()
            messages.success(request, _("Data pengguna tersimpan."))
            return redirect("manage:user_detail", code=instansi.code, pk=member.pk)
    context = {
        "instansi": instansi,
        "member": member,
        "editable": editable,
        "form": form,
        "membership_form": MembershipForm(instansi=instansi, user=member),
        "memberships": member.memberships.filter(instansi=instansi).select_related("opd"),
    }
    return render(request, "assessments/manage/user_detail.html", context)


@login_required
@require_POST
def user_active(request, code, pk):
    instansi = _instansi(request, code)
    member = get_visible_or_404(_members(instansi), pk=pk)
    if not _fully_administered(request, member):
        raise PermissionDenied
    active = request.POST.get("active") == "1"
    if member.pk == request.user.pk and not active:
        messages.error(request, _("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    else:
        member.is_active = active
        member.save(update_fields=["is_active"])
        messages.success(
            request,
            _("Akun %(name)s diaktifkan.") % {"name": member.username}
            if active
            else _("Akun %(name)s dinonaktifkan.") % {"name": member.username},
        )
    return redirect("manage:user_detail", code=instansi.code, pk=member.pk)


@login_required
@require_POST
def user_password_email(request, code, pk):
    instansi = _instansi(request, code)
    member = get_visible_or_404(_members(instansi), pk=pk)
    if not _fully_administered(request, member):
        raise PermissionDenied
    if not member.email or not member.is_active:
        messages.error(request, _("Akun ini tidak aktif atau belum memiliki surel."))
    else:
        _send_password_email(request, member)
    return redirect("manage:user_detail", code=instansi.code, pk=member.pk)


@login_required
@require_POST
def membership_add(request, code, pk):
    instansi = _instansi(request, code)
    member = get_visible_or_404(_members(instansi), pk=pk)
    form = MembershipForm(request.POST, instansi=instansi, user=member)
    if form.is_valid():
        Membership.objects.create(
            user=member,
            instansi=instansi,
            role=form.cleaned_data["role"],
            opd=form.cleaned_data["opd"],
        )
        messages.success(request, _("Peran ditambahkan."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("manage:user_detail", code=instansi.code, pk=member.pk)


@login_required
@require_POST
def membership_remove(request, code, pk, membership_pk):
    instansi = _instansi(request, code)
    member = get_visible_or_404(_members(instansi), pk=pk)
    membership = get_visible_or_404(
        Membership.objects.filter(instansi=instansi, user=member), pk=membership_pk
    )
    if member.pk == request.user.pk and membership.role == "administrator":
        messages.error(request, _("Anda tidak dapat mencabut peran administrator Anda sendiri."))
        return redirect("manage:user_detail", code=instansi.code, pk=member.pk)
    if not member.memberships.exclude(pk=membership.pk).exists():
        # An account without any role would linger, able to log in to nothing.
        messages.error(
            request,
            _(
                "Ini peran terakhir pengguna ini. Tambahkan peran lain terlebih dahulu, "
                "atau nonaktifkan akunnya bila tidak diperlukan lagi."
            ),
        )
        return redirect("manage:user_detail", code=instansi.code, pk=member.pk)
    membership.delete()
    messages.success(request, _("Peran dicabut."))
    if not member.memberships.filter(instansi=instansi).exists():
        return redirect("manage:user_list", code=instansi.code)
    return redirect("manage:user_detail", code=instansi.code, pk=member.pk)


# --- Periods ---------------------------------------------------------------------


@login_required
def period_list(request, code):
    instansi = _instansi(request, code)
    periods = instansi.periods.select_related("framework").order_by("-year")
    return render(
        request, "assessments/manage/period_list.html", {"instansi": instansi, "periods": periods}
    )


@login_required
def period_create(request, code):
    instansi = _instansi(request, code)
    latest = instansi.periods.order_by("-year").first()
    initial = {"year": latest.year + 1 if latest else timezone.localdate().year}
    if latest is not None:
        initial.update(framework=latest.framework_id, copy_from_previous=True)
    form = PeriodCreateForm(_posted(request), instansi=instansi, initial=initial)
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
    instansi = _instansi(request, code)
    period = _period(instansi, year)
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
    instansi = _instansi(request, code)
    period = _period(instansi, year)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Status tujuan tidak dikenal."))
    else:
        try:
            period_services.period_transition(
                period=period, user=request.user, to_state=form.cleaned_data["to_state"]
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request,
                _("Status periode sekarang: %(state)s.") % {"state": period.get_state_display()},
            )
    return redirect("manage:period_detail", code=instansi.code, year=period.year)


@login_required
@require_POST
def period_delete(request, code, year):
    instansi = _instansi(request, code)
    period = _period(instansi, year)
    try:
        period_services.period_delete(period=period, user=request.user)
    except ValidationError as error:
        _errors(request, error)
        return redirect("manage:period_detail", code=instansi.code, year=period.year)
    messages.success(request, _("Periode %(year)s dihapus.") % {"year": year})
    return redirect("manage:period_list", code=instansi.code)


@login_required
def period_edit(request, code, year):
    instansi = _instansi(request, code)
    period = _period(instansi, year)
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
    form = PeriodWindowsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            period_services.period_windows_update(period=period, **form.cleaned_data)
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
    instansi = _instansi(request, code)
    period = _period(instansi, year)
    rows = list(
        Assignment.objects.filter(period=period)
        .select_related("indicator__aspect", "responsible_opd")
        .prefetch_related("contributors")
        .order_by("indicator__position")
    )
    opds = OPD.objects.filter(instansi=instansi, active=True).order_by("short_name")
    form = BulkAssignmentForm(
        _posted(request),
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
    instansi = _instansi(request, code)
    period = _period(instansi, year)
    framework = period.framework
    indicators = list(framework.indicators.order_by("position"))
    current = dict(
        Answer.objects.filter(period=period).values_list("indicator__code", "final_level")
    )
    # value_floor: a Pemdi final value may be 0 ("belum terindikasi").
    bounds = {"level_min": framework.value_floor, "level_max": framework.level_max}
    posted = _posted(request)
    mode = posted.get("mode") if posted is not None else None
    table = FinalLevelsForm(
        posted if mode == FinalLevelsForm.mode else None,
        initial={FinalLevelsForm.field_name(c): level for c, level in current.items()},
        indicators=indicators,
        **bounds,
    )
    paste = PastedLevelsForm(
        posted if mode == PastedLevelsForm.mode else None,
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
