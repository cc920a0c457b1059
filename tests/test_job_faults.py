"""Background jobs survive faults: a worker killed half way through a report,
and the broker (Redis) going away and coming back.

Each test runs its own redis-server on a free port (append-only file on, as
docs/OPERATIONS.md asks of production) and its own Celery workers against
the test database, so stopping Redis here never disturbs anybody else's
broker. The web side is the test client in this process, pointed at the
same private Redis for its broker and cache."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection
from django.urls import reverse

from assessments.models import Role
from reports.models import JobState, ReportJob
from tests.conftest import wait_until
from tests.factories import PASSWORD, officer_of, role_in

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class RedisServer:
    """A private redis-server that can be stopped and started again on the
    same port and data directory (its append-only file keeps the queue)."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.directory.mkdir()
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "yes", "--dir", str(self.directory)]
        with (self.directory / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [*command, "--daemonize", "no"], stdout=log, stderr=subprocess.STDOUT
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        wait_until(lambda: self._pings(client), timeout=15, interval=0.1)

    @staticmethod
    def _pings(client) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: Redis flushes its append-only file
            self.proc.wait(timeout=15)
        self.proc = None


class Worker:
    """`celery worker --pool=solo` against the test database and a given
    broker; `hooks=True` loads tests/job_fault_hooks.py (slow rendering)."""

    def __init__(self, broker_url: str, log_path: Path, *, hooks=False, pool="solo", **env):
        self.log_path = log_path
        command = [str(CELERY), "-A", "spbe_portal", "worker", f"--pool={pool}", "-Q", "celery"]
        if pool == "prefork":
            command += ["--concurrency=1"]
        command += ["--loglevel=info", "--without-heartbeat", "--without-gossip"]
        command += ["--without-mingle", f"--hostname=fault-{log_path.stem}@%h"]
        if hooks:
            command += ["--include", "tests.job_fault_hooks"]
        full_env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": broker_url,
            # Redelivery of a lost worker's message after 5 s instead of 10 min.
            "CELERY_VISIBILITY_TIMEOUT": "5",
            **env,
        }
        full_env.setdefault("SECRET_KEY", "test-only-secret-key")
        with log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while "ready." not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"Celery worker did not start:\n{self.log()}")
            time.sleep(0.2)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def _reset_connections(app):
    """The app keeps pools and a result backend bound to the old URL. They are
    dropped, not closed: kombu's pool registry hands the same pool out again
    for the same URL, and a closed one would refuse later tests."""
    app._pool = None
    if "amqp" in app.__dict__:
        app.__dict__["amqp"]._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def private_redis(tmp_path, settings):
    """A private Redis, and this process's broker, result backend and cache
    pointed at it (restored afterwards)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the worker is another process)")
    if not Path("/usr/bin/redis-server").exists() and not _on_path("redis-server"):
        pytest.skip("needs redis-server")
    from spbe_portal.celery import app

    server = RedisServer(tmp_path / "redis")
    server.start()
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=server.url, result_backend=server.url, task_always_eager=False)
    _reset_connections(app)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
        }
    }
    try:
        yield server
    finally:
        app.conf.update(saved)
        _reset_connections(app)
        server.stop()


def _on_path(program: str) -> bool:
    from shutil import which

    return which(program) is not None


def job_state(job_id):
    return ReportJob.objects.get(pk=job_id)


def finished(job_id):
    job = job_state(job_id)
    return job if job.state in (JobState.DONE, JobState.FAILED) else None


# --- a worker killed half way ----------------------------------------------------------


@pytest.mark.worker
@pytest.mark.slow
def test_report_completes_after_its_worker_is_killed_mid_render(
    private_redis, kaltim2024, tmp_path
):
    from reports.jobs import report_job_request

    marker = tmp_path / "rendering"
    first = Worker(
        private_redis.url,
        tmp_path / "first.log",
        hooks=True,
        SPBE_TEST_RENDER_MARKER=str(marker),
        SPBE_TEST_RENDER_SLEEP="120",
    )
    try:
        leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)
        job = report_job_request(
            user=leader, period=kaltim2024.period, basis="final", kind="instansi", fmt="pdf"
        )
        wait_until(marker.exists, timeout=60, interval=0.2)
        assert job_state(job.pk).state == JobState.RUNNING
        first.kill()
    finally:
        first.stop()
    # Nothing acknowledged the message: it is still the broker's.
    assert job_state(job.pk).state == JobState.RUNNING
    time.sleep(6)  # past the visibility timeout the workers run with

    second = Worker(private_redis.url, tmp_path / "second.log")
    try:
        done = wait_until(lambda: finished(job.pk), timeout=120)
        assert done.state == JobState.DONE, done.message
        with done.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
        assert "reports.report_render" in second.log() and "succeeded" in second.log()
    finally:
        second.stop()
        current = job_state(job.pk)
        if current.file:
            current.file.delete(save=False)


@pytest.mark.worker
@pytest.mark.slow
def test_report_completes_after_its_pool_process_is_killed(private_redis, kaltim2024, tmp_path):
    """The production pool (prefork): the child rendering the report dies; the
    worker rejects the message back to the queue (task_reject_on_worker_lost)
    and a fresh child renders it, with no visibility timeout to wait for."""
    from reports.jobs import report_job_request

    marker = tmp_path / "rendering"
    worker = Worker(
        private_redis.url,
        tmp_path / "prefork.log",
        hooks=True,
        pool="prefork",
        SPBE_TEST_RENDER_MARKER=str(marker),
        SPBE_TEST_RENDER_SLEEP="120",
        CELERY_VISIBILITY_TIMEOUT="3600",
    )
    try:
        leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)
        job = report_job_request(
            user=leader, period=kaltim2024.period, basis="final", kind="instansi", fmt="xlsx"
        )
        wait_until(lambda: marker.exists() and marker.read_text(), timeout=60, interval=0.2)
        child = int(marker.read_text())
        assert child != worker.proc.pid
        os.kill(child, signal.SIGKILL)
        done = wait_until(lambda: finished(job.pk), timeout=120)
        assert done.state == JobState.DONE, done.message
        assert "WorkerLostError" in worker.log()
    finally:
        worker.stop()
        current = job_state(job.pk)
        if current.file:
            current.file.delete(save=False)


# --- Redis away and back ---------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.slow
def test_web_serves_while_redis_is_down_and_queued_work_resumes(
    private_redis, kaltim2024, tmp_path, client
):
    from django.test import Client
    from kombu.exceptions import OperationalError as BrokerError

    from reports.jobs import report_job_request
    from reports.report_tasks import report_jobs_requeue

    period = kaltim2024.period
    leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)
    officer = officer_of(kaltim2024.opds[0])
    # Queued while no worker runs: the message waits in Redis.
    waiting = report_job_request(
        user=leader, period=period, basis="final", kind="instansi", fmt="xlsx"
    )
    assert job_state(waiting.pk).state == JobState.QUEUED
    private_redis.stop()

    client.force_login(leader)
    period_kwargs = {"instansi": period.instansi.code, "year": period.year}
    for url in (
        reverse("healthz"),
        reverse("readyz"),
        reverse("reports:dashboard", kwargs=period_kwargs),
        reverse("reports:planner", kwargs=period_kwargs),
        reverse("reports:report_list", kwargs=period_kwargs),
        reverse("reports:report_index"),
    ):
        assert client.get(url).status_code == 200, url
    officer_client = Client()
    response = officer_client.post(
        reverse("login"), {"username": officer.username, "password": PASSWORD}
    )
    assert response.status_code == 302, "signing in must not need Redis"
    answer = kaltim2024.answers["1"]
    for url in (
        reverse("assessments:my_indicators"),
        reverse("assessments:answer_detail", kwargs={"public_id": answer.public_id}),
    ):
        assert officer_client.get(url).status_code == 200, url

    started = time.monotonic()
    response = client.post(
        reverse("reports:report_list", kwargs=period_kwargs),
        {"kind": "instansi", "basis": "final", "fmt": "pdf", "idempotency_key": "saat-padam"},
        follow=True,
    )
    assert response.status_code == 200
    assert time.monotonic() - started < 5, "a dead broker must not stall the request"
    body = response.content.decode()
    assert "Antrean pekerjaan sedang tidak tersedia" in body  # said, not a 500
    assert "akan dibuat otomatis" in body
    during = ReportJob.objects.get(idempotency_key="saat-padam")
    assert during.state == JobState.QUEUED
    # The dashboard's "recompute" says the same instead of failing.
    response = client.post(reverse("reports:recompute", kwargs=period_kwargs), follow=True)
    assert response.status_code == 200
    assert "Antrean perhitungan sedang tidak tersedia" in response.content.decode()
    # The beat's sweep meanwhile fails loudly and changes nothing.
    with pytest.raises(BrokerError):
        report_jobs_requeue()
    assert job_state(during.pk).message

    private_redis.start()
    worker = Worker(private_redis.url, tmp_path / "worker.log")
    try:
        # The message queued before the outage survived it (append-only file).
        done = wait_until(lambda: finished(waiting.pk), timeout=120)
        assert done.state == JobState.DONE, done.message
        # What was asked for during the outage goes out with the next sweep.
        assert report_jobs_requeue() == 1
        done = wait_until(lambda: finished(during.pk), timeout=120)
        assert done.state == JobState.DONE, done.message
        assert done.message == ""
        assert report_jobs_requeue() == 0
    finally:
        worker.stop()
        for job in ReportJob.objects.exclude(file=""):
            job.file.delete(save=False)


# --- the requeue sweep on its own (no processes) -----------------------------------------


@pytest.fixture
def jobs_in_every_state(kaltim2024):
    leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)

    def job(state, message=""):
        return ReportJob.objects.create(
            period=kaltim2024.period,
            basis="final",
            kind="instansi",
            format="xlsx",
            requested_by=leader,
            state=state,
            message=message,
        )

    return {
        "never_queued": job(JobState.QUEUED, "Antrean pekerjaan sedang tidak tersedia."),
        "queued": job(JobState.QUEUED),
        "running": job(JobState.RUNNING),
        "failed": job(JobState.FAILED, "Laporan gagal dibuat."),
        "done": job(JobState.DONE),
    }


def test_requeue_hands_over_only_jobs_the_broker_never_got(jobs_in_every_state, monkeypatch):
    from reports import report_tasks

    sent = []
    monkeypatch.setattr(report_tasks.report_render, "delay", sent.append)
    assert report_tasks.report_jobs_requeue() == 1
    never_queued = jobs_in_every_state["never_queued"]
    assert sent == [never_queued.pk]
    never_queued.refresh_from_db()
    assert never_queued.state == JobState.QUEUED and never_queued.message == ""
    assert job_state(jobs_in_every_state["failed"].pk).message == "Laporan gagal dibuat."
    assert report_tasks.report_jobs_requeue() == 0  # handed over once


def test_requeue_keeps_the_mark_while_the_broker_is_still_down(jobs_in_every_state, monkeypatch):
    from kombu.exceptions import OperationalError

    from reports import report_tasks

    def down(job_id):
        raise OperationalError("connection refused")

    monkeypatch.setattr(report_tasks.report_render, "delay", down)
    with pytest.raises(OperationalError):
        report_tasks.report_jobs_requeue()
    assert job_state(jobs_in_every_state["never_queued"].pk).message


def test_requeue_runs_every_minute_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-requeue-jobs"]
    assert entry["task"] == "reports.report_jobs_requeue"
