"""Numbers, dates and times the Indonesian way, in one place for every page:
"29 November 2026 14.05 WITA", "70,5", "periode 2025". The date and time
styles are the portal's DATE_FORMAT and DATETIME_FORMAT (spbe_portal/formats/),
the same that `{{ value }}`, `|date` and the admin use; these filters add what
those cannot: a moment's date where the portal is, a dash for nothing, and
decimals without `floatformat`'s trailing zeros ("70,5000")."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from spbe_portal.formats import EMPTY, decimal_shown

register = template.Library()


@register.filter
def waktu(value):
    """A moment in the portal's time zone, named: 29 November 2026 14.05 WITA."""
    if not value:
        return EMPTY
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "DATETIME_FORMAT")


@register.filter
def tanggal(value):
    """A date: 29 November 2026 (a moment's date where the portal is)."""
    if not value:
        return EMPTY
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "DATE_FORMAT")


@register.filter
def desimal(value, places=4):
    """A decimal with a comma and without trailing zeros: 70,5; 12,5; 3."""
    return decimal_shown(value, places)


@register.filter
def desimal_list(values, separator=" · "):
    """Several decimals (an external indicator's level bounds): 12,5 · 25 · 50."""
    return separator.join(desimal(v) for v in values or ())


@register.filter
def level_value(value, below_scale_label=""):
    """A level as the answer and review pages show it: a dash for none, 0
    with the framework's name for it (Pemdi's "belum terindikasi"), else
    the number. A filter, not an include: the review page shows seven."""
    if value is None:
        return EMPTY
    if value == 0:
        return f"0 ({below_scale_label or _('belum terindikasi')})"
    return str(value)
