"""Query counts that must not grow with the number of instansi: the batch
recomputation of a year's snapshots (benchmarked at national scale in
bench/national.py) gives the same results as the per-period service."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Answer, PeriodState
from reports.models import IndexSnapshot
from reports.snapshots import snapshot_compute, snapshots_compute_for_year
from tests.factories import EvaluationPeriodFactory, InstansiFactory, OPDFactory

pytestmark = pytest.mark.django_db

YEAR = 2031


def add_instansi(framework, count: int, *, seed: int, complete: bool = True) -> list:
    """`count` instansi, each with a period of YEAR whose 47 answers carry
    random levels on every basis (the last indicator left empty when not
    `complete`)."""
    rng = random.Random(seed)
    indicators = list(framework.indicators.order_by("position"))
    periods = []
    for _ in range(count):
        instansi = InstansiFactory()
        opd = OPDFactory(instansi=instansi)
        period = EvaluationPeriodFactory(
            instansi=instansi, year=YEAR, framework=framework, state=PeriodState.IN_REVIEW
        )
        Answer.objects.bulk_create(
            Answer(
                period=period,
                indicator=indicator,
                opd=opd,
                proposed_level=rng.randint(1, 5),
                validated_level=rng.randint(1, 5),
                final_level=None
                if not complete and n == len(indicators) - 1
                else rng.randint(1, 5),
            )
            for n, indicator in enumerate(indicators)
        )
        periods.append(period)
    return periods


def queries_for_year() -> int:
    IndexSnapshot.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        snapshots_compute_for_year(year=YEAR)
    return len(captured.captured_queries)


def test_year_recompute_query_count_does_not_grow_with_instansi(spbe2020):
    add_instansi(spbe2020, 2, seed=1)
    # The first run reads the framework's spec into this process' cache
    # (FrameworkVersion.to_spec): compare two runs that both find it there.
    queries_for_year()
    few = queries_for_year()
    add_instansi(spbe2020, 6, seed=2)
    many = queries_for_year()

    assert many == few
    assert IndexSnapshot.objects.count() == 8 * 3


def test_year_recompute_matches_the_per_period_service(spbe2020):
    periods = add_instansi(spbe2020, 3, seed=3, complete=False)

    assert snapshots_compute_for_year(year=YEAR) == 9
    batch = {(s.period_id, s.basis): s for s in IndexSnapshot.objects.all()}
    IndexSnapshot.objects.all().delete()
    for period in periods:
        for basis in ("self", "validated", "final"):
            single = snapshot_compute(period_id=period.pk, basis=basis).snapshot
            ours = batch[(period.pk, basis)]
            for name in (
                "inputs_sha256",
                "complete",
                "missing",
                "index_exact",
                "index_display",
                "predicate",
                "aspects",
                "domains",
                "levels",
                "framework_id",
            ):
                assert getattr(ours, name) == getattr(single, name), name
    assert not batch[(periods[0].pk, "final")].complete
    assert batch[(periods[0].pk, "final")].missing == ["47"]


def test_year_recompute_writes_only_what_changed(spbe2020):
    periods = add_instansi(spbe2020, 2, seed=4)
    started = timezone.now()
    assert snapshots_compute_for_year(year=YEAR) == 6
    before = {s.pk: s.computed_at for s in IndexSnapshot.objects.all()}
    # Stored through the JSON upsert: the instant survives, time zone and all.
    assert all(started <= at <= timezone.now() for at in before.values())

    assert snapshots_compute_for_year(year=YEAR) == 0
    Answer.objects.filter(period=periods[1], indicator__code="1").update(final_level=None)
    assert snapshots_compute_for_year(year=YEAR, basis="final") == 1

    changed = IndexSnapshot.objects.get(period=periods[1], basis="final")
    assert not changed.complete and changed.missing == ["1"]
    assert changed.computed_at != before[changed.pk]
    untouched = IndexSnapshot.objects.exclude(pk=changed.pk)
    assert all(s.computed_at == before[s.pk] for s in untouched)
    assert IndexSnapshot.objects.count() == 6


# --- the officer's list with contributions (bench found the EXISTS plan slow) ----------


def _contributor_list(client, contributions: int):
    """An officer of an OPD that contributes to `contributions` indicators
    of another OPD (and owns one answer); returns (queries, response)."""
    from django.urls import reverse

    from assessments.models import Assignment
    from tests.factories import AssignmentFactory, officer_of

    period = EvaluationPeriodFactory()
    owner = OPDFactory(instansi=period.instansi)
    helper = OPDFactory(instansi=period.instansi)
    own = AssignmentFactory(period=period, responsible_opd=helper)
    Answer.objects.create(period=period, indicator=own.indicator, opd=helper)
    for _ in range(contributions):
        assignment = AssignmentFactory(period=period, responsible_opd=owner)
        Assignment.contributors.through.objects.create(assignment=assignment, opd=helper)
        Answer.objects.create(period=period, indicator=assignment.indicator, opd=owner)
    # An answer of the owner the helper does not contribute to stays hidden.
    hidden = AssignmentFactory(period=period, responsible_opd=owner)
    Answer.objects.create(period=period, indicator=hidden.indicator, opd=owner)
    client.force_login(officer_of(helper))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("assessments:my_indicators"))
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_officer_list_shows_contributions_with_a_fixed_query_count(client):
    few, small = _contributor_list(client, 1)
    many, big = _contributor_list(client, 8)

    # Session, user, memberships, contributed pairs, rows, progress, level names.
    assert many == few == 7
    assert small.content.decode().count("/jawaban/") == 2
    assert big.content.decode().count("/jawaban/") == 9
