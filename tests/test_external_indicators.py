"""External indicators (indicators/external.py): a score from another agency's
index becomes a level by the framework's upper bounds; a missing score counts
as 1 and is flagged waiting. The bounds are the UNVERIFIED draft thresholds
shipped in pemdi-2026.json."""

from decimal import Decimal
from functools import cache

import pytest

from indicators import external
from indicators.framework_file import parse_framework_file, shipped_path


@cache
def bounds_of(code):
    definition = parse_framework_file(shipped_path("pemdi-2026"))
    indicator = next(i for i in definition.indicators if i.code == code)
    return indicator.external


def test_the_shipped_framework_names_the_three_external_sources():
    assert bounds_of("I5").source == "SDI"
    assert bounds_of("I6").source == "SJIG"
    assert bounds_of("I7").source == "IPS"
    assert bounds_of("I5").upper_bounds == tuple(
        Decimal(b) for b in ("12.5", "37.5", "62.5", "75", "100")
    )
    assert bounds_of("I6").upper_bounds == tuple(
        Decimal(b) for b in ("1.5", "2.5", "3.5", "4.0", "5.0")
    )
    assert bounds_of("I7").upper_bounds == tuple(
        Decimal(b) for b in ("1.8", "2.6", "3.5", "4.2", "5.0")
    )


# Upper bounds are inclusive: the bound itself still belongs to its level.
SDI = [
    ("0", 1),
    ("12.5", 1),
    ("12.51", 2),
    ("37.5", 2),
    ("37.50001", 3),
    ("62.5", 3),
    ("62.6", 4),
    ("75", 4),
    ("75.01", 5),
    ("100", 5),
]
SJIG = [("1.5", 1), ("1.51", 2), ("2.5", 2), ("3.5", 3), ("3.51", 4), ("4.0", 4), ("4.01", 5)]
IPS = [("1.8", 1), ("1.81", 2), ("2.6", 2), ("2.61", 3), ("3.5", 3), ("4.2", 4), ("4.21", 5)]


@pytest.mark.parametrize(
    ("code", "score", "level"),
    [("I5", s, lv) for s, lv in SDI]
    + [("I6", s, lv) for s, lv in SJIG]
    + [("I7", s, lv) for s, lv in IPS],
)
def test_score_to_level_at_the_boundaries(code, score, level):
    result = external.level_for(Decimal(score), bounds_of(code).upper_bounds)

    assert result == external.ExternalLevel(level=level, waiting=False, score=Decimal(score))


def test_scores_may_be_given_as_int_or_text():
    assert external.level_for(50, bounds_of("I5").upper_bounds).level == 3
    assert external.level_for(" 3.2 ", bounds_of("I7").upper_bounds).level == 3


@pytest.mark.parametrize("code", ["I5", "I6", "I7"])
def test_missing_score_counts_as_1_and_waits(code):
    result = external.level_for(None, bounds_of(code).upper_bounds)

    assert result.level == 1
    assert result.waiting is True
    assert result.score is None


@pytest.mark.parametrize(
    ("code", "score", "fragment"),
    [
        ("I5", "100.01", "melampaui batas tertinggi 100"),
        ("I6", "5.1", "melampaui batas tertinggi 5.0"),
        ("I5", "-1", "tidak negatif"),
        ("I5", "abc", "bukan angka"),
        ("I5", "NaN", "tidak sah"),
        ("I7", "3,5", "bukan angka"),
    ],
)
def test_impossible_scores_are_refused(code, score, fragment):
    with pytest.raises(external.ExternalScoreError, match=fragment):
        external.level_for(score, bounds_of(code).upper_bounds)


@pytest.mark.parametrize(
    "bounds",
    [["1", "1", "2", "3", "4"], ["5", "4", "3", "2", "1"], [], ["x"], ["Infinity"]],
    ids=["repeated", "descending", "empty", "text", "infinite"],
)
def test_malformed_bounds_are_refused(bounds):
    with pytest.raises(external.ExternalScoreError):
        external.parse_bounds(bounds)


def test_first_level_follows_the_framework():
    assert external.level_for("2", ["1", "2", "3"], first_level=0).level == 1


EXTERNALS = ("I5", "I6", "I7")


@pytest.mark.django_db
def test_loaded_indicators_read_their_own_bounds():
    from io import StringIO

    from django.core.management import call_command

    from indicators.models import Indicator

    call_command("load_framework", "pemdi-2026", stdout=StringIO())
    by_code = {i.code: i for i in Indicator.objects.with_catalogue().filter(code__in=EXTERNALS)}

    assert by_code["I5"].external_level("62.5").level == 3
    assert by_code["I6"].external_level("4.0").level == 4
    assert by_code["I7"].external_level("4.21").level == 5
    waiting = by_code["I7"].external_level(None)
    assert (waiting.level, waiting.waiting) == (1, True)
    local = Indicator.objects.get(framework__code="pemdi-2026", code="I1")
    with pytest.raises(ValueError, match="tidak bernilai eksternal"):
        local.external_level("1")
