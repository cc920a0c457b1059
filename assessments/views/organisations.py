"""The administrator's overview and organisations: instansi, OPDs and the
kabupaten/kota a province registers. Changes go through
assessments.organisations, which checks access and audits them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments import organisations
from assessments.access import administrable_instansi, get_visible_or_404
from assessments.default_assignment import FunctionKey
from assessments.forms.manage import ChildInstansiForm, OPDForm
from assessments.models import Instansi, User
from assessments.views.manage_common import instansi_or_404, posted
from spbe_portal.errors import Invalid


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
    instansi = instansi_or_404(request, code)
    context = {
        "instansi": instansi,
        "opd_count": instansi.opds.count(),
        "user_count": User.objects.filter(memberships__instansi=instansi).distinct().count(),
        "periods": instansi.periods.select_related("framework").order_by("-year"),
        "children": instansi.children.order_by("name"),
    }
    return render(request, "assessments/manage/instansi.html", context)


@login_required
def opd_list(request, code):
    instansi = instansi_or_404(request, code)
    opds = list(instansi.opds.order_by("-active", "short_name"))
    held = {opd.function_key for opd in opds if opd.active and opd.function_key}
    missing = [label for key, label in FunctionKey.choices if key not in held]
    context = {"instansi": instansi, "opds": opds, "missing_functions": missing}
    return render(request, "assessments/manage/opd_list.html", context)


@login_required
def opd_edit(request, code, pk=None):
    instansi = instansi_or_404(request, code)
    opd = get_visible_or_404(instansi.opds.all(), pk=pk) if pk is not None else None
    form = OPDForm(posted(request), instance=opd, instansi=instansi)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in organisations.OPD_FIELDS}
        try:
            saved = organisations.opd_save(by=request.user, instansi=instansi, opd=opd, **fields)
        except Invalid as error:
            form.add_error(None, error.message)
        else:
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
    instansi = instansi_or_404(request, code)
    if instansi.kind != Instansi.Kind.PROVINSI:
        raise Http404
    form = ChildInstansiForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            child = organisations.child_instansi_create(
                by=request.user, parent=instansi, **form.cleaned_data
            )
        except Invalid as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(name)s terdaftar.") % {"name": child.name})
            return redirect("manage:children", code=instansi.code)
    return render(
        request,
        "assessments/manage/children.html",
        {"instansi": instansi, "form": form, "children": instansi.children.order_by("name")},
    )
