"""Prometheus metrics for operators.

Requests and latencies are counted in the process that answers them (with
PROMETHEUS_MULTIPROC_DIR set, gunicorn's workers write them to shared files
and the scrape adds them up). What concerns jobs is read at scrape time from
the database and the broker, which every node shares, so any web node gives
the same answer and nothing is lost when a worker restarts.
"""

import logging
import os
import time

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

logger = logging.getLogger(__name__)

# The Celery queue the web enqueues on (Celery's default name).
CELERY_QUEUE = "celery"

REQUESTS = Counter(
    "spbe_http_requests",
    "HTTP requests answered, by method, route name and status code.",
    ["method", "view", "status"],
)
LATENCY = Histogram(
    "spbe_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route name.",
    ["method", "view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def _view_name(request) -> str:
    # Route names, never raw paths: a path label would grow with every UUID.
    match = getattr(request, "resolver_match", None)
    return match.view_name if match and match.view_name else "unresolved"


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view = _view_name(request)
        LATENCY.labels(request.method, view).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, view, str(response.status_code)).inc()
        return response


class JobCollector:
    """Report jobs from the database and the broker's queue, read per scrape."""

    def collect(self):
        from reports.models import JobState, ReportJob

        queued = ReportJob.objects.filter(state=JobState.QUEUED).aggregate(
            count=Count("pk"), oldest=Min("created_at")
        )
        age = (timezone.now() - queued["oldest"]).total_seconds() if queued["oldest"] else 0
        yield GaugeMetricFamily(
            "spbe_report_jobs_queued", "Report jobs waiting for a worker.", value=queued["count"]
        )
        yield GaugeMetricFamily(
            "spbe_report_jobs_oldest_queued_age_seconds",
            "Age of the oldest report job still waiting (0 when none waits).",
            value=max(age, 0),
        )
        yield GaugeMetricFamily(
            "spbe_report_jobs_running",
            "Report jobs a worker is rendering.",
            value=ReportJob.objects.filter(state=JobState.RUNNING).count(),
        )
        # Failed jobs are kept with their message, so their number only grows.
        yield CounterMetricFamily(
            "spbe_report_jobs_failed",
            "Report jobs that failed.",
            value=ReportJob.objects.filter(state=JobState.FAILED).count(),
        )
        yield from self._broker()

    def _broker(self):
        if not settings.REDIS_URL:
            return
        import redis

        up, length = 1, None
        try:
            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
            )
            length = client.llen(CELERY_QUEUE)
        except redis.RedisError as exc:
            logger.warning("Metrics: broker unavailable (%s)", exc.__class__.__name__)
            up = 0
        yield GaugeMetricFamily("spbe_broker_up", "1 when the broker (Redis) answers.", value=up)
        if length is not None:
            yield GaugeMetricFamily(
                "spbe_celery_queue_length",
                "Messages waiting in the Celery queue.",
                value=length,
            )


def exposition() -> bytes:
    """The text a scrape receives: process metrics, then the job metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        process_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(process_registry)
    else:
        process_registry = REGISTRY
    jobs = CollectorRegistry()
    jobs.register(JobCollector())
    return generate_latest(process_registry) + generate_latest(jobs)
