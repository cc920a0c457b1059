"""The administrator's page for external indicators (Pemdi: SDI, SJIG, IPS,
IKASANDI): enter another agency's index value with its source and date; the
level follows from the framework's thresholds (assessments.items)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from assessments import access, external
from assessments.models import EvaluationPeriod, ExternalValue
from spbe_portal.errors import Invalid


class ExternalValueForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indikator"))
    value = forms.DecimalField(
        label=_("Nilai indeks eksternal"), max_digits=9, decimal_places=4, min_value=0
    )
    source = forms.CharField(
        label=_("Sumber"),
        max_length=300,
        help_text=_("Misalnya: Portal Satu Data Indonesia, hasil penilaian 2026."),
    )
    measured_on = forms.DateField(
        label=_("Tanggal nilai"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [
            (str(i.pk), f"{i.code}. {i.name} ({i.external_source})") for i in indicators
        ]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "indicator" else "form-control"


def _period(request, code, year) -> EvaluationPeriod:
    instansi = access.get_visible_or_404(access.administrable_instansi(request.user), code=code)
    period = access.get_visible_or_404(
        EvaluationPeriod.objects.filter(instansi=instansi).select_related("framework", "instansi"),
        year=year,
    )
    if not access.can_administer(request.user, instansi.pk):
        raise PermissionDenied
    return period


@login_required
@require_http_methods(["GET", "POST"])
def external_values(request, code, year):
    period = _period(request, code, year)
    indicators = list(period.framework.indicators.exclude(external_source="").order_by("position"))
    form = ExternalValueForm(
        request.POST if request.method == "POST" else None, indicators=indicators
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            indicator = next(i for i in indicators if str(i.pk) == data["indicator"])
            indicator.framework = period.framework
            try:
                record = external.external_value_set(
                    period=period,
                    indicator=indicator,
                    user=request.user,
                    value=data["value"],
                    source=data["source"],
                    measured_on=data["measured_on"],
                )
            except Invalid as exc:
                form.add_error("value", exc.message)
                status = 400
            else:
                messages.success(
                    request,
                    _("Nilai %(code)s dicatat: tingkat %(level)s.")
                    % {"code": indicator.code, "level": record.level},
                )
                return redirect("manage:external_values", code=code, year=year)
        else:
            status = 400
    values = {
        v.indicator_id: v
        for v in ExternalValue.objects.filter(period=period).select_related("entered_by")
    }
    rows = [{"indicator": i, "value": values.get(i.pk)} for i in indicators]
    return render(
        request,
        "assessments/manage/external_values.html",
        {"instansi": period.instansi, "period": period, "rows": rows, "form": form},
        status=status,
    )
