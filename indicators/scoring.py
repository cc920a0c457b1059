"""The index arithmetic, exactly as PermenPANRB 59/2020 defines it (the Pemdi
index of PermenPANRB 8/2026 uses the same weighted sums, without domains).

Pure Python, no ORM: a framework structure and {indicator code: level} go in,
exact values come out. Values are kept as Fractions so that repeating values
(31/11) are exact too; they are offered as Decimals for storage and compared
against predicate bands unrounded. Rounding happens only in `display()`,
half-up to two decimals, from the exact value (never from rounded parts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import cached_property

HUNDRED = Fraction(100)
EXACT_DECIMAL_PLACES = 10


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
    def _plan(self) -> _Plan:
        # Computed once per spec (cached_property writes the instance's
        # __dict__ directly, which a frozen dataclass allows).
        return _Plan(self)

    @cached_property
    def value_floor(self) -> int:
        return self.level_min if self.value_min is None else self.value_min


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


def to_decimal(value: Fraction) -> Decimal:
    """Exact when the value terminates; otherwise 28 significant digits."""
    with localcontext() as ctx:
        ctx.prec = 28
        quotient = Decimal(value.numerator) / Decimal(value.denominator)
    return quotient


def exact_string(value: Fraction) -> str:
    """Plain decimal without superfluous zeros: '3.7885', '4', '2.8181818181'
    (a repeating value is cut after EXACT_DECIMAL_PLACES decimals)."""
    places = 0
    # value * 10**places is whole exactly when the denominator divides 10**places.
    while 10**places % value.denominator and places < EXACT_DECIMAL_PLACES:
        places += 1
    scaled = value.numerator * 10**places // value.denominator
    text = format(Decimal(scaled).scaleb(-places), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def display(value: Fraction, places: int = 2) -> str:
    """Half-up rounding of the exact value, as the published results round:
    4.765 -> '4.77', 4.745 -> '4.75'. Integer arithmetic, so no tie is lost."""
    # floor(value * 10**places + 1/2) on integers (an int has a numerator
    # and denominator too), since Fraction operations dominate bulk runs.
    scaled = (2 * value.numerator * 10**places + value.denominator) // (2 * value.denominator)
    return format(Decimal(scaled).scaleb(-places), "f")


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
    return compute_values(spec, validate_levels(spec, levels))


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

    plan = spec._plan
    aspect_points = [0] * len(plan.aspects)
    for code, position, weight in plan.indicators:
        aspect_points[position] += weight * checked[code]

    aspects = {
        code: plan.score(aspect_points[position], scale)
        for position, (code, scale) in enumerate(plan.aspects)
    }
    domains = {
        code: plan.score(sum(aspect_points[p] for p in positions), scale)
        for code, positions, scale in plan.domains
    }
    return IndexResult(
        index=plan.score(sum(aspect_points), plan.index_scale), domains=domains, aspects=aspects
    )


class _Plan:
    """A spec prepared for repeated scoring: weights as integers over one
    common denominator, so a level set is summed in integer arithmetic and
    each score costs a single Fraction; bands sorted highest first, bounds as
    integer pairs. Exactness is unchanged: only the order of work differs."""

    def __init__(self, spec: FrameworkSpec):
        weights = [Fraction(i.weight) for i in spec.indicators]
        common = math.lcm(*(w.denominator for w in weights)) if weights else 1
        position = {a.code: p for p, a in enumerate(spec.aspects)}
        self.indicators = tuple(
            (i.code, position[i.aspect], int(w * common))
            for i, w in zip(spec.indicators, weights, strict=True)
        )
        # value = points / (weight * common): `scale` is that divisor's inverse.
        self.aspects = tuple((a.code, 1 / (Fraction(a.weight) * common)) for a in spec.aspects)
        self.domains = tuple(
            (
                d.code,
                tuple(p for p, a in enumerate(spec.aspects) if a.domain == d.code),
                1 / (Fraction(d.weight) * common),
            )
            for d in spec.domains
        )
        self.index_scale = 1 / (HUNDRED * common)
        # The exact reverse of predicate()'s ascending stable order (not
        # sorted(reverse=True), which keeps ties in their original order).
        self.bands = tuple(
            (Fraction(b.lower).numerator, Fraction(b.lower).denominator, b.inclusive, b.label)
            for b in sorted(spec.bands, key=lambda b: b.lower)[::-1]
        )

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


def open_points(spec: FrameworkSpec, levels: Mapping[str, int]) -> dict[str, Fraction]:
    """Index points still reachable per indicator: weight × (max − level) / 100."""
    return {
        i.code: Fraction(i.weight) * (spec.level_max - levels[i.code]) / HUNDRED
        for i in spec.indicators
        if i.code in levels
    }
