"""Years assessed on different instruments on one timeline: the SPBE index
(PermenPANRB 59/2020) until 2025, the Indeks Pemdi (PermenPANRB 8/2026) from
2026. Both run 1-5 but measure different things with different weights, so
every view that puts them side by side labels each year's instrument and
says that the values are not directly comparable.

Which versions measure the same thing is data: a framework file names the
version it repeats (`comparable_with`, checked on load to have the same
structure and weights), so spbe-2020 and spbe-2024 years share one series."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

NOT_COMPARABLE = _(
    "Indeks SPBE (PermenPANRB 59/2020) dan Indeks Pemdi (PermenPANRB 8/2026) adalah instrumen "
    "penilaian yang berbeda: aspek, indikator dan bobotnya tidak sama. Nilai kedua indeks tidak "
    "dapat dibandingkan secara langsung."
)


def instrument_of(framework) -> str:
    """Versions with the same instrument are compared directly."""
    return getattr(framework, "instrument", "") or getattr(framework, "code", "") or ""


def instrument_label(framework) -> str:
    """The index's name as the instansi knows it, the same for every version
    of one instrument."""
    instrument = instrument_of(framework)
    return str(_("Indeks Pemdi") if instrument.startswith("pemdi") else _("Indeks SPBE"))


def mixes_instruments(frameworks: Iterable) -> bool:
    return len({instrument_of(f) for f in frameworks}) > 1


def below_scale_label(framework) -> str:
    return getattr(framework, "below_scale_label", "") or str(_("belum terindikasi"))
