"""Issuing documents fit to sign and hand out.

An issued PDF (the instansi report and the Berita Acara) carries a number
from its instansi's pattern, a short verification code, and the address of
the public page that confirms it; the registry keeps the SHA-256 of the very
file handed out. The number is taken under a row lock on the instansi's
counter for the year and the document is rendered and registered in the same
transaction: if rendering fails, the number is given back with it, so the
sequence has no gaps and no twins even under concurrent requests.

The OPD report is a working document of one OPD and is not numbered.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from reports.models import (
    DEFAULT_NUMBER_PATTERN,
    Basis,
    DocumentCounter,
    IssuedDocument,
    Letterhead,
    ReportKind,
    Signatories,
)
from spbe_portal.errors import Invalid

ISSUED_KINDS = frozenset({ReportKind.INSTANSI, ReportKind.BERITA_ACARA})
# No 0/O, 1/I/L: a code read aloud or typed from paper is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = {"nomor", "tahun"}


@dataclass(frozen=True)
class Issue:
    """What an issued PDF prints about itself."""

    number: str
    code: str
    issued_at: datetime
    place_date: str
    verify_path: str
    verify_url: str
    letterhead: Letterhead | None
    signatories: Signatories | None


def basis_check(kind: str, basis: str) -> None:
    """A Berita Acara of the self-assessment records the internal assessors'
    result: the validated basis and no other."""
    if kind == ReportKind.BERITA_ACARA and basis != Basis.VALIDATED:
        raise Invalid(
            _(
                "Berita Acara penilaian mandiri hanya diterbitkan atas dasar "
                "“%(basis)s”, yaitu hasil yang dicatat oleh asesor internal."
            )
            % {"basis": Basis.VALIDATED.label}
        )


def issuable_check(period, kind: str, basis: str) -> None:
    """Everything a document needs before it is queued or rendered."""
    basis_check(kind, basis)
    if (
        kind == ReportKind.BERITA_ACARA
        and not Signatories.objects.filter(period_id=period.pk).exists()
    ):
        raise Invalid(
            _(
                "Penandatangan Berita Acara periode ini belum ditetapkan. Administrator "
                "menetapkannya pada halaman kop surat dan penandatangan."
            )
        )


def pattern_check(pattern: str) -> None:
    """A numbering pattern holds {nomor} once and no placeholder but
    {nomor} and {tahun}; braces are never evaluated as a format string."""
    names = PLACEHOLDER.findall(pattern)
    unknown = sorted({n for n in names if n not in PLACEHOLDERS})
    if unknown or pattern.count("{") != len(names) or pattern.count("}") != len(names):
        raise Invalid(_("Pola nomor hanya boleh memuat {nomor} dan {tahun}."))
    if names.count("nomor") != 1:
        raise Invalid(_("Pola nomor harus memuat {nomor} tepat satu kali."))


def document_number(pattern: str, sequence: int, year: int) -> str:
    return pattern.replace("{nomor}", str(sequence)).replace("{tahun}", str(year))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def place_and_date(place: str, moment: datetime) -> str:
    """'Samarinda, 29 November 2026', in the portal's time zone."""
    with translation.override("id"):
        date = formats.date_format(timezone.localtime(moment), "DATE_FORMAT")
    return f"{place}, {date}" if place else date


def next_sequence(instansi_id: int, year: int) -> int:
    """Takes the next number of the instansi's year. Must run inside the
    caller's transaction: the counter row stays locked until it commits."""
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(instansi_id=instansi_id, year=year)], ignore_conflicts=True
    )
    counter = DocumentCounter.objects.select_for_update().get(instansi_id=instansi_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def issue(
    *,
    period,
    basis: str,
    kind: str,
    index_display: str,
    render: Callable[[Issue], bytes],
    user=None,
    job=None,
) -> bytes:
    """Numbers, renders (through `render`, given what the document prints)
    and registers one document; returns the file's bytes."""
    issuable_check(period, kind, basis)
    letterhead = Letterhead.objects.filter(instansi_id=period.instansi_id).first()
    signatories = Signatories.objects.filter(period_id=period.pk).first()
    with transaction.atomic():
        issued_at = timezone.now()
        year = timezone.localtime(issued_at).year
        sequence = next_sequence(period.instansi_id, year)
        pattern = letterhead.number_pattern if letterhead else DEFAULT_NUMBER_PATTERN
        code = new_code()
        while IssuedDocument.objects.filter(code=code).exists():
            code = new_code()
        path = reverse("documents:verify", kwargs={"code": code})
        base = letterhead.portal_url.rstrip("/") if letterhead and letterhead.portal_url else ""
        printed = Issue(
            number=document_number(pattern, sequence, year),
            code=code,
            issued_at=issued_at,
            place_date=place_and_date(letterhead.place if letterhead else "", issued_at),
            verify_path=path,
            verify_url=base + path,
            letterhead=letterhead,
            signatories=signatories,
        )
        content = render(printed)
        IssuedDocument.objects.create(
            instansi_id=period.instansi_id,
            period=period,
            kind=kind,
            basis=basis,
            sequence=sequence,
            year=year,
            number=printed.number,
            code=code,
            index_display=index_display,
            issued_at=issued_at,
            sha256=hashlib.sha256(content).hexdigest(),
            issued_by=user,
            job=job,
        )
    return content


def find_issued(code: str) -> IssuedDocument | None:
    """The document a verification code names, or None; malformed codes are
    not looked up at all."""
    code = code.strip().upper()
    if not CODE_PATTERN.match(code):
        return None
    return IssuedDocument.objects.select_related("instansi", "period").filter(code=code).first()
