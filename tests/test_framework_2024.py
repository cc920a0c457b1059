"""`spbe-2024`: PermenPANRB 59/2020 as applied by Pedoman MenPANRB 3/2024.
Every text is checked against the guideline's extracted text; the structure
is checked equal to spbe-2020's; loading it stores the guideline texts and
the keyed evidence criteria, and leaves a frozen spbe-2020 alone."""

import json
import re
from decimal import Decimal
from functools import cache
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from indicators.framework_file import parse_framework_file, shipped_path
from indicators.models import EvidenceCriterion, FrameworkVersion, Indicator, LevelCriterion
from tests.conftest import KALTIM_2024_FINAL
from tests.factories import EvaluationPeriodFactory

SOURCE_NAME = "Pedoman-MenPANRB-3-2024.txt"
REPO_ROOT = Path(__file__).resolve().parents[1]
PAGE_FURNITURE = re.compile(r"^(=== PAGE \d+ ===|-\d+-|jdih\.menpan\.go\.id)$")


def source_path() -> Path:
    # ../shared beside the clone; a git worktree sits one folder deeper.
    for folder in [REPO_ROOT, *REPO_ROOT.parents]:
        candidate = folder.parent / "shared" / "spbe" / "sources" / SOURCE_NAME
        if candidate.exists():
            return candidate
    raise AssertionError(f"{SOURCE_NAME} not found in shared/spbe/sources/ beside the repository")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@cache
def source_text() -> str:
    """The guideline as one line: page furniture dropped, lines joined with a
    space, or without one after a line-end hyphen (aktivitas-/aktivitas)."""
    joined = ""
    for line in source_path().read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or PAGE_FURNITURE.match(line):
            continue
        joined += line if joined.endswith("-") else " " + line
    return squash(joined)


@cache
def data() -> dict:
    return json.loads(shipped_path("spbe-2024").read_text(encoding="utf-8"))


def indicators(raw: dict) -> dict[str, dict]:
    return {i["code"]: i for d in raw["domains"] for a in d["aspects"] for i in a["indicators"]}


def item_count() -> int:
    guides = [g for i in indicators(data()).values() for g in i["level_guidance"]]
    return sum(len(g["evidence_criteria"]) for g in guides)


def texts_of(indicator: dict):
    """(where, text) for every text the file takes from the guideline."""
    code = indicator["code"]
    for key in ("description", "assessment_rule", "evidence_examples"):
        yield f"{code} {key}", indicator[key]
    for level, criterion in enumerate(indicator["criteria"], start=1):
        yield f"{code}.{level} criterion", criterion
    for level, guide in enumerate(indicator["level_guidance"], start=1):
        yield f"{code}.{level} fulfilment", guide["fulfilment"]
        items = guide["evidence_criteria"]
        for number, item in enumerate(items, start=1):
            # A numbered item must carry its own number in the source: "2)" or "2.".
            if len(items) == 1:
                yield f"{code}.{level}.{number}", item
            else:
                yield f"{code}.{level}.{number}", (f"{number}) {item}", f"{number}. {item}")


def test_every_text_occurs_verbatim_in_the_guideline():
    source = source_text()
    missing = []
    for indicator in indicators(data()).values():
        for where, text in texts_of(indicator):
            if isinstance(text, tuple):
                if not any(squash(form) in source for form in text):
                    missing.append(f"{where}: {text[0][:80]}")
                continue
            # A newline starts a list item; each item is one unbroken run of the
            # source (the extractor moved one block of page 11 elsewhere).
            for piece in text.split("\n"):
                if squash(piece) not in source:
                    missing.append(f"{where}: {piece[:80]}")
    assert missing == []


def test_the_file_has_every_guideline_text_for_all_47_indicators():
    by_code = indicators(data())
    assert list(by_code) == [str(n) for n in range(1, 48)]
    for indicator in by_code.values():
        assert all(indicator[k].strip() for k in ("description", "assessment_rule"))
        assert len(indicator["level_guidance"]) == 5
        assert all(g["fulfilment"] and g["evidence_criteria"] for g in indicator["level_guidance"])
    # Every level has at least one item, many have several numbered ones.
    assert item_count() > 5 * 47


def test_indicator_1_level_4_evidence_is_four_numbered_items():
    items = indicators(data())["1"]["level_guidance"][3]["evidence_criteria"]
    assert len(items) == 4
    assert "masih berlaku (<2 tahun)" in items[1]
    assert items[2].startswith("Hasil evaluasi/reviu yang berisi konten isu/permasalahan")
    assert items[3].endswith("(opsional).")
    assert not any(re.match(r"^\d+\)", item) for item in items)


def test_2024_wording_differs_from_2020_where_the_guideline_rewrote_it():
    old = indicators(json.loads(shipped_path("spbe-2020").read_text(encoding="utf-8")))
    new = indicators(data())
    changed = {
        (code, level)
        for code in new
        for level in range(5)
        if squash(new[code]["criteria"][level]) != squash(old[code]["criteria"][level])
    }
    assert len(changed) > 60
    # The examples, each rewritten at level 3 or above.
    for code in ("17", "18", "23", "39", "43"):
        assert any((code, level) in changed for level in (2, 3, 4)), code


def test_structure_weights_capabilities_and_bands_equal_spbe_2020():
    old = parse_framework_file(shipped_path("spbe-2020"))
    new = parse_framework_file(shipped_path("spbe-2024"))
    assert new.comparable_with == "spbe-2020"
    assert new.to_spec().domains == old.to_spec().domains
    assert new.to_spec().aspects == old.to_spec().aspects
    assert new.to_spec().indicators == old.to_spec().indicators
    assert new.bands == old.bands and new.level_names == old.level_names
    assert [(i.code, i.name, i.question, i.capability) for i in new.indicators] == [
        (i.code, i.name, i.question, i.capability) for i in old.indicators
    ]


# --- Loading ------------------------------------------------------------------------


def load(code, file=None) -> str:
    out = StringIO()
    args = [code] if file is None else [code, "--file", str(file)]
    call_command("load_framework", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_loading_stores_the_guideline_and_keyed_evidence_criteria():
    output = load("spbe-2024")
    assert "Loaded framework spbe-2024: 4 domains, 8 aspects, 47 indicators." in output
    framework = FrameworkVersion.objects.get(code="spbe-2024")
    assert framework.comparable_with == "spbe-2020" and framework.instrument == "spbe-2020"
    first = Indicator.objects.get(framework=framework, code="1")
    assert first.description.startswith("a. Arsitektur SPBE adalah kerangka dasar")
    assert first.assessment_rule.startswith("Penilaian dilakukan terhadap pengaturan/norma")
    assert "Data Pendukung dapat disampaikan" in first.evidence_examples
    level4 = LevelCriterion.objects.get(indicator=first, level=4)
    assert level4.fulfilment.startswith("Instansi Pusat/Pemerintah Daerah sudah memiliki arah")
    items = list(level4.evidence_criteria.values_list("key", "number"))
    assert items == [("1.4.1", 1), ("1.4.2", 2), ("1.4.3", 3), ("1.4.4", 4)]
    expected = item_count()
    criteria = EvidenceCriterion.objects.filter(criterion__indicator__framework=framework)
    assert criteria.count() == expected
    assert criteria.values("key").distinct().count() == expected
    assert load("spbe-2024").startswith("Framework spbe-2024 is already up to date")


@pytest.mark.django_db
def test_keys_are_the_same_after_a_reload():
    load("spbe-2024")
    first = sorted(EvidenceCriterion.objects.values_list("key", "text"))
    # Stored rows that differ from the file: the reload replaces them.
    EvidenceCriterion.objects.filter(key="1.4.2").update(text="diubah")
    FrameworkVersion.objects.filter(code="spbe-2024").update(source_sha256="changed")
    assert load("spbe-2024").startswith("Reloaded framework spbe-2024")
    assert sorted(EvidenceCriterion.objects.values_list("key", "text")) == first


@pytest.mark.django_db
def test_loading_2024_leaves_a_frozen_spbe_2020_untouched():
    load("spbe-2020")
    old = FrameworkVersion.objects.get(code="spbe-2020")
    EvaluationPeriodFactory(framework=old, year=2023)
    before = list(LevelCriterion.objects.filter(indicator__framework=old).values())
    call_command("load_frameworks", stdout=StringIO())
    assert FrameworkVersion.objects.get(code="spbe-2020").loaded_at == old.loaded_at
    assert list(LevelCriterion.objects.filter(indicator__framework=old).values()) == before
    assert FrameworkVersion.objects.filter(code="spbe-2024").exists()


def write(tmp_path, raw) -> Path:
    path = tmp_path / "framework.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def changed_copy(change) -> dict:
    raw = json.loads(shipped_path("spbe-2024").read_text(encoding="utf-8"))
    change(raw)
    return raw


def _move_weight(raw):
    ind = indicators(raw)
    ind["1"]["weight"] = str(Decimal(ind["1"]["weight"]) + Decimal("0.1"))
    ind["2"]["weight"] = str(Decimal(ind["2"]["weight"]) - Decimal("0.1"))


def _capability(raw):
    indicators(raw)["1"]["capability"] = "service"


def _band(raw):
    raw["predicate_bands"][1]["lower"] = "1.9"


def _unknown_target(raw):
    raw["comparable_with"] = "spbe-1999"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, message",
    [
        (_move_weight, "struktur, bobot, kapabilitas"),
        (_capability, "struktur, bobot, kapabilitas"),
        (_band, "struktur, bobot, kapabilitas"),
        (_unknown_target, "Kerangka pembanding spbe-1999 tidak dikenal"),
    ],
)
def test_a_comparable_version_that_differs_is_refused(tmp_path, change, message):
    load("spbe-2020")
    with pytest.raises(CommandError, match=message):
        load("spbe-2024", write(tmp_path, changed_copy(change)))
    assert not FrameworkVersion.objects.filter(code="spbe-2024").exists()


@pytest.mark.django_db
def test_comparability_is_checked_against_the_shipped_file_when_not_loaded(tmp_path):
    with pytest.raises(CommandError, match="struktur, bobot"):
        load("spbe-2024", write(tmp_path, changed_copy(_capability)))
    load("spbe-2024")
    assert not FrameworkVersion.objects.filter(code="spbe-2020").exists()


@pytest.mark.django_db
def test_a_chain_of_comparable_versions_is_refused_naming_the_first(tmp_path):
    load("spbe-2020")
    load("spbe-2024")
    raw = changed_copy(lambda r: r.update(code="spbe-2025", comparable_with="spbe-2024"))
    with pytest.raises(CommandError, match="spbe-2024 sendiri sebanding dengan spbe-2020"):
        load("spbe-2025", write(tmp_path, raw))
    raw["comparable_with"] = "spbe-2020"
    load("spbe-2025", write(tmp_path, raw))
    assert FrameworkVersion.objects.get(code="spbe-2025").instrument == "spbe-2020"


def _four_guides(raw):
    indicators(raw)["3"]["level_guidance"].pop()


def _empty_items(raw):
    indicators(raw)["4"]["level_guidance"][0]["evidence_criteria"] = []


def _misspelt(raw):
    guide = indicators(raw)["5"]["level_guidance"][1]
    guide["fulfillment"] = guide.pop("fulfilment")


def _self(raw):
    raw["comparable_with"] = "spbe-2024"


def _description_not_text(raw):
    indicators(raw)["6"]["description"] = ["a."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, message",
    [
        (_four_guides, "indikator 3: 'level_guidance' harus memuat tepat 5 entri"),
        (_empty_items, "indikator 4, panduan tingkat 1: 'evidence_criteria' harus"),
        (_misspelt, "indikator 5, panduan tingkat 2: kunci tidak dikenal: fulfillment"),
        (_self, "'comparable_with' tidak boleh menunjuk kerangka itu sendiri"),
        (_description_not_text, "indikator 6: 'description' harus berupa teks"),
    ],
)
def test_malformed_guideline_is_refused_naming_the_entry(tmp_path, change, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        load("spbe-2024", write(tmp_path, changed_copy(change)))
    assert not FrameworkVersion.objects.exists()


# --- API ----------------------------------------------------------------------------


@pytest.fixture
def reader(django_user_model):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_user("pembaca"))
    return client


@pytest.mark.django_db
def test_api_returns_the_whole_2024_framework_with_a_fixed_query_count(
    reader, django_assert_max_num_queries
):
    from django.urls import reverse

    load("spbe-2024")
    with django_assert_max_num_queries(10):
        response = reader.get(reverse("api:framework-detail", args=["spbe-2024"]))
    assert response.status_code == 200
    body = response.json()
    assert body["comparable_with"] == "spbe-2020" and body["instrument"] == "spbe-2020"
    assert len(body["indicators"]) == 47
    shipped = indicators(data())
    for got in body["indicators"]:
        want = shipped[got["code"]]
        for key in ("description", "assessment_rule", "evidence_examples"):
            assert got[key] == want[key]
        assert [lv["text"] for lv in got["levels"]] == want["criteria"]
        assert got["criteria"] == {str(n): t for n, t in enumerate(want["criteria"], start=1)}
        for lv, guide in zip(got["levels"], want["level_guidance"], strict=True):
            assert lv["fulfilment"] == guide["fulfilment"]
            assert [c["text"] for c in lv["evidence_criteria"]] == guide["evidence_criteria"]
            assert [c["key"] for c in lv["evidence_criteria"]] == [
                f"{got['code']}.{lv['level']}.{n}"
                for n in range(1, len(lv["evidence_criteria"]) + 1)
            ]


@pytest.mark.django_db
def test_api_levels_of_a_framework_without_guideline_are_plain(reader):
    from django.urls import reverse

    load("spbe-2020")
    body = reader.get(reverse("api:framework-detail", args=["spbe-2020"])).json()
    assert body["comparable_with"] == "" and body["instrument"] == "spbe-2020"
    level = body["indicators"][0]["levels"][0]
    assert level["level"] == 1 and level["fulfilment"] == "" and level["evidence_criteria"] == []


# --- Calculator -----------------------------------------------------------------------

CODES = parse_framework_file(shipped_path("spbe-2020")).to_spec().indicator_codes


def spbe_index(framework: str, rows: list[list[int]], tmp_path: Path) -> list[dict]:
    path = tmp_path / f"{framework}.csv"
    lines = [",".join(["id", *CODES])]
    lines += [",".join([f"r{n}", *map(str, levels)]) for n, levels in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = StringIO()
    call_command("spbe_index", "--framework", framework, "--input", str(path), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.django_db
def test_spbe_index_gives_the_same_results_for_2024_and_2020_for_every_set_of_levels(tmp_path):
    """A property over sets of levels, first read from the shipped files (no
    version loaded), then from the loaded versions."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    levels = st.lists(st.integers(min_value=1, max_value=5), min_size=47, max_size=47)

    @settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.lists(levels, min_size=1, max_size=8))
    def same(rows):
        assert spbe_index("spbe-2024", rows, tmp_path) == spbe_index("spbe-2020", rows, tmp_path)

    same()
    load("spbe-2020")
    load("spbe-2024")
    same()
    # The published Kaltim 2024 figure (FRAMEWORK.md) from the 2024 version.
    (record,) = spbe_index("spbe-2024", [KALTIM_2024_FINAL], tmp_path)
    assert (record["index"], record["predicate"]) == ("3.79", "Sangat Baik")
