"""The improvement planner: the smallest set of one-level raises that
lifts the index to a target, and "what if" computations with hand-tried
levels. Pure: nothing here reads or writes the database.

Every one-level raise of an indicator adds weight / 100 to the index, so
taking raises in descending weight order maximises the gain for any number
of raises; the first count at which the target is reached is therefore the
minimum. Among equal weights the indicator at the lowest level goes first
(lower levels are usually the cheaper ones to reach), then framework order.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.utils.translation import gettext as _

from indicators import scoring


class PlanError(ValueError):
    pass


@dataclass(frozen=True)
class Raise:
    indicator: str
    weight: Decimal
    from_level: int
    to_level: int

    @property
    def gain(self) -> Fraction:
        return Fraction(self.weight) * (self.to_level - self.from_level) / 100


@dataclass(frozen=True)
class Target:
    """An index to reach; `strict` for a band that starts just above `value`."""

    value: Fraction
    strict: bool = False

    def reached_by(self, index: Fraction) -> bool:
        return index > self.value if self.strict else index >= self.value


@dataclass(frozen=True)
class Plan:
    target: Fraction
    current: scoring.IndexResult
    raises: tuple[Raise, ...]
    result: scoring.IndexResult
    reachable: bool

    @property
    def steps(self) -> int:
        return sum(r.to_level - r.from_level for r in self.raises)

    already_met: bool = False


def target_from_predicate(spec: scoring.FrameworkSpec, label: str) -> Target:
    """Entry into the band with that label (case-insensitive)."""
    for band in spec.bands:
        if band.label.casefold() == label.strip().casefold():
            return Target(Fraction(band.lower), strict=not getattr(band, "inclusive", True))
    raise PlanError(_("Predikat %(label)s tidak dikenal.") % {"label": label})


def parse_target(text: str, spec: scoring.FrameworkSpec) -> Fraction:
    """An index value typed by a person: '4', '4,2' or '4.20'."""
    cleaned = text.strip().replace(" ", "")
    # Either separator is accepted as the decimal point; digit grouping is
    # meaningless for values between the level bounds.
    if cleaned.count(",") + cleaned.count(".") > 1:
        raise PlanError(_("Target %(text)s bukan angka.") % {"text": text})
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise PlanError(_("Target %(text)s bukan angka.") % {"text": text}) from None
    if not value.is_finite() or not spec.value_floor <= value <= spec.level_max:
        raise PlanError(
            _("Target harus di antara %(low)s dan %(high)s.")
            % {"low": spec.value_floor, "high": spec.level_max}
        )
    return Fraction(value)


def plan(spec: scoring.FrameworkSpec, levels: Mapping[str, int], target: Fraction | Target) -> Plan:
    goal = target if isinstance(target, Target) else Target(Fraction(target))
    current = scoring.compute(spec, levels)
    working = dict(scoring.validate_levels(spec, levels))
    index = current.index.value
    heap = [
        (-i.weight, working[i.code], position, i)
        for position, i in enumerate(spec.indicators)
        if working[i.code] < spec.level_max
    ]
    heapq.heapify(heap)
    while not goal.reached_by(index) and heap:
        neg_weight, level, position, indicator = heapq.heappop(heap)
        working[indicator.code] = level + 1
        index += Fraction(indicator.weight) / 100
        if level + 1 < spec.level_max:
            heapq.heappush(heap, (neg_weight, level + 1, position, indicator))

    reachable = goal.reached_by(index)
    raises = tuple(
        Raise(
            indicator=i.code, weight=i.weight, from_level=levels[i.code], to_level=working[i.code]
        )
        for i in spec.indicators
        if working[i.code] != levels[i.code]
    )
    if not reachable:
        # Raising everything to the top would still fall short: say so
        # instead of listing raises that do not reach the target.
        return Plan(target=goal.value, current=current, raises=(), result=current, reachable=False)
    return Plan(
        target=goal.value,
        current=current,
        raises=tuple(sorted(raises, key=lambda r: (-r.weight, r.from_level))),
        result=scoring.compute(spec, working),
        reachable=True,
        already_met=goal.reached_by(current.index.value),
    )


def what_if(
    spec: scoring.FrameworkSpec, levels: Mapping[str, int], overrides: Mapping[str, int]
) -> scoring.IndexResult:
    """The index with some levels replaced; raises ScoringError on a level
    out of range or an unknown indicator."""
    return scoring.compute(spec, {**levels, **overrides})
