"""The portal's date and time formats, one per language (FORMAT_MODULE_PATH).

Django's own `id` locale abbreviates months and leaves the time zone out
("29 Nov 2026, 14.05"); a provincial round's deadlines are read across three
time zones, so every moment names its zone: "29 November 2026 14.05 WITA".
The "short" formats are the same on purpose: one style everywhere, from the
officer's pages to the Django admin. Anything not set here (input formats,
separators) falls back to Django's locale."""

from decimal import Decimal, InvalidOperation

from django.forms import TextInput
from django.utils.formats import number_format

EMPTY = "–"


def decimal_shown(value, places=4) -> str:
    """A decimal in the current language without trailing zeros: 70,5; 12,5; 3
    (Django's own localisation keeps a field's decimal places: "70,5000").
    The pages use it as the `desimal` filter; the admin and stored history
    text call it directly."""
    if value is None or value == "":
        return EMPTY
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    number = round(number, int(places)).normalize()
    shown = max(0, -number.as_tuple().exponent)
    return number_format(number, decimal_pos=shown, use_l10n=True)


class DecimalShownInput(TextInput):
    """A decimal typed and shown the Indonesian way in the admin: "12,5",
    not the "12.5000" of a number input (which cannot hold a comma). Used
    with `localize=True`, so "12,5" is read back as 12.5."""

    def format_value(self, value):
        if value is None or value == "":
            return None
        return decimal_shown(value)


# For a ModelAdmin's or inline's formfield_overrides.
DECIMAL_ADMIN_FIELD = {
    "localize": True,
    "widget": DecimalShownInput(attrs={"inputmode": "decimal"}),
}
