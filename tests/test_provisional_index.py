"""The provisional index of a round in progress: the engine's figure
(checked against the plain formula), `compute_index --format json` on an
incomplete basis, and the dashboard that fills as answers come in."""

import json
from fractions import Fraction

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import Answer, Role
from indicators import scoring
from indicators.framework_file import parse_framework_file, shipped_path
from reports.snapshots import snapshot_compute
from tests.factories import PASSWORD, InstansiFactory, officer_of, role_in
from tests.test_compute_index_command import run

SPEC = parse_framework_file(shipped_path("spbe-2020")).to_spec()
WEIGHT = {i.code: Fraction(i.weight) for i in SPEC.indicators}


def plain(levels: dict[str, int]) -> tuple[Fraction | None, Fraction]:
    """Σ w × level / Σ w over the answered indicators, and their weight share."""
    weight = sum((WEIGHT[c] for c in levels), Fraction(0))
    points = sum((WEIGHT[c] * level for c, level in levels.items()), Fraction(0))
    return (points / weight if weight else None), weight * 100 / sum(WEIGHT.values())


partial_levels = st.dictionaries(st.sampled_from(SPEC.indicator_codes), st.integers(1, 5))


@given(partial_levels)
def test_provisional_is_the_weighted_average_of_the_answered(levels):
    found = scoring.provisional(SPEC, levels)
    index, share = plain(levels)
    assert found.index == index
    assert found.weight_share == share
    assert (found.answered, found.total) == (len(levels), 47)
    if index is not None:
        assert min(levels.values()) <= index <= max(levels.values())


@given(st.lists(st.integers(1, 5), min_size=47, max_size=47))
def test_provisional_of_a_complete_set_is_the_index(values):
    levels = dict(zip(SPEC.indicator_codes, values, strict=True))
    found = scoring.provisional(SPEC, levels)
    result = scoring.compute(SPEC, levels)
    assert found.index == result.index.value
    assert found.weight_share == 100
    assert found.aspects == {code: score.value for code, score in result.aspects.items()}
    assert found.domains == {code: score.value for code, score in result.domains.items()}


def test_nothing_answered_and_out_of_range_levels():
    found = scoring.provisional(SPEC, {"1": 9, "2": None})
    assert found.index is None and found.answered == 0 and found.weight_share == 0
    assert set(found.aspects.values()) == {None}


# --- compute_index ------------------------------------------------------------------


@pytest.mark.django_db
def test_compute_index_adds_the_provisional_index(kaltim2024):
    dropped = [str(code) for code in range(24, 48)]  # 23 answered: indicators 1-23
    Answer.objects.filter(period=kaltim2024.period, indicator__code__in=dropped).update(
        validated_level=None
    )
    status, out = run("--period", "2024", "--instansi", "kaltim", "--basis", "validated")
    assert status == 1
    record = json.loads(out)
    assert record["missing"] == dropped and record["index"] is None
    kept = {
        code: answer.validated_level
        for code, answer in kaltim2024.answers.items()
        if code not in dropped
    }
    index, share = plain(kept)
    assert record["provisional"] == {
        "index": scoring.display(index),
        "coverage_indicators": 23,
        "coverage_weight": scoring.display(share),
    }
    assert len(record["provisional"]["index"]) == 4  # "3.12": two decimals


@pytest.mark.django_db
def test_complete_basis_has_no_provisional(kaltim2024):
    status, out = run("--period", "2024", "--instansi", "kaltim", "--basis", "final")
    assert status == 0 and "provisional" not in json.loads(out)


# --- the dashboard ------------------------------------------------------------------


def dashboard_url(period, basis):
    url = reverse("reports:dashboard", kwargs={"instansi": period.instansi.code, "year": 2024})
    return f"{url}?basis={basis}"


@pytest.mark.django_db
def test_dashboard_shows_the_provisional_index_mid_round(client, kaltim2024):
    period = kaltim2024.period
    Answer.objects.filter(period=period, indicator__code__in=["30", "31", "32"]).update(
        proposed_level=None
    )
    snapshot_compute(period_id=period.pk, basis="self")
    assert client.login(
        username=role_in(kaltim2024.instansi, Role.LEADERSHIP).username, password=PASSWORD
    )
    page = client.get(dashboard_url(period, "self")).content.decode()
    kept = {
        code: a.proposed_level
        for code, a in kaltim2024.answers.items()
        if code not in {"30", "31", "32"}
    }
    index, share = plain(kept)
    assert "Indeks sementara" in page
    assert scoring.display(index).replace(".", ",") in page
    assert "44 dari 47 indikator" in page
    assert f"{scoring.display(share).replace('.', ',')}% dari seluruh bobot" in page
    assert "Cara menghitung" in page
    # The charts are drawn from the provisional figures.
    assert 'id="chart-aspects"' in page and 'id="chart-domains"' in page


@pytest.mark.django_db
def test_provisional_index_is_for_readers_of_results_only(client, kaltim2024):
    period = kaltim2024.period
    Answer.objects.filter(period=period, indicator__code="30").update(proposed_level=None)
    snapshot_compute(period_id=period.pk, basis="self")
    for user, status in (
        (officer_of(kaltim2024.opds[0]), 403),
        (role_in(InstansiFactory(code="kaltara"), Role.LEADERSHIP), 404),
    ):
        client.force_login(user)
        assert client.get(dashboard_url(period, "self")).status_code == status
