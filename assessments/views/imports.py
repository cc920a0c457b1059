"""The administrator's level import: the same CSV/XLSX files and the same
all-or-nothing validation as `manage.py import_levels`, from the browser."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.access import administrable_instansi, get_visible_or_404
from assessments.level_import import (
    MAX_FILE_BYTES,
    LevelFileError,
    RowError,
    levels_import,
    levels_read,
)
from assessments.models import EvaluationPeriod

BASIS_CHOICES = [
    ("self", gettext_lazy("Penilaian mandiri (tingkat usulan OPD dan penjelasan)")),
    ("validated", gettext_lazy("Hasil validasi asesor internal")),
    ("final", gettext_lazy("Nilai akhir nasional")),
]


class LevelImportForm(forms.Form):
    basis = forms.ChoiceField(
        label=gettext_lazy("Tingkat yang diimpor"),
        choices=BASIS_CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label=gettext_lazy("Berkas CSV atau XLSX"),
        help_text=gettext_lazy(
            "Baris pertama: indicator, level, dan (opsional) explanation. Satu baris per indikator."
        ),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".csv,.xlsx,text/csv"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimal %(mb)s MB).")
                % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


@login_required
def import_levels(request, code, year):
    instansi = get_visible_or_404(administrable_instansi(request.user), code=code)
    period = get_visible_or_404(
        EvaluationPeriod.objects.filter(instansi=instansi).select_related("framework"), year=year
    )
    form = LevelImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    row_errors: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        basis = form.cleaned_data["basis"]
        try:
            rows = levels_read(upload.read(), framework=period.framework, name=upload.name)
            outcome = levels_import(period=period, basis=basis, rows=rows, user=request.user)
        except LevelFileError as error:
            row_errors = error.errors
        else:
            messages.success(
                request,
                _(
                    "Impor selesai: %(rows)s baris, %(changed)s jawaban berubah, "
                    "%(unchanged)s tidak berubah."
                )
                % {
                    "rows": outcome.rows,
                    "changed": outcome.changed,
                    "unchanged": outcome.unchanged,
                },
            )
            return redirect("manage:import_levels", code=instansi.code, year=period.year)
    context = {
        "instansi": instansi,
        "period": period,
        "form": form,
        "row_errors": row_errors,
        "level_min": period.framework.value_floor,
        "level_max": period.framework.level_max,
    }
    return render(
        request,
        "assessments/manage/import_levels.html",
        context,
        status=400 if request.method == "POST" and (row_errors or form.errors) else 200,
    )
