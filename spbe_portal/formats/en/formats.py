"""English: 29 November 2026 14:05 WITA. Day before month and a 24-hour
clock, as in the Indonesian pages: the English interface is read by the same
offices, and "11/29/2026, 2:05 p.m." would be a second style to learn."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i T"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
