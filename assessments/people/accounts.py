"""Accounts and roles change only here.

Each action checks who may make the change through access.py, runs in one
transaction, raises the portal's domain errors (spbe_portal.errors) and is
audited by django-auditlog under the acting administrator (`acting_as`), so
the trail says who gave whom which role, when, and from what to what, also
for changes made from the command line.

`by` is the acting user; None is the command line (manage.py), trusted
because whoever runs it holds the server, and recorded without an actor.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.access import can_manage_account, can_manage_instansi
from assessments.models import OPD, ApiToken, Instansi, Membership, Role, User
from assessments.people.audit import acting_as
from assessments.people.nip import nip_normalised, nip_problem
from spbe_portal.errors import Invalid, NotAllowed, WrongState

ACCOUNT_FIELDS = ("first_name", "last_name", "email", "nip", "position", "phone")


def _require_instansi(by, instansi: Instansi) -> None:
    # by=None is the command line: whoever runs manage.py holds the server.
    if by is not None and not can_manage_instansi(by, instansi):
        raise NotAllowed()


def _require_account(by, member: User) -> None:
    if by is not None and not can_manage_account(by, member):
        raise NotAllowed(
            _("Akun ini juga memegang peran di instansi lain; hanya administratornya yang dapat.")
        )


def _role_checked(*, instansi: Instansi, role: str, opd: OPD | None) -> OPD | None:
    """The OPD a role is held for: required for officers, none otherwise."""
    if role not in Role.values:
        raise Invalid(_("Peran tidak dikenal: %(role)s.") % {"role": role})
    if role != Role.OFFICER:
        return None
    if opd is None:
        raise Invalid(_("Petugas OPD harus memilih OPD."))
    if opd.instansi_id != instansi.pk or not opd.active:
        raise Invalid(_("OPD yang dipilih bukan OPD aktif instansi ini."))
    return opd


def nip_checked(raw: str, *, exclude_pk=None) -> str:
    """The NIP as stored (digits only), or Invalid saying what is wrong."""
    nip = nip_normalised(raw)
    if not nip:
        return ""
    problem = nip_problem(nip)
    if problem:
        raise Invalid(problem)
    if nip_taken(nip, exclude_pk=exclude_pk):
        raise Invalid(_("NIP ini sudah dipakai pengguna lain."))
    return nip


def nip_taken(nip: str, *, exclude_pk=None) -> bool:
    taken = User.objects.filter(nip=nip)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


def email_taken(email: str, *, exclude_pk=None) -> bool:
    """Login accepts a username or an e-mail, so both must be unambiguous."""
    taken = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


@transaction.atomic
def user_create(
    *,
    by,
    instansi: Instansi,
    username: str,
    full_name: str,
    email: str = "",
    role: str,
    opd: OPD | None = None,
    password: str | None = None,
    nip: str = "",
    position: str = "",
    phone: str = "",
) -> User:
    """A new account with its first role. Without a password the account
    cannot log in until its holder sets one through an invitation."""
    _require_instansi(by, instansi)
    opd = _role_checked(instansi=instansi, role=role, opd=opd)
    if User.objects.filter(username__iexact=username).exists() or email_taken(username):
        raise Invalid(_("Nama pengguna ini sudah dipakai."))
    if email and email_taken(email):
        raise Invalid(_("Surel ini sudah dipakai pengguna lain."))
    member = User(
        username=username,
        first_name=full_name,
        email=email,
        nip=nip_checked(nip),
        position=position,
        phone=phone,
    )
    if password is None:
        member.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, member)
        except ValidationError as error:
            raise Invalid(" ".join(error.messages)) from None
        member.set_password(password)
    with acting_as(by):
        member.save()
        Membership.objects.create(
            user=member,
            instansi=instansi,
            role=role,
            opd=opd,
            started_on=timezone.localdate(),
        )
    return member


@transaction.atomic
def user_update(*, by, member: User, **fields) -> User:
    """Name and e-mail; every field that changed is in the audit entry."""
    unknown = set(fields) - set(ACCOUNT_FIELDS)
    if unknown:
        raise Invalid(_("Isian tidak dikenal: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    locked = User.objects.select_for_update().get(pk=member.pk)
    _require_account(by, locked)
    email = fields.get("email")
    if email and email_taken(email, exclude_pk=locked.pk):
        raise Invalid(_("Surel ini sudah dipakai pengguna lain."))
    if "nip" in fields:
        fields["nip"] = nip_checked(fields["nip"], exclude_pk=locked.pk)
    fields = {name: value for name, value in fields.items() if getattr(locked, name) != value}
    if not fields:
        return locked
    for name, value in fields.items():
        setattr(locked, name, value)
    with acting_as(by):
        locked.save(update_fields=list(fields))
    return locked


@transaction.atomic
def user_set_active(*, by, member: User, active: bool) -> User:
    """Deactivating keeps the person's history (answers, events, reports name
    them) but ends their access: sessions stop authenticating an inactive
    account, and their API tokens are revoked so reactivating does not bring
    old tokens back."""
    locked = User.objects.select_for_update().get(pk=member.pk)
    _require_account(by, locked)
    if by is not None and locked.pk == by.pk and not active:
        raise Invalid(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if locked.is_active == active:
        return locked
    locked.is_active = active
    with acting_as(by):
        locked.save(update_fields=["is_active"])
    if not active:
        ApiToken.objects.active().filter(user=locked).update(revoked_at=timezone.now())
    return locked


@transaction.atomic
def membership_grant(*, by, member: User, instansi: Instansi, role: str, opd=None) -> Membership:
    _require_instansi(by, instansi)
    opd = _role_checked(instansi=instansi, role=role, opd=opd)
    held = Membership.objects.current().filter(user=member, instansi=instansi, role=role, opd=opd)
    if held.exists():
        raise WrongState(_("Pengguna sudah memegang peran ini."))
    with acting_as(by):
        return Membership.objects.create(
            user=member,
            instansi=instansi,
            role=role,
            opd=opd,
            started_on=timezone.localdate(),
        )


@transaction.atomic
def membership_revoke(*, by, membership: Membership) -> None:
    _require_instansi(by, membership.instansi)
    member = User.objects.select_for_update().get(pk=membership.user_id)
    if by is not None and member.pk == by.pk and membership.role == Role.ADMINISTRATOR:
        raise Invalid(_("Anda tidak dapat mencabut peran administrator Anda sendiri."))
    if not Membership.objects.current().filter(user=member).exclude(pk=membership.pk).exists():
        # An account without any role would linger, able to log in to nothing.
        raise WrongState(
            _(
                "Ini peran terakhir pengguna ini. Tambahkan peran lain terlebih dahulu, "
                "atau nonaktifkan akunnya bila tidak diperlukan lagi."
            )
        )
    with acting_as(by):
        membership.delete()


@transaction.atomic
def officer_move(*, by, membership: Membership, to_opd: OPD, on: date) -> Membership:
    """A transfer: the officer's role in one OPD ends on the day before `on`
    and the same role in `to_opd` starts on `on`. The old role stays as
    history (who answered for that OPD in which period); the audit trail
    has both. Dated today or earlier: a transfer is recorded once it is
    decided, and access follows the current roles only."""
    locked = Membership.objects.select_for_update().select_related("instansi").get(pk=membership.pk)
    _require_instansi(by, locked.instansi)
    if locked.ended_on is not None or locked.role != Role.OFFICER:
        raise WrongState(_("Hanya peran petugas OPD yang masih berlaku yang dapat dipindahkan."))
    to_opd = _role_checked(instansi=locked.instansi, role=Role.OFFICER, opd=to_opd)
    if to_opd.pk == locked.opd_id:
        raise Invalid(_("Pilih OPD tujuan yang lain dari OPD asal."))
    if on > timezone.localdate():
        raise Invalid(_("Tanggal pindah tidak boleh di masa depan."))
    if locked.started_on is not None and on <= locked.started_on:
        raise Invalid(
            _(
                "Tanggal pindah harus sesudah tanggal mulai peran yang lama (%(date)s). "
                "Peran yang keliru dicabut saja, lalu tambahkan peran yang benar."
            )
            % {"date": date_format(locked.started_on)}
        )
    with acting_as(by):
        locked.ended_on = on - timedelta(days=1)
        locked.save(update_fields=["ended_on"])
        held = Membership.objects.current().filter(
            user_id=locked.user_id, instansi=locked.instansi, role=Role.OFFICER, opd=to_opd
        )
        if held.exists():
            return held.get()
        return Membership.objects.create(
            user_id=locked.user_id,
            instansi=locked.instansi,
            role=Role.OFFICER,
            opd=to_opd,
            started_on=on,
        )
