import copy
import uuid

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets its own cache namespace. With REDIS_URL the cache is a
    shared Redis, and login-throttling or coalescing keys left by one test (or
    an earlier run) would otherwise lock out or silence the next."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def _portal_language():
    """Each test starts in the portal's language. A request through the test
    client activates the language it asked for (an English cookie) in the
    thread and leaves it active, so messages built outside a request in a later
    test would otherwise come out in English."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def spbe2020(db):
    """The shipped PermenPANRB 59/2020 framework, loaded through the real loader."""
    from indicators.models import FrameworkVersion

    call_command("load_framework", "spbe-2020", verbosity=0)
    return FrameworkVersion.objects.get(code="spbe-2020")


# --- Browser tests: Playwright driving Debian's Chromium ---------------------
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def chromium():
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # the live server's test data setup makes are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# htmx marks an element while its request is in flight and while the answer
# is swapped and settled in.
HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling"


def settled(tab) -> None:
    """The page loaded and nothing of it still on its way: every request a
    portal page makes after loading is htmx's (the notification badge, a
    report job's progress), so no htmx element is busy. The API explorer
    draws itself from a schema it fetches: for it, no network for half a
    second. `networkidle` on every page waited those 500 ms per page."""
    tab.wait_for_load_state("load")
    if tab.query_selector("#swagger-ui") is not None:
        tab.wait_for_load_state("networkidle")
        return
    tab.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")


@pytest.fixture
def page(chromium, live_server):
    """A fresh 1366x768 browser tab in Indonesian, pointed at the live server."""
    context = chromium.new_context(
        viewport={"width": 1366, "height": 768}, locale="id-ID", base_url=live_server.url
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    refused = []
    tab.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield tab
    context.close()
    # Every page a browser test visits must work under the CSP.
    assert not refused, f"Content-Security-Policy violations: {refused}"


@pytest.fixture
def screenshot(page, request):
    """Saves a full-page screenshot into test-artifacts/ (kept by CI)."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)

    def take(name: str):
        page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True)

    return take


# --- reports: a realistic period (Kaltim 2024) ------------------------------------
# Final levels reproduce the published 3.79 (exact 3.7885); self levels give 4.35;
# validated = final with indicator 33 one level higher (exact 3.816 -> 3.82).
KALTIM_2024_FINAL = [4, 4, 4, 4, 4, 4, 4, 3, 3, 3]  # 1-10, sum 37
KALTIM_2024_FINAL += [4, 4, 4, 4, 4, 3, 3, 3, 3, 3]  # 11-20, sum 35
KALTIM_2024_FINAL += [3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2]  # 21-31, sum 31
KALTIM_2024_FINAL += [5, 4, 4, 4, 4, 4, 4, 4, 4, 4]  # 32-41, sum 41
KALTIM_2024_FINAL += [5, 5, 5, 5, 4, 4]  # 42-47, sum 28
KALTIM_2024_SELF = [5] * 10 + [4] * 6 + [3] * 4 + [5] * 21 + [3, 3, 3, 3, 4, 4]


@pytest.fixture
def kaltim2024(spbe2020):
    """Instansi 'kaltim', period 2024 on spbe-2020 with four OPDs owning the 47
    indicators round-robin, every answer validated with self/validated/final
    levels. Returns a namespace: instansi, period, opds, answers (by code)."""
    from types import SimpleNamespace

    from assessments.models import AnswerState, Assignment, PeriodState
    from tests.factories import AnswerFactory, EvaluationPeriodFactory, InstansiFactory, OPDFactory

    instansi = InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    period = EvaluationPeriodFactory(
        instansi=instansi,
        year=2024,
        framework=spbe2020,
        state=PeriodState.PUBLISHED,
        target_index="3.00",
    )
    opds = [
        OPDFactory(instansi=instansi, code=code, short_name=name, name=name)
        for code, name in [
            ("diskominfo", "Diskominfo"),
            ("bappeda", "Bappeda"),
            ("bkd", "BKD"),
            ("inspektorat", "Inspektorat"),
        ]
    ]
    answers = {}
    indicators = list(spbe2020.indicators.order_by("position"))
    for i, indicator in enumerate(indicators):
        opd = opds[i % len(opds)]
        Assignment.objects.create(period=period, indicator=indicator, responsible_opd=opd)
        final = KALTIM_2024_FINAL[i]
        answers[indicator.code] = AnswerFactory(
            period=period,
            indicator=indicator,
            opd=opd,
            state=AnswerState.VALIDATED,
            proposed_level=KALTIM_2024_SELF[i],
            validated_level=final + 1 if indicator.code == "33" else final,
            final_level=final,
        )
    return SimpleNamespace(instansi=instansi, period=period, opds=opds, answers=answers)


@pytest.fixture
def kaltim2024_signed(kaltim2024):
    """kaltim2024 with the demo's kop surat, numbering and signatories, so its
    Berita Acara can be issued."""
    from assessments.management.demo import Seeding
    from assessments.management.demo.documents import documents_ensure

    documents_ensure(Seeding(password="unused"), kaltim2024.instansi)
    return kaltim2024


# --- a real Celery worker against the test database ----------------------------------
def other_process_database_url() -> str:
    """DATABASE_URL of the database pytest-django created, for other processes."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_celery_worker(log_path, *, name="worker", environ=None):
    """`celery worker --pool=solo` in its own process with this process's
    environment (plus `environ`); returns the Popen once the worker is ready,
    with its log at `proc.log_path`."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, **(environ or {})}
    env.setdefault("SECRET_KEY", "test-only-secret-key")
    celery = Path(sys.executable).with_name("celery")
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                str(celery),
                "-A",
                "spbe_portal",
                "worker",
                "--pool=solo",
                "-Q",
                "celery",
                "-n",
                f"{name}@%h",
                "--loglevel=info",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    proc.log_path = log_path
    deadline = time.monotonic() + 30
    while "ready." not in log_path.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_process(proc)
            pytest.fail("Celery worker did not start:\n" + log_path.read_text(errors="replace"))
        time.sleep(0.2)
    return proc


def stop_process(proc, timeout=15):
    import subprocess

    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """Starts `celery worker --pool=solo -Q celery` as a subprocess whose
    DATABASE_URL names the test database pytest-django created, so it sees
    what the (transactional) test commits. Needs REDIS_URL; skips without it.
    Yields the Popen; the worker's log is at `proc.log_path`."""
    import os

    from django.db import connection

    from spbe_portal.celery import app

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("needs REDIS_URL (a real broker)")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the worker is another process)")
    # Leftovers of earlier runs would otherwise run against this database.
    app.control.purge()
    proc = start_celery_worker(
        tmp_path / "celery-worker.log",
        environ={"DATABASE_URL": other_process_database_url(), "REDIS_URL": redis_url},
    )
    try:
        yield proc
    finally:
        stop_process(proc)


def wait_until(predicate, *, timeout=60, interval=0.5):
    """Polls `predicate` until it returns something truthy; fails after `timeout` s."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")


# --- officer workspace: one open period, an answer and the people around it -----
@pytest.fixture
def evidence_storage(settings, tmp_path):
    """Evidence storage in a fresh directory, so tests can check what was written."""
    location = tmp_path / "files"
    location.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    return location


@pytest.fixture
def officer_world(db):
    """An open period with one assigned indicator and its answer, the OPD's
    officer and colleague, an officer of another OPD of the same instansi,
    one of another instansi, and a reviewer. Returns a namespace."""
    from types import SimpleNamespace

    from assessments.lifecycle import answers_ensure
    from assessments.models import Answer, Role
    from indicators.models import LevelName
    from tests.factories import (
        AssignmentFactory,
        EvaluationPeriodFactory,
        FrameworkVersionFactory,
        OPDFactory,
        officer_of,
        role_in,
    )

    framework = FrameworkVersionFactory()
    LevelName.objects.bulk_create(
        LevelName(framework=framework, capability="process", level=level, name=name)
        for level, name in enumerate(
            ["Rintisan", "Terkelola", "Terdefinisi", "Terpadu dan Terukur", "Optimum"], start=1
        )
    )
    period = EvaluationPeriodFactory(framework=framework)
    opd = OPDFactory(instansi=period.instansi, short_name="Diskominfo")
    other_opd = OPDFactory(instansi=period.instansi, short_name="Bappeda")
    assignment = AssignmentFactory(period=period, responsible_opd=opd)
    answers_ensure(period=period)
    foreign_period = EvaluationPeriodFactory(framework=framework)
    foreign_opd = OPDFactory(instansi=foreign_period.instansi)
    return SimpleNamespace(
        framework=framework,
        period=period,
        opd=opd,
        other_opd=other_opd,
        assignment=assignment,
        indicator=assignment.indicator,
        answer=Answer.objects.get(period=period, indicator=assignment.indicator),
        officer=officer_of(opd),
        colleague=officer_of(opd),
        outsider=officer_of(other_opd),
        foreign=officer_of(foreign_opd),
        reviewer=role_in(period.instansi, Role.REVIEWER),
    )


# --- API: one open period with every kind of object, and a person in every role ------
@pytest.fixture
def api_world(db, evidence_storage):
    """An open period of one instansi: a draft answer and a submitted one of
    the owning OPD, an answer of another OPD, an evidence file, a snapshot
    and a finished OPD report; people in every role, and an instansi-wide
    everything of another instansi. `tokens[actor]` is an API token."""
    from types import SimpleNamespace

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from assessments.api.auth import api_token_create
    from assessments.lifecycle import answers_ensure
    from assessments.models import (
        Answer,
        AnswerState,
        EvidenceFile,
        EvidenceLink,
        Membership,
        Role,
    )
    from reports.models import IndexSnapshot, JobState, ReportJob
    from tests.factories import (
        AssignmentFactory,
        EvaluationPeriodFactory,
        FrameworkVersionFactory,
        OPDFactory,
        officer_of,
        role_in,
    )

    framework = FrameworkVersionFactory()
    period = EvaluationPeriodFactory(framework=framework)
    instansi = period.instansi
    opd = OPDFactory(instansi=instansi, short_name="Diskominfo")
    other_opd = OPDFactory(instansi=instansi, short_name="Bappeda")
    draft_asg = AssignmentFactory(period=period, responsible_opd=opd)
    submitted_asg = AssignmentFactory(period=period, responsible_opd=opd)
    other_asg = AssignmentFactory(period=period, responsible_opd=other_opd)
    validated_asg = AssignmentFactory(period=period, responsible_opd=opd)
    answers_ensure(period=period)
    answers = {a.indicator_id: a for a in Answer.objects.filter(period=period)}
    draft = answers[draft_asg.indicator_id]
    draft.proposed_level, draft.explanation = 3, "FAKTA: Pergub 4/2023. ANALISIS: memenuhi."
    draft.save()
    submitted = answers[submitted_asg.indicator_id]
    submitted.proposed_level, submitted.explanation = 4, "FAKTA: SK. ANALISIS: memenuhi."
    submitted.state, submitted.submitted_at = AnswerState.SUBMITTED, timezone.now()
    submitted.save()
    validated = answers[validated_asg.indicator_id]
    validated.proposed_level = validated.validated_level = 2
    validated.explanation = "FAKTA: Perda. ANALISIS: memenuhi tingkat 2."
    validated.state, validated.submitted_at = AnswerState.VALIDATED, timezone.now()
    validated.save()

    officer = officer_of(opd)
    people = {
        "officer": officer,
        "other_officer": officer_of(other_opd),
        "reviewer": role_in(instansi, Role.REVIEWER),
        "leadership": role_in(instansi, Role.LEADERSHIP),
        "administrator": role_in(instansi, Role.ADMINISTRATOR),
    }
    foreign_period = EvaluationPeriodFactory(framework=framework)
    foreign = officer_of(OPDFactory(instansi=foreign_period.instansi))
    for role in (Role.REVIEWER, Role.LEADERSHIP, Role.ADMINISTRATOR):
        Membership.objects.create(user=foreign, instansi=foreign_period.instansi, role=role)
    people["foreign"] = foreign

    evidence = EvidenceFile(
        answer=draft,
        original_name="pergub.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=officer,
    )
    evidence.file.save("evidence", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    link = EvidenceLink.objects.create(
        answer=draft, url="https://kaltimprov.go.id/", note="akun uji", added_by=officer
    )
    snapshot = IndexSnapshot.objects.create(
        period=period,
        basis="self",
        framework=framework,
        computed_at=timezone.now(),
        inputs_sha256="1" * 64,
        complete=False,
        missing=["x"],
    )
    job = ReportJob(
        period=period,
        basis="self",
        kind="opd",
        opd=opd,
        format="xlsx",
        state=JobState.DONE,
        requested_by=people["leadership"],
        finished_at=timezone.now(),
    )
    job.file.save("report", ContentFile(b"PK\x03\x04 report"), save=False)
    job.save()
    tokens = {actor: api_token_create(user=user, name="uji")[1] for actor, user in people.items()}
    return SimpleNamespace(
        framework=framework,
        period=period,
        instansi=instansi,
        opd=opd,
        other_opd=other_opd,
        draft=draft,
        submitted=submitted,
        validated=validated,
        other_answer=answers[other_asg.indicator_id],
        draft_assignment=draft_asg,
        evidence=evidence,
        link=link,
        snapshot=snapshot,
        job=job,
        people=people,
        tokens=tokens,
    )


@pytest.fixture
def api_as(api_world):
    """api_as("officer") -> an APIClient sending that actor's token
    (api_as(None): anonymous)."""
    from rest_framework.test import APIClient

    def client(actor):
        c = APIClient()
        if actor is not None:
            c.credentials(HTTP_AUTHORIZATION=f"Bearer {api_world.tokens[actor]}")
        return c

    return client


# --- a real S3-compatible server (SeaweedFS) ------------------------------------------
@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """One SeaweedFS server per test run, on 127.0.0.1 with free ports."""
    from tests import s3server

    server = s3server.start(tmp_path_factory.mktemp("seaweedfs"))
    yield server
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings, monkeypatch):
    """The default storage is django-storages' S3Storage on the real server's
    private bucket, under a key prefix of this test's own, in this process and,
    through the environment, in any worker process a test starts.
    Returns (server, prefix)."""
    import json

    prefix = f"t-{uuid.uuid4().hex[:12]}"
    options = s3_server.storage_options(prefix)
    backend = "storages.backends.s3.S3Storage"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend, "OPTIONS": options}}
    monkeypatch.setenv("FILES_STORAGE_BACKEND", backend)
    monkeypatch.setenv("FILES_STORAGE_OPTIONS", json.dumps(options))
    return s3_server, prefix
