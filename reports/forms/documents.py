"""The administrator's forms for issued documents: the instansi's kop surat
and numbering, and the period's signatories."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.evidence.checks import EvidenceRejected, evidence_check
from reports import documents
from reports.models import Letterhead, Signatories
from spbe_portal.errors import Invalid

LOGO_MAX_BYTES = 512 * 1024
LOGO_KINDS = {"png", "jpeg"}


class LetterheadForm(forms.ModelForm):
    logo_file = forms.FileField(
        label=_("Logo (PNG atau JPEG, maks. 512 KB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    portal_url = forms.URLField(
        label=Letterhead._meta.get_field("portal_url").verbose_name,
        help_text=Letterhead._meta.get_field("portal_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Letterhead
        fields = ["heading", "address", "place", "number_pattern", "portal_url"]
        widgets = {
            "heading": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean_number_pattern(self):
        pattern = self.cleaned_data["number_pattern"].strip()
        try:
            documents.pattern_check(pattern)
        except Invalid as error:
            raise forms.ValidationError(error.message) from None
        return pattern

    def clean_logo_file(self):
        """Checked by content, as evidence is: the name and the declared type
        are not trusted."""
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        try:
            checked = evidence_check(upload, max_bytes=LOGO_MAX_BYTES)
        except EvidenceRejected as error:
            raise forms.ValidationError(error.message) from None
        if checked.kind not in LOGO_KINDS:
            raise forms.ValidationError(_("Logo harus berupa berkas PNG atau JPEG."))
        return upload, checked.content_type

    def save(self, commit=True):
        letterhead = super().save(commit=False)
        logo = self.cleaned_data.get("logo_file")
        if logo:
            upload, content_type = logo
            letterhead.logo = upload.read()
            letterhead.logo_type = content_type
        if commit:
            letterhead.save()
        return letterhead


class SignatoriesForm(forms.ModelForm):
    class Meta:
        model = Signatories
        fields = [
            "coordinator_name",
            "coordinator_nip",
            "coordinator_rank",
            "coordinator_position",
            "assessor_name",
            "assessor_nip",
            "assessor_rank",
            "assessor_position",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-control")
            if name.endswith("_nip"):
                field.widget.attrs.update(inputmode="numeric", pattern=r"\d{18}", maxlength="18")
