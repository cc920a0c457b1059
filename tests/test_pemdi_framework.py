"""The Pemdi 2026 framework (PermenPANRB 8/2026) beside SPBE 2020: the shipped
data file, the loader's new keys and refusals, the worked examples of
PEMDI-2026.md, both predicate readings at the exact boundaries, and the
calculator command with I1..I20, aspects A1..A7 and no domains."""

import copy
import dataclasses
import json
import os
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from functools import cache
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from indicators import external, scoring
from indicators.framework_file import (
    FrameworkFileError,
    parse_framework,
    parse_framework_file,
    shipped_path,
)
from indicators.models import EvidenceItem, FrameworkVersion, Indicator, PredicateBand

REPO = Path(__file__).resolve().parent.parent
CODES = [f"I{n}" for n in range(1, 21)]
ASPECT_WEIGHTS = {"A1": 10, "A2": 10, "A3": 15, "A4": 15, "A5": 10, "A6": 15, "A7": 25}
INDICATOR_WEIGHTS = {
    "I1": 5, "I2": 5, "I3": 5, "I4": 5, "I5": 5, "I6": 3, "I7": 3, "I8": 4, "I9": 4,
    "I10": 4, "I11": 3, "I12": 4, "I13": 5, "I14": 5, "I15": 4, "I16": 4, "I17": 4,
    "I18": 3, "I19": 10, "I20": 15,
}  # fmt: skip
EXTERNAL = {"I5": "SDI", "I6": "SJIG", "I7": "IPS"}
# The draft's reading "1.00–1.50 / 1.51–2.50 / ...": each band above 1.00
# starts just above its bound, compared with the exact value.
DRAFT_BANDS = (
    scoring.Band(Decimal("1.00"), "Kurang"),
    scoring.Band(Decimal("1.50"), "Cukup", inclusive=False),
    scoring.Band(Decimal("2.50"), "Baik", inclusive=False),
    scoring.Band(Decimal("3.50"), "Sangat Baik", inclusive=False),
    scoring.Band(Decimal("4.00"), "Memuaskan", inclusive=False),
)


@cache
def _shipped_text() -> str:
    return shipped_path("pemdi-2026").read_text(encoding="utf-8")


def shipped_data() -> dict:
    return copy.deepcopy(json.loads(_shipped_text()))


@cache
def pemdi() -> scoring.FrameworkSpec:
    return parse_framework_file(shipped_path("pemdi-2026")).to_spec()


def values(default=0, **overrides):
    result = dict.fromkeys(CODES, default)
    for code, value in overrides.items():
        assert code in result, code
        result[code] = value
    return result


def indicator(data, code):
    return next(i for a in data["aspects"] for i in a["indicators"] if i["code"] == code)


def problems_of(data) -> str:
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(data)
    return "\n".join(caught.value.problems)


# --- The shipped data file ----------------------------------------------------------


def test_structure_is_7_aspects_20_indicators_without_domains():
    definition = parse_framework_file(shipped_path("pemdi-2026"))

    assert definition.code == "pemdi-2026"
    assert definition.name == "Indeks Pemerintah Digital (PermenPANRB 8/2026)"
    assert definition.domains == ()
    assert {a.code: a.weight for a in definition.aspects} == {
        code: Decimal(w) for code, w in ASPECT_WEIGHTS.items()
    }
    assert {i.code: i.weight for i in definition.indicators} == {
        code: Decimal(w) for code, w in INDICATOR_WEIGHTS.items()
    }
    assert [i.code for i in definition.indicators] == CODES
    assert sum(i.weight for i in definition.indicators) == 100
    assert [i.code for i in definition.aspects[2].indicators] == ["I5", "I6", "I7", "I8"]


def test_levels_names_and_the_value_below_the_scale():
    definition = parse_framework_file(shipped_path("pemdi-2026"))

    assert (definition.level_min, definition.level_max, definition.value_min) == (1, 5, 0)
    assert definition.below_scale_label == "belum terindikasi"
    assert definition.level_names == {
        "process": {1: "Merintis", 2: "Membangun", 3: "Berkembang", 4: "Melembaga", 5: "Unggul"}
    }
    assert {i.capability for i in definition.indicators} == {"process"}
    assert "teks resmi belum tersedia; tangga umum" in definition.regulation
    assert "1,50" in definition.predicate_reading and "draf" in definition.predicate_reading
    assert any("lower_inclusive" in note for note in definition.notes)


def test_bands_are_the_issued_reading_lower_bound_inclusive():
    assert pemdi().bands == (
        scoring.Band(Decimal("1.00"), "Kurang"),
        scoring.Band(Decimal("1.50"), "Cukup"),
        scoring.Band(Decimal("2.50"), "Baik"),
        scoring.Band(Decimal("3.50"), "Sangat Baik"),
        scoring.Band(Decimal("4.00"), "Memuaskan"),
    )


def test_every_local_indicator_has_generic_main_items_on_every_level():
    definition = parse_framework_file(shipped_path("pemdi-2026"))
    for item in definition.indicators:
        if item.code in EXTERNAL:
            assert item.evidence_items == ()
            assert item.external.source == EXTERNAL[item.code]
            continue
        assert item.external is None
        main_levels = {e.level for e in item.evidence_items if e.kind == "main"}
        assert main_levels == {1, 2, 3, 4, 5}, item.code
        assert all(e.generic for e in item.evidence_items), item.code
        assert len(item.criteria) == 5


# --- Loading ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_loader_writes_the_new_parts():
    out = StringIO()
    call_command("load_framework", "pemdi-2026", stdout=out)

    assert "Loaded framework pemdi-2026: 0 domains, 7 aspects, 20 indicators." in out.getvalue()
    framework = FrameworkVersion.objects.get(code="pemdi-2026")
    assert framework.value_min == 0 and framework.value_floor == 0
    assert framework.below_scale_label == "belum terindikasi"
    assert framework.predicate_note.startswith("Predikat memakai bacaan batas bawah inklusif")
    assert not framework.has_domains
    i5 = Indicator.objects.get(framework=framework, code="I5")
    assert i5.is_external and i5.external_source == "SDI"
    assert i5.external_upper_bounds == ["12.5", "37.5", "62.5", "75", "100"]
    assert not i5.evidence_items.exists()
    i1 = Indicator.objects.get(framework=framework, code="I1")
    assert i1.external_source == "" and i1.external_upper_bounds == []
    assert list(i1.evidence_items.values_list("level", "kind", "position")) == [
        (1, "main", 1),
        (2, "main", 2),
        (3, "main", 3),
        (4, "main", 4),
        (4, "main", 5),
        (5, "main", 6),
    ]
    assert EvidenceItem.objects.filter(indicator__framework=framework).count() == 17 * 6
    assert set(PredicateBand.objects.values_list("lower_inclusive", flat=True)) == {True}
    # The loaded catalogue gives the engine the same structure as the file.
    assert framework.to_spec() == pemdi()


@pytest.mark.django_db
def test_spbe_2020_keeps_no_value_below_its_scale(spbe2020):
    assert spbe2020.value_min is None and spbe2020.value_floor == 1
    assert spbe2020.below_scale_label == ""
    assert spbe2020.to_spec().value_min is None
    assert not EvidenceItem.objects.exists()
    assert not Indicator.objects.exclude(external_source="").exists()


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    call_command("load_framework", "pemdi-2026", stdout=StringIO())
    first = FrameworkVersion.objects.get(code="pemdi-2026")
    out = StringIO()
    call_command("load_framework", "pemdi-2026", stdout=out)
    assert "already up to date" in out.getvalue()
    assert FrameworkVersion.objects.get(code="pemdi-2026").pk == first.pk
    assert EvidenceItem.objects.count() == 17 * 6


@pytest.mark.django_db
def test_the_draft_reading_is_only_a_data_change(tmp_path):
    data = shipped_data()
    for band in data["predicate_bands"][1:]:
        band["lower_inclusive"] = False
    path = tmp_path / "pemdi-draft.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    call_command("load_framework", "pemdi-2026", "--file", str(path), stdout=StringIO())

    spec = FrameworkVersion.objects.get(code="pemdi-2026").to_spec()
    assert spec.bands == DRAFT_BANDS
    assert scoring.predicate(Fraction(3, 2), spec.bands) == "Kurang"


def _misspelt_key(data):
    data["value_mn"] = 0


def _item_level_out_of_range(data):
    indicator(data, "I1")["evidence_items"][0]["level"] = 6


def _level_without_main_item(data):
    for item in indicator(data, "I2")["evidence_items"]:
        if item["level"] == 3:
            item["kind"] = "supporting"


def _unknown_kind(data):
    indicator(data, "I3")["evidence_items"][0]["kind"] = "utama"


def _bounds_not_ascending(data):
    indicator(data, "I5")["external"]["upper_bounds"] = ["12.5", "37.5", "30", "75", "100"]


def _four_bounds(data):
    indicator(data, "I6")["external"]["upper_bounds"] = ["1.5", "2.5", "3.5", "4.0"]


def _unknown_source(data):
    indicator(data, "I7")["external"]["source"] = "BPS"


def _items_and_external(data):
    indicator(data, "I5")["evidence_items"] = indicator(data, "I1")["evidence_items"]


def _value_min_above_scale(data):
    data["value_min"] = 2


def _below_scale_without_label(data):
    del data["below_scale_label"]


def _label_too_long(data):
    data["below_scale_label"] = "x" * 101


def _notes_not_text(data):
    data["notes"] = {"a": 1}


def _inclusive_not_bool(data):
    data["predicate_bands"][1]["lower_inclusive"] = "no"


def _unknown_item_key(data):
    indicator(data, "I8")["evidence_items"][0]["weight"] = "1"


REFUSALS = [
    pytest.param(_misspelt_key, ["kerangka pemdi-2026", "kunci tidak dikenal: value_mn"], id="key"),
    pytest.param(
        _item_level_out_of_range,
        ["indikator I1, butir bukti ke-1", "tingkat 6 di luar rentang 1–5", "tingkat 1 tidak"],
        id="item-level",
    ),
    pytest.param(
        _level_without_main_item,
        ["indikator I2", "tingkat 3 tidak punya butir bukti utama"],
        id="no-main-item",
    ),
    pytest.param(_unknown_kind, ["indikator I3, butir bukti ke-1", "'utama'"], id="kind"),
    pytest.param(_bounds_not_ascending, ["indikator I5", "urut naik"], id="bounds-order"),
    pytest.param(_four_bounds, ["indikator I6", "tepat 5 teks desimal"], id="bounds-count"),
    pytest.param(_unknown_source, ["indikator I7", "'BPS' tidak dikenal"], id="source"),
    pytest.param(_items_and_external, ["indikator I5", "tidak keduanya"], id="items-and-external"),
    pytest.param(_value_min_above_scale, ["'value_min'", "antara 0 dan"], id="value-min"),
    pytest.param(_below_scale_without_label, ["'below_scale_label' wajib"], id="no-label"),
    pytest.param(_label_too_long, ["'below_scale_label' paling panjang 100"], id="long-label"),
    pytest.param(_notes_not_text, ["'notes' harus"], id="notes"),
    pytest.param(_inclusive_not_bool, ["rentang predikat ke-2", "'lower_inclusive'"], id="incl"),
    pytest.param(
        _unknown_item_key,
        ["indikator I8, butir bukti ke-1", "kunci tidak dikenal: weight"],
        id="ik",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), REFUSALS)
def test_refusals_name_the_entry(mutate, expected):
    data = shipped_data()
    mutate(data)
    message = problems_of(data)
    for fragment in expected:
        assert fragment in message, message


@pytest.mark.django_db
@pytest.mark.parametrize(("mutate", "expected"), REFUSALS[:3])
def test_refused_file_writes_nothing(tmp_path, mutate, expected):
    data = shipped_data()
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_framework", "pemdi-2026", "--file", str(path), stdout=StringIO())
    assert not FrameworkVersion.objects.exists()
    assert not EvidenceItem.objects.exists()


# --- Worked examples (PEMDI-2026.md) ------------------------------------------------------


def test_aspect_1_with_levels_1_and_2_is_1_50():
    result = scoring.compute(pemdi(), values(I1=1, I2=2))

    assert result.aspects["A1"].value == Fraction(3, 2)
    assert result.aspects["A1"].display == "1.50"
    # Its contribution to the index, all else 0.
    assert result.index.value == Fraction(15, 100)
    assert result.domains == {}


def test_a_10_percent_aspect_at_1_50_and_the_rest_at_1_is_1_05():
    result = scoring.compute(pemdi(), values(1, I2=2))

    assert result.index.value == Fraction(105, 100)
    assert result.index.display == "1.05"
    assert result.index.predicate == "Kurang"


def test_early_stage_state_is_0_35_without_predicate():
    bounds = {code: i.external for code, i in _indicators().items() if i.external}
    waiting = {code: external.level_for(None, e.upper_bounds) for code, e in bounds.items()}
    assert all(w.waiting and w.level == 1 for w in waiting.values())
    levels = values(I1=1, I2=1, I11=1, I17=2, I18=1, **{c: w.level for c, w in waiting.items()})

    result = scoring.compute(pemdi(), levels)

    assert {code: s.display for code, s in result.aspects.items()} == {
        "A1": "1.00",
        "A2": "0.00",
        "A3": "0.73",
        "A4": "0.20",
        "A5": "0.00",
        "A6": "0.73",
        "A7": "0.00",
    }
    assert result.aspects["A3"].value == result.aspects["A6"].value == Fraction(11, 15)
    assert result.aspects["A3"].exact_str == "0.7333333333"
    assert result.index.value == Fraction(35, 100)
    assert result.index.display == "0.35"
    assert result.index.predicate is None
    assert result.aspects["A2"].predicate is None


def test_fractional_targets_give_2_29_cukup():
    targets = {
        "I1": "2.5", "I2": "2.0", "I3": "2.0", "I4": "2.5", "I5": "2.5", "I6": "1.5",
        "I7": "1.5", "I8": "2.0", "I9": "2.0", "I10": "2.0", "I11": "1.5", "I12": "2.0",
        "I13": "2.0", "I14": "2.0", "I15": "2.5", "I16": "2.5", "I17": "2.5", "I18": "2.0",
        "I19": "2.5", "I20": "3.0",
    }  # fmt: skip

    result = scoring.compute_values(pemdi(), {c: Fraction(v) for c, v in targets.items()})

    assert {code: s.exact_str for code, s in result.aspects.items()} == {
        "A1": "2.25",
        "A2": "2.25",
        "A3": "1.9666666666",
        "A4": "1.9",
        "A5": "2",
        "A6": "2.4",
        "A7": "2.8",
    }
    assert result.aspects["A3"].display == "1.97"
    assert result.index.value == Fraction(229, 100)
    assert (result.index.display, result.index.predicate) == ("2.29", "Cukup")


def test_compute_still_takes_whole_levels_only():
    with pytest.raises(scoring.LevelOutOfRange, match="bukan bilangan bulat"):
        scoring.compute(pemdi(), values(I1=Fraction(5, 2)))


def test_compute_delegates_to_compute_values():
    levels = values(3, I20=5, I3=0)
    assert scoring.compute(pemdi(), levels) == scoring.compute_values(pemdi(), levels)


@pytest.mark.parametrize(
    ("overrides", "error", "fragment"),
    [
        ({"I1": Fraction(11, 2)}, scoring.LevelOutOfRange, "nilai 5.5 di luar rentang 0–5"),
        ({"I1": Fraction(-1, 2)}, scoring.LevelOutOfRange, "nilai -0.5 di luar rentang 0–5"),
        ({"I1": None}, scoring.MissingLevel, "I1"),
        ({"I1": "2"}, scoring.LevelOutOfRange, "bukan bilangan"),
        ({"I1": 2.5}, scoring.LevelOutOfRange, "bukan bilangan"),
        ({"I21": 1}, scoring.UnknownIndicator, "'I21'"),
    ],
)
def test_compute_values_refuses_what_is_not_a_value(overrides, error, fragment):
    with pytest.raises(error, match=fragment):
        scoring.compute_values(pemdi(), {**values(1), **overrides})


def test_zero_is_a_value_in_pemdi_but_not_in_spbe_2020():
    assert scoring.compute(pemdi(), values(0)).index.value == 0
    spbe = parse_framework_file(shipped_path("spbe-2020")).to_spec()
    levels = dict.fromkeys(spbe.indicator_codes, 1)
    levels["1"] = 0
    with pytest.raises(scoring.LevelOutOfRange, match="1–5"):
        scoring.compute(spbe, levels)
    with pytest.raises(scoring.LevelOutOfRange, match="1–5"):
        scoring.compute_values(spbe, levels)


def test_level_above_5_is_refused_in_pemdi():
    with pytest.raises(scoring.LevelOutOfRange, match="tingkat 6 di luar rentang 0–5"):
        scoring.compute(pemdi(), values(1, I9=6))


@cache
def _indicators():
    return {i.code: i for i in parse_framework_file(shipped_path("pemdi-2026")).indicators}


# --- Both predicate readings at the boundaries ----------------------------------------------

READINGS = [
    # value, issued reading (lower bound inclusive), draft reading
    ("0", None, None),
    ("0.999", None, None),
    ("1.00", "Kurang", "Kurang"),
    ("1.4999", "Kurang", "Kurang"),
    ("1.50", "Cukup", "Kurang"),
    ("1.5001", "Cukup", "Cukup"),
    ("1.51", "Cukup", "Cukup"),
    ("2.4999", "Cukup", "Cukup"),
    ("2.50", "Baik", "Cukup"),
    ("2.51", "Baik", "Baik"),
    ("3.50", "Sangat Baik", "Baik"),
    ("3.51", "Sangat Baik", "Sangat Baik"),
    ("3.9999", "Sangat Baik", "Sangat Baik"),
    ("4.00", "Memuaskan", "Sangat Baik"),
    ("4.01", "Memuaskan", "Memuaskan"),
    ("5", "Memuaskan", "Memuaskan"),
]


@pytest.mark.parametrize(("value", "issued", "draft"), READINGS)
def test_both_predicate_readings(value, issued, draft):
    exact = Fraction(value)
    assert scoring.predicate(exact, pemdi().bands) == issued
    assert scoring.predicate(exact, DRAFT_BANDS) == draft


def half_above(base):
    """Whole levels giving exactly base + 0.50: 50 more points from I1, I2, I19, I20."""
    return values(base, I1=base + 1, I2=base + 1, I19=base + 1, I20=base + 2)


@pytest.mark.parametrize(
    ("levels", "index", "issued", "draft"),
    [
        (half_above(1), "1.50", "Cukup", "Kurang"),
        (half_above(2), "2.50", "Baik", "Cukup"),
        (half_above(3), "3.50", "Sangat Baik", "Baik"),
        (values(4), "4.00", "Memuaskan", "Sangat Baik"),
    ],
    ids=["1.50", "2.50", "3.50", "4.00"],
)
def test_an_index_exactly_on_a_boundary_follows_the_reading_in_use(levels, index, issued, draft):
    draft_spec = dataclasses.replace(pemdi(), bands=DRAFT_BANDS)

    result = scoring.compute(pemdi(), levels)

    assert result.index.value == Fraction(index)
    assert result.index.predicate == issued
    assert scoring.compute(draft_spec, levels).index.predicate == draft


def test_spbe_2020_bands_and_results_are_unchanged():
    spbe = parse_framework_file(shipped_path("spbe-2020")).to_spec()
    assert all(band.inclusive for band in spbe.bands)
    assert scoring.predicate(Fraction("4.2"), spbe.bands) == "Memuaskan"
    assert scoring.predicate(Fraction("1.7975"), spbe.bands) == "Kurang"
    assert scoring.predicate(Fraction("0.99"), spbe.bands) is None


# --- The calculator command -----------------------------------------------------------------

EARLY = values(I1=1, I2=1, I5=1, I6=1, I7=1, I11=1, I17=2, I18=1)


def csv_text(rows, header=("id", *CODES)):
    lines = [",".join(header)]
    lines += [",".join(str(cell) for cell in row) for row in rows]
    return "\n".join(lines) + "\n"


def row(row_id, levels):
    return [row_id, *(levels[c] for c in CODES)]


def run_in_process(tmp_path, text, *extra):
    path = tmp_path / "pemdi.csv"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    failure = None
    try:
        call_command(
            "spbe_index",
            "--framework",
            "pemdi-2026",
            "--input",
            str(path),
            *extra,
            stdout=out,
            stderr=err,
        )
    except CommandError as exc:
        failure = exc
    return out.getvalue(), failure


def records(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.mark.django_db
@pytest.mark.parametrize("loaded", [False, True], ids=["from-file", "from-catalogue"])
def test_calculator_gives_aspects_a1_to_a7_and_no_domains(tmp_path, loaded):
    if loaded:
        call_command("load_framework", "pemdi-2026", stdout=StringIO())
    text = csv_text([row("awal", EARLY), row("nol", values(0)), row("lima", values(5))])

    stdout, failure = run_in_process(tmp_path, text)

    assert failure is None
    early, zero, five = records(stdout)
    assert early == {
        "id": "awal",
        "index": "0.35",
        "index_exact": "0.35",
        "predicate": None,
        "domains": {},
        "aspects": {
            "A1": "1.00",
            "A2": "0.00",
            "A3": "0.73",
            "A4": "0.20",
            "A5": "0.00",
            "A6": "0.73",
            "A7": "0.00",
        },
    }
    assert (zero["index"], zero["predicate"]) == ("0.00", None)
    assert (five["index"], five["predicate"]) == ("5.00", "Memuaskan")


@pytest.mark.django_db
def test_calculator_refuses_values_outside_0_to_5(tmp_path):
    text = csv_text(
        [row("enam", values(1, I4=6)), row("minus", values(1, I4=-1)), row("ok", values(1))]
    )

    stdout, failure = run_in_process(tmp_path, text)

    assert "2 row(s) could not be computed" in str(failure)
    six, minus, ok = records(stdout)
    assert "I4" in six["error"] and "tingkat 6" in six["error"] and "0–5" in six["error"]
    assert "tingkat -1" in minus["error"]
    assert (ok["index"], ok["predicate"]) == ("1.00", "Kurang")


@pytest.mark.django_db
def test_calculator_refuses_spbe_columns_for_pemdi(tmp_path):
    stdout, failure = run_in_process(tmp_path, csv_text([["x", 1]], header=("id", "1")))

    assert stdout == ""
    assert "unknown indicator column(s): 1" in str(failure)
    assert "Expected columns: id, I1, I2" in str(failure)


@pytest.mark.django_db
def test_calculator_table_has_no_domain_columns(tmp_path):
    stdout, failure = run_in_process(tmp_path, csv_text([row("awal", EARLY)]), "--format", "table")

    assert failure is None
    header, line = stdout.splitlines()
    assert header.split() == ["id", "index", "predicate", "A1", "A2", "A3", "A4", "A5", "A6", "A7"]
    assert line.split() == [
        "awal",
        "0.35",
        "-",
        "1.00",
        "0.00",
        "0.73",
        "0.20",
        "0.00",
        "0.73",
        "0.00",
    ]


def test_calculator_as_a_separate_process(db, tmp_path):
    """Exit codes and output as a user sees them (needs PostgreSQL for the child)."""
    settings = connection.settings_dict
    if settings["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the child process needs a database it can reach (PostgreSQL)")
    auth = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        auth += ":" + quote(settings["PASSWORD"], safe="")
    host = settings["HOST"] or "127.0.0.1"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{host}{port}/{settings['NAME']}",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "test-only",
    }
    path = tmp_path / "pemdi.csv"
    path.write_text(csv_text([row("awal", EARLY), row("buruk", values(1, I1=9))]))

    done = subprocess.run(
        [sys.executable, "manage.py", "spbe_index", "--framework", "pemdi-2026", "--input", path],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1, done.stderr
    assert "1 row(s) could not be computed" in done.stderr, done.stderr
    early, bad = records(done.stdout)
    assert (early["index"], early["predicate"], early["domains"]) == ("0.35", None, {})
    assert list(early["aspects"]) == [f"A{n}" for n in range(1, 8)]
    assert "I1" in bad["error"] and "0–5" in bad["error"]


def test_notes_say_the_rounding_rule_in_use_is_unverified():
    notes = parse_framework_file(shipped_path("pemdi-2026")).notes
    rounding = [n for n in notes if "pembulatan" in n]
    assert len(rounding) == 1
    assert "BELUM TERVERIFIKASI" in rounding[0] and "half-up" in rounding[0]
