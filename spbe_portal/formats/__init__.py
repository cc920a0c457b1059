"""The portal's date and time formats, one per language (FORMAT_MODULE_PATH).

Django's own `id` locale abbreviates months and leaves the time zone out
("29 Nov 2026, 14.05"); a provincial round's deadlines are read across three
time zones, so every moment names its zone: "29 November 2026 14.05 WITA".
The "short" formats are the same on purpose: one style everywhere, from the
officer's pages to the Django admin. Anything not set here (input formats,
separators) falls back to Django's locale."""
