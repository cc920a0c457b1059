"""Importing people from a spreadsheet in the browser: the same files, the
same checks and the same all-or-nothing rule as `manage.py import_people`."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from assessments.level_import import MAX_FILE_BYTES, RowError
from assessments.models import Role
from assessments.people.importing import COLUMNS, PeopleFileError, people_import, people_read
from assessments.views.manage_common import instansi_or_404

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas CSV atau XLSX"),
        help_text=gettext_lazy("Baris pertama: name, email, nip, position, opd, role."),
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
def people_import_page(request, code):
    instansi = instansi_or_404(request, code)
    posted = request.method == "POST"
    form = PeopleImportForm(request.POST if posted else None, request.FILES if posted else None)
    row_errors: list[RowError] = []
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            people = people_read(
                upload.read(), instansi=instansi, by=request.user, name=upload.name
            )
            outcome = people_import(
                instansi=instansi,
                people=people,
                by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except PeopleFileError as error:
            row_errors = error.errors
        else:
            messages.success(
                request,
                _(
                    "Impor selesai: %(people)s orang, %(created)s akun baru (undangan dikirim), "
                    "%(updated)s diperbarui, %(unchanged)s tidak berubah, "
                    "%(roles)s peran ditambahkan."
                )
                % {
                    "people": outcome.people,
                    "created": outcome.created,
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                    "roles": outcome.roles_granted,
                },
            )
            return redirect("manage:user_list", code=instansi.code)
    context = {
        "instansi": instansi,
        "form": form,
        "row_errors": row_errors,
        "opds": instansi.opds.filter(active=True).order_by("code"),
        "roles": Role.choices,
    }
    status = 400 if posted and (row_errors or form.errors) else 200
    return render(request, "assessments/manage/people_import.html", context, status=status)


@login_required
@require_GET
def people_import_template(request, code):
    """An XLSX to fill in: the header, one example row, and a second sheet
    with the instansi's OPD codes and the role names."""
    from openpyxl import Workbook

    instansi = instansi_or_404(request, code)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("pegawai")
    sheet.append(list(COLUMNS))
    sheet.append(
        [
            "Budi Santoso",
            "budi.santoso@example.go.id",
            "198503122010011002",
            _("Pranata Komputer Ahli Muda"),
            "diskominfo",
            Role.OFFICER,
        ]
    )
    for column in "BCD":
        sheet.column_dimensions[column].width = 30
    # Excel keeps a typed NIP as a number and drops its last digits: text only.
    for row in sheet.iter_rows(min_row=2, max_row=500, min_col=3, max_col=3):
        row[0].number_format = "@"
    codes = workbook.create_sheet(_("kode"))
    codes.append(["opd", _("nama OPD"), "", "role", _("peran")])
    opds = list(instansi.opds.filter(active=True).order_by("code").values_list("code", "name"))
    roles = list(Role.choices)
    for index in range(max(len(opds), len(roles))):
        opd = opds[index] if index < len(opds) else ("", "")
        role = roles[index] if index < len(roles) else ("", "")
        codes.append([opd[0], opd[1], "", role[0], str(role[1])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    filename = f"templat-pegawai-{instansi.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
