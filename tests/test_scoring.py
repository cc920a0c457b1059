"""The scoring engine against the regulation's worked example, Kaltim's
published results and the rounding edge cases seen in national results.

Pure: the structure comes from the shipped framework file, never the database,
so these tests pin the arithmetic independently of the loader.
"""

import math
from decimal import Decimal
from fractions import Fraction
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators import scoring
from indicators.framework_file import parse_framework_file, shipped_path


@cache
def spbe2020() -> scoring.FrameworkSpec:
    return parse_framework_file(shipped_path("spbe-2020")).to_spec()


def levels(default: int, **overrides: int) -> dict[str, int]:
    """All 47 indicators at `default`, with per-indicator exceptions given as
    i<code>=level (keyword names cannot start with a digit)."""
    result = dict.fromkeys(spbe2020().indicator_codes, default)
    for key, level in overrides.items():
        code = key.removeprefix("i")
        assert code in result, code
        result[code] = level
    return result


def from_groups(*groups: tuple[range, list[int]]) -> dict[str, int]:
    """Levels given as consecutive indicator ranges, each with its list of levels."""
    result = {}
    for codes, group_levels in groups:
        assert len(codes) == len(group_levels)
        result.update({str(code): level for code, level in zip(codes, group_levels, strict=True)})
    assert set(result) == set(spbe2020().indicator_codes)
    return result


def synthetic_spec(domain_weights: list[str], per_domain: int) -> scoring.FrameworkSpec:
    """One aspect per domain, `per_domain` equal-weight indicators each."""
    domains, aspects, indicators = [], [], []
    code = 0
    for position, weight in enumerate(domain_weights, start=1):
        weight = Decimal(weight)
        domains.append(scoring.DomainSpec(f"D{position}", weight))
        aspects.append(scoring.AspectSpec(f"A{position}", weight, f"D{position}"))
        for _ in range(per_domain):
            code += 1
            indicators.append(scoring.IndicatorSpec(str(code), weight / per_domain, f"A{position}"))
    return scoring.FrameworkSpec(
        code="synthetic",
        level_min=1,
        level_max=5,
        domains=tuple(domains),
        aspects=tuple(aspects),
        indicators=tuple(indicators),
        bands=spbe2020().bands,
    )


# --- The regulation's worked example ---------------------------------------------


def test_worked_example_aspect_a2():
    result = scoring.compute(spbe2020(), levels(1, i11=3, i12=4, i13=3, i14=2))
    assert result.aspects["A2"].value == 3
    assert result.aspects["A2"].display == "3.00"


def test_worked_example_domain_d2():
    # A2 = 3.00 from 3,4,3,2; A3 = 4.00; A4 = 3.00 -> 85 / 25.
    result = scoring.compute(
        spbe2020(),
        levels(1, i11=3, i12=4, i13=3, i14=2, i15=4, i16=4, i17=4, i18=4, i19=3, i20=3),
    )
    assert [result.aspects[a].display for a in ("A2", "A3", "A4")] == ["3.00", "4.00", "3.00"]
    assert result.domains["D2"].value == Fraction(34, 10)
    assert result.domains["D2"].display == "3.40"


def test_worked_example_index():
    # The real domain weights with ten equal indicators each: level sums of
    # 37, 34, 30 and 32 give the example's domain values 3.70, 3.40, 3.00, 3.20.
    spec = synthetic_spec(["13", "25", "16.5", "45.5"], per_domain=10)
    sums = {
        "D1": [4] * 7 + [3] * 3,
        "D2": [4] * 4 + [3] * 6,
        "D3": [3] * 10,
        "D4": [4] * 2 + [3] * 8,
    }
    given_levels = {
        str(number): level
        for number, level in enumerate((lv for d in sums.values() for lv in d), start=1)
    }
    result = scoring.compute(spec, given_levels)
    assert {code: s.display for code, s in result.domains.items()} == {
        "D1": "3.70",
        "D2": "3.40",
        "D3": "3.00",
        "D4": "3.20",
    }
    assert result.index.value == Fraction(3282, 1000)
    assert result.index.exact_str == "3.282"
    assert result.index.display == "3.28"
    assert result.index.predicate == "Baik"


# --- Kalimantan Timur's published results -------------------------------------------

# Level sums per group from FRAMEWORK.md: 1-10 = 37, 11-20 = 35, 21-31 = 31,
# 32-41 = 41, 42-47 = 28.
KALTIM_2024 = (
    (range(1, 11), [4] * 7 + [3] * 3),
    (range(11, 21), [4] * 5 + [3] * 5),
    (range(21, 32), [3] * 9 + [2] * 2),
    (range(32, 42), [5] + [4] * 9),
    (range(42, 48), [5] * 4 + [4] * 2),
)
# 1-10 = 30, 11-20 = 19, 21-31 = 18, 32-41 = 34, 42-47 = 28.
KALTIM_2023 = (
    (range(1, 11), [3] * 10),
    (range(11, 21), [2] * 9 + [1]),
    (range(21, 32), [2] * 7 + [1] * 4),
    (range(32, 42), [4] * 4 + [3] * 6),
    (range(42, 48), [5] * 4 + [4] * 2),
)


def test_kaltim_2024():
    result = scoring.compute(spbe2020(), from_groups(*KALTIM_2024))
    assert {code: s.display for code, s in result.domains.items()} == {
        "D1": "3.70",
        "D2": "3.50",
        "D3": "2.82",
        "D4": "4.32",
    }
    assert result.aspects["A8"].display == "4.67"
    assert result.index.value == Fraction(37885, 10000)
    assert result.index.exact == Decimal("3.7885")
    assert result.index.exact_str == "3.7885"
    assert result.index.display == "3.79"
    assert result.index.predicate == "Sangat Baik"


def test_kaltim_2023():
    result = scoring.compute(spbe2020(), from_groups(*KALTIM_2023))
    assert {code: s.display for code, s in result.domains.items()} == {
        "D1": "3.00",
        "D2": "1.90",
        "D3": "1.64",
        "D4": "3.90",
    }
    assert result.index.exact_str == "2.91"
    assert result.index.display == "2.91"
    assert result.index.predicate == "Baik"


# --- Rounding and band edges ------------------------------------------------------


def test_exact_4_765_displays_4_77():
    result = scoring.compute(
        spbe2020(), levels(5, i32=4, i33=4, i42=4, i43=4, i44=4, i45=4, i46=4, i47=4)
    )
    assert result.index.exact_str == "4.765"
    assert result.index.display == "4.77"
    assert result.index.predicate == "Memuaskan"
    # Why the engine never goes through float: 4.765 has no exact binary form,
    # it is stored as 4.76499999..., and round() then gives the unpublished 4.76.
    assert round(4.765, 2) == 4.76


def test_exact_4_745_displays_4_75_not_from_rounded_domains():
    result = scoring.compute(
        spbe2020(), levels(5, i11=4, i15=4, i19=4, i42=4, i43=4, i44=4, i45=4, i46=4, i47=4)
    )
    assert result.index.exact_str == "4.745"
    assert result.index.display == "4.75"
    # Recomputing the index from the displayed domain values gives 4.743,
    # shown 4.74: the reason the index is always summed from exact parts.
    from_rounded = sum(
        Decimal(d.weight) * Decimal(result.domains[d.code].display) for d in spbe2020().domains
    ) / Decimal(100)
    assert from_rounded == Decimal("4.743")


def test_exact_1_7975_displays_1_80_but_is_kurang():
    result = scoring.compute(
        spbe2020(), levels(1, i11=3, i32=2, i42=5, i43=5, i44=5, i45=5, i46=5, i47=5)
    )
    assert result.index.exact_str == "1.7975"
    assert result.index.display == "1.80"
    # The band is judged on the exact value: 1.80 shown, yet below 1.8.
    assert result.index.predicate == "Kurang"


def test_exact_string_of_a_repeating_value():
    assert scoring.exact_string(Fraction(31, 11)) == "2.8181818181"
    assert scoring.display(Fraction(31, 11)) == "2.82"
    assert scoring.exact_string(Fraction(4)) == "4"
    assert scoring.to_decimal(Fraction(31, 11)) == Decimal("2.818181818181818181818181818")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(1), "Kurang"),
        (Fraction("1.7999"), "Kurang"),
        (Fraction("1.8"), "Cukup"),
        (Fraction("2.6"), "Baik"),
        (Fraction("3.4999"), "Baik"),
        (Fraction("3.5"), "Sangat Baik"),
        (Fraction("4.1999"), "Sangat Baik"),
        (Fraction("4.2"), "Memuaskan"),
        (Fraction(5), "Memuaskan"),
    ],
)
def test_predicate_at_band_boundaries(value, expected):
    assert scoring.predicate(value, spbe2020().bands) == expected


def test_predicate_below_lowest_band_is_none():
    assert scoring.predicate(Fraction("0.99"), spbe2020().bands) is None


# --- Refused level sets ------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (None, scoring.MissingLevel),
        (0, scoring.LevelOutOfRange),
        (6, scoring.LevelOutOfRange),
        (-1, scoring.LevelOutOfRange),
        (3.0, scoring.LevelOutOfRange),
        ("3", scoring.LevelOutOfRange),
        (True, scoring.LevelOutOfRange),
    ],
)
def test_bad_level_is_refused_never_coerced(bad, error):
    given_levels = levels(3)
    given_levels["12"] = bad
    with pytest.raises(error) as caught:
        scoring.compute(spbe2020(), given_levels)
    assert isinstance(caught.value, scoring.ScoringError)
    assert caught.value.indicator == "12"
    assert "12" in str(caught.value)


def test_missing_level_is_refused():
    given_levels = levels(3)
    del given_levels["47"]
    with pytest.raises(scoring.MissingLevel) as caught:
        scoring.compute(spbe2020(), given_levels)
    assert caught.value.indicator == "47"
    assert "47" in str(caught.value)


def test_unknown_indicator_is_refused():
    given_levels = {**levels(3), "48": 3}
    with pytest.raises(scoring.UnknownIndicator) as caught:
        scoring.compute(spbe2020(), given_levels)
    assert isinstance(caught.value, scoring.ScoringError)
    assert caught.value.indicator == "48"
    assert "48" in str(caught.value)


def test_framework_without_domains():
    spec = scoring.FrameworkSpec(
        code="flat",
        level_min=0,
        level_max=5,
        domains=(),
        aspects=(
            scoring.AspectSpec("X", Decimal(60), None),
            scoring.AspectSpec("Y", Decimal(40), None),
        ),
        indicators=(
            scoring.IndicatorSpec("x1", Decimal(30), "X"),
            scoring.IndicatorSpec("x2", Decimal(30), "X"),
            scoring.IndicatorSpec("y1", Decimal(40), "Y"),
        ),
        bands=spbe2020().bands,
    )
    result = scoring.compute(spec, {"x1": 0, "x2": 5, "y1": 4})
    assert result.domains == {}
    assert result.aspects["X"].display == "2.50"
    assert result.index.exact_str == "3.1"


# --- Properties over every level set -----------------------------------------------

level_sets = st.lists(st.integers(1, 5), min_size=47, max_size=47).map(
    lambda values: dict(zip(spbe2020().indicator_codes, values, strict=True))
)


@given(level_sets)
def test_index_is_the_weighted_sum_of_levels(given_levels):
    result = scoring.compute(spbe2020(), given_levels)
    expected = sum(Fraction(i.weight) * given_levels[i.code] for i in spbe2020().indicators) / 100
    assert result.index.value == expected


@given(level_sets)
def test_index_lies_between_lowest_and_highest_level(given_levels):
    result = scoring.compute(spbe2020(), given_levels)
    low, high = min(given_levels.values()), max(given_levels.values())
    assert low <= result.index.value <= high
    for score in (*result.domains.values(), *result.aspects.values()):
        assert low <= score.value <= high


@given(level_sets, st.data())
def test_raising_a_level_never_lowers_any_index(given_levels, data):
    raisable = [code for code, level in given_levels.items() if level < 5]
    if not raisable:
        return
    code = data.draw(st.sampled_from(raisable))
    raised = {**given_levels, code: data.draw(st.integers(given_levels[code] + 1, 5))}
    before = scoring.compute(spbe2020(), given_levels)
    after = scoring.compute(spbe2020(), raised)
    indicator = next(i for i in spbe2020().indicators if i.code == code)
    aspect = next(a for a in spbe2020().aspects if a.code == indicator.aspect)
    assert after.index.value > before.index.value
    assert after.aspects[aspect.code].value > before.aspects[aspect.code].value
    assert after.domains[aspect.domain].value > before.domains[aspect.domain].value
    for other in spbe2020().aspects:
        assert after.aspects[other.code].value >= before.aspects[other.code].value


# --- The prepared fast path equals the plain definition ---------------------------------


def reference(spec: scoring.FrameworkSpec, values) -> dict:
    """The formulas exactly as FRAMEWORK.md writes them, one Fraction at a
    time, with predicates from the public predicate()."""
    points = {a.code: Fraction(0) for a in spec.aspects}
    for i in spec.indicators:
        points[i.aspect] += Fraction(i.weight) * values[i.code]
    aspects = {a.code: points[a.code] / Fraction(a.weight) for a in spec.aspects}
    domains = {
        d.code: sum((points[a.code] for a in spec.aspects if a.domain == d.code), Fraction(0))
        / Fraction(d.weight)
        for d in spec.domains
    }
    index = sum(points.values(), Fraction(0)) / 100
    return {
        "index": (index, scoring.predicate(index, spec.bands)),
        "domains": {c: (v, scoring.predicate(v, spec.bands)) for c, v in domains.items()},
        "aspects": {c: (v, scoring.predicate(v, spec.bands)) for c, v in aspects.items()},
    }


def as_compared(result: scoring.IndexResult) -> dict:
    return {
        "index": (result.index.value, result.index.predicate),
        "domains": {c: (s.value, s.predicate) for c, s in result.domains.items()},
        "aspects": {c: (s.value, s.predicate) for c, s in result.aspects.items()},
    }


@given(level_sets)
def test_compute_equals_the_plain_formulas(given_levels):
    result = scoring.compute(spbe2020(), given_levels)
    assert as_compared(result) == reference(spbe2020(), given_levels)
    for score in (result.index, *result.domains.values(), *result.aspects.values()):
        assert isinstance(score.value, Fraction)


@given(
    st.lists(st.fractions(min_value=1, max_value=5, max_denominator=12), min_size=47, max_size=47)
)
def test_fractional_values_equal_the_plain_formulas(values):
    given_values = dict(zip(spbe2020().indicator_codes, values, strict=True))
    result = scoring.compute_values(spbe2020(), given_values)
    assert as_compared(result) == reference(spbe2020(), given_values)


@given(st.fractions(min_value=0, max_value=5, max_denominator=400))
def test_display_and_exact_string_match_their_definitions(value):
    # display: floor(v * 100 + 1/2); exact_string: truncated after 10 places.
    assert scoring.display(value) == format(
        Decimal(math.floor(value * 100 + Fraction(1, 2))) / 100, ".2f"
    )
    truncated = Fraction(math.floor(value * 10**10), 10**10)
    assert Fraction(scoring.exact_string(value)) == truncated


def test_exclusive_band_bounds_through_compute():
    # Readings like "1.51-2.50": a value of exactly 1.5 stays in the band below.
    bands = (
        scoring.Band(Decimal(0), "E"),
        scoring.Band(Decimal("1.5"), "D", inclusive=False),
        scoring.Band(Decimal("2.5"), "C", inclusive=False),
    )
    spec = scoring.FrameworkSpec(
        code="exclusive",
        level_min=0,
        level_max=5,
        domains=(),
        aspects=(scoring.AspectSpec("X", Decimal(100), None),),
        indicators=(
            scoring.IndicatorSpec("a", Decimal(50), "X"),
            scoring.IndicatorSpec("b", Decimal(50), "X"),
        ),
        bands=bands,
    )
    for a, b, expected in [(1, 2, "E"), (2, 2, "D"), (2, 3, "D"), (3, 3, "C"), (0, 0, "E")]:
        result = scoring.compute(spec, {"a": a, "b": b})
        assert result.index.predicate == expected, (a, b)
        assert result.index.predicate == scoring.predicate(result.index.value, bands)


# --- Partial results, contributions and usable levels ----------------------------------

partial_level_sets = st.lists(
    st.one_of(st.none(), st.integers(1, 5), st.sampled_from([0, 6, True, "3"])),
    min_size=47,
    max_size=47,
).map(lambda values: dict(zip(spbe2020().indicator_codes, values, strict=True)))


@given(level_sets)
def test_partial_of_a_complete_set_is_compute(given_levels):
    spec = spbe2020()
    partial = scoring.compute_partial(spec, given_levels)
    result = scoring.compute(spec, given_levels)
    assert partial.complete and partial.missing == ()
    assert (partial.index, partial.domains, partial.aspects) == (
        result.index,
        result.domains,
        result.aspects,
    )


@given(partial_level_sets)
def test_partial_scores_exactly_what_is_complete(given_levels):
    """An aspect has a score exactly when all its indicators have a usable
    level, and then the score of the reference formula; same for domains."""
    spec = spbe2020()
    usable = scoring.usable_levels(spec, given_levels)
    partial = scoring.compute_partial(spec, given_levels)
    filled = {**dict.fromkeys(spec.indicator_codes, 1), **usable}
    expected = reference(spec, filled)
    aspect_of = {i.code: i.aspect for i in spec.indicators}
    incomplete = {aspect_of[code] for code in spec.indicator_codes if code not in usable}
    for code, score in partial.aspects.items():
        if code in incomplete:
            assert score is None
        else:
            assert (score.value, score.predicate) == expected["aspects"][code]
    for d in spec.domains:
        own = {a.code for a in spec.aspects if a.domain == d.code}
        score = partial.domains[d.code]
        assert (score is None) == bool(own & incomplete)
    assert partial.missing == tuple(c for c in spec.indicator_codes if c not in usable)
    assert (partial.index is None) == bool(partial.missing)


def test_usable_levels_drop_unknown_codes_and_odd_values():
    spec = spbe2020()
    levels = {"1": 3, "2": 0, "3": 6, "4": None, "5": True, "6": "3", "999": 4, "7": 5}
    assert scoring.usable_levels(spec, levels) == {"1": 3, "7": 5}
    assert spec.admits(1) and spec.admits(5) and not spec.admits(2.0)


@given(level_sets, st.data())
def test_contributions_of_a_partition_add_up_to_the_index_and_the_maximum(given_levels, data):
    spec = spbe2020()
    groups = data.draw(
        st.lists(st.integers(0, 3), min_size=47, max_size=47), label="owner of each indicator"
    )
    owners = dict(zip(spec.indicator_codes, groups, strict=True))
    parts = [
        scoring.contribution(spec, given_levels, [c for c, g in owners.items() if g == group])
        for group in range(4)
    ]
    index = scoring.compute(spec, given_levels).index.value
    assert sum(p.points for p in parts) == index
    assert sum(p.points + p.open_points for p in parts) == spec.level_max
    for part in parts:
        if part.weight:
            assert spec.level_min <= part.weighted_average <= spec.level_max


def test_contribution_counts_a_missing_level_as_open_from_the_floor():
    spec = spbe2020()
    weight = {i.code: Fraction(i.weight) for i in spec.indicators}
    part = scoring.contribution(spec, {"1": 4, "2": None, "3": 9}, ["1", "2", "3", "999"])
    assert part.indicators == ("1", "2", "3") and part.missing == ("2", "3")
    assert part.points == weight["1"] * 4 / 100
    assert part.open_points == (weight["1"] * 1 + (weight["2"] + weight["3"]) * 4) / 100
    assert part.weighted_average == 4


def test_rounded_is_display_as_a_decimal():
    assert scoring.rounded(Fraction(4745, 1000)) == Decimal("4.75")
    assert scoring.rounded(Fraction(13, 1000), scoring.POINTS_PLACES) == Decimal("0.0130")
    assert scoring.rounded(None) is None


@given(partial_level_sets)
def test_compute_complete_is_compute_or_none(given_levels):
    spec = spbe2020()
    usable = scoring.usable_levels(spec, given_levels)
    found = scoring.compute_complete(spec, usable)
    if len(usable) == len(spec.indicator_codes):
        assert as_compared(found) == as_compared(scoring.compute(spec, usable))
    else:
        assert found is None


def test_remembered_scores_are_bounded_and_change_nothing(monkeypatch):
    # A fresh spec (its own plan) with room for only a few scores: the
    # remembered ones are dropped when full, and every result still equals
    # the plain formulas, also for a level set scored a second time.
    monkeypatch.setattr(scoring, "SCORES_REMEMBERED", 20)
    spec = parse_framework_file(shipped_path("spbe-2020")).to_spec()
    for default in (1, 2, 3, 4, 5, 3, 1):
        for code in spec.indicator_codes[:6]:
            given_levels = levels(default, **{f"i{code}": 5 if default < 5 else 1})
            assert as_compared(scoring.compute(spec, given_levels)) == reference(spec, given_levels)
            assert len(spec._plan._scores) <= 20
