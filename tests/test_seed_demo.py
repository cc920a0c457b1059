"""manage.py seed_demo: an idempotent Kaltim demo reproducing the published results."""

import hashlib
import io
import re

import pytest
from django.core.management import call_command
from django.utils import translation
from pypdf import PdfReader

from assessments.default_assignment import FunctionKey
from assessments.management.demo import data as demo_data
from assessments.models import (
    OPD,
    Answer,
    AnswerEvent,
    AnswerState,
    Assignment,
    EvaluationPeriod,
    EventKind,
    EvidenceFile,
    EvidenceLink,
    Instansi,
    Membership,
    Notification,
    PeriodState,
    Role,
    User,
)
from indicators import scoring
from indicators.models import FrameworkVersion
from reports.models import IndexSnapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def indonesian():
    """The messages are asserted in the source language, whatever another test left active."""
    with translation.override("id"):
        yield


PASSWORD = "sandi-demo-uji-9"
COUNTED = (Instansi, OPD, User, Membership, EvaluationPeriod, Assignment, Answer, AnswerEvent,
           EvidenceLink, EvidenceFile, FrameworkVersion, Notification, IndexSnapshot)  # fmt: skip


@pytest.fixture(autouse=True)
def _private_storage(evidence_storage):
    """The demo writes evidence files; keep them in a temporary storage."""


def seed(**kwargs) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


@pytest.fixture
def seeded(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    return seed()


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def index_of(year, field, instansi="kaltim"):
    period = EvaluationPeriod.objects.get(instansi__code=instansi, year=year)
    levels = dict(Answer.objects.filter(period=period).values_list("indicator__code", field))
    return scoring.compute(period.framework.to_spec(), levels)


def test_seeding_twice_changes_nothing(seeded):
    before = counts()
    snapshot = list(Answer.objects.order_by("id").values())
    assert "sudah lengkap" in seed()
    assert counts() == before
    assert list(Answer.objects.order_by("id").values()) == snapshot


def test_final_levels_reproduce_the_published_results(seeded):
    final_2024 = index_of(2024, "final_level")
    assert final_2024.index.display == "3.79"
    assert final_2024.index.exact_str == "3.7885"
    assert final_2024.index.predicate == "Sangat Baik"
    assert {c: s.display for c, s in final_2024.domains.items()} == {
        "D1": "3.70", "D2": "3.50", "D3": "2.82", "D4": "4.32"
    }  # fmt: skip
    final_2023 = index_of(2023, "final_level")
    assert final_2023.index.display == "2.91"
    assert {c: s.display for c, s in final_2023.domains.items()} == {
        "D1": "3.00", "D2": "1.90", "D3": "1.64", "D4": "3.90"
    }  # fmt: skip
    assert index_of(2024, "proposed_level").index.display == "4.35"
    validated = index_of(2024, "validated_level").index.value
    assert final_2024.index.value <= validated <= index_of(2024, "proposed_level").index.value


def test_closed_years_are_validated_with_explanations_and_history(seeded):
    for year in (2023, 2024):
        period = EvaluationPeriod.objects.get(instansi__code="kaltim", year=year)
        assert period.state == PeriodState.PUBLISHED
        answers = Answer.objects.filter(period=period)
        assert answers.count() == 47
        assert set(answers.values_list("state", flat=True)) == {AnswerState.VALIDATED}
        assert not answers.filter(explanation="").exists()
        assert all("FAKTA" in a.explanation for a in answers)
        kinds = set(
            AnswerEvent.objects.filter(answer__period=period).values_list("kind", flat=True)
        )
        assert {EventKind.SUBMITTED, EventKind.ACCEPTED, EventKind.FINAL_SET} <= kinds
        # Where assessors lowered the level, the thread says why.
        adjusted = AnswerEvent.objects.filter(answer__period=period, kind=EventKind.ADJUSTED)
        assert adjusted.exists()
        assert not adjusted.filter(comment="").exists()
    assert EvaluationPeriod.objects.get(instansi__code="kaltim", year=2024).target_index is not None


def test_open_period_is_about_half_filled(seeded):
    period = EvaluationPeriod.objects.get(instansi__code="kaltim", year=2025)
    assert period.state == PeriodState.OPEN
    assert period.accepts_answers()
    answers = Answer.objects.filter(period=period)
    assert answers.count() == 47
    filled = answers.exclude(proposed_level=None).count()
    assert 18 <= filled <= 30
    states = set(answers.values_list("state", flat=True))
    assert states == {
        AnswerState.DRAFT, AnswerState.SUBMITTED, AnswerState.RETURNED, AnswerState.VALIDATED
    }  # fmt: skip
    for answer in answers.filter(state=AnswerState.RETURNED):
        event = answer.events.get(kind=EventKind.RETURNED)
        assert event.reason and event.comment
        assert Notification.objects.filter(answer=answer).exists()
    validated = answers.filter(state=AnswerState.VALIDATED)
    assert all(a.validated_level == a.proposed_level for a in validated)
    # Every answer handed in carries a real PDF the reviewer can preview.
    handed_in = answers.exclude(state=AnswerState.DRAFT)
    files = EvidenceFile.objects.filter(answer__in=handed_in)
    assert files.count() == handed_in.count()
    evidence = files.first()
    with evidence.file.open("rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF-") and len(content) == evidence.size
    assert hashlib.sha256(content).hexdigest() == evidence.sha256
    assert PdfReader(io.BytesIO(content)).pages[0].extract_text().startswith("Data dukung")


def test_organisation_and_assignment(seeded):
    kaltim = Instansi.objects.get(code="kaltim")
    assert kaltim.name == "Pemerintah Provinsi Kalimantan Timur"
    assert kaltim.opds.count() >= 30
    assert {"Bappeda", "BPKAD", "BKD", "Inspektorat", "Diskominfo", "RSUD AWS"} <= set(
        kaltim.opds.values_list("short_name", flat=True)
    )
    # Every key of the default map is carried by an OPD, so no indicator falls back.
    assert set(FunctionKey.values) <= set(kaltim.opds.values_list("function_key", flat=True))
    assert kaltim.children.count() == 10
    assert set(kaltim.children.values_list("kind", flat=True)) == {"kabupaten", "kota"}
    period = EvaluationPeriod.objects.get(instansi=kaltim, year=2024)
    owners = dict(
        Assignment.objects.filter(period=period).values_list(
            "indicator__code", "responsible_opd__code"
        )
    )
    assert len(owners) == 47
    assert owners["32"] == "bappeda"
    assert owners["33"] == "bpkad"
    assert owners["36"] == "bkd"
    assert owners["39"] == "inspektorat"
    assert owners["1"] == "diskominfo"


def test_users_for_every_role_can_log_in(seeded, client):
    kaltim = Instansi.objects.get(code="kaltim")
    roles = set(Membership.objects.filter(instansi=kaltim).values_list("role", flat=True))
    assert roles == set(Role.values)
    officer_opds = set(
        Membership.objects.filter(instansi=kaltim, role=Role.OFFICER).values_list(
            "opd__short_name", flat=True
        )
    )
    assert {"Diskominfo", "Bappeda", "BPKAD", "BKD"} <= officer_opds
    for item in demo_data.USERS:
        assert item.username in seeded
        assert client.login(username=item.username, password=PASSWORD)
        client.logout()
    assert "http://127.0.0.1:8000/" in seeded


def test_generated_password_is_printed_and_kept(monkeypatch, client):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first = seed()
    password = re.search(r"admin\s+\S.*?\s(demo-\S+)", first).group(1)
    assert client.login(username="admin", password=password)
    second = seed()
    assert password not in second
    assert client.login(username="opd.bkd", password=password)


def test_explicit_password_replaces_a_generated_one(monkeypatch, client):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    seed()
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    out = seed()
    assert "kata sandi" in out
    assert client.login(username="pimpinan", password=PASSWORD)


def test_kabupaten_kota_carry_their_published_2024_index(seeded):
    kaltim = Instansi.objects.get(code="kaltim")
    for item in demo_data.KABKOTA:
        child = Instansi.objects.get(code=item.code)
        assert child.parent == kaltim
        assert str(item.index_2024) == index_of(2024, "final_level", item.code).index.exact_str
        period = EvaluationPeriod.objects.get(instansi=child, year=2024)
        assert period.state == PeriodState.PUBLISHED
    assert index_of(2024, "final_level", "balikpapan").index.display == "3.96"
    assert "Balikpapan 3,96" in seeded


def test_a_failed_seed_leaves_no_rows_and_no_files(monkeypatch, evidence_storage):
    from assessments.notifications import notices as notifications

    def broken(**kwargs):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(notifications, "answer_returned_notify", broken)
    with pytest.raises(RuntimeError):
        seed()
    assert not Instansi.objects.exists()
    assert not [p for p in evidence_storage.rglob("*") if p.is_file()]


def test_a_2026_period_on_pemdi_is_open_with_assignments(seeded):
    period = EvaluationPeriod.objects.get(instansi__code="kaltim", year=2026)
    assert period.framework.code == "pemdi-2026"
    assert period.state == PeriodState.OPEN
    assert Assignment.objects.filter(period=period).count() == 20
    answers = Answer.objects.filter(period=period)
    assert answers.count() == 20
    # External indicators wait for their values and count 1 meanwhile.
    waiting = answers.exclude(indicator__external_source="")
    assert sorted(waiting.values_list("indicator__code", flat=True)) == ["I5", "I6", "I7"]
    assert set(waiting.values_list("validated_level", flat=True)) == {1}
    assert not answers.filter(indicator__external_source="").exclude(proposed_level=None).exists()
    # The 2025 SPBE period is untouched by the new cycle.
    assert EvaluationPeriod.objects.get(instansi__code="kaltim", year=2025).framework.code == (
        "spbe-2024"
    )


def test_2024_and_2025_follow_the_2024_guideline_and_2023_the_questionnaire(seeded):
    frameworks = dict(
        EvaluationPeriod.objects.filter(instansi__code="kaltim", year__lt=2026).values_list(
            "year", "framework__code"
        )
    )
    assert frameworks == {2023: "spbe-2020", 2024: "spbe-2024", 2025: "spbe-2024"}
    # Indicator 1 of 2025 is a draft of Diskominfo: the officer answers it
    # with the guideline's checklist (the journey in test_guideline_browser.py).
    first = Answer.objects.get(
        period__instansi__code="kaltim", period__year=2025, indicator__code="1"
    )
    assert first.state == AnswerState.DRAFT and first.opd.code == "diskominfo"
    # Handed-in files prove the chosen level's evidence criteria but one.
    handed_in = EvidenceFile.objects.filter(
        answer__period__year=2025, answer__indicator__code="3"
    ).get()
    keys = sorted(handed_in.criteria.values_list("key", flat=True))
    assert keys and all(key.startswith("3.4.") for key in keys)
    assert handed_in.tagged_by == handed_in.uploaded_by
