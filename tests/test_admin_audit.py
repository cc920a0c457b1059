"""Administrative changes get the same care as answers: each goes through an
action function that checks access, and leaves an audit entry saying who did
what to whom, when, and from what to what (django-auditlog)."""

from datetime import timedelta

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import organisations
from assessments.models import OPD, ApiToken, EvaluationPeriod, Instansi, Membership, Role, User
from assessments.people import accounts
from assessments.people.audit import acting_as
from spbe_portal.errors import NotAllowed
from tests.factories import (
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
    opd = OPDFactory(instansi=instansi, code="diskominfo", short_name="Diskominfo")
    other = InstansiFactory(code="kaltara")
    return {
        "instansi": instansi,
        "opd": opd,
        "admin": role_in(instansi, Role.ADMINISTRATOR, user__first_name="Ani Admin"),
        "officer": officer_of(opd, user__first_name="Budi"),
        "other_admin": role_in(other, Role.ADMINISTRATOR),
        "other": other,
    }


def u(name, *args):
    return reverse(f"manage:{name}", args=["kaltim", *args])


def entries_for(model, **filters):
    kind = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(content_type=kind, **filters).order_by("timestamp", "pk")


# --- roles: who gave whom which role, when ------------------------------------------


def test_granting_and_revoking_a_role_is_audited_and_shown(client, world):
    officer, admin = world["officer"], world["admin"]
    client.force_login(admin)
    before = LogEntry.objects.count()
    client.post(u("membership_add", officer.pk), {"role": Role.REVIEWER})
    granted = Membership.objects.get(user=officer, role=Role.REVIEWER)
    client.post(u("membership_remove", officer.pk, granted.pk))
    assert not Membership.objects.filter(pk=granted.pk).exists()

    grant, revoke = entries_for(Membership, object_pk=str(granted.pk))
    assert LogEntry.objects.count() == before + 2
    assert (grant.action, grant.actor, grant.additional_data["user_id"]) == (
        LogEntry.Action.CREATE,
        admin,
        officer.pk,
    )
    assert grant.changes_dict["role"] == ["None", Role.REVIEWER]
    assert (revoke.action, revoke.actor) == (LogEntry.Action.DELETE, admin)
    assert grant.remote_addr == "127.0.0.1"  # the request's address is kept too

    page = client.get(u("user_detail", officer.pk))
    trail = page.context["trail"]
    assert [row.action for row in trail[:2]] == ["Peran dicabut", "Peran diberikan"]
    assert all(row.actor == "Ani Admin" for row in trail[:2])
    assert "Asesor internal" in trail[0].subject
    assert "Riwayat akun dan peran" in page.text


def test_account_changes_record_each_field_from_what_to_what(client, world):
    officer = world["officer"]
    old_email = officer.email
    client.force_login(world["admin"])
    client.post(
        u("user_detail", officer.pk),
        {"first_name": "Budi Santoso", "last_name": "", "email": "budi@kaltimprov.go.id"},
    )
    officer.refresh_from_db()
    assert officer.email == "budi@kaltimprov.go.id"
    entry = entries_for(User, object_pk=str(officer.pk), action=LogEntry.Action.UPDATE).get()
    assert entry.actor == world["admin"]
    assert entry.changes_dict["email"] == [old_email, "budi@kaltimprov.go.id"]
    assert "password" not in entry.changes_dict

    page = client.get(u("user_detail", officer.pk))
    assert f"{old_email} → budi@kaltimprov.go.id" in page.text


def test_deactivation_is_audited_and_ends_api_tokens(client, world):
    officer = world["officer"]
    ApiToken.objects.create(user=officer, name="laptop", key_prefix="abcd1234", key_hash="x" * 64)
    client.force_login(world["admin"])
    client.post(u("user_active", officer.pk), {"active": "0"})
    officer.refresh_from_db()
    assert not officer.is_active
    assert not ApiToken.objects.active().filter(user=officer).exists()
    entry = entries_for(User, object_pk=str(officer.pk)).last()
    assert entry.changes_dict["is_active"] == ["True", "False"]
    assert entry.actor == world["admin"]


def test_opd_edit_and_child_instansi_are_audited(client, world):
    client.force_login(world["admin"])
    opd = world["opd"]
    client.post(
        u("opd_edit", opd.pk),
        {"code": "diskominfo", "name": "Dinas Kominfo Kaltim", "short_name": "Kominfo"},
    )
    opd.refresh_from_db()
    assert opd.short_name == "Kominfo"
    entry = entries_for(OPD, object_pk=str(opd.pk), action=LogEntry.Action.UPDATE).get()
    assert entry.actor == world["admin"]
    assert entry.changes_dict["short_name"] == ["Diskominfo", "Kominfo"]

    client.post(u("children"), {"code": "samarinda", "name": "Kota Samarinda", "kind": "kota"})
    child = Instansi.objects.get(code="samarinda")
    assert child.parent == world["instansi"]
    created = entries_for(Instansi, object_pk=str(child.pk)).get()
    assert (created.action, created.actor) == (LogEntry.Action.CREATE, world["admin"])


def test_period_transitions_are_audited_and_shown(client, world):
    period = EvaluationPeriodFactory(instansi=world["instansi"], year=2030, state="draft")
    client.force_login(world["admin"])
    url = reverse("manage:period_transition", args=["kaltim", 2030])
    client.post(url, {"to_state": "open"})
    client.post(url, {"to_state": "in_review"})
    period.refresh_from_db()
    assert period.state == "in_review"
    moves = entries_for(EvaluationPeriod, object_pk=str(period.pk), action=LogEntry.Action.UPDATE)
    assert [e.changes_dict["state"] for e in moves] == [
        ["draft", "open"],
        ["open", "in_review"],
    ]
    assert {e.actor for e in moves} == {world["admin"]}
    page = client.get(reverse("manage:period_detail", args=["kaltim", 2030]))
    assert "Riwayat status dan jadwal" in page.text
    assert page.context["trail"][0].changes[0].new == "Dalam penilaian"


# --- outsiders change nothing and leave no entry -------------------------------------


def test_outsider_administrator_gets_404_and_writes_nothing(client, world):
    officer, opd = world["officer"], world["opd"]
    period = EvaluationPeriodFactory(instansi=world["instansi"], year=2030, state="draft")
    membership = officer.memberships.get()
    client.force_login(world["other_admin"])
    before = LogEntry.objects.count()
    attempts = [
        (u("membership_add", officer.pk), {"role": Role.ADMINISTRATOR}),
        (u("membership_remove", officer.pk, membership.pk), {}),
        (u("user_detail", officer.pk), {"first_name": "X", "email": "x@x.id"}),
        (u("user_active", officer.pk), {"active": "0"}),
        (u("opd_edit", opd.pk), {"code": "x", "name": "X", "short_name": "X"}),
        (u("children"), {"code": "x", "name": "X", "kind": "kota"}),
        (reverse("manage:period_transition", args=["kaltim", 2030]), {"to_state": "open"}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 404, url
    assert LogEntry.objects.count() == before
    officer.refresh_from_db()
    period.refresh_from_db()
    assert officer.is_active and officer.first_name == "Budi"
    assert list(officer.memberships.values_list("role", flat=True)) == [Role.OFFICER]
    assert OPD.objects.get(pk=opd.pk).short_name == "Diskominfo"
    assert period.state == "draft"


def test_actions_refuse_an_outsider_even_without_a_view(world):
    """The rule lives in access.py, so a caller that skips the view's lookup
    (an import, a future API) is refused too."""
    outsider, officer = world["other_admin"], world["officer"]
    before = LogEntry.objects.count()
    with pytest.raises(NotAllowed):
        accounts.membership_grant(
            by=outsider, member=officer, instansi=world["instansi"], role=Role.ADMINISTRATOR
        )
    with pytest.raises(NotAllowed):
        accounts.user_set_active(by=outsider, member=officer, active=False)
    with pytest.raises(NotAllowed):
        organisations.opd_save(by=outsider, instansi=world["instansi"], opd=world["opd"], name="X")
    assert LogEntry.objects.count() == before
    assert officer.memberships.count() == 1


# --- the command line and nested contexts --------------------------------------------


def test_command_line_changes_are_attributed(world):
    officer = world["officer"]
    accounts.membership_grant(by=None, member=officer, instansi=world["instansi"], role="reviewer")
    anonymous = entries_for(Membership, action=LogEntry.Action.CREATE).last()
    assert anonymous.actor is None
    accounts.membership_grant(
        by=world["admin"], member=officer, instansi=world["instansi"], role="leadership"
    )
    attributed = entries_for(Membership, action=LogEntry.Action.CREATE).last()
    assert attributed.actor == world["admin"]


def test_acting_as_gives_the_outer_context_back(world):
    admin, officer = world["admin"], world["officer"]
    with set_actor(officer):
        with acting_as(admin):
            OPD.objects.create(instansi=world["instansi"], code="a", name="A", short_name="A")
        OPD.objects.create(instansi=world["instansi"], code="b", name="B", short_name="B")
    a, b = (entries_for(OPD, object_repr=name).get() for name in ("A", "B"))
    assert (a.actor, b.actor) == (admin, officer)


# --- query counts of the trails ------------------------------------------------------


def test_user_trail_query_count_is_constant(client, world, django_assert_max_num_queries):
    officer, admin = world["officer"], world["admin"]
    client.force_login(admin)
    url = u("user_detail", officer.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        opd = OPDFactory(instansi=world["instansi"], code=f"opd-x{n}")
        accounts.membership_grant(
            by=admin, member=officer, instansi=world["instansi"], role="officer", opd=opd
        )
        accounts.user_update(by=admin, member=officer, last_name=f"Nama{n}")
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["trail"]) >= 20


def test_period_trail_query_count_is_constant(client, world, django_assert_max_num_queries):
    from assessments import periods

    admin = world["admin"]
    period = EvaluationPeriodFactory(instansi=world["instansi"], year=2030, state="draft")
    client.force_login(admin)
    url = reverse("manage:period_detail", args=["kaltim", 2030])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for days in range(1, 8):
        periods.period_windows_update(
            period=period,
            user=admin,
            fill_opens_at=period.fill_opens_at,
            fill_closes_at=period.fill_closes_at + timedelta(days=days),
            review_closes_at=period.review_closes_at + timedelta(days=days),
            target_index=None,
        )
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["trail"]) == 8  # created, then seven changes
