"""The default assignment a province starts from: which kind of OPD answers
which indicator, and which kinds contribute evidence.

OPD codes differ between instansi, so the map speaks of *functional keys*
("bappeda", "bpkad", ...). Each instansi tags its own OPDs with a key
(OPD.function_key); resolving the map for a period turns keys into OPDs.
Pure data plus one resolver: no model imports at module level, so models.py
can take the key choices from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class FunctionKey(models.TextChoices):
    DISKOMINFO = "diskominfo", _("Komunikasi dan informatika (Diskominfo)")
    BAPPEDA = "bappeda", _("Perencanaan pembangunan (Bappeda)")
    BPKAD = "bpkad", _("Keuangan dan aset daerah (BPKAD)")
    BKD = "bkd", _("Kepegawaian (BKD)")
    PENGADAAN = "pengadaan", _("Pengadaan barang dan jasa (Biro PBJ)")
    ARSIP = "arsip", _("Perpustakaan dan kearsipan")
    INSPEKTORAT = "inspektorat", _("Pengawasan internal (Inspektorat)")
    ORGANISASI = "organisasi", _("Organisasi dan akuntabilitas kinerja (Biro Organisasi)")
    HUKUM = "hukum", _("Hukum dan JDIH (Biro Hukum)")
    ADPIM = "adpim", _("Administrasi pimpinan (Biro Adpim)")


# Everything without its own owner is Diskominfo's: the SPBE coordinator.
FALLBACK_KEY = FunctionKey.DISKOMINFO


@dataclass(frozen=True)
class Route:
    responsible: str
    contributors: tuple[str, ...] = ()


_K = FunctionKey


def _spbe_2020() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    # 1–31: internal policy, governance, management and ICT audit — Diskominfo.
    for code in range(1, 32):
        routes[str(code)] = Route(_K.DISKOMINFO)
    # Integrating SPBE plans with the budget needs the planners and the treasury.
    routes["13"] = Route(_K.DISKOMINFO, (_K.BAPPEDA, _K.BPKAD))
    # Competence of staff is managed with the staffing agency.
    routes["25"] = Route(_K.DISKOMINFO, (_K.BKD,))
    routes.update(
        {
            "32": Route(_K.BAPPEDA),
            "33": Route(_K.BPKAD),
            "34": Route(_K.BPKAD),
            "35": Route(_K.PENGADAAN),
            "36": Route(_K.BKD),
            "37": Route(_K.ARSIP),
            "38": Route(_K.BPKAD),
            "39": Route(_K.INSPEKTORAT),
            "40": Route(_K.ORGANISASI),
            "41": Route(_K.BKD),
            # Complaint handling (SP4N-LAPOR) is run by Diskominfo in most
            # provinces, by the leadership administration bureau in some.
            "42": Route(_K.DISKOMINFO, (_K.ADPIM,)),
            "43": Route(_K.DISKOMINFO),
            "44": Route(_K.HUKUM),
            # Sector services: the instansi picks its sectors; Diskominfo until then.
            "45": Route(_K.DISKOMINFO),
            "46": Route(_K.DISKOMINFO),
            "47": Route(_K.DISKOMINFO),
        }
    )
    return routes


def _pemdi_2026() -> dict[str, Route]:
    # The 2026 framework measures the digital government as a whole, which the
    # SPBE coordinator (Diskominfo) answers; units that hold the underlying
    # work contribute evidence.
    routes = {f"I{n}": Route(_K.DISKOMINFO) for n in range(1, 21)}
    routes.update(
        {
            "I3": Route(_K.DISKOMINFO, (_K.BKD,)),  # digital competence of staff
            "I6": Route(_K.DISKOMINFO, (_K.BAPPEDA,)),  # geospatial data (Satu Data)
            "I7": Route(_K.DISKOMINFO, (_K.BAPPEDA,)),  # sectoral statistics
            "I15": Route(_K.DISKOMINFO, (_K.ORGANISASI,)),  # business processes (tata laksana)
            "I20": Route(_K.DISKOMINFO, (_K.ORGANISASI,)),  # service satisfaction surveys
        }
    )
    return routes


DEFAULT_MAPS: dict[str, dict[str, Route]] = {
    "spbe-2020": _spbe_2020(),
    # The same 47 indicators as applied by Pedoman MenPANRB 3/2024.
    "spbe-2024": _spbe_2020(),
    "pemdi-2026": _pemdi_2026(),
}


def default_route(framework_code: str, indicator_code: str) -> Route:
    """The route of one indicator; indicators of frameworks without a map
    (e.g. a new framework version) go to the fallback key."""
    return DEFAULT_MAPS.get(framework_code, {}).get(indicator_code, Route(FALLBACK_KEY))


class MissingFunction(Exception):
    """The instansi has no active OPD tagged with a key the map needs."""

    def __init__(self, keys):
        self.keys = sorted(keys)
        super().__init__(", ".join(self.keys))


def resolve(*, framework_code: str, indicator_codes, opds_by_key: dict[str, int]):
    """Turns the map into OPD ids: {indicator code: (responsible id, [contributor ids])}.

    A responsible key the instansi lacks falls back to Diskominfo; a missing
    contributor key is simply skipped. Only a missing Diskominfo (when needed)
    raises MissingFunction, because then no one could answer.
    """
    resolved = {}
    missing = set()
    for code in indicator_codes:
        route = default_route(framework_code, code)
        responsible = opds_by_key.get(route.responsible) or opds_by_key.get(FALLBACK_KEY)
        if responsible is None:
            missing.add(str(route.responsible))
            missing.add(str(FALLBACK_KEY))
            continue
        contributors = [
            opds_by_key[key]
            for key in route.contributors
            if key in opds_by_key and opds_by_key[key] != responsible
        ]
        resolved[code] = (responsible, contributors)
    if missing:
        raise MissingFunction(missing)
    return resolved
