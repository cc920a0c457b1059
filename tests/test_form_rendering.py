"""The widgets assessments.forms.rendering writes in Python are exactly what
Django's own widget templates render: for every kind it writes, with values
to escape, selected and required options, groups, errors and help texts."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy

from assessments.forms.rendering import PlainWidgetRenderer
from assessments.forms.review import AcceptForm, AdjustForm, ReopenForm, ReturnForm

TRICKY = "a <b>\"kutip\"</b> & 'satu'\nbaris kedua"


class EveryWidget(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    empty = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(max_length=20, help_text="Bantuan <b>tebal</b>")
    number = forms.IntegerField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "class": "x"}))
    choice = forms.ChoiceField(
        choices=[("", "– pilih –"), ("a&b", TRICKY), ("c", gettext_lazy("Diajukan"))]
    )
    grouped = forms.ChoiceField(
        choices=[("Grup <1>", [("1", "satu"), ("2", "dua")]), ("3", "tiga")], required=False
    )
    disabled = forms.CharField(disabled=True, required=False)


def _pair(form_class, **kwargs):
    return (
        form_class(renderer=DjangoTemplates(), **kwargs),
        form_class(renderer=PlainWidgetRenderer(), **kwargs),
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"version": "3", "text": TRICKY, "note": TRICKY, "choice": "a&b", "grouped": "2"},
        {"version": "x", "text": "y" * 30, "number": "1.5", "note": "", "choice": "nope"},
    ],
    ids=["unbound", "bound-valid-values", "bound-with-errors"],
)
def test_every_written_widget_matches_djangos_template(data):
    django_form, plain_form = _pair(EveryWidget, data=data, initial={"version": 7})
    if data is not None:
        assert django_form.is_valid() == plain_form.is_valid()
    for name in EveryWidget.base_fields:
        assert str(plain_form[name]) == str(django_form[name]), name
    assert plain_form.as_div() == django_form.as_div()


@pytest.mark.parametrize("data", [None, {"version": "0", "level": "9", "reason": "?"}])
def test_decision_forms_render_as_django_renders_them(data):
    framework = type("F", (), {"value_floor": 0, "level_max": 5})()
    cases = [
        (AcceptForm, {}),
        (
            AdjustForm,
            {"framework": framework, "proposed_level": 3, "level_names": {1: "Rintisan & <x>"}},
        ),
        (ReturnForm, {}),
        (ReopenForm, {}),
    ]
    for form_class, extra in cases:
        kwargs = {"data": data, "initial": {"version": 4, "next": "/q?a=1&b=2"}, **extra}
        django_form = form_class(renderer=DjangoTemplates(), auto_id="x_%s", **kwargs)
        plain_form = form_class(auto_id="x_%s", **kwargs)
        assert plain_form.renderer.__class__ is PlainWidgetRenderer
        for name in form_class.base_fields:
            assert str(plain_form[name]) == str(django_form[name]), (form_class, name)
