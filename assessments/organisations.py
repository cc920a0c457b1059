"""OPDs and the kabupaten/kota under a province change only here: access
through access.py, one transaction, domain errors, an audit entry under the
acting administrator (`by`; None is the command line)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.access import can_manage_instansi
from assessments.models import OPD, Instansi
from assessments.people.audit import acting_as
from spbe_portal.errors import Invalid, NotAllowed, WrongState

OPD_FIELDS = ("code", "name", "short_name", "function_key", "active")


def _require(by, instansi: Instansi) -> None:
    if by is not None and not can_manage_instansi(by, instansi):
        raise NotAllowed()


def _opd_check(*, instansi: Instansi, opd: OPD) -> None:
    clash = OPD.objects.filter(instansi=instansi, code=opd.code).exclude(pk=opd.pk)
    if clash.exists():
        raise Invalid(_("Kode OPD ini sudah dipakai di instansi ini."))
    if opd.function_key and opd.active:
        # One OPD per function keeps the default assignment unambiguous.
        holder = (
            OPD.objects.filter(instansi=instansi, function_key=opd.function_key, active=True)
            .exclude(pk=opd.pk)
            .first()
        )
        if holder is not None:
            raise Invalid(
                _("Fungsi ini sudah dipegang OPD aktif %(opd)s.") % {"opd": holder.short_name}
            )


@transaction.atomic
def opd_save(*, by, instansi: Instansi, opd: OPD | None = None, **fields) -> OPD:
    """Creates an OPD (opd=None) or changes one of this instansi."""
    _require(by, instansi)
    unknown = set(fields) - set(OPD_FIELDS)
    if unknown:
        raise Invalid(_("Isian tidak dikenal: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    if opd is None:
        target = OPD(instansi=instansi)
    else:
        target = OPD.objects.select_for_update().get(pk=opd.pk)
        if target.instansi_id != instansi.pk:
            raise NotAllowed()
    for name, value in fields.items():
        setattr(target, name, value)
    _opd_check(instansi=instansi, opd=target)
    with acting_as(by):
        target.save()
    return target


@transaction.atomic
def child_instansi_create(*, by, parent: Instansi, code: str, name: str, kind: str) -> Instansi:
    """A province registers its kabupaten/kota; its administrators then
    manage them until the child has administrators of its own."""
    _require(by, parent)
    if parent.kind != Instansi.Kind.PROVINSI:
        raise WrongState(_("Hanya provinsi yang mendaftarkan kabupaten/kota."))
    if kind not in (Instansi.Kind.KABUPATEN, Instansi.Kind.KOTA):
        raise Invalid(_("Jenis instansi harus kabupaten atau kota."))
    if Instansi.objects.filter(code=code).exists():
        raise Invalid(_("Kode instansi ini sudah dipakai."))
    with acting_as(by):
        return Instansi.objects.create(parent=parent, code=code, name=name, kind=kind)
