"""The data behind every report: computed with the scoring engine, gathered
in a fixed number of queries whatever the number of years and indicators."""

from decimal import Decimal

import pytest

from assessments.models import Answer, PeriodState
from reports.report_data import report_data
from tests.factories import EvaluationPeriodFactory


@pytest.fixture
def with_history(kaltim2024, spbe2020):
    """Earlier years: 2022 complete at level 2 everywhere, 2023 at level 3 on
    every basis but one final level missing."""
    for year, level in ((2022, 2), (2023, 3)):
        period = EvaluationPeriodFactory(
            instansi=kaltim2024.instansi, year=year, framework=spbe2020, state=PeriodState.CLOSED
        )
        Answer.objects.bulk_create(
            Answer(
                period=period,
                indicator=answer.indicator,
                opd=answer.opd,
                proposed_level=level,
                validated_level=level,
                final_level=None if (year == 2023 and code == "5") else level,
            )
            for code, answer in kaltim2024.answers.items()
        )
    return kaltim2024


def test_final_basis_reproduces_the_published_figures(kaltim2024):
    data = report_data(period=kaltim2024.period, basis="final")
    assert data.complete and data.missing == []
    assert (data.index, data.index_exact, data.predicate) == (
        Decimal("3.79"),
        "3.7885",
        "Sangat Baik",
    )
    assert {d.code: d.value for d in data.domains} == {
        "D1": Decimal("3.70"),
        "D2": Decimal("3.50"),
        "D3": Decimal("2.82"),
        "D4": Decimal("4.32"),
    }
    assert data.target_reached is True
    assert len(data.indicators) == 47 and len(data.aspects) == 8


def test_trend_over_years_on_every_basis(with_history):
    data = report_data(period=with_history.period, basis="final")
    assert [(t.year, t.self_index, t.validated_index, t.final_index) for t in data.trend] == [
        (2022, Decimal("2.00"), Decimal("2.00"), Decimal("2.00")),
        (2023, Decimal("3.00"), Decimal("3.00"), None),
        (2024, Decimal("4.35"), Decimal("3.82"), Decimal("3.79")),
    ]
    assert [t.is_current for t in data.trend] == [False, False, True]


def test_change_from_last_year_only_when_it_has_an_index(with_history):
    validated = report_data(period=with_history.period, basis="validated")
    assert validated.previous_year.year == 2023
    assert validated.change == Decimal("0.82")  # 3,82 against 3,00
    # 2023 lacks a final level: no change is shown rather than one from 2022.
    assert report_data(period=with_history.period, basis="final").change is None


def test_opd_figures_add_up_to_the_index(kaltim2024):
    data = report_data(period=kaltim2024.period, basis="final")
    assert sum(o.indicators for o in data.opds) == 47
    # Four places show every point exactly: they add up to the exact index.
    assert sum(o.points for o in data.opds) == Decimal("3.7885")
    assert [o.open_points for o in data.opds] == sorted(
        (o.open_points for o in data.opds), reverse=True
    )


def test_recommendations_prefer_the_largest_gain_and_name_next_criteria(kaltim2024):
    data = report_data(period=kaltim2024.period, basis="final")
    codes = [r.code for r in data.recommendations]
    # Levels at 5 (32, 42-45) have nothing left to gain.
    assert not {"32", "42", "43", "44", "45"} & set(codes)
    assert codes[:2] == ["46", "47"]  # weight 3.00 each
    first = data.recommendations[0]
    assert (first.level, first.next_level, first.gain) == (4, 5, Decimal("0.0300"))
    assert first.criterion and first.next_level_name == "Optimum"


def test_opd_scope_narrows_indicators_and_recommendations(kaltim2024):
    opd = kaltim2024.opds[0]
    data = report_data(period=kaltim2024.period, basis="final", opd=opd)
    assert {r.opd_id for r in data.indicators} == {opd.id}
    assert {r.opd_name for r in data.recommendations} <= {opd.short_name}
    assert data.opd_summary.indicators == len(data.indicators) == 12
    # Only that OPD's figures: officers cannot read the instansi's results.
    assert data.index is None and data.opds == data.domains == data.aspects == data.trend == []


def test_incomplete_basis_keeps_complete_aspects(kaltim2024):
    kaltim2024.answers["12"].final_level = None
    kaltim2024.answers["12"].save()
    data = report_data(period=kaltim2024.period, basis="final")
    assert not data.complete and data.index is None and data.missing == ["12"]
    aspects = {a.code: a.value for a in data.aspects}
    assert aspects["A2"] is None and aspects["A1"] == Decimal("3.70")
    assert {d.code: d.value for d in data.domains}["D2"] is None


def test_query_count_is_fixed(with_history, django_assert_num_queries):
    # 18: the catalogue, the standings the dashboard also uses, the owners,
    # the answers' explanations with their evidence files and links, the trend.
    with django_assert_num_queries(18):
        report_data(period=with_history.period, basis="validated")


def test_inputs_digest_matches_the_index_snapshot(kaltim2024):
    from reports.snapshots import snapshot_compute

    snapshot = snapshot_compute(period_id=kaltim2024.period.pk, basis="final").snapshot
    data = report_data(period=kaltim2024.period, basis="final")
    assert data.inputs_sha256 == snapshot.inputs_sha256
    assert data.index_exact == str(snapshot.index_exact.normalize())


def test_out_of_range_level_counts_as_missing(kaltim2024):
    Answer.objects.filter(pk=kaltim2024.answers["3"].pk).update(final_level=9)
    data = report_data(period=kaltim2024.period, basis="final")
    assert data.missing == ["3"] and data.index is None


def test_opd_figures_agree_with_the_dashboard(kaltim2024):
    from indicators.scoring import POINTS_PLACES, rounded
    from reports.figures import opd_figures, period_standings

    kaltim2024.answers["20"].final_level = None  # a missing level counts as open too
    kaltim2024.answers["20"].save()
    period = kaltim2024.period
    theirs = opd_figures(period.framework.to_spec(), period_standings(period.pk).values(), "final")
    ours = report_data(period=period, basis="final").opds
    assert {o.id for o in ours} == set(theirs)
    for row in ours:
        fig = theirs[row.id]
        assert row.open_points == rounded(fig.open_points, POINTS_PLACES)
        assert row.points == rounded(fig.points, POINTS_PLACES)
        assert row.average_level == rounded(fig.weighted_average)
        assert row.missing == len(fig.missing)
