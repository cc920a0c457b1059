"""The answer page's level choices, written in Python: a radio button per
level with its criterion. The framework's texts are the same on every
answer page but for the level chosen, and the template's loop over them
(eleven variables, tags and filters per level) was a tenth of the page's
rendering."""

from __future__ import annotations

from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from assessments.views import markup

# One level as templates/assessments/answer_detail.html wrote it in its loop
# (tests/test_officer_workspace.py compares the two).
_CHOICE = """
        <li class="criteria-level p-2 mb-1 border rounded" data-level="{level}" {current}>
          <div class="form-check">
            <input class="form-check-input" type="radio" name="level" value="{level}" id="level-{level}"
                   aria-describedby="criteria-{level}" {checked}>
            <label class="form-check-label fw-semibold" for="level-{level}">{word} {level}{name}</label>
          </div>
          <div class="small" id="criteria-{level}">{text}</div>
        </li>
        """  # noqa: E501


def level_choices(criteria: list[dict], selected_level: int | None) -> SafeString:
    """The `<li>` of every level in `criteria` ({level, name, text}), the
    selected one checked and marked current."""
    word = _("Tingkat")
    parts = []
    for criterion in criteria:
        level = criterion["level"]
        chosen = level == selected_level
        parts.append(
            markup.row(
                _CHOICE,
                level=str(level),
                current=mark_safe('aria-current="true"') if chosen else "",
                checked=mark_safe("checked") if chosen else "",
                word=word,
                name=markup.row(" – {name}", name=criterion["name"]) if criterion["name"] else "",
                text=linebreaksbr(criterion["text"], autoescape=True),
            )
        )
    return mark_safe("".join(parts))
