from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import OPD
from reports.models import Basis, ReportFormat, ReportKind


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis laporan"))
    basis = forms.ChoiceField(label=_("Dasar penilaian"), choices=Basis.choices)
    fmt = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)
    opd = forms.ModelChoiceField(
        label=_("OPD (untuk laporan OPD)"),
        queryset=OPD.objects.none(),
        required=False,
        empty_label=_("— pilih OPD —"),
    )
    # A fresh key per rendered form: submitting it twice queues one job.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, kinds, opds, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ReportKind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]
        self.fields["opd"].queryset = opds.order_by("short_name")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ReportKind.OPD and not cleaned.get("opd"):
            self.add_error("opd", _("Pilih OPD untuk laporan OPD."))
        return cleaned
