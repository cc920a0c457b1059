"""Forms of the administrator's pages (organisations, periods,
assignments, final levels; people in forms/people.py). They validate input;
periods.py and organisations.py do the work."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import OPD, Instansi, PeriodState
from indicators.models import FrameworkVersion

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_INPUT, **kwargs)


class StyledMixin:
    """Bootstrap classes on every widget, so templates render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def _datetime_field(label):
    return forms.DateTimeField(
        label=label, widget=DateTimeLocalInput(), input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"]
    )


class OPDForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = OPD
        fields = ["code", "name", "short_name", "function_key", "active"]
        help_texts = {
            "code": gettext_lazy("Huruf kecil, angka dan tanda hubung; unik dalam instansi."),
            "function_key": gettext_lazy(
                "Dipakai penugasan bawaan indikator (mis. Bappeda untuk Layanan Perencanaan)."
            ),
        }

    def __init__(self, *args, instansi: Instansi, **kwargs):
        super().__init__(*args, **kwargs)
        self.instansi = instansi

    def clean_code(self):
        code = self.cleaned_data["code"]
        clash = OPD.objects.filter(instansi=self.instansi, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Kode OPD ini sudah dipakai di instansi ini."))
        return code

    def clean(self):
        cleaned = super().clean()
        key, active = cleaned.get("function_key"), cleaned.get("active")
        if key and active:
            # One OPD per function keeps the default assignment unambiguous.
            holder = OPD.objects.filter(instansi=self.instansi, function_key=key, active=True)
            if self.instance.pk:
                holder = holder.exclude(pk=self.instance.pk)
            holder = holder.first()
            if holder is not None:
                self.add_error(
                    "function_key",
                    _("Fungsi ini sudah dipegang OPD aktif %(opd)s.") % {"opd": holder.short_name},
                )
        return cleaned


class ChildInstansiForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = Instansi
        fields = ["code", "name", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k, label)
            for k, label in Instansi.Kind.choices
            if k in (Instansi.Kind.KABUPATEN, Instansi.Kind.KOTA)
        ]


class PeriodWindowsForm(StyledMixin, forms.Form):
    fill_opens_at = _datetime_field(gettext_lazy("Pengisian dibuka"))
    fill_closes_at = _datetime_field(gettext_lazy("Batas pengisian"))
    review_closes_at = _datetime_field(gettext_lazy("Batas penilaian"))
    target_index = forms.DecimalField(
        label=gettext_lazy("Target indeks"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text=gettext_lazy("Mis. 3,00"),
    )

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("fill_opens_at"), cleaned.get("fill_closes_at")
        review = cleaned.get("review_closes_at")
        if opens and closes and opens >= closes:
            self.add_error(
                "fill_closes_at", _("Batas pengisian harus sesudah waktu pengisian dibuka.")
            )
        if closes and review and review < closes:
            self.add_error(
                "review_closes_at", _("Batas penilaian tidak boleh sebelum batas pengisian.")
            )
        return cleaned


class PeriodCreateForm(PeriodWindowsForm):
    year = forms.IntegerField(label=gettext_lazy("Tahun"), min_value=2000, max_value=2100)
    framework = forms.ModelChoiceField(
        label=gettext_lazy("Versi kerangka"), queryset=FrameworkVersion.objects.all()
    )
    copy_from_previous = forms.BooleanField(
        label=gettext_lazy("Mulai dari tahun lalu"),
        required=False,
        help_text=gettext_lazy(
            "Menyalin tingkat usulan, penjelasan dan tautan data dukung tahun lalu sebagai draf. "
            "Berkas data dukung tidak disalin dan perlu diunggah ulang."
        ),
    )

    field_order = [
        "year",
        "framework",
        "fill_opens_at",
        "fill_closes_at",
        "review_closes_at",
        "target_index",
        "copy_from_previous",
    ]

    def __init__(self, *args, instansi: Instansi, **kwargs):
        super().__init__(*args, **kwargs)
        self.instansi = instansi

    def clean_year(self):
        year = self.cleaned_data["year"]
        if self.instansi.periods.filter(year=year).exists():
            raise forms.ValidationError(_("Periode tahun ini sudah ada."))
        return year

    def clean(self):
        cleaned = super().clean()
        framework, target = cleaned.get("framework"), cleaned.get("target_index")
        if framework and target is not None and target > framework.level_max:
            self.add_error(
                "target_index",
                _("Target indeks tidak boleh melebihi %(max)s.") % {"max": framework.level_max},
            )
        return cleaned


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(choices=PeriodState.choices)


class OPDMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Short and full name, so either can be searched for in the picker."""

    def label_from_instance(self, obj):
        return f"{obj.short_name} — {obj.name}"


class BulkAssignmentForm(StyledMixin, forms.Form):
    indicators = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Indikator"),
        coerce=int,
        error_messages={"required": gettext_lazy("Pilih minimal satu indikator.")},
    )
    responsible_opd = forms.ModelChoiceField(
        label=gettext_lazy("OPD penanggung jawab baru"),
        queryset=OPD.objects.none(),
        required=False,
        empty_label=gettext_lazy("— tidak diubah —"),
    )
    set_contributors = forms.BooleanField(
        label=gettext_lazy("Ganti OPD kontributor dengan pilihan berikut"), required=False
    )
    contributors = OPDMultipleChoiceField(
        label=gettext_lazy("OPD kontributor"),
        queryset=OPD.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, opds, indicator_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_opd"].queryset = opds
        self.fields["contributors"].queryset = opds
        self.fields["indicators"].choices = indicator_choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("responsible_opd") is None and not cleaned.get("set_contributors"):
            raise forms.ValidationError(
                _("Pilih OPD penanggung jawab baru atau centang penggantian OPD kontributor.")
            )
        return cleaned


_SPLIT = re.compile(r"\s*[,;\t]\s*|\s+")
_HEADER_WORDS = {"indicator", "indikator", "kode", "code"}


def parse_level_lines(text: str, *, codes, level_min: int, level_max: int):
    """'code,level' lines -> ({code: level}, [errors]). Separators: comma,
    semicolon, tab or spaces; an optional header line; blank lines skipped."""
    levels: dict[str, int] = {}
    errors: list[str] = []
    known = set(codes)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        cells = [c for c in _SPLIT.split(line) if c]
        if number == 1 and cells and cells[0].lower() in _HEADER_WORDS:
            continue
        if len(cells) != 2:
            errors.append(_("Baris %(n)s: tulis 'kode,tingkat' (mis. 12,3).") % {"n": number})
            continue
        code, level_text = cells
        if code not in known:
            errors.append(
                _("Baris %(n)s: indikator '%(code)s' tidak dikenal.") % {"n": number, "code": code}
            )
            continue
        if code in levels:
            errors.append(
                _("Baris %(n)s: indikator %(code)s muncul lebih dari sekali.")
                % {"n": number, "code": code}
            )
            continue
        try:
            level = int(level_text)
        except ValueError:
            level = None
        if level is None or not level_min <= level <= level_max:
            errors.append(
                _("Baris %(n)s: tingkat '%(level)s' harus bilangan bulat %(min)s–%(max)s.")
                % {"n": number, "level": level_text, "min": level_min, "max": level_max}
            )
            continue
        levels[code] = level
    if not levels and not errors:
        errors.append(_("Tidak ada baris yang berisi nilai."))
    return levels, errors


class FinalLevelsForm(StyledMixin, forms.Form):
    """One optional level per indicator; a blank clears it."""

    mode = "table"

    def __init__(self, *args, indicators, level_min: int, level_max: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.level_min, self.level_max = level_min, level_max
        for indicator in self.indicators:
            self.fields[self.field_name(indicator.code)] = forms.IntegerField(
                label=indicator.code,
                required=False,
                min_value=level_min,
                max_value=level_max,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )

    @staticmethod
    def field_name(code: str) -> str:
        return f"level_{code}"

    def rows(self):
        return [(i, self[self.field_name(i.code)]) for i in self.indicators]

    def clean(self):
        cleaned = super().clean()
        cleaned["levels"] = {i.code: cleaned.get(self.field_name(i.code)) for i in self.indicators}
        return cleaned


class PastedLevelsForm(StyledMixin, forms.Form):
    """'code,level' lines pasted from a spreadsheet; only the indicators
    named change."""

    mode = "paste"

    pasted = forms.CharField(
        label=gettext_lazy("Tempel baris 'kode,tingkat'"),
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "1,3\n2,4"}),
        error_messages={"required": gettext_lazy("Tempel minimal satu baris 'kode,tingkat'.")},
    )

    def __init__(self, *args, codes, level_min: int, level_max: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes, self.level_min, self.level_max = list(codes), level_min, level_max

    def clean(self):
        cleaned = super().clean()
        if "pasted" in cleaned:
            levels, errors = parse_level_lines(
                cleaned["pasted"],
                codes=self.codes,
                level_min=self.level_min,
                level_max=self.level_max,
            )
            if errors:
                raise forms.ValidationError(errors)
            cleaned["levels"] = levels
        return cleaned
