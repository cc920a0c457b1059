"""Template helpers for indices that may fall below the predicate scale."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def predikat(predicate, value):
    """The predicate; for a value below the lowest band (Pemdi: under 1.00)
    "belum terindikasi" rather than a wrong one; a dash without a value."""
    if predicate:
        return predicate
    if value is None or value == "":
        return "—"
    return _("belum terindikasi")
