"""Choice fields for filter forms that are rendered on every request (the
review queue's): the same HTML and the same server-side validation as
Django's `ModelChoiceField` and `Select`, without a model instance per option
and without a template include per option. Django's widget machinery
(`optgroups`, `create_option`, two includes per option) cost the queue about
8 ms of CPU for its 80-odd options, more than the queries behind them."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from assessments.forms.rendering import attrs_html


class PlainSelect(forms.Select):
    """`Select` written out directly: byte for byte what Django's templates
    give for flat choices (tests/test_plain_select.py compares them);
    grouped choices go through Django's own rendering."""

    def use_required_attribute(self, initial):
        # Django's Select reads the first choice to decide, which for a model
        # field runs its query once more; an optional field never needs it.
        return self.is_required and super().use_required_attribute(initial)

    def render(self, name, value, attrs=None, renderer=None):
        # Not list(): it asks a model field's choices for their length, a query.
        choices = [choice for choice in self.choices]  # noqa: C416
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        chosen = self.format_value(value)
        html = [format_html('<select name="{}"', name), attrs_html(attrs), ">"]
        has_selected = False
        for option_value, label in choices:
            option_value = "" if option_value is None else option_value
            selected = (not has_selected or self.allow_multiple_selected) and str(
                option_value
            ) in chosen
            has_selected |= selected
            # select_option.html's own closing newline follows each option;
            # no format_html() per option (most of the select's time).
            html.append(
                f'\n  <option value="{conditional_escape(str(option_value))}"'
                f"{' selected' if selected else ''}>{conditional_escape(label)}</option>\n"
            )
        html.append("\n</select>")
        return mark_safe("".join(html))


class RowChoiceIterator(ModelChoiceIterator):
    """The field's options from `values_list` rows: (pk, label)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, *columns in self.queryset.values_list("pk", *self.field.label_columns):
            yield (pk, self.field.label_from_row(*columns))


class RowChoiceField(forms.ModelChoiceField):
    """A `ModelChoiceField` (validation, cleaned value: the model instance)
    whose options are labelled from a few columns instead of `str(instance)`;
    `label_from_row` must give what the model's `__str__` gives."""

    iterator = RowChoiceIterator
    widget = PlainSelect
    # pk -> instance, when the caller holds every choice already (offer()).
    offered = None

    def __init__(
        self, *, label_columns: tuple[str, ...], label_from_row: Callable[..., str], **kwargs
    ):
        self.label_columns = label_columns
        self.label_from_row = label_from_row
        super().__init__(**kwargs)

    def offer(self, pairs, *, instances: dict | None = None) -> None:
        """Options from (pk, label) pairs the caller already holds, listed
        without a query; with `instances` (pk -> instance) a chosen value is
        found there too, not read again. Without them it is looked up in the
        queryset as usual (and must be in it)."""
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        self.choices = [*empty, *pairs]
        self.offered = instances

    def to_python(self, value):
        if self.offered is None or value in self.empty_values:
            return super().to_python(value)
        self.validate_no_null_characters(value)
        try:
            # int() as the primary key's own lookup converts it.
            return self.offered[int(value)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None
