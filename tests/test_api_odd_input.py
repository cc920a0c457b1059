"""Odd input to the API answers 400 with the common error body, never 500:
bodies nested deeper than Python can parse, numbers beyond 64 bits in filters
and bodies; and a filter naming an object that does not exist answers exactly
as one naming an object that is not yours (no existence oracle)."""

import pytest
from django.urls import reverse

from assessments.models import OPD, EvaluationPeriod, EvidenceLink
from reports.models import ReportJob

pytestmark = pytest.mark.django_db

HUGE = [str(2**63), str(-(2**63) - 1), "9" * 40, "-" + "9" * 40]
NUMBER_FILTERS = [
    ("api:period-list", "year"),
    ("api:assignment-list", "opd"),
    ("api:answer-list", "year"),
    ("api:evidence-list", "period"),
    ("api:evidence-list", "opd"),
    ("api:evidence-link-list", "period"),
    ("api:evidence-link-list", "opd"),
    ("api:snapshot-list", "year"),
    ("api:report-job-list", "period"),
    ("api:report-job-list", "opd"),
]


@pytest.mark.parametrize(("route", "name"), NUMBER_FILTERS)
@pytest.mark.parametrize("value", HUGE)
def test_integers_beyond_64_bits_in_filters_answer_400(api_world, api_as, route, name, value):
    response = api_as("administrator").get(reverse(route), {name: value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] and name in body["errors"]


@pytest.mark.parametrize(("route", "name"), NUMBER_FILTERS)
def test_largest_64_bit_integer_is_a_valid_filter_that_matches_nothing(
    api_world, api_as, route, name
):
    response = api_as("administrator").get(reverse(route), {name: str(2**63 - 1)})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 0


def test_huge_integer_in_a_body_is_an_unknown_period_not_a_500(api_world, api_as):
    before = ReportJob.objects.count()
    answers = []
    for period in (10**30, 10**9):
        answers.append(
            api_as("leadership").post(
                reverse("api:report-job-list"),
                {"period": period, "basis": "self", "kind": "instansi", "format": "pdf"},
                format="json",
            )
        )
    huge, unknown = answers
    assert huge.status_code == unknown.status_code == 404, huge.content
    assert huge.json() == unknown.json()
    assert ReportJob.objects.count() == before


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_answers_400_and_stores_nothing(api_world, api_as, depth):
    before = EvidenceLink.objects.count()
    response = api_as("officer").post(
        reverse("api:evidence-link-list"),
        "[" * depth + "]" * depth,
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert EvidenceLink.objects.count() == before


@pytest.mark.parametrize(
    ("route", "name"),
    [
        ("api:report-job-list", "opd"),
        ("api:report-job-list", "period"),
        ("api:evidence-list", "opd"),
        ("api:evidence-link-list", "opd"),
        ("api:assignment-list", "opd"),
    ],
)
def test_unknown_and_foreign_filter_values_answer_alike(api_world, api_as, route, name):
    """An officer filtering by another instansi's OPD or period learns
    nothing that a made-up id would not tell."""
    foreign_period = EvaluationPeriod.objects.exclude(pk=api_world.period.pk).get()
    foreign_opd = OPD.objects.filter(instansi=foreign_period.instansi).first()
    foreign = {"opd": foreign_opd.pk, "period": foreign_period.pk}[name]
    client = api_as("officer")
    theirs = client.get(reverse(route), {name: foreign})
    missing = client.get(reverse(route), {name: 10**9})
    assert theirs.status_code == missing.status_code == 200, (theirs.content, missing.content)
    assert (
        theirs.json()
        == missing.json()
        == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
        }
    )
