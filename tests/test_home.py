"""The role-aware landing page: each role sees what it has to do next, with
empty states, nothing of another OPD or instansi, and a fixed number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import AnswerState, Membership, PeriodState, Role
from reports.models import IndexSnapshot
from tests.factories import (
    AnswerFactory,
    EvaluationPeriodFactory,
    FrameworkVersionFactory,
    InstansiFactory,
    OPDFactory,
    officer_of,
    role_in,
)

pytestmark = pytest.mark.django_db

HOME = "/"


@pytest.fixture
def world():
    from types import SimpleNamespace

    framework = FrameworkVersionFactory()
    instansi = InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    period = EvaluationPeriodFactory(instansi=instansi, framework=framework, year=2025)
    opd = OPDFactory(instansi=instansi, short_name="Diskominfo")
    other_opd = OPDFactory(instansi=instansi, short_name="Bappeda")
    states = [AnswerState.DRAFT, AnswerState.SUBMITTED, AnswerState.VALIDATED]
    states += [AnswerState.RETURNED]
    for state in states:
        AnswerFactory(period=period, opd=opd, state=state, proposed_level=3)
    for _ in range(5):
        AnswerFactory(period=period, opd=other_opd, state=AnswerState.SUBMITTED)
    foreign = EvaluationPeriodFactory(framework=framework, year=2025)
    foreign_opd = OPDFactory(instansi=foreign.instansi, short_name="Rahasia Asing")
    AnswerFactory(period=foreign, opd=foreign_opd, state=AnswerState.SUBMITTED)
    return SimpleNamespace(
        framework=framework,
        instansi=instansi,
        period=period,
        opd=opd,
        other_opd=other_opd,
        foreign=foreign,
        officer=officer_of(opd),
        other_officer=officer_of(other_opd),
        reviewer=role_in(instansi, Role.REVIEWER),
        leader=role_in(instansi, Role.LEADERSHIP),
        admin=role_in(instansi, Role.ADMINISTRATOR),
    )


def snapshot(period, basis, display, predicate="Sangat Baik"):
    return IndexSnapshot.objects.create(
        period=period,
        basis=basis,
        framework=period.framework,
        computed_at=timezone.now(),
        inputs_sha256="0" * 64,
        complete=True,
        index_exact=Decimal(display),
        index_display=display,
        predicate=predicate,
    )


def page(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_goes_to_the_login_page(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_post_is_not_accepted(client, world):
    client.force_login(world.officer)
    assert client.post(HOME).status_code == 405


def test_officer_sees_own_opd_progress_only(client, world):
    html = page(client, world.officer)
    assert "Pengisian OPD Anda" in html
    # Own OPD: 4 answers, submitted + validated done, one returned.
    assert "2 dari 4 diajukan" in html
    assert "1 jawaban dikembalikan untuk perbaikan." in html
    assert reverse("assessments:my_indicators") in html
    assert "Antrean verifikasi" not in html and "Indeks SPBE terakhir" not in html
    assert "Periode penilaian" not in html


def test_officer_of_another_opd_sees_its_own_counts(client, world):
    html = page(client, world.other_officer)
    assert "5 dari 5 diajukan" in html and "2 dari 4" not in html
    assert "dikembalikan untuk perbaikan" not in html


def test_officer_without_open_period_gets_the_empty_state(client, world):
    world.period.state = PeriodState.CLOSED
    world.period.save()
    html = page(client, world.officer)
    assert "Belum ada periode yang dibuka untuk OPD Anda." in html


def test_reviewer_sees_the_queue_count_of_their_instansi(client, world):
    html = page(client, world.reviewer)
    # 1 submitted of Diskominfo + 5 of Bappeda; the other instansi's is not counted.
    assert "6 jawaban menunggu keputusan Anda." in html
    assert f"?period={world.period.pk}" in html
    assert f"?period={world.foreign.pk}" not in html
    assert "Pengisian OPD Anda" not in html


def test_reviewer_with_an_empty_queue(client, world):
    from assessments.models import Answer

    Answer.objects.filter(state=AnswerState.SUBMITTED).update(state=AnswerState.VALIDATED)
    html = page(client, world.reviewer)
    assert "Tidak ada jawaban yang menunggu verifikasi." in html


def test_leadership_sees_the_latest_index_per_basis_in_indonesian_format(client, world):
    old = EvaluationPeriodFactory(
        instansi=world.instansi, framework=world.framework, year=2024, state=PeriodState.PUBLISHED
    )
    snapshot(old, "final", "3.79")
    snapshot(old, "validated", "3.82")
    snapshot(old, "self", "4.35", "Memuaskan")
    snapshot(world.period, "self", "4.10")
    snapshot(world.foreign, "final", "1.23", "Kurang")

    html = page(client, world.leader)
    assert "Indeks SPBE terakhir" in html
    assert "3,79" in html and "3,82" in html and "Memuaskan" not in html
    assert "4,10" in html  # the newer period's self-assessment wins
    assert "3.79" not in html
    assert "1,23" not in html and "Kurang" not in html
    assert reverse("reports:dashboard", kwargs={"instansi": "kaltim", "year": 2024}) in html
    assert reverse("reports:home") in html


def test_leadership_without_results_gets_the_empty_state(client, world):
    html = page(client, world.leader)
    assert "Belum ada hasil indeks yang lengkap." in html


def test_administrator_sees_their_periods_only(client, world):
    html = page(client, world.admin)
    assert reverse("manage:period_detail", args=["kaltim", 2025]) in html
    assert world.foreign.instansi.code not in html
    assert "Terbuka" in html or world.period.get_state_display() in html


def test_administrator_without_periods(client):
    instansi = InstansiFactory()
    html = page(client, role_in(instansi, Role.ADMINISTRATOR))
    assert "Belum ada periode penilaian." in html


def test_a_user_without_any_role_is_told_so(client, django_user_model):
    html = page(client, django_user_model.objects.create_user("tanpa-peran", password="x"))
    assert "belum memiliki peran" in html


def test_query_count_does_not_grow_with_periods_answers_and_snapshots(client, world):
    """One user holding every role; more periods, answers and snapshots
    must not add queries."""
    user = world.officer
    for role in (Role.REVIEWER, Role.LEADERSHIP, Role.ADMINISTRATOR):
        Membership.objects.create(user=user, instansi=world.instansi, role=role)
    client.force_login(user)
    client.get(HOME)
    with CaptureQueriesContext(connection) as few:
        assert client.get(HOME).status_code == 200

    for year in range(2015, 2024):
        period = EvaluationPeriodFactory(
            instansi=world.instansi, framework=world.framework, year=year
        )
        for _ in range(3):
            AnswerFactory(period=period, opd=world.opd, state=AnswerState.SUBMITTED)
        for basis in ("self", "validated", "final"):
            snapshot(period, basis, "3.00", "Baik")
    with CaptureQueriesContext(connection) as many:
        assert client.get(HOME).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 12


def test_administrator_sees_own_periods_first_and_counts_the_regencies(client, world):
    regency = InstansiFactory(
        code="berau", name="Pemerintah Kabupaten Berau", parent=world.instansi
    )
    EvaluationPeriodFactory(instansi=regency, framework=world.framework, year=2026)
    html = page(client, world.admin)
    assert reverse("manage:period_detail", args=["kaltim", 2025]) in html
    assert "Pemerintah Kabupaten Berau" not in html
    assert "Ditambah 1 periode kabupaten/kota" in html


@pytest.fixture
def back_to_indonesian():
    """LocaleMiddleware leaves the request's language active in this thread;
    later tests that format messages outside a request must get Indonesian."""
    from django.utils import translation

    yield
    translation.deactivate()


def test_english_visitors_get_the_translation(client, back_to_indonesian, world, settings):
    from pathlib import Path

    if not (Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.mo").exists():
        pytest.skip("catalogues not compiled (make messages)")
    client.cookies["django_language"] = "en"
    html = page(client, world.reviewer)
    assert "Welcome," in html and "Review queue" in html
