"""Indicators whose value comes from another agency's index (Pemdi: I5 from
Satu Data Indonesia, I6 from the geospatial network, I7 from the statistics
development index, ...).

Pure: a score and the framework's upper bounds of levels 1..n go in, a level
comes out. Until the score is entered the indicator counts as the lowest level
and is flagged as waiting, so the index is never computed from a guess the UI
does not admit to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise

SOURCES = ("SDI", "SJIG", "IPS", "IKASANDI")
WAITING_LEVEL = 1


class ExternalScoreError(ValueError):
    pass


@dataclass(frozen=True)
class ExternalLevel:
    level: int
    waiting: bool
    score: Decimal | None


def parse_bounds(raw: Sequence[object]) -> tuple[Decimal, ...]:
    """Upper bounds as Decimals, refusing anything not strictly ascending."""
    try:
        bounds = tuple(Decimal(str(value)) for value in raw)
    except InvalidOperation:
        raise ExternalScoreError(f"batas atas tidak sah: {list(raw)!r}") from None
    if not bounds or any(not b.is_finite() for b in bounds):
        raise ExternalScoreError(f"batas atas tidak sah: {list(raw)!r}")
    if any(lower >= upper for lower, upper in pairwise(bounds)):
        raise ExternalScoreError("batas atas harus urut naik tanpa nilai yang sama.")
    return bounds


def level_for(
    score: Decimal | int | str | None, upper_bounds: Sequence[object], *, first_level: int = 1
) -> ExternalLevel:
    """The level whose upper bound (inclusive) is the first the score does not
    exceed: with SDI bounds 12.5/37.5/62.5/75/100, 12.5 is level 1 and 12.51
    level 2. A missing score counts as level 1 and is flagged waiting."""
    bounds = parse_bounds(upper_bounds)
    if score is None:
        return ExternalLevel(level=WAITING_LEVEL, waiting=True, score=None)
    try:
        value = Decimal(str(score).strip())
    except InvalidOperation:
        raise ExternalScoreError(f"nilai {score!r} bukan angka.") from None
    if not value.is_finite() or value < 0:
        raise ExternalScoreError(f"nilai {score!r} tidak sah (harus angka tidak negatif).")
    for offset, upper in enumerate(bounds):
        if value <= upper:
            return ExternalLevel(level=first_level + offset, waiting=False, score=value)
    raise ExternalScoreError(f"nilai {value} melampaui batas tertinggi {bounds[-1]}.")
