"""The NIP (Nomor Induk Pegawai) of a civil servant: 18 digits,

    YYYYMMDD  date of birth
    YYYYMM    TMT CPNS (the month the person became a candidate civil servant)
    G         1 for a man, 2 for a woman
    NNN       sequence number

What is checked: 18 digits; the birth date is a real date; the TMT month is
a real month not before the birth year and not in the future; the gender
digit is 1 or 2. Nothing is checked against BKN's register (the portal has
no access to it), so a well-formed NIP of someone else passes; uniqueness
within the portal is the database's.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

_DIGITS = re.compile(r"\d{18}")


def nip_normalised(raw: str) -> str:
    """NIPs are often written in groups ("19850312 201001 1 002")."""
    return re.sub(r"[\s.\-]", "", raw or "")


def nip_problem(nip: str) -> str | None:
    """Why `nip` (normalised) is not a NIP, or None when it is one."""
    if not _DIGITS.fullmatch(nip):
        return _("NIP harus 18 angka.")
    try:
        born = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return _("8 angka pertama NIP bukan tanggal lahir yang sah (TTTTBBHH).")
    tmt_year, tmt_month = int(nip[8:12]), int(nip[12:14])
    today = timezone.localdate()
    if not 1 <= tmt_month <= 12 or not born.year < tmt_year <= today.year:
        return _("Angka ke-9 sampai ke-14 NIP bukan bulan TMT yang sah (TTTTBB).")
    if (tmt_year, tmt_month) > (today.year, today.month):
        return _("Angka ke-9 sampai ke-14 NIP bukan bulan TMT yang sah (TTTTBB).")
    if nip[14] not in "12":
        return _("Angka ke-15 NIP (jenis kelamin) harus 1 atau 2.")
    return None
