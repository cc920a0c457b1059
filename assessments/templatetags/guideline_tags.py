"""The guideline panels of the answer and review pages read their data here,
so each page includes its panel with one line and its view stays as it is."""

from django import template

from assessments.evidence import tags
from indicators.framework_texts import texts_of

register = template.Library()


@register.simple_tag
def answer_guideline(answer, level=None, level_names=None, criteria=None):
    """The guideline of the answer's indicator with `level` open (the
    officer's choice; the proposed level when none is given). A page that
    has the level names and `tags.level_criteria` already passes them."""
    if level in (None, ""):
        level = answer.proposed_level
    if not level_names:
        level_names = texts_of(answer.period.framework).names_for(answer.indicator.capability)
    try:
        level = int(level) if level is not None else None
    except (TypeError, ValueError):
        level = None
    return tags.guideline(answer, level=level, level_names=level_names, criteria=criteria or None)


@register.filter
def keys_of(criteria):
    """The keys of a list of evidence criteria, for `in` tests in templates."""
    return [c.key for c in criteria]
