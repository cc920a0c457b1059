"""`manage.py load_framework`: the shipped PermenPANRB 59/2020 catalogue, the
no-op reload, and every refusal leaving the database exactly as it was."""

import copy
import json
from decimal import Decimal
from functools import cache
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from indicators.framework_file import shipped_codes, shipped_path
from indicators.models import (
    Aspect,
    Domain,
    FrameworkVersion,
    Indicator,
    LevelCriterion,
    LevelName,
    PredicateBand,
)

pytestmark = pytest.mark.django_db

CATALOGUE = (FrameworkVersion, Domain, Aspect, Indicator, LevelCriterion, LevelName, PredicateBand)


@cache
def _shipped_text() -> str:
    return shipped_path("spbe-2020").read_text(encoding="utf-8")


def shipped_data() -> dict:
    return copy.deepcopy(json.loads(_shipped_text()))


def load(code, file=None) -> str:
    out = StringIO()
    args = [code] if file is None else [code, "--file", str(file)]
    call_command("load_framework", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def write(tmp_path, data, name="framework.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def snapshot() -> dict:
    """Every catalogue row with all its values, so 'unchanged' means unchanged."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in CATALOGUE}


def aspect(data, code):
    return next(a for d in data["domains"] for a in d["aspects"] if a["code"] == code)


def indicator(data, code):
    return next(
        i
        for d in data["domains"]
        for a in d["aspects"]
        for i in a["indicators"]
        if i["code"] == code
    )


def domain(data, code):
    return next(d for d in data["domains"] if d["code"] == code)


# --- The shipped catalogue ----------------------------------------------------------


def test_loads_the_shipped_spbe_2020_catalogue():
    output = load("spbe-2020")

    assert "Loaded framework spbe-2020: 4 domains, 8 aspects, 47 indicators." in output
    framework = FrameworkVersion.objects.get(code="spbe-2020")
    assert (framework.level_min, framework.level_max) == (1, 5)
    assert framework.domains.count() == 4
    assert framework.aspects.count() == 8
    assert framework.indicators.count() == 47
    assert LevelCriterion.objects.filter(indicator__framework=framework).count() == 235
    assert framework.level_names.count() == 10
    assert list(framework.bands.values_list("lower_bound", "label")) == [
        (Decimal("1.0"), "Kurang"),
        (Decimal("1.8"), "Cukup"),
        (Decimal("2.6"), "Baik"),
        (Decimal("3.5"), "Sangat Baik"),
        (Decimal("4.2"), "Memuaskan"),
    ]
    assert list(framework.indicators.values_list("code", flat=True)) == [
        str(n) for n in range(1, 48)
    ]


def test_weights_add_up():
    load("spbe-2020")
    framework = FrameworkVersion.objects.get(code="spbe-2020")

    assert sum(d.weight for d in framework.domains.all()) == 100
    for d in framework.domains.all():
        assert d.weight == sum(a.weight for a in d.aspects.all()), d.code
    for a in framework.aspects.all():
        assert a.weight == sum(i.weight for i in a.indicators.all()), a.code
    assert {d.code: d.weight for d in framework.domains.all()} == {
        "D1": Decimal("13"),
        "D2": Decimal("25"),
        "D3": Decimal("16.5"),
        "D4": Decimal("45.5"),
    }
    weight_of = dict(framework.indicators.values_list("code", "weight"))
    assert [weight_of[c] for c in ("1", "11", "21", "32", "42")] == [
        Decimal("1.30"),
        Decimal("2.50"),
        Decimal("1.50"),
        Decimal("2.75"),
        Decimal("3.00"),
    ]
    assert Indicator.objects.get(framework=framework, code="29").aspect.code == "A6"


def test_indicator_1_carries_the_regulations_question_and_criteria():
    load("spbe-2020")
    first = Indicator.objects.get(framework__code="spbe-2020", code="1")

    assert first.name.startswith("Tingkat Kematangan Kebijakan Internal Arsitektur SPBE")
    assert first.question == (
        "Apakah Instansi Pusat/Pemerintah Daerah memiliki kebijakan internal "
        "Arsitektur SPBE Instansi Pusat/Pemerintah Daerah?"
    )
    assert first.capability == "process"
    criteria = dict(first.criteria.values_list("level", "text"))
    assert sorted(criteria) == [1, 2, 3, 4, 5]
    assert criteria[1].startswith("Konsep kebijakan internal terkait Arsitektur SPBE")
    assert criteria[2].startswith("Kebijakan internal Arsitektur SPBE")
    assert "telah ditetapkan" in criteria[2]
    assert criteria[3].startswith("Kriteria tingkat 2 telah terpenuhi")
    assert criteria[5].startswith("Kriteria tingkat 4 telah terpenuhi")
    assert Indicator.objects.get(framework__code="spbe-2020", code="42").capability == "service"


def test_loading_twice_changes_nothing():
    load("spbe-2020")
    before = snapshot()

    output = load("spbe-2020")

    assert "already up to date" in output
    assert snapshot() == before


def test_load_frameworks_loads_every_shipped_framework_idempotently():
    call_command("load_frameworks", stdout=StringIO())
    before = snapshot()
    call_command("load_frameworks", stdout=StringIO())

    assert sorted(FrameworkVersion.objects.values_list("code", flat=True)) == shipped_codes()
    assert snapshot() == before


# --- Refusals -------------------------------------------------------------------------


def _aspect_weight_mismatch(data):
    indicator(data, "11")["weight"] = "2.60"


def _domain_weight_mismatch(data):
    domain(data, "D3")["weight"] = "17.00"


def _total_not_100(data):
    # Consistent all the way up, only the whole comes to 101.
    indicator(data, "1")["weight"] = "2.30"
    aspect(data, "A1")["weight"] = "14.00"
    domain(data, "D1")["weight"] = "14.00"


def _duplicated_indicator(data):
    indicator(data, "12")["code"] = "11"


def _four_criteria(data):
    indicator(data, "7")["criteria"] = indicator(data, "7")["criteria"][:4]


def _unordered_bands(data):
    bands = data["predicate_bands"]
    bands[1], bands[2] = bands[2], bands[1]


def _bands_not_covering_scale(data):
    del data["predicate_bands"][0]


def _code_mismatch(data):
    data["code"] = "spbe-2020-draft"


def _invalid_json(data):
    return json.dumps(data)[:-2]


REFUSALS = [
    pytest.param(
        _aspect_weight_mismatch,
        ["aspek A2", "bobot 10 tidak sama dengan jumlah bobot indikatornya 10.1"],
        id="aspect-weight",
    ),
    pytest.param(
        _domain_weight_mismatch,
        ["domain D3", "bobot 17 tidak sama dengan jumlah bobot aspeknya 16.5"],
        id="domain-weight",
    ),
    pytest.param(_total_not_100, ["kerangka spbe-2020", "jumlah bobot 101"], id="total"),
    pytest.param(
        _duplicated_indicator, ["kode indikator 11", "lebih dari sekali"], id="duplicate-code"
    ),
    pytest.param(
        _four_criteria, ["indikator 7", "tepat 5 teks kriteria", "(ada 4)"], id="four-criteria"
    ),
    pytest.param(_unordered_bands, ["rentang predikat harus urut naik"], id="unordered-bands"),
    pytest.param(
        _bands_not_covering_scale,
        ["tidak menutup skala", "terendah 1.8 > 1"],
        id="bands-not-covering",
    ),
    pytest.param(_invalid_json, ["bukan JSON yang sah"], id="invalid-json"),
    pytest.param(_code_mismatch, ["'spbe-2020-draft'", "not 'spbe-2020'"], id="code-mismatch"),
]


def _refused(tmp_path, mutate, expected):
    data = shipped_data()
    replaced = mutate(data)
    path = write(tmp_path, replaced if replaced is not None else data)
    with pytest.raises(CommandError) as caught:
        load("spbe-2020", file=path)
    message = str(caught.value)
    for fragment in expected:
        assert fragment in message
    assert "nothing was written" in message
    return message


@pytest.mark.parametrize(("mutate", "expected"), REFUSALS)
def test_refused_file_writes_nothing(tmp_path, mutate, expected):
    _refused(tmp_path, mutate, expected)

    for model in CATALOGUE:
        assert not model.objects.exists(), model.__name__


@pytest.mark.parametrize(("mutate", "expected"), REFUSALS)
def test_refused_file_leaves_the_loaded_version_unchanged(tmp_path, mutate, expected):
    load("spbe-2020")
    before = snapshot()

    _refused(tmp_path, mutate, expected)

    assert snapshot() == before


def test_refusal_lists_every_problem_at_once(tmp_path):
    data = shipped_data()
    _aspect_weight_mismatch(data)
    _four_criteria(data)

    with pytest.raises(CommandError) as caught:
        load("spbe-2020", file=write(tmp_path, data))

    assert "aspek A2" in str(caught.value)
    assert "indikator 7" in str(caught.value)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No framework file"):
        load("spbe-2020", file=tmp_path / "absent.json")
    assert not FrameworkVersion.objects.exists()


# --- Changes and other shapes ------------------------------------------------------------


def test_changed_file_reloads_when_unused(tmp_path):
    load("spbe-2020")
    old = FrameworkVersion.objects.get(code="spbe-2020")
    data = shipped_data()
    indicator(data, "1")["question"] = "Pertanyaan yang diperbaiki?"

    output = load("spbe-2020", file=write(tmp_path, data))

    assert "Reloaded framework spbe-2020" in output
    new = FrameworkVersion.objects.get(code="spbe-2020")
    assert new.source_sha256 != old.source_sha256
    assert Indicator.objects.get(framework=new, code="1").question == "Pertanyaan yang diperbaiki?"
    # The old catalogue is replaced, not merged into.
    assert FrameworkVersion.objects.count() == 1
    assert Indicator.objects.count() == 47
    assert LevelCriterion.objects.count() == 235


def test_framework_without_domains_loads(tmp_path):
    def flat_indicator(code, weight, capability):
        return {
            "code": code,
            "name": f"Indikator {code}",
            "question": f"Pertanyaan {code}?",
            "capability": capability,
            "weight": weight,
            "criteria": [f"Kriteria {code} tingkat {level}" for level in range(0, 4)],
        }

    data = {
        "format": 1,
        "code": "flat-test",
        "name": "Kerangka tanpa domain",
        "levels": {"min": 0, "max": 3},
        "level_names": {
            "process": {"0": "Nol", "1": "Satu", "2": "Dua", "3": "Tiga"},
            "service": {"0": "Nol", "1": "Satu", "2": "Dua", "3": "Tiga"},
        },
        "predicate_bands": [{"lower": "0", "label": "Rendah"}, {"lower": "2", "label": "Tinggi"}],
        "aspects": [
            {
                "code": "X",
                "name": "Aspek X",
                "weight": "60",
                "indicators": [
                    flat_indicator("x1", "20", "process"),
                    flat_indicator("x2", "40", "process"),
                ],
            },
            {
                "code": "Y",
                "name": "Aspek Y",
                "weight": "40",
                "indicators": [flat_indicator("y1", "40", "service")],
            },
        ],
    }

    output = load("flat-test", file=write(tmp_path, data))

    assert "Loaded framework flat-test: 0 domains, 2 aspects, 3 indicators." in output
    framework = FrameworkVersion.objects.get(code="flat-test")
    assert not framework.has_domains
    assert list(framework.aspects.values_list("code", "domain")) == [("X", None), ("Y", None)]
    assert LevelCriterion.objects.filter(indicator__framework=framework).count() == 12
    spec = framework.to_spec()
    assert spec.domains == ()
    assert [i.code for i in spec.indicators] == ["x1", "x2", "y1"]


def test_version_used_by_a_period_cannot_be_changed(tmp_path):
    from tests.factories import EvaluationPeriodFactory

    load("spbe-2020")
    EvaluationPeriodFactory(framework=FrameworkVersion.objects.get(code="spbe-2020"))
    before = snapshot()
    data = shipped_data()
    indicator(data, "1")["question"] = "Pertanyaan yang diubah?"

    with pytest.raises(CommandError, match="sudah dipakai oleh periode evaluasi"):
        load("spbe-2020", file=write(tmp_path, data))

    assert snapshot() == before
    # The unchanged file is still accepted as a no-op.
    assert "already up to date" in load("spbe-2020")


def test_a_change_to_what_is_not_stored_is_accepted_for_a_version_in_use(tmp_path):
    """Only the maintainers' notes live in the file alone; a frozen version
    takes a file whose stored content is unchanged (`load_frameworks` at
    start-up must not fail because a note was added)."""
    from tests.factories import EvaluationPeriodFactory

    load("spbe-2020")
    EvaluationPeriodFactory(framework=FrameworkVersion.objects.get(code="spbe-2020"))
    before = snapshot()
    data = shipped_data()
    data["notes"] = ["Catatan baru bagi pemelihara berkas."]
    path = write(tmp_path, json.dumps(data, indent=2, ensure_ascii=False))

    assert "already up to date" in load("spbe-2020", file=path)

    after = snapshot()
    new_sha = after["FrameworkVersion"][0].pop("source_sha256")
    old_sha = before["FrameworkVersion"][0].pop("source_sha256")
    assert new_sha != old_sha
    assert after == before
    # Any stored text still counts as a change and is refused.
    data["domains"][0]["aspects"][0]["indicators"][0]["criteria"][0] += " (diubah)"
    with pytest.raises(CommandError, match="sudah dipakai oleh periode evaluasi"):
        load("spbe-2020", file=write(tmp_path, data, name="changed.json"))


@pytest.mark.parametrize("code", shipped_codes())
def test_stored_content_of_every_shipped_framework_equals_its_file(code):
    """What makes the notes-only reload safe: for every shipped version the
    stored rows compare equal to the file, so an edited note is accepted even
    for a version in use (the demo's pemdi-2026 period, say)."""
    from indicators import framework_content
    from indicators.framework_file import parse_framework_file

    call_command("load_frameworks", stdout=StringIO())
    framework = FrameworkVersion.objects.get(code=code)
    definition = parse_framework_file(shipped_path(code))
    assert framework_content.of_framework(framework) == framework_content.of_definition(definition)
