"""Every list endpoint answers with a fixed number of queries, however many
rows it lists (no N+1), and is paginated."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assignment, EvidenceFile, EvidenceLink
from reports.models import IndexSnapshot, ReportJob
from tests.factories import (
    AssignmentFactory,
    EvaluationPeriodFactory,
    OPDFactory,
)

LISTS = [
    ("api:instansi-list", "administrator"),
    ("api:opd-list", "administrator"),
    ("api:period-list", "administrator"),
    ("api:assignment-list", "officer"),
    ("api:answer-list", "officer"),
    ("api:evidence-list", "officer"),
    ("api:evidence-link-list", "officer"),
    ("api:snapshot-list", "leadership"),
    ("api:report-job-list", "officer"),
]


def grow(world, n=5):
    """More of everything the lists show, visible to the same people."""
    for _ in range(n):
        opd = OPDFactory(instansi=world.instansi)
        assignment = AssignmentFactory(period=world.period, responsible_opd=world.opd)
        assignment.contributors.add(opd)
        answer = Answer.objects.create(
            period=world.period, indicator=assignment.indicator, opd=world.opd
        )
        evidence = EvidenceFile(
            answer=answer,
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=world.people["officer"],
        )
        evidence.file.save("evidence", ContentFile(b"%"), save=False)
        evidence.save()
        EvidenceLink.objects.create(
            answer=answer, url="https://example.org/", added_by=world.people["officer"]
        )
        period = EvaluationPeriodFactory(instansi=world.instansi, framework=world.framework)
        IndexSnapshot.objects.create(
            period=period,
            basis="self",
            framework=world.framework,
            computed_at=timezone.now(),
            inputs_sha256="2" * 64,
        )
        ReportJob.objects.create(
            period=period, basis="self", kind="opd", opd=world.opd, format="pdf"
        )


def queries(client, url) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.json()


@pytest.mark.parametrize(("name", "actor"), LISTS)
def test_list_query_count_does_not_grow(api_world, api_as, name, actor):
    client = api_as(actor)
    url = reverse(name)
    client.get(url)  # the token's first use of the minute records last_used_at
    before, small = queries(client, url)
    grow(api_world)
    after, large = queries(client, url)
    assert large["count"] > small["count"] or name == "api:instansi-list"
    assert after == before, f"{name}: {before} -> {after} queries"
    assert Assignment.objects.filter(period=api_world.period).count() > 5


def test_page_size_is_capped(api_world, api_as):
    grow(api_world, n=3)
    body = api_as("officer").get(reverse("api:answer-list"), {"page_size": 10_000}).json()
    assert len(body["results"]) == body["count"] <= 200
    page = api_as("officer").get(reverse("api:answer-list"), {"page_size": 2, "page": 2}).json()
    assert len(page["results"]) == 2 and page["previous"]
    assert api_as("officer").get(reverse("api:answer-list"), {"page": 99}).status_code == 404
