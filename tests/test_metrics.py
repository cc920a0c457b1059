"""Prometheus metrics: only for the scraper's token, counting requests and
latencies, and reading the job queue from what every node shares."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from reports.models import JobState, ReportJob
from spbe_portal import metrics
from tests.factories import EvaluationPeriodFactory

TOKEN = "metrics-token-for-tests"


@pytest.fixture
def scraper(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def scrape() -> str:
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    return scrape


def value(text: str, name: str, **labels) -> float:
    """The sample `name{labels}` of an exposition, 0 when absent."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = re.fullmatch(r"([a-zA-Z_:]+)(?:\{(.*)\})? (\S+)", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if all(found.get(key) == str(want) for key, want in labels.items()):
            return float(match.group(3))
    return 0.0


def test_without_a_configured_token_there_is_no_endpoint(client, settings, db):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Token {TOKEN}", TOKEN])
def test_a_request_without_the_token_is_refused(client, settings, db, header):
    settings.METRICS_TOKEN = TOKEN
    headers = {"Authorization": header} if header else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 403
    assert b"spbe_" not in response.content


def test_requests_are_counted_by_route_and_status(client, scraper, db):
    before = scraper()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.get(f"/no-such-page-{uuid.uuid4().hex}").status_code == 404
    after = scraper()

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("spbe_http_requests_total", method="GET", view="healthz", status=200) == 3
    assert delta("spbe_http_requests_total", method="GET", view="unresolved", status=404) == 1
    assert delta("spbe_http_request_duration_seconds_count", method="GET", view="healthz") == 3
    # A route name, never the path: UUIDs would make the label grow without end.
    assert "no-such-page" not in after


def test_report_jobs_queued_their_age_and_failures(scraper, db):
    period = EvaluationPeriodFactory()
    common = {"period": period, "basis": "self", "kind": "instansi", "format": "pdf"}
    old = ReportJob.objects.create(state=JobState.QUEUED, **common)
    ReportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=7))
    ReportJob.objects.create(state=JobState.QUEUED, **common)
    ReportJob.objects.create(state=JobState.RUNNING, **common)
    ReportJob.objects.create(state=JobState.FAILED, message="Gagal", **common)
    ReportJob.objects.create(state=JobState.DONE, **common)

    text = scraper()

    assert value(text, "spbe_report_jobs_queued") == 2
    assert 7 * 60 <= value(text, "spbe_report_jobs_oldest_queued_age_seconds") < 8 * 60
    assert value(text, "spbe_report_jobs_running") == 1
    assert value(text, "spbe_report_jobs_failed_total") == 1


def test_the_broker_queue_length_is_read_from_redis(scraper, settings, db, monkeypatch):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (a real broker)")
    import redis

    # A queue of its own: the real one belongs to whatever workers are running.
    queue = f"test-queue-{uuid.uuid4().hex}"
    monkeypatch.setattr(metrics, "CELERY_QUEUE", queue)
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.rpush(queue, "a", "b", "c")
    try:
        text = scraper()
    finally:
        client.delete(queue)

    assert value(text, "spbe_broker_up") == 1
    assert value(text, "spbe_celery_queue_length") == 3


def test_an_unreachable_broker_is_reported_not_raised(scraper, settings, db):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    text = scraper()

    assert value(text, "spbe_broker_up") == 0
    assert "spbe_celery_queue_length" not in text
