from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse

from assessments.models import Answer, Role
from indicators import scoring
from reports import planner
from reports.models import IndexSnapshot
from tests.conftest import KALTIM_2024_FINAL
from tests.factories import InstansiFactory, officer_of, role_in


def url(name="planner", instansi="kaltim", year=2024):
    return reverse(f"reports:{name}", kwargs={"instansi": instansi, "year": year})


# --- the pure planner -------------------------------------------------------------


@pytest.fixture
def spec(spbe2020):
    return spbe2020.to_spec()


@pytest.fixture
def final_levels(spec):
    return dict(zip(spec.indicator_codes, KALTIM_2024_FINAL, strict=True))


@pytest.mark.django_db
def test_memuaskan_from_379_needs_16_raises_highest_weights_first(spec, final_levels):
    plan = planner.plan(spec, final_levels, planner.target_from_predicate(spec, "memuaskan"))

    assert plan.reachable and not plan.already_met
    assert plan.steps == 16
    assert plan.result.index.value >= Fraction("4.2")
    assert plan.result.index.predicate == "Memuaskan"
    assert plan.result.index.display == "4.22"
    weights = [r.weight for r in plan.raises]
    assert weights == sorted(weights, reverse=True)
    assert {r.indicator for r in plan.raises if r.weight == Decimal("3.00")} == {"46", "47"}
    assert all(r.to_level == r.from_level + 1 for r in plan.raises)


@pytest.mark.django_db
def test_the_plan_is_minimal(spec, final_levels):
    """No set of 15 one-level raises reaches 4.2: the best 15 fall short."""
    target = Fraction("4.2")
    plan = planner.plan(spec, final_levels, target)
    gains = sorted(
        (
            Fraction(i.weight) / 100
            for i in spec.indicators
            for _ in range(spec.level_max - final_levels[i.code])
        ),
        reverse=True,
    )
    current = scoring.compute(spec, final_levels).index.value
    assert current + sum(gains[: plan.steps - 1]) < target
    assert current + sum(gains[: plan.steps]) >= target


@pytest.mark.django_db
def test_target_met_or_unreachable(spec, final_levels):
    met = planner.plan(spec, final_levels, Fraction(3))
    assert met.already_met and met.raises == () and met.steps == 0

    top = dict.fromkeys(spec.indicator_codes, 5)
    top["1"] = 4
    unreachable = planner.plan(spec, top, Fraction(5) + Fraction(1, 100))
    assert not unreachable.reachable and unreachable.raises == ()

    exact_top = planner.plan(spec, top, Fraction(5))
    assert exact_top.reachable and exact_top.steps == 1


@pytest.mark.django_db
def test_an_exclusive_band_needs_more_than_its_bound(spec):
    levels = dict.fromkeys(spec.indicator_codes, 5)
    levels["46"] = levels["47"] = 4  # 5 - 0.06 = 4.94; one raise gives exactly 4.97
    bound = Fraction("4.97")
    inclusive = planner.plan(spec, levels, planner.Target(bound))
    exclusive = planner.plan(spec, levels, planner.Target(bound, strict=True))
    assert inclusive.steps == 1 and inclusive.result.index.value == bound
    assert exclusive.steps == 2 and exclusive.result.index.value == 5


@pytest.mark.django_db
def test_equal_weights_prefer_the_lowest_level(spec):
    levels = dict.fromkeys(spec.indicator_codes, 5)
    levels["46"], levels["47"] = 4, 2  # both weight 3
    plan = planner.plan(spec, levels, Fraction("4.91"))
    assert [(r.indicator, r.from_level, r.to_level) for r in plan.raises] == [("47", 2, 3)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"), [("4", Fraction(4)), ("4,2", Fraction("4.2")), (" 3.50 ", Fraction(7, 2))]
)
def test_parse_target_accepts_both_decimal_separators(spec, text, expected):
    assert planner.parse_target(text, spec) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "abc", "1.234,5", "6", "0.5", "NaN", "Infinity"])
def test_parse_target_refuses_nonsense(spec, text):
    with pytest.raises(planner.PlanError):
        planner.parse_target(text, spec)


@pytest.mark.django_db
def test_what_if_replaces_levels_and_checks_them(spec, final_levels):
    result = planner.what_if(spec, final_levels, {"47": 5})
    assert result.index.exact == Decimal("3.8185")
    with pytest.raises(scoring.LevelOutOfRange):
        planner.what_if(spec, final_levels, {"47": 6})


# --- the page ---------------------------------------------------------------------------


@pytest.fixture
def leader(kaltim2024):
    return role_in(kaltim2024.instansi, Role.LEADERSHIP)


@pytest.mark.django_db
def test_planner_page_lists_raises_with_criteria_and_owner(client, kaltim2024, leader):
    client.force_login(leader)

    response = client.get(
        url(), {"basis": "final", "target_kind": "predicate", "predicate": "Memuaskan"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "16 kenaikan satu tingkat" in html
    assert "4,22" in html  # resulting index
    assert "3,79" in html  # current index
    # Indicator 47 (weight 3) goes 4 -> 5; its level-5 criterion and owner are shown.
    rows = {r["indicator"].code: r for r in response.context["raises"]}
    assert rows["47"]["raise"].from_level == 4 and rows["47"]["raise"].to_level == 5
    assert [c.level for c in rows["47"]["criteria"]] == [5]
    assert rows["47"]["criteria"][0].text in html
    assert rows["47"]["owner"] == "BKD"  # index 46 -> opds[46 % 4]


@pytest.mark.django_db
def test_planner_index_target_and_default(client, kaltim2024, leader):
    client.force_login(leader)

    by_value = client.get(url(), {"basis": "final", "target_kind": "value", "target": "3,9"})
    assert by_value.status_code == 200
    assert by_value.context["plan"].result.index.value >= Fraction("3.9")

    default = client.get(url(), {"basis": "final"})
    # The period's target (3.00) is already met, so the next band (Memuaskan) is proposed.
    assert default.context["target_predicate"] == "Memuaskan"


@pytest.mark.django_db
def test_bad_target_is_a_clear_400(client, kaltim2024, leader):
    client.force_login(leader)

    response = client.get(url(), {"target_kind": "value", "target": "sembilan"})

    assert response.status_code == 400
    assert "bukan angka" in response.content.decode()
    response = client.get(url(), {"target_kind": "predicate", "predicate": "Luar Biasa"})
    assert response.status_code == 400
    assert "tidak dikenal" in response.content.decode()


@pytest.mark.django_db
def test_missing_levels_are_assumed_lowest_and_said(client, kaltim2024, leader):
    Answer.objects.filter(pk=kaltim2024.answers["3"].pk).update(final_level=None)
    client.force_login(leader)

    response = client.get(url(), {"basis": "final"})

    assert response.status_code == 200
    assert response.context["assumed"] == ["3"]


def db_state():
    return (
        list(
            Answer.objects.order_by("pk").values_list(
                "pk", "proposed_level", "validated_level", "final_level", "version", "updated_at"
            )
        ),
        IndexSnapshot.objects.count(),
    )


@pytest.mark.django_db
def test_what_if_recomputes_without_saving(client, kaltim2024, leader):
    client.force_login(leader)
    before = db_state()

    response = client.get(
        url("what_if"), {"basis": "final", "level-47": "5", "level-1": "5"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    html = response.content.decode()
    # 3.7885 + 0.03 + 0.013 = 3.8315
    assert "3,83" in html
    assert "+0,0430" in html or "0,0430" in html
    assert 'id="what-if-result"' in html and "<html" not in html
    assert db_state() == before


@pytest.mark.django_db
def test_what_if_without_htmx_renders_the_whole_page(client, kaltim2024, leader):
    client.force_login(leader)
    response = client.get(url("what_if"), {"basis": "final", "level-47": "5"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert response.context["whatif"]["result"]["index"] == Decimal("3.82")


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["9", "x", "0"])
def test_what_if_refuses_bad_levels_and_changes_nothing(client, kaltim2024, leader, value):
    client.force_login(leader)
    before = db_state()

    htmx = client.get(url("what_if"), {"level-5": value}, HTTP_HX_REQUEST="true")
    plain = client.get(url("what_if"), {"level-5": value})

    assert htmx.status_code == 200 and "Indikator 5" in htmx.content.decode()
    assert plain.status_code == 400
    assert db_state() == before


@pytest.mark.django_db
def test_planner_outsiders(client, kaltim2024):
    client.force_login(officer_of(kaltim2024.opds[1]))
    assert client.get(url()).status_code == 403
    assert client.get(url("what_if")).status_code == 403
    client.force_login(role_in(InstansiFactory(code="jabar"), Role.LEADERSHIP))
    assert client.get(url()).status_code == 404
    assert client.get(url("what_if")).status_code == 404
    client.logout()
    assert client.get(url("what_if")).status_code == 302


@pytest.mark.django_db
def test_planner_query_count_is_constant(client, kaltim2024, leader, django_assert_max_num_queries):
    client.force_login(leader)
    client.get(url())
    with django_assert_max_num_queries(16):
        assert client.get(url(), {"basis": "final", "predicate": "Memuaskan"}).status_code == 200
