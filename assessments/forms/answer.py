"""Officer forms: an answer's level and explanation, evidence files and links.
The forms check shape; the rules (deadline, lock, range, version) are in
assessments.answering."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.answering import EXPLANATION_MAX
from assessments.forms import rendering


class AnswerForm(forms.Form):
    default_renderer = rendering.renderer
    level = forms.TypedChoiceField(
        label=_("Tingkat"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Pilih tingkat yang tersedia.")},
    )
    explanation = forms.CharField(
        label=_("Penjelasan"),
        required=False,
        strip=False,
        max_length=EXPLANATION_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            (level, str(level)) for level in range(framework.value_floor, framework.level_max + 1)
        ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the evidence service,
    so one bad file does not block the good ones."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if not files:
            raise forms.ValidationError(_("Pilih minimal satu berkas."), code="required")
        return files


class EvidenceUploadForm(forms.Form):
    files = MultipleFileField(label=_("Berkas data dukung"))


class EvidenceLinkForm(forms.Form):
    url = forms.URLField(label=_("Tautan"), max_length=500, assume_scheme="https")
    note = forms.CharField(
        label=_("Keterangan"),
        required=False,
        max_length=500,
        help_text=_("Misalnya akun uji untuk mencoba layanan."),
    )
