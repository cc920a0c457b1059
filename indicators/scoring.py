"""The index arithmetic, exactly as PermenPANRB 59/2020 defines it (the Pemdi
index of PermenPANRB 8/2026 uses the same weighted sums, without domains).

Pure Python, no ORM: a framework structure and {indicator code: level} go in,
exact values come out. Values are kept as Fractions so that repeating values
(31/11) are exact too; they are offered as Decimals for storage and compared
against predicate bands unrounded. Rounding happens only in `display()`,
half-up to two decimals, from the exact value (never from rounded parts).

Every figure the portal shows is computed here: the index, domains and
aspects (`compute`), the same for an incomplete level set (`compute_partial`),
what a group of indicators such as one OPD's contributes and leaves open
(`contribution`), the provisional index of a round still in progress
(`provisional`), and which stored level counts at all (`usable_levels`).
Index values are shown with two decimals, index points with POINTS_PLACES.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

# How an exact value is written; read by callers as scoring.display and so on.
from indicators.exact_text import EXACT_DECIMAL_PLACES as EXACT_DECIMAL_PLACES
from indicators.exact_text import display as display
from indicators.exact_text import exact_string as exact_string
from indicators.exact_text import rounded as rounded
from indicators.exact_text import to_decimal as to_decimal

HUNDRED = Fraction(100)
# Index points (weight × level / 100) are shown with four decimals: weights
# are percentages with two decimals in both shipped frameworks, so four places
# show every point figure exactly, and an OPD's points and open points add up
# to the index and to the maximum without rounding drift (one raise of a
# 1.30 % indicator is 0.0130).
POINTS_PLACES = 4
# Scores a framework's plan keeps for reuse (bounded: an index slot can take
# many values over a national year).
SCORES_REMEMBERED = 50_000


class ScoringError(ValueError):
    """A level set the engine refuses; `indicator` names the culprit."""

    def __init__(self, message: str, *, indicator: str | None = None):
        super().__init__(message)
        self.indicator = indicator


class MissingLevel(ScoringError):
    pass


class LevelOutOfRange(ScoringError):
    pass


class UnknownIndicator(ScoringError):
    pass


@dataclass(frozen=True)
class DomainSpec:
    code: str
    weight: Decimal


@dataclass(frozen=True)
class AspectSpec:
    code: str
    weight: Decimal
    domain: str | None


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    weight: Decimal
    aspect: str


@dataclass(frozen=True)
class Band:
    """`inclusive=False` expresses readings such as "1.51–2.50" applied to the
    exact value: the band starts just above `lower`."""

    lower: Decimal
    label: str
    inclusive: bool = True

    def admits(self, value: Fraction) -> bool:
        bound = Fraction(self.lower)
        return value >= bound if self.inclusive else value > bound


def on_scale(level: object, floor: int, top: int) -> bool:
    """A level the scale admits: a whole number (never a bool) from floor to
    top. The one check every input path (forms, imports, the API, the
    calculator) and every figure use."""
    return isinstance(level, int) and not isinstance(level, bool) and floor <= level <= top


@dataclass(frozen=True)
class FrameworkSpec:
    code: str
    level_min: int
    level_max: int
    domains: tuple[DomainSpec, ...]
    aspects: tuple[AspectSpec, ...]
    indicators: tuple[IndicatorSpec, ...]
    bands: tuple[Band, ...]
    # Lowest value an indicator may take when it is below the named scale
    # (Pemdi's 0 "belum terindikasi"); None means the scale starts at level_min.
    value_min: int | None = None

    @cached_property
    def indicator_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    @cached_property
    def indicator_weights(self) -> dict[str, Fraction]:
        """Each indicator's weight as a Fraction, built once per spec (a
        dashboard's provisional index asks for them about twenty times)."""
        return {i.code: Fraction(i.weight) for i in self.indicators}

    @cached_property
    def _plan(self) -> _Plan:
        # Computed once per spec (cached_property writes the instance's
        # __dict__ directly, which a frozen dataclass allows).
        return _Plan(self)

    @cached_property
    def value_floor(self) -> int:
        return self.level_min if self.value_min is None else self.value_min

    def admits(self, level: object) -> bool:
        """Whether a stored level counts at all: a whole number on the scale
        (floor to max). Anything else is treated as missing, never guessed."""
        return on_scale(level, self.value_floor, self.level_max)


@dataclass(frozen=True)
class Score:
    """One exact value with its display form and predicate."""

    value: Fraction
    predicate: str | None

    @property
    def exact(self) -> Decimal:
        return to_decimal(self.value)

    @property
    def exact_str(self) -> str:
        return exact_string(self.value)

    @property
    def display(self) -> str:
        return display(self.value)


@dataclass(frozen=True)
class IndexResult:
    index: Score
    domains: dict[str, Score] = field(default_factory=dict)
    aspects: dict[str, Score] = field(default_factory=dict)


@dataclass(frozen=True)
class PartialResult:
    """Scores of an incomplete level set: an aspect has a score when all its
    indicators have a usable level, a domain when all its aspects do, the
    index only when every indicator does (None otherwise)."""

    index: Score | None
    domains: dict[str, Score | None]
    aspects: dict[str, Score | None]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.index is not None


@dataclass(frozen=True)
class Contribution:
    """What a group of indicators (one OPD's) gives the index and leaves open.

    points = Σ weight × level / 100 over the indicators with a usable level;
    open_points = Σ weight × (max − level) / 100, where an indicator without
    a usable level counts as open from the bottom of the scale."""

    indicators: tuple[str, ...]
    missing: tuple[str, ...]
    weight: Fraction  # of the indicators with a usable level
    points: Fraction
    open_points: Fraction

    @property
    def weighted_average(self) -> Fraction | None:
        """Σ weight × level / Σ weight: an average level, not an index."""
        return self.points * HUNDRED / self.weight if self.weight else None


def predicate(value: Fraction, bands: tuple[Band, ...]) -> str | None:
    """The label of the highest band whose lower bound the exact value reaches;
    None below the lowest band (no predicate rather than a wrong one)."""
    label = None
    for band in sorted(bands, key=lambda b: b.lower):
        if band.admits(value):
            label = band.label
    return label


def validate_levels(spec: FrameworkSpec, levels: Mapping[str, object]) -> dict[str, int]:
    """Checks a level set against the framework; returns it as ints."""
    known = set(spec.indicator_codes)
    for code in levels:
        if code not in known:
            raise UnknownIndicator(
                f"Indikator {code!r} tidak ada dalam kerangka {spec.code}.", indicator=str(code)
            )
    checked: dict[str, int] = {}
    for code in spec.indicator_codes:
        if code not in levels or levels[code] is None:
            raise MissingLevel(f"Indikator {code}: tingkat belum diisi.", indicator=code)
        level = levels[code]
        if isinstance(level, bool) or not isinstance(level, int):
            raise LevelOutOfRange(
                f"Indikator {code}: tingkat {level!r} bukan bilangan bulat.", indicator=code
            )
        if not spec.value_floor <= level <= spec.level_max:
            raise LevelOutOfRange(
                f"Indikator {code}: tingkat {level} di luar rentang "
                f"{spec.value_floor}–{spec.level_max}.",
                indicator=code,
            )
        checked[code] = level
    return checked


def compute(spec: FrameworkSpec, levels: Mapping[str, object]) -> IndexResult:
    """Aspect, domain and overall index for a complete level set."""
    # validate_levels checks more strictly than compute_values would again.
    return _weighted(spec, validate_levels(spec, levels))


def compute_values(spec: FrameworkSpec, values: Mapping[str, Fraction | int]) -> IndexResult:
    """The weighted arithmetic alone, for values that need not be whole levels
    (targets such as 2.5, or an official fractional reading). Every indicator
    must have a value between the spec's floor and level_max."""
    known = set(spec.indicator_codes)
    checked: dict[str, Fraction | int] = {}
    for code in values:
        if code not in known:
            raise UnknownIndicator(
                f"Indikator {code!r} tidak ada dalam kerangka {spec.code}.", indicator=str(code)
            )
    for code in spec.indicator_codes:
        value = values.get(code)
        if value is None:
            raise MissingLevel(f"Indikator {code}: nilai belum diisi.", indicator=code)
        # int first: isinstance against Fraction goes through the ABC machinery.
        if isinstance(value, bool) or not isinstance(value, int | Fraction):
            raise LevelOutOfRange(
                f"Indikator {code}: nilai {value!r} bukan bilangan pecahan atau bulat.",
                indicator=code,
            )
        if not spec.value_floor <= value <= spec.level_max:
            raise LevelOutOfRange(
                f"Indikator {code}: nilai {exact_string(Fraction(value))} di luar rentang "
                f"{spec.value_floor}–{spec.level_max}.",
                indicator=code,
            )
        checked[code] = value
    return _weighted(spec, checked)


def compute_complete(spec: FrameworkSpec, usable: Mapping[str, int]) -> IndexResult | None:
    """`compute()` of levels as `usable_levels()` returns them, which are
    checked already: the result when every indicator has one, else None."""
    if len(usable) != len(spec._plan.indicators):
        return None
    return _weighted(spec, usable)


def _weighted(spec: FrameworkSpec, checked: Mapping[str, Fraction | int]) -> IndexResult:
    plan = spec._plan
    aspect_points = [0] * len(plan.aspects)
    for code, position, weight in plan.indicators:
        aspect_points[position] += weight * checked[code]

    score = plan.score_of_slot
    aspects = {
        code: score(aspect_points[position], position, scale)
        for position, (code, scale) in enumerate(plan.aspects)
    }
    domains = {
        code: score(sum(aspect_points[p] for p in positions), slot, scale)
        for code, positions, scale, slot in plan.domains
    }
    return IndexResult(
        index=score(sum(aspect_points), plan.index_slot, plan.index_scale),
        domains=domains,
        aspects=aspects,
    )


class _Plan:
    """A spec prepared for repeated scoring: weights as integers over one
    common denominator, so a level set is summed in integer arithmetic and
    each score costs a single Fraction; bands sorted highest first, bounds as
    integer pairs. Exactness is unchanged: only the order of work differs."""

    def __init__(self, spec: FrameworkSpec):
        self.known = frozenset(spec.indicator_codes)
        weights = [Fraction(i.weight) for i in spec.indicators]
        common = math.lcm(*(w.denominator for w in weights)) if weights else 1
        position = {a.code: p for p, a in enumerate(spec.aspects)}
        self.indicators = tuple(
            (i.code, position[i.aspect], int(w * common))
            for i, w in zip(spec.indicators, weights, strict=True)
        )
        # value = points / (weight * common): `scale` is that divisor's inverse.
        self.aspects = tuple((a.code, 1 / (Fraction(a.weight) * common)) for a in spec.aspects)
        # Each figure has a slot of its own in the scores remembered below:
        # the aspects' positions, then the domains, then the index.
        self.domains = tuple(
            (
                d.code,
                tuple(p for p, a in enumerate(spec.aspects) if a.domain == d.code),
                1 / (Fraction(d.weight) * common),
                len(spec.aspects) + n,
            )
            for n, d in enumerate(spec.domains)
        )
        self.index_scale = 1 / (HUNDRED * common)
        self.index_slot = len(spec.aspects) + len(spec.domains)
        self._scores: dict[tuple[int, int], Score] = {}
        # The exact reverse of predicate()'s ascending stable order (not
        # sorted(reverse=True), which keeps ties in their original order).
        self.bands = tuple(
            (Fraction(b.lower).numerator, Fraction(b.lower).denominator, b.inclusive, b.label)
            for b in sorted(spec.bands, key=lambda b: b.lower)[::-1]
        )

    def score_of_slot(self, points: int | Fraction, slot: int, scale: Fraction) -> Score:
        """score(), remembered per slot for whole points: a year's thousands
        of level sets give each aspect and domain a few hundred values, and
        a Score is immutable."""
        if type(points) is not int:
            return self.score(points, scale)
        key = (slot, points)
        found = self._scores.get(key)
        if found is None:
            if len(self._scores) >= SCORES_REMEMBERED:
                self._scores.clear()
            found = self._scores[key] = self.score(points, scale)
        return found

    def score(self, points: int | Fraction, scale: Fraction) -> Score:
        if type(points) is int:
            value = Fraction(points * scale.numerator, scale.denominator)
        else:
            value = points * scale
        numerator, denominator = value.numerator, value.denominator
        # Highest band first: the first one admitting the value is the one
        # `predicate()` would end on. Cross-multiplied, so integers only.
        for bound_numerator, bound_denominator, inclusive, label in self.bands:
            left, right = numerator * bound_denominator, bound_numerator * denominator
            if left > right or (inclusive and left == right):
                return Score(value=value, predicate=label)
        return Score(value=value, predicate=None)


def usable_levels(spec: FrameworkSpec, levels: Mapping[str, object]) -> dict[str, int]:
    """The levels every figure counts: the framework's indicators only, each
    with a level the scale admits. Unknown codes and odd values are dropped."""
    known, floor, top = spec._plan.known, spec.value_floor, spec.level_max
    # A plain int needs only the range check; anything else takes the full one.
    return {
        code: level
        for code, level in levels.items()
        if code in known and (floor <= level <= top if type(level) is int else spec.admits(level))
    }


def compute_partial(spec: FrameworkSpec, levels: Mapping[str, object]) -> PartialResult:
    """`compute()` for a level set that may lack levels: the scores that can be
    known exactly are given, the others are None. Complete input gives exactly
    what `compute()` gives."""
    usable = usable_levels(spec, levels)
    plan = spec._plan
    aspect_points: list[int | None] = [0] * len(plan.aspects)
    for code, position, weight in plan.indicators:
        level = usable.get(code)
        current = aspect_points[position]
        aspect_points[position] = (
            None if level is None or current is None else current + weight * level
        )

    def score(positions, scale) -> Score | None:
        parts = [aspect_points[p] for p in positions]
        return None if None in parts else plan.score(sum(parts), scale)

    missing = tuple(code for code in spec.indicator_codes if code not in usable)
    return PartialResult(
        index=None if missing else score(range(len(plan.aspects)), plan.index_scale),
        domains={code: score(positions, scale) for code, positions, scale, _slot in plan.domains},
        aspects={code: score((p,), scale) for p, (code, scale) in enumerate(plan.aspects)},
        missing=missing,
    )


def contribution(
    spec: FrameworkSpec, levels: Mapping[str, object], codes: Iterable[str]
) -> Contribution:
    """What the indicators `codes` contribute on `levels` (codes outside the
    framework are ignored). The contributions of a partition of all the
    framework's indicators add up to the index and, with the open points,
    to the maximum level."""
    weights = spec.indicator_weights
    indicators, missing = [], []
    weight = points = open_ = Fraction(0)
    for code in codes:
        if code not in weights:
            continue
        indicators.append(code)
        level = levels.get(code)
        if not spec.admits(level):
            missing.append(code)
            open_ += weights[code] * (spec.level_max - spec.value_floor)
            continue
        weight += weights[code]
        points += weights[code] * level
        open_ += weights[code] * (spec.level_max - level)
    return Contribution(
        indicators=tuple(indicators),
        missing=tuple(missing),
        weight=weight,
        points=points / HUNDRED,
        open_points=open_ / HUNDRED,
    )


@dataclass(frozen=True)
class Provisional:
    """The index as far as the answered indicators tell, mid-round: each
    value is Σ weight × level / Σ weight over the indicators with a usable
    level (of the whole framework, an aspect, a domain), i.e. the index the
    framework would have if the unanswered indicators stood at the answered
    ones' weighted average. None where nothing is answered yet. Coverage:
    answered indicators out of all, and the share (in %) of the total weight
    they carry. Equal to the index when every indicator is answered."""

    index: Fraction | None
    aspects: dict[str, Fraction | None]
    domains: dict[str, Fraction | None]
    answered: int
    total: int
    weight_share: Fraction


def provisional(spec: FrameworkSpec, levels: Mapping[str, object]) -> Provisional:
    def average(codes) -> Fraction | None:
        return contribution(spec, levels, codes).weighted_average

    in_aspect: dict[str, list[str]] = {a.code: [] for a in spec.aspects}
    for indicator in spec.indicators:
        in_aspect[indicator.aspect].append(indicator.code)
    in_domain = {
        d.code: [c for a in spec.aspects if a.domain == d.code for c in in_aspect[a.code]]
        for d in spec.domains
    }
    whole = contribution(spec, levels, spec.indicator_codes)
    total_weight = sum(spec.indicator_weights.values(), Fraction(0))
    return Provisional(
        index=whole.weighted_average,
        aspects={code: average(codes) for code, codes in in_aspect.items()},
        domains={code: average(codes) for code, codes in in_domain.items()},
        answered=len(whole.indicators) - len(whole.missing),
        total=len(spec.indicators),
        weight_share=whole.weight * HUNDRED / total_weight if total_weight else Fraction(0),
    )
