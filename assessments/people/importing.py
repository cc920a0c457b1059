"""People from a spreadsheet: the officers, reviewers and leaders of one
instansi from a CSV/XLSX file with the columns name, email, nip, position,
opd and role (Indonesian headers nama, surel, jabatan, peran also work).

The whole file is checked first and every problem is listed by row; only a
file without any is applied, all-or-nothing, through the account actions
(so each change is checked and audited like one made in the form). A person
is found by e-mail or NIP and updated rather than duplicated; a role already
held is left alone, and roles missing from the file are not revoked, so
importing the same file twice changes nothing. New accounts get an
invitation after the commit. Shared by `manage.py import_people` and the
administrator's import page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.access import can_manage_account
from assessments.level_import import (
    FIRST_DATA_ROW,
    LevelFileError,
    RowError,
    _blank,
    _read_table,
    _text,
)
from assessments.models import OPD, Instansi, Membership, Role, User
from assessments.people import accounts
from assessments.people.invitations import invitation_send
from assessments.people.nip import nip_normalised, nip_problem

COLUMNS = ("name", "email", "nip", "position", "opd", "role")
REQUIRED = ("name", "email", "role")
HEADER_ALIASES = {
    "nama": "name",
    "surel": "email",
    "e-mail": "email",
    "jabatan": "position",
    "peran": "role",
    "kode opd": "opd",
}
ROLE_ALIASES = {
    "petugas": Role.OFFICER,
    "petugas opd": Role.OFFICER,
    "asesor": Role.REVIEWER,
    "asesor internal": Role.REVIEWER,
    "pimpinan": Role.LEADERSHIP,
    "admin": Role.ADMINISTRATOR,
    **{value: value for value in Role.values},
}
# A spreadsheet runs a cell that starts with one of these as a formula when
# the file is opened again (CSV injection), so such cells are refused.
FORMULA_STARTS = ("=", "+", "-", "@")


class PeopleFileError(LevelFileError):
    """The file or its rows were refused; nothing was written."""


@dataclass
class Person:
    row: int
    name: str
    email: str
    nip: str
    position: str
    roles: list[tuple[str, OPD | None, int]] = field(default_factory=list)  # role, OPD, row
    existing: User | None = None


@dataclass(frozen=True)
class PeopleOutcome:
    people: int
    created: int
    updated: int
    unchanged: int
    roles_granted: int


def people_read(data: bytes, *, instansi: Instansi, by=None, name: str = "") -> list[Person]:
    """Parses and checks a whole file for `instansi`; returns the people or
    raises PeopleFileError listing every problem."""
    try:
        table = _read_table(data, name)
    except LevelFileError as error:
        raise PeopleFileError(error.errors) from None
    header, body = _header(table)
    checker = _Checker(instansi=instansi, by=by)
    for offset, cells in enumerate(body):
        if not _blank(cells):
            checker.row(FIRST_DATA_ROW + offset, {c: _cell(cells, header, c) for c in COLUMNS})
            if isinstance(_cell_raw(cells, header, "nip"), float):
                checker.error(
                    FIRST_DATA_ROW + offset,
                    "nip",
                    _cell(cells, header, "nip"),
                    _(
                        "NIP tersimpan sebagai angka sehingga digitnya berubah; "
                        "format kolom sebagai teks"
                    ),
                )
    if checker.errors:
        raise PeopleFileError(checker.errors)
    if not checker.people:
        raise PeopleFileError([RowError(None, "", "", _("berkas tidak memuat baris data"))])
    return list(checker.people.values())


def people_read_path(path: Path, *, instansi: Instansi, by=None) -> list[Person]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise PeopleFileError(
            [RowError(None, "", str(path), _("berkas tidak dapat dibaca: %s") % exc.strerror)]
        ) from None
    return people_read(data, instansi=instansi, by=by, name=str(path))


@transaction.atomic
def people_import(
    *, instansi: Instansi, people: Sequence[Person], by=None, invite: bool = True, base_url=""
) -> PeopleOutcome:
    created = updated = granted = 0
    for person in people:
        member = person.existing
        roles = list(person.roles)
        if member is None:
            role, opd, _row = roles.pop(0)
            member = accounts.user_create(
                by=by,
                instansi=instansi,
                username=person.email,
                full_name=person.name,
                email=person.email,
                role=role,
                opd=opd,
                nip=person.nip,
                position=person.position,
            )
            created += 1
            granted += 1
            if invite:
                invitation_send(by=by, member=member, new_account=True, base_url=base_url)
        else:
            changes = _account_changes(person, member)
            if changes:
                accounts.user_update(by=by, member=member, **changes)
                updated += 1
        held = set(
            Membership.objects.current()
            .filter(user=member, instansi=instansi)
            .values_list("role", "opd_id")
        )
        for role, opd, _row in roles:
            if (role, opd.pk if opd else None) not in held:
                accounts.membership_grant(
                    by=by, member=member, instansi=instansi, role=role, opd=opd
                )
                granted += 1
    return PeopleOutcome(
        people=len(people),
        created=created,
        updated=updated,
        unchanged=len(people) - created - updated,
        roles_granted=granted,
    )


def _account_changes(person: Person, member: User) -> dict:
    """What the row changes on an existing account. Blank NIP or position
    cells erase nothing; a name is compared with the full name shown."""
    changes = {}
    if member.get_full_name() != person.name:
        changes.update(first_name=person.name, last_name="")
    if member.email.lower() != person.email:
        changes["email"] = person.email
    if person.nip and member.nip != person.nip:
        changes["nip"] = person.nip
    if person.position and member.position != person.position:
        changes["position"] = person.position
    return changes


def _header(table) -> tuple[dict[str, int], list[list[object]]]:
    rows = list(table)
    while rows and _blank(rows[0]):
        rows.pop(0)
    if not rows:
        raise PeopleFileError([RowError(None, "", "", _("berkas tidak memuat baris data"))])
    header: dict[str, int] = {}
    for position, cell in enumerate(rows[0]):
        column = _text(cell).lower()
        column = HEADER_ALIASES.get(column, column)
        if column in COLUMNS and column not in header:
            header[column] = position
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        expected = ", ".join(COLUMNS)
        raise PeopleFileError(
            [
                RowError(
                    1,
                    column,
                    "",
                    _("kolom wajib tidak ada; baris pertama harus memuat %(columns)s")
                    % {"columns": expected},
                )
                for column in missing
            ]
        )
    return header, rows[1:]


def _cell_raw(cells, header, column):
    position = header.get(column)
    if position is None or position >= len(cells):
        return None
    return cells[position]


def _cell(cells, header, column) -> str:
    return _text(_cell_raw(cells, header, column))


class _Checker:
    """Checks rows one by one against the file so far and the database."""

    def __init__(self, *, instansi: Instansi, by):
        self.instansi = instansi
        self.by = by
        self.errors: list[RowError] = []
        self.people: dict[str, Person] = {}  # by e-mail, lower case
        self.nips: dict[str, str] = {}  # NIP -> e-mail in this file
        self.opds = {opd.code.lower(): opd for opd in OPD.objects.filter(instansi=instansi)}

    def error(self, row: int, column: str, value: str, reason: str) -> None:
        self.errors.append(RowError(row, column, value, reason))

    def row(self, number: int, cells: dict[str, str]) -> None:
        before = len(self.errors)
        for column, value in cells.items():
            if value.startswith(FORMULA_STARTS):
                self.error(number, column, value, _("sel tampak seperti rumus; tulis sebagai teks"))
        if len(self.errors) > before:
            return
        email = cells["email"].lower()
        nip = nip_normalised(cells["nip"])
        role = self._role(number, cells["role"])
        opd = self._opd(number, cells["opd"], role)
        role_ok = len(self.errors) == before
        if not self._person_fields(number, cells["name"], email, nip):
            return
        # The person is registered even when the role is wrong, so later rows
        # are checked against it and every error of the file shows at once.
        person = self.people.get(email)
        if person is None:
            person = self._new_person(number, cells, email, nip)
            if person is None:
                return
        elif (person.name, person.nip, person.position) != (cells["name"], nip, cells["position"]):
            self.error(
                number,
                "email",
                email,
                _("surel sama dengan baris %(row)s tetapi nama, NIP atau jabatan berbeda")
                % {"row": person.row},
            )
            return
        if not role_ok:
            return
        for held_role, held_opd, first in person.roles:
            if (held_role, held_opd) == (role, opd):
                duplicate = _("baris ganda dari baris %(row)s") % {"row": first}
                self.error(number, "role", cells["role"], duplicate)
                return
        person.roles.append((role, opd, number))

    def _role(self, number, raw) -> str | None:
        role = ROLE_ALIASES.get(raw.lower())
        if role is None:
            self.error(
                number,
                "role",
                raw,
                _("peran tidak dikenal; pakai salah satu dari %(roles)s")
                % {"roles": ", ".join(Role.values)},
            )
        return role

    def _opd(self, number, raw, role) -> OPD | None:
        if role != Role.OFFICER:
            return None  # instansi-wide roles belong to no OPD; a cell there is ignored
        if not raw:
            self.error(number, "opd", "", _("petugas OPD harus memiliki kode OPD"))
            return None
        opd = self.opds.get(raw.lower())
        if opd is None:
            self.error(number, "opd", raw, _("kode OPD tidak dikenal di instansi ini"))
        elif not opd.active:
            self.error(number, "opd", raw, _("OPD ini tidak aktif"))
        return opd

    def _person_fields(self, number, name, email, nip) -> bool:
        before = len(self.errors)
        if not name:
            self.error(number, "name", "", _("nama kosong"))
        try:
            validate_email(email)
        except ValidationError:
            self.error(number, "email", email, _("alamat surel tidak sah"))
        if nip:
            problem = nip_problem(nip)
            if problem:
                self.error(number, "nip", nip, problem)
            elif self.nips.get(nip, email) != email:
                self.error(number, "nip", nip, _("NIP ganda dengan surel lain dalam berkas"))
        return len(self.errors) == before

    def _new_person(self, number, cells, email, nip) -> Person | None:
        by_email = User.objects.filter(email__iexact=email).first()
        by_nip = User.objects.filter(nip=nip).first() if nip else None
        if by_email and by_nip and by_email.pk != by_nip.pk:
            self.error(
                number,
                "nip",
                nip,
                _("NIP ini milik akun %(other)s, surelnya milik akun %(this)s")
                % {"other": by_nip.username, "this": by_email.username},
            )
            return None
        existing = by_email or by_nip
        if existing is None and User.objects.filter(username__iexact=email).exists():
            self.error(number, "email", email, _("surel ini dipakai sebagai nama pengguna lain"))
            return None
        person = Person(number, cells["name"], email, nip, cells["position"], existing=existing)
        if existing is not None and not self._may_update(number, person, existing):
            return None
        self.people[email] = person
        if nip:
            self.nips[nip] = email
        return person

    def _may_update(self, number, person: Person, existing: User) -> bool:
        if not existing.is_active:
            self.error(
                number,
                "email",
                person.email,
                _("akun ini nonaktif; aktifkan dahulu di halaman pengguna"),
            )
            return False
        if (
            _account_changes(person, existing)
            and self.by is not None
            and not can_manage_account(self.by, existing)
        ):
            self.error(
                number,
                "email",
                person.email,
                _("akun ini juga berperan di instansi lain; datanya tidak dapat diubah dari sini"),
            )
            return False
        return True
