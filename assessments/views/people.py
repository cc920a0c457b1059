"""The administrator's people pages: accounts, roles and invitations of one
instansi. Every change goes through assessments.people.accounts (access,
one transaction, an audit entry); the views only read forms and show the
outcome. A refusal the view does not show itself (NotAllowed) is left to the
domain-error middleware."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F, Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.access import can_manage_account, get_visible_or_404
from assessments.forms.people import (
    MembershipForm,
    OfficerMoveForm,
    UserCreateForm,
    UserEditForm,
)
from assessments.models import Membership, Role, User
from assessments.people import accounts
from assessments.people.audit import member_trail
from assessments.people.invitations import invitation_send
from assessments.views.manage_common import instansi_or_404, period_or_404, posted
from spbe_portal.errors import Invalid, NotAllowed, WrongState

# Refusals shown beside the page; NotAllowed is left to the middleware (403).
SHOWN = (Invalid, WrongState)


def _members(instansi):
    return User.objects.filter(
        memberships__instansi=instansi, memberships__ended_on__isnull=True
    ).distinct()


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


@login_required
def user_list(request, code):
    instansi = instansi_or_404(request, code)
    members = (
        _members(instansi)
        .order_by("username")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.current()
                .filter(instansi=instansi)
                .select_related("opd"),
                to_attr="roles_here",
            )
        )
    )
    return render(
        request, "assessments/manage/user_list.html", {"instansi": instansi, "members": members}
    )


@login_required
def user_create(request, code):
    instansi = instansi_or_404(request, code)
    form = UserCreateForm(posted(request), instansi=instansi)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invite = data["send_password_email"]
        try:
            with transaction.atomic():  # no account without its invitation
                member = accounts.user_create(
                    by=request.user,
                    instansi=instansi,
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    role=data["role"],
                    opd=data["opd"],
                    password=None if invite else data["password1"],
                    nip=data["nip"],
                    position=data["position"],
                    phone=data["phone"],
                )
                if invite:
                    invitation_send(
                        by=request.user,
                        member=member,
                        new_account=True,
                        base_url=_base_url(request),
                    )
        except SHOWN as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Akun %(name)s dibuat.") % {"name": member.username})
            if invite:
                _invitation_sent(request, member)
            return redirect("manage:user_detail", code=instansi.code, pk=member.pk)
    return render(
        request, "assessments/manage/user_form.html", {"instansi": instansi, "form": form}
    )


def _invitation_sent(request, member: User) -> None:
    messages.info(
        request,
        _("Tautan pembuatan kata sandi dikirim ke %(email)s.") % {"email": member.email},
    )


@login_required
def user_detail(request, code, pk):
    instansi = instansi_or_404(request, code)
    member = get_visible_or_404(_members(instansi), pk=pk)
    editable = can_manage_account(request.user, member)
    if request.method == "POST" and not editable:
        raise NotAllowed()
    form = UserEditForm(posted(request), instance=member)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            accounts.user_update(by=request.user, member=member, **fields)
        except Invalid as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Data pengguna tersimpan."))
            return redirect("manage:user_detail", code=instansi.code, pk=member.pk)
    memberships = list(member.memberships.current().filter(instansi=instansi).select_related("opd"))
    context = {
        "instansi": instansi,
        "member": member,
        "editable": editable,
        "form": form,
        "membership_form": MembershipForm(instansi=instansi, user=member),
        "memberships": memberships,
        "move_form": OfficerMoveForm(
            instansi=instansi, member=member, initial={"on": timezone.localdate()}
        )
        if any(held.role == Role.OFFICER for held in memberships)
        else None,
        "trail": member_trail(member) if editable else [],
    }
    return render(request, "assessments/manage/user_detail.html", context)


@login_required
@require_POST
def user_active(request, code, pk):
    instansi = instansi_or_404(request, code)
    member = get_visible_or_404(_members(instansi), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        member = accounts.user_set_active(by=request.user, member=member, active=active)
    except SHOWN as error:
        messages.error(request, error.message)
        return redirect("manage:user_detail", code=instansi.code, pk=member.pk)
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
    instansi = instansi_or_404(request, code)
    member = get_visible_or_404(_members(instansi), pk=pk)
    try:
        invitation_send(by=request.user, member=member, base_url=_base_url(request))
    except SHOWN as error:
        messages.error(request, error.message)
    else:
        _invitation_sent(request, member)
    return redirect("manage:user_detail", code=instansi.code, pk=member.pk)


@login_required
@require_POST
def membership_add(request, code, pk):
    instansi = instansi_or_404(request, code)
    member = get_visible_or_404(_members(instansi), pk=pk)
    form = MembershipForm(request.POST, instansi=instansi, user=member)
    if form.is_valid():
        try:
            accounts.membership_grant(
                by=request.user,
                member=member,
                instansi=instansi,
                role=form.cleaned_data["role"],
                opd=form.cleaned_data["opd"],
            )
        except SHOWN as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Peran ditambahkan."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("manage:user_detail", code=instansi.code, pk=member.pk)


@login_required
@require_POST
def membership_remove(request, code, pk, membership_pk):
    instansi = instansi_or_404(request, code)
    member = get_visible_or_404(_members(instansi), pk=pk)
    membership = get_visible_or_404(
        Membership.objects.current()
        .filter(instansi=instansi, user=member)
        .select_related("instansi"),
        pk=membership_pk,
    )
    try:
        accounts.membership_revoke(by=request.user, membership=membership)
    except SHOWN as error:
        messages.error(request, error.message)
        return redirect("manage:user_detail", code=instansi.code, pk=member.pk)
    messages.success(request, _("Peran dicabut."))
    if not member.memberships.current().filter(instansi=instansi).exists():
        return redirect("manage:user_list", code=instansi.code)
    return redirect("manage:user_detail", code=instansi.code, pk=member.pk)


@login_required
@require_POST
def officer_move(request, code, pk):
    instansi = instansi_or_404(request, code)
    member = get_visible_or_404(_members(instansi), pk=pk)
    form = OfficerMoveForm(request.POST, instansi=instansi, member=member)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("manage:user_detail", code=instansi.code, pk=member.pk)
    try:
        moved = accounts.officer_move(
            by=request.user,
            membership=form.cleaned_data["from_role"],
            to_opd=form.cleaned_data["to_opd"],
            on=form.cleaned_data["on"],
        )
    except SHOWN as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Dipindahkan ke %(opd)s mulai %(date)s.")
            % {"opd": moved.opd.short_name, "date": date_format(moved.started_on)},
        )
    return redirect("manage:user_detail", code=instansi.code, pk=member.pk)


@login_required
@require_GET
def period_roster(request, code, year):
    """Who held which role in which OPD while a period ran (from the fill
    window's opening to the end of review): the people who answered for
    each OPD, also those who have since moved or left."""
    instansi = instansi_or_404(request, code)
    period = period_or_404(instansi, year)
    start = timezone.localdate(period.fill_opens_at)
    end = timezone.localdate(period.review_closes_at)
    roles = (
        Membership.objects.filter(instansi=instansi)
        .held_during(start, end)
        .select_related("user", "opd")
        .order_by(F("opd__short_name").asc(nulls_first=True), "role", "user__first_name")
    )
    context = {"instansi": instansi, "period": period, "roles": roles, "start": start, "end": end}
    return render(request, "assessments/manage/period_roster.html", context)
