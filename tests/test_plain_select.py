"""The queue's filter widgets written without Django's widget templates
(assessments/forms/choices.py) give the same HTML as Django's own, and the
filter still validates on the server."""

import pytest
from django import forms

from assessments.forms.choices import PlainSelect
from assessments.forms.review import ReviewFilterForm
from assessments.models import EvaluationPeriod
from tests.factories import EvaluationPeriodFactory, OPDFactory

CHOICES = [
    ("", "– semua –"),
    (1, 'Dinas <Kominfo> & "Statistik"'),
    ("2", "Bappeda"),
    ("x y", "Inspektorat"),
]


@pytest.mark.parametrize("value", [None, "", "1", 1, "2", "x y", "tidak ada"])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_opd", "class": "form-select form-select-sm"},
        {"id": "id_opd", "required": True, "disabled": False, "aria-invalid": "true"},
        {"data-label": 'a "quoted" <b>'},
    ],
)
def test_plain_select_writes_what_django_select_writes(value, attrs):
    for multiple in (False, True):
        django_class = forms.SelectMultiple if multiple else forms.Select
        plain_class = type("PlainMultiple", (PlainSelect,), {"allow_multiple_selected": True})
        plain = (plain_class if multiple else PlainSelect)(attrs={"class": "c"}, choices=CHOICES)
        django = django_class(attrs={"class": "c"}, choices=CHOICES)
        shown = [value] if multiple and value is not None else value
        assert plain.render("opd", shown, attrs) == django.render("opd", shown, attrs)


def test_grouped_choices_fall_back_to_django():
    grouped = [("Kelompok", [("1", "Satu"), ("2", "Dua")]), ("3", "Tiga")]
    plain = PlainSelect(choices=grouped).render("g", "2")
    assert plain == forms.Select(choices=grouped).render("g", "2")
    assert "<optgroup" in plain


@pytest.mark.django_db
def test_filter_form_renders_as_with_model_choice_fields(kaltim2024):
    """Each option labelled from its columns reads as the model's __str__,
    and the chosen one is selected, exactly as ModelChoiceField renders it."""
    period = kaltim2024.period
    EvaluationPeriodFactory(instansi=period.instansi, year=2025, framework=period.framework)
    opd = kaltim2024.opds[1]
    periods = EvaluationPeriod.objects.filter(instansi=period.instansi).order_by("-year")
    data = {"period": str(period.pk), "opd": str(opd.pk), "state": "all", "sort": "-waiting"}
    form = ReviewFilterForm(data, periods=periods, period=period)
    assert form.is_valid(), form.errors
    for name in ("period", "opd", "domain", "aspect", "state", "sort"):
        field = form.fields[name]
        if isinstance(field, forms.ModelChoiceField):
            reference = forms.ModelChoiceField(
                queryset=field.queryset, empty_label=field.empty_label, required=False
            )
            reference.widget.attrs = dict(field.widget.attrs)
            expected = reference.widget.render(name, data.get(name), {"id": f"id_{name}"})
        else:
            reference = forms.Select(attrs=dict(field.widget.attrs), choices=field.choices)
            expected = reference.render(name, data.get(name), {"id": f"id_{name}"})
        assert str(form[name]) == expected, name
    assert f'<option value="{opd.pk}" selected>{opd.short_name}</option>' in str(form["opd"])


@pytest.mark.django_db
def test_filter_form_still_refuses_another_instansis_opd(kaltim2024):
    period = kaltim2024.period
    elsewhere = OPDFactory()
    periods = EvaluationPeriod.objects.filter(pk=period.pk)
    form = ReviewFilterForm({"opd": str(elsewhere.pk)}, periods=periods, period=period)
    assert not form.is_valid()
    assert "opd" in form.errors
    form = ReviewFilterForm({"opd": str(kaltim2024.opds[0].pk)}, periods=periods, period=period)
    assert form.is_valid()
    assert form.cleaned_data["opd"] == kaltim2024.opds[0]
