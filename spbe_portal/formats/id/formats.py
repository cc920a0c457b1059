"""Bahasa Indonesia: 29 November 2026 14.05 WITA (PUEBI writes times with a
full stop). `T` is the zone's name in TIME_ZONE (Asia/Makassar: WITA)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H.i T"
# A bare time has no date, so no zone can be named for it honestly.
TIME_FORMAT = "H.i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
