"""Numbers in reports, formatted by Django's localization (3,79 in Bahasa
Indonesia), never by hand."""

from django import template
from django.utils.formats import number_format

from indicators.scoring import POINTS_PLACES

register = template.Library()


@register.filter
def angka(value, places=2):
    """`value` with `places` decimals in the active language; a dash if absent."""
    if value is None or value == "":
        return "—"
    return number_format(value, decimal_pos=int(places), use_l10n=True)


@register.filter
def poin(value):
    """Index points, with the places every output shows them with."""
    return angka(value, POINTS_PLACES)
