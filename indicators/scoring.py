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

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    @property
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
    while (value * 10**places).denominator != 1 and places < EXACT_DECIMAL_PLACES:
        places += 1
    scaled = math.floor(value * 10**places)
    text = format(Decimal(scaled).scaleb(-places), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def display(value: Fraction, places: int = 2) -> str:
    """Half-up rounding of the exact value, as the published results round:
    4.765 -> '4.77', 4.745 -> '4.75'. Integer arithmetic, so no tie is lost."""
    scaled = math.floor(value * 10**places + Fraction(1, 2))
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
    checked: dict[str, Fraction] = {}
    for code in values:
        if code not in known:
            raise UnknownIndicator(
                f"Indikator {code!r} tidak ada dalam kerangka {spec.code}.", indicator=str(code)
            )
    for code in spec.indicator_codes:
        value = values.get(code)
        if value is None:
            raise MissingLevel(f"Indikator {code}: nilai belum diisi.", indicator=code)
        if isinstance(value, bool) or not isinstance(value, Fraction | int):
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
        checked[code] = Fraction(value)

    aspect_points: dict[str, Fraction] = {a.code: Fraction(0) for a in spec.aspects}
    total_points = Fraction(0)
    for indicator in spec.indicators:
        points = Fraction(indicator.weight) * checked[indicator.code]
        aspect_points[indicator.aspect] += points
        total_points += points

    aspects = {
        a.code: _score(aspect_points[a.code] / Fraction(a.weight), spec.bands) for a in spec.aspects
    }
    domains = {}
    for domain in spec.domains:
        points = sum(
            (aspect_points[a.code] for a in spec.aspects if a.domain == domain.code),
            Fraction(0),
        )
        domains[domain.code] = _score(points / Fraction(domain.weight), spec.bands)

    return IndexResult(
        index=_score(total_points / HUNDRED, spec.bands), domains=domains, aspects=aspects
    )


def open_points(spec: FrameworkSpec, levels: Mapping[str, int]) -> dict[str, Fraction]:
    """Index points still reachable per indicator: weight × (max − level) / 100."""
    return {
        i.code: Fraction(i.weight) * (spec.level_max - levels[i.code]) / HUNDRED
        for i in spec.indicators
        if i.code in levels
    }


def _score(value: Fraction, bands: tuple[Band, ...]) -> Score:
    return Score(value=value, predicate=predicate(value, bands))
