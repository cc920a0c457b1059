"""The yearly turnover: people who leave are deactivated (history stays,
sessions and tokens end), officers move to another OPD from a date, and the
administrator sees who held which role in which OPD during a period."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.access import can_edit_answer, scope_for
from assessments.models import ApiToken, Membership, Role, User
from assessments.notifications.notices import officers_of
from tests.factories import (
    AnswerFactory,
    EvaluationPeriodFactory,
    InstansiFactory,
    OPDFactory,
    officer_of,
    role_in,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    instansi = InstansiFactory(code="kaltim")
    diskominfo = OPDFactory(instansi=instansi, code="diskominfo", short_name="Diskominfo")
    bappeda = OPDFactory(instansi=instansi, code="bappeda", short_name="Bappeda")
    other = InstansiFactory(code="kaltara")
    officer = officer_of(diskominfo, user__first_name="Budi", user__nip="198503122010011002")
    Membership.objects.filter(user=officer).update(
        started_on=timezone.localdate() - timedelta(days=400)
    )
    return {
        "instansi": instansi,
        "diskominfo": diskominfo,
        "bappeda": bappeda,
        "admin": role_in(instansi, Role.ADMINISTRATOR),
        "officer": officer,
        "other_admin": role_in(other, Role.ADMINISTRATOR),
    }


def u(name, *args):
    return reverse(f"manage:{name}", args=["kaltim", *args])


def move(client, world, on, to=None):
    membership = world["officer"].memberships.get(ended_on__isnull=True)
    return client.post(
        u("officer_move", world["officer"].pk),
        {"from_role": membership.pk, "to_opd": (to or world["bappeda"]).pk, "on": on.isoformat()},
    )


def test_moving_an_officer_ends_the_old_role_and_starts_the_new(client, world):
    officer, today = world["officer"], timezone.localdate()
    answer = AnswerFactory(opd=world["diskominfo"], period__instansi=world["instansi"])
    client.force_login(world["admin"])
    response = move(client, world, today)
    assert response.status_code == 302
    old, new = Membership.objects.filter(user=officer).order_by("pk")
    assert (old.opd, old.ended_on) == (world["diskominfo"], today - timedelta(days=1))
    assert (new.opd, new.started_on, new.ended_on) == (world["bappeda"], today, None)
    # Access follows the current role only; notifications too.
    officer = User.objects.get(pk=officer.pk)
    assert scope_for(officer).officer_opds == frozenset({world["bappeda"].pk})
    assert not can_edit_answer(officer, answer)
    assert officer not in officers_of(world["diskominfo"])
    assert officer in officers_of(world["bappeda"])
    # Both halves are in the trail under the administrator.
    ended = LogEntry.objects.get(
        content_type__model="membership", object_pk=str(old.pk), action=LogEntry.Action.UPDATE
    )
    assert ended.actor == world["admin"]
    page = client.get(u("user_detail", officer.pk))
    assert "Peran diakhiri (pindah)" in page.text
    assert [m.opd for m in page.context["memberships"]] == [world["bappeda"]]


@pytest.mark.parametrize(
    "days, to, message",
    [
        (1, None, "masa depan"),
        (-500, None, "sesudah tanggal mulai"),
        (0, "diskominfo", "lain dari OPD asal"),
    ],
)
def test_a_move_is_refused_when_its_date_or_target_is_wrong(client, world, days, to, message):
    client.force_login(world["admin"])
    target = world[to] if to else None
    response = move(client, world, timezone.localdate() + timedelta(days=days), to=target)
    assert message in str(list(response.wsgi_request._messages))
    assert Membership.objects.filter(user=world["officer"]).count() == 1
    assert Membership.objects.get(user=world["officer"]).ended_on is None


def test_outsider_cannot_move_or_read_the_roster(client, world):
    period = EvaluationPeriodFactory(instansi=world["instansi"], year=2031)
    client.force_login(world["other_admin"])
    assert move(client, world, timezone.localdate()).status_code == 404
    assert client.get(u("period_roster", period.year)).status_code == 404
    assert Membership.objects.get(user=world["officer"]).ended_on is None


def test_roster_shows_who_held_which_role_during_the_period(
    client, world, django_assert_max_num_queries
):
    today = timezone.localdate()
    period = EvaluationPeriodFactory(instansi=world["instansi"], year=2031)  # running now
    client.force_login(world["admin"])
    move(client, world, today)  # Budi: Diskominfo until yesterday, Bappeda from today
    url = u("period_roster", period.year)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    rows = [
        (m.opd.short_name if m.opd else None, m.user.first_name) for m in response.context["roles"]
    ]
    assert ("Bappeda", "Budi") in rows and ("Diskominfo", "Budi") in rows
    # A role that ended before the period began is not listed.
    early = officer_of(world["bappeda"], user__first_name="Lama")
    Membership.objects.filter(user=early).update(
        started_on=today - timedelta(days=300), ended_on=today - timedelta(days=200)
    )
    for n in range(15):
        officer_of(world["bappeda"], user__first_name=f"Petugas{n}")
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    names = [m.user.first_name for m in response.context["roles"]]
    assert "Lama" not in names and "Petugas14" in names
    assert "198503122010011002" in response.text


def test_deactivation_ends_sessions_and_tokens_but_keeps_history(client, world):
    from django.test import Client

    officer = world["officer"]
    answer = AnswerFactory(opd=world["diskominfo"], period__instansi=world["instansi"])
    token = ApiToken.objects.create(
        user=officer, name="laptop", key_prefix="abcd1234", key_hash="y" * 64
    )
    theirs = Client()
    theirs.force_login(officer)
    assert theirs.get(reverse("assessments:my_indicators")).status_code == 200
    client.force_login(world["admin"])
    client.post(u("user_active", officer.pk), {"active": "0"})
    mine = theirs.get(reverse("assessments:my_indicators"))
    assert mine.status_code == 302 and reverse("login") in mine["Location"]
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Their roles and answers stay: reports and history still name them.
    assert Membership.objects.filter(user=officer).exists()
    answer.refresh_from_db()
    assert User.objects.filter(pk=officer.pk, is_active=False).exists()
