"""Django's form renderer with the plainest widgets written out in Python.

Django renders every widget through its template engine: a textarea is two
templates (the widget and its attributes), a select one more per option.
On the reviewer's decision page, whose three decision forms hold seven
widgets, that was 3.5–4 ms of the page's CPU (docs/PERFORMANCE.md, round
two). The same markup written here costs a tenth of it. Only the widget
templates below are written out, each producing exactly what Django's own
template produces (tests/test_form_rendering.py compares them); every other
template (other widgets, error lists, whole forms) is Django's."""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"
OPTION = WIDGETS + "select_option.html"


def attrs_html(attrs: dict) -> str:
    """What django/forms/widgets/attrs.html writes: a True attribute bare,
    a False one not at all (also used by forms/choices.py)."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{attrs_html(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str | None:
    value = widget["value"]
    if value and not isinstance(value, (str, Promise)):
        return None  # the template would localise a number
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{attrs_html(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


def _option(option: dict) -> str | None:
    if not isinstance(option["label"], (str, Promise)):
        return None  # a number or date label: the template would localise it
    # An included template keeps its file's final newline.
    return (
        f'<option value="{conditional_escape(option["value"])}"{attrs_html(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            written = _option(option) if option["template_name"] == OPTION else None
            if written is None:
                return None  # left to Django's templates
            parts.append("\n  " + written)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


WRITERS = {
    WIDGETS + "input.html": _input,
    WIDGETS + "text.html": _input,
    WIDGETS + "number.html": _input,
    WIDGETS + "hidden.html": _input,
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
}


class PlainWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        write = WRITERS.get(template_name)
        html = write(context["widget"]) if write is not None else None
        if html is None:
            return super().render(template_name, context, request=request)
        # Django strips what a template renders; so must its replacement.
        return html.strip()


# One instance: the renderer builds its template engine once, on first use.
renderer = PlainWidgetRenderer()
