"""Schemathesis against the live OpenAPI schema, on seeded demo data, with an
officer's and a reviewer's token: no 5xx, and every response conforms to the
schema (status code, body, headers and content type as documented); and
malformed requests (schemathesis' negative mode) never cause a 5xx either.

Each operation is fuzzed twice per token: with generated path parameters
(mostly unknown ids) and with the ids of real demo objects, so the handlers
behind the 404s are exercised too. Examples are capped to keep the run to
about 80 seconds; hypothesis is derandomized so CI runs are reproducible."""

from __future__ import annotations

import io

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from assessments.api.auth import api_token_create
from assessments.models import OPD, Answer, EvaluationPeriod, EvidenceFile, EvidenceLink, User
from indicators.models import EvidenceItem
from reports.models import IndexSnapshot, ReportJob
from spbe_portal.celery import app

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MAX_EXAMPLES = 12
NEGATIVE_EXAMPLES = 5
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.content_type_conformance,
]


@pytest.fixture
def wsgi_app(monkeypatch):
    """The real WSGI application, on the test's own database connection: the
    per-request connection cleanup would close it mid-transaction, so it is
    switched off here, as Django's test client does."""
    from django.core.wsgi import get_wsgi_application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def demo(monkeypatch, settings, evidence_storage):
    settings.ALLOWED_HOSTS = ["localhost"]  # schemathesis' WSGI requests
    monkeypatch.setenv("DEMO_PASSWORD", "sandi-demo-uji-9")
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    # No broker in the loop: recomputations and report renders are not the
    # subject here (their own tests cover them).
    monkeypatch.setattr("reports.tasks.snapshot_recompute.delay", lambda *a, **k: None)
    monkeypatch.setattr("reports.report_tasks.report_render.delay", lambda *a, **k: None)
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())


def real_ids(officer) -> dict[str, dict]:
    """Path parameters of real objects, per path prefix."""
    answer = Answer.objects.filter(opd__in=OPD.objects.filter(memberships__user=officer)).first()
    period = EvaluationPeriod.objects.get(instansi__code="kaltim", year=2025)
    from django.core.files.base import ContentFile

    evidence = EvidenceFile(
        answer=answer,
        original_name="sk.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=officer,
    )
    evidence.file.save("evidence", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    link = EvidenceLink.objects.create(
        answer=answer, url="https://kaltimprov.go.id/", added_by=officer
    )
    job = ReportJob.objects.create(
        period=period, basis="self", kind="opd", opd=answer.opd, format="pdf"
    )
    item = EvidenceItem.objects.filter(indicator_id=answer.indicator_id).first()
    item_id = item.pk if item else (EvidenceItem.objects.values_list("pk", flat=True).first() or 1)
    return {
        "/api/v1/frameworks/": {"code": "spbe-2020"},
        "/api/v1/instansi/": {"code": "kaltim"},
        "/api/v1/opds/": {"id": answer.opd_id},
        "/api/v1/periods/": {"id": period.pk},
        "/api/v1/answers/": {"public_id": str(answer.public_id), "item_id": item_id},
        "/api/v1/evidence/": {"public_id": str(evidence.public_id)},
        "/api/v1/evidence-links/": {"public_id": str(link.public_id)},
        "/api/v1/snapshots/": {"id": IndexSnapshot.objects.first().pk},
        "/api/v1/report-jobs/": {"public_id": str(job.public_id)},
    }


def fuzz(operation, headers, path_parameters=None, *, negative=False):
    """Positive data must get documented answers; malformed data (negative
    mode) only must never make the server fail."""
    mode = GenerationMode.NEGATIVE if negative else GenerationMode.POSITIVE
    strategy = operation.as_strategy(mode, path_parameters=path_parameters)
    wanted = [checks.not_a_server_error] if negative else CHECKS

    @settings(
        max_examples=NEGATIVE_EXAMPLES if negative else MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        case.call_and_validate(headers=headers, checks=wanted)

    run()


def test_no_server_error_and_every_response_conforms(demo, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    officer = User.objects.get(username="opd.diskominfo")
    ids = real_ids(officer)
    tokens = {
        "officer": api_token_create(user=officer, name="fuzz")[1],
        "reviewer": api_token_create(user=User.objects.get(username="asesor"), name="fuzz")[1],
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    for who, token in tokens.items():
        headers = {"Authorization": f"Bearer {token}"}
        for operation in operations:
            fuzz(operation, headers)
            params = {p.name for p in operation.path_parameters}
            real = None
            if params:
                prefix = next(p for p in ids if operation.path.startswith(p))
                real = {k: ids[prefix][k] for k in params}
                fuzz(operation, headers, real)
            fuzz(operation, headers, real, negative=True)
        assert who
