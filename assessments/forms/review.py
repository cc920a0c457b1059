"""Forms of the reviewer's workspace: the queue filter, the three decisions,
reopening a validated answer and the bulk decisions."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from assessments.forms import rendering
from assessments.forms.choices import PlainSelect, RowChoiceField
from assessments.models import OPD, AnswerState, EvaluationPeriod, ReturnReason
from indicators.models import Aspect, Domain

ALL_STATES = "all"
SEARCH_MAX = 100

# The queue's orders as the address bar carries them; "-key" reverses "key".
SORT_CHOICES = [
    ("indicator", _("Indikator, menurut nomor")),
    ("-indicator", _("Indikator, nomor terbalik")),
    ("opd", _("OPD, A–Z")),
    ("-opd", _("OPD, Z–A")),
    ("state", _("Status")),
    ("-state", _("Status, terbalik")),
    ("waiting", _("Terlama menunggu dulu")),
    ("-waiting", _("Terbaru diajukan dulu")),
]


def _code_and_name_filter(label, model, empty_label) -> RowChoiceField:
    """An optional filter over a framework's domains or aspects, labelled as
    their __str__ gives them ("code name")."""
    return RowChoiceField(
        label=label,
        queryset=model.objects.none(),
        required=False,
        empty_label=empty_label,
        label_columns=("code", "name"),
        label_from_row=lambda code, name: f"{code} {name}",
    )


class ReviewFilterForm(forms.Form):
    # Its search box written in Python too (the selects write themselves).
    default_renderer = rendering.renderer

    # Labels as the models' __str__ gives them, from the columns it reads.
    period = RowChoiceField(
        label=_("Periode"),
        queryset=EvaluationPeriod.objects.none(),
        required=False,
        label_columns=("instansi__name", "year"),
        label_from_row=lambda instansi, year: f"{instansi} {year}",
    )
    opd = RowChoiceField(
        label=_("OPD"),
        queryset=OPD.objects.none(),
        required=False,
        empty_label=_("Semua OPD"),
        label_columns=("short_name",),
        label_from_row=str,
    )
    domain = _code_and_name_filter(_("Domain"), Domain, _("Semua domain"))
    aspect = _code_and_name_filter(_("Aspek"), Aspect, _("Semua aspek"))
    state = forms.ChoiceField(
        label=_("Status"),
        choices=[*AnswerState.choices, (ALL_STATES, _("Semua status"))],
        required=False,
        widget=PlainSelect,
    )
    q = forms.CharField(
        label=_("Cari indikator atau OPD"), required=False, max_length=SEARCH_MAX, strip=True
    )
    sort = forms.ChoiceField(
        label=_("Urutkan"),
        choices=SORT_CHOICES,
        required=False,
        widget=PlainSelect,
    )

    def __init__(self, data, *, periods, period):
        """`periods`: a queryset, or the periods themselves (their instansi
        loaded) when the caller has listed them already."""
        super().__init__(data)
        self.fields["period"].empty_label = None
        if isinstance(periods, QuerySet):
            self.fields["period"].queryset = periods
        else:
            self.fields["period"].offer(
                [(p.pk, str(p)) for p in periods], instances={p.pk: p for p in periods}
            )
        if period is not None:
            # By short name alone: one instansi's OPDs need no join for its name.
            self.fields["opd"].queryset = OPD.objects.filter(
                instansi_id=period.instansi_id
            ).order_by("short_name")
            self.fields["domain"].queryset = Domain.objects.filter(framework_id=period.framework_id)
            self.fields["aspect"].queryset = Aspect.objects.filter(framework_id=period.framework_id)
            # Listed from the framework's per-revision cache; a chosen one is
            # still checked against its queryset.
            domains, aspects = period.framework.filter_choices()
            self.fields["domain"].offer(domains)
            self.fields["aspect"].offer(aspects)
            if not domains:
                # Pemdi 2026 has no domain level: no empty filter to puzzle over.
                del self.fields["domain"]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            )
        self.fields["q"].widget.attrs["type"] = "search"


class DecisionForm(forms.Form):
    default_renderer = rendering.renderer
    # The version the reviewer saw; a newer one in the database means a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class AcceptForm(DecisionForm):
    comment = forms.CharField(
        label=_("Catatan (opsional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class AdjustForm(DecisionForm):
    level = forms.TypedChoiceField(
        label=_("Tingkat tervalidasi"),
        coerce=int,
        error_messages={"required": _("Pilih tingkat tervalidasi.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    justification = forms.CharField(
        label=_("Justifikasi"),
        help_text=_("Mengapa tingkat usulan tidak dapat diterima (JUSTIFIKASI asesor)."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("Justifikasi penyesuaian tingkat wajib diisi.")},
    )

    def __init__(self, *args, framework, proposed_level=None, level_names=None, **kwargs):
        super().__init__(*args, **kwargs)
        level_names = level_names or {}
        # No level preselected: an adjustment is always a deliberate choice.
        self.fields["level"].choices = [
            ("", _("– pilih tingkat –")),
            *(
                (level, f"{level} – {level_names[level]}" if level in level_names else str(level))
                for level in range(framework.value_floor, framework.level_max + 1)
                if level != proposed_level
            ),
        ]


class ReturnForm(DecisionForm):
    reason = forms.ChoiceField(
        label=_("Alasan pengembalian"),
        choices=ReturnReason.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    comment = forms.CharField(
        label=_("Catatan untuk OPD"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("Catatan pengembalian wajib diisi.")},
    )


class ReopenForm(DecisionForm):
    reason = forms.CharField(
        label=_("Alasan membuka kembali"),
        help_text=_("Jawaban kembali berstatus Diajukan dan diputuskan ulang; OPD diberi tahu."),
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": _("Alasan membuka kembali wajib diisi.")},
    )


class BulkReturnForm(forms.Form):
    """One reason and one note for every selected answer."""

    # The queue renders it on every request: its note box written in Python.
    default_renderer = rendering.renderer
    # It shares the queue's form with bulk acceptance, which needs neither field.
    use_required_attribute = False

    reason = forms.ChoiceField(
        label=_("Alasan pengembalian"),
        choices=[("", _("– pilih alasan –")), *ReturnReason.choices],
        error_messages={"required": _("Pilih alasan pengembalian.")},
        widget=PlainSelect(attrs={"class": "form-select form-select-sm"}),
    )
    comment = forms.CharField(
        label=_("Catatan untuk OPD"),
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
        error_messages={"required": _("Catatan pengembalian wajib diisi.")},
    )
