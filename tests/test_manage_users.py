"""Administrators manage the accounts and roles of their own instansi."""

import pytest
from django.core import mail
from django.urls import reverse

from assessments.models import Membership, Role, User
from tests.factories import (
    PASSWORD,
    InstansiFactory,
    MembershipFactory,
    OPDFactory,
    UserFactory,
    officer_of,
    role_in,
)

STRONG = "Kaltim-Digital-2025!"


@pytest.fixture
def invitations(django_capture_on_commit_callbacks):
    """Invitation e-mails leave through a Celery task after commit: run the
    task in-process (even with REDIS_URL set) and the commit callbacks."""
    from spbe_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield lambda: django_capture_on_commit_callbacks(execute=True)
    app.conf.task_always_eager = before


@pytest.fixture
def world(db):
    instansi = InstansiFactory(code="kaltim")
    opd = OPDFactory(instansi=instansi, code="diskominfo", short_name="Diskominfo")
    other = InstansiFactory(code="kaltara")
    return {
        "instansi": instansi,
        "opd": opd,
        "admin": role_in(instansi, Role.ADMINISTRATOR),
        "officer": officer_of(opd),
        "reviewer": role_in(instansi, Role.REVIEWER),
        "leader": role_in(instansi, Role.LEADERSHIP),
        "other_admin": role_in(other, Role.ADMINISTRATOR),
        "other": other,
        "foreign_opd": OPDFactory(instansi=other, code="kaltara-dkis"),
    }


def u(name, *args):
    return reverse(f"manage:{name}", args=["kaltim", *args])


def create(client, **extra):
    data = {
        "username": "budi",
        "full_name": "Budi Santoso",
        "email": "budi@kaltimprov.go.id",
        "role": Role.OFFICER,
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(extra)
    return client.post(u("user_create"), data)


# --- outsiders --------------------------------------------------------------------


def user_urls(world):
    pk = world["officer"].pk
    membership = Membership.objects.get(user=world["officer"])
    return [
        ("get", u("user_list")),
        ("get", u("user_create")),
        ("post", u("user_create")),
        ("get", u("user_detail", pk)),
        ("post", u("user_detail", pk)),
        ("post", u("user_active", pk)),
        ("post", u("user_password_email", pk)),
        ("post", u("membership_add", pk)),
        ("post", u("membership_remove", pk, membership.pk)),
    ]


@pytest.mark.parametrize("who", ["officer", "reviewer", "leader", "other_admin"])
def test_outsiders_get_404_and_change_nothing(client, world, who):
    client.force_login(world[who])
    for method, url in user_urls(world):
        data = {"active": "0", "role": Role.ADMINISTRATOR, "first_name": "X", "email": "x@x.id"}
        assert getattr(client, method)(url, data).status_code == 404, url
    officer = User.objects.get(pk=world["officer"].pk)
    assert officer.is_active
    assert officer.first_name != "X"
    assert list(officer.memberships.values_list("role", flat=True)) == [Role.OFFICER]
    assert len(mail.outbox) == 0


def test_anonymous_is_sent_to_login(client, world):
    for method, url in user_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_other_instansi_user_is_not_found_here(client, world):
    stranger = officer_of(world["foreign_opd"])
    client.force_login(world["admin"])
    assert client.get(u("user_detail", stranger.pk)).status_code == 404
    assert client.post(u("user_active", stranger.pk), {"active": "0"}).status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active


# --- list and create ------------------------------------------------------------------


def test_list_shows_only_members_of_the_instansi(client, world):
    stranger = officer_of(world["foreign_opd"])
    client.force_login(world["admin"])
    response = client.get(u("user_list"))
    assert response.status_code == 200
    assert world["officer"].username in response.text
    assert world["reviewer"].username in response.text
    assert stranger.username not in response.text


def test_create_officer_with_password(client, world):
    client.force_login(world["admin"])
    response = create(client, opd=world["opd"].pk)
    assert response.status_code == 302
    user = User.objects.get(username="budi")
    assert user.first_name == "Budi Santoso"
    assert user.check_password(STRONG)
    membership = user.memberships.get()
    assert (membership.instansi, membership.role, membership.opd) == (
        world["instansi"],
        Role.OFFICER,
        world["opd"],
    )
    assert len(mail.outbox) == 0


def test_create_reviewer_ignores_opd(client, world):
    client.force_login(world["admin"])
    create(client, role=Role.REVIEWER, opd=world["opd"].pk)
    membership = User.objects.get(username="budi").memberships.get()
    assert (membership.role, membership.opd) == (Role.REVIEWER, None)


def test_create_with_password_email(client, world, invitations):
    client.force_login(world["admin"])
    with invitations():
        response = create(
            client, role=Role.LEADERSHIP, password1="", password2="", send_password_email="on"
        )
    assert response.status_code == 302
    user = User.objects.get(username="budi")
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["budi@kaltimprov.go.id"]
    assert "/accounts/reset/" in mail.outbox[0].body
    assert "nama pengguna: budi" in mail.outbox[0].body
    assert "Akun Portal SPBE" in mail.outbox[0].subject


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"role": Role.OFFICER}, "Petugas OPD harus memilih OPD"),
        ({"password2": "lain-sekali-2025!"}, "tidak sama"),
        ({"password1": "12345678", "password2": "12345678"}, "terlalu umum"),
        ({"password1": "", "password2": ""}, "Isi kata sandi"),
        ({"send_password_email": "on", "email": ""}, "Isi surel"),
        ({"username": "bad name!"}, "Nama pengguna"),
    ],
)
def test_create_rejects_bad_input(client, world, extra, message):
    client.force_login(world["admin"])
    response = create(client, **{"role": Role.REVIEWER, **extra})
    assert response.status_code == 200
    assert message in response.text
    assert not User.objects.filter(username__in=["budi", "bad name!"]).exists()
    assert len(mail.outbox) == 0


def test_create_refuses_opd_of_another_instansi(client, world):
    client.force_login(world["admin"])
    response = create(client, opd=world["foreign_opd"].pk)
    assert response.status_code == 200
    assert not User.objects.filter(username="budi").exists()


def test_create_refuses_taken_username_or_email(client, world):
    UserFactory(username="Budi", email="lama@kaltimprov.go.id")
    client.force_login(world["admin"])
    assert "sudah dipakai" in create(client, role=Role.REVIEWER).text
    assert (
        "sudah dipakai"
        in create(client, role=Role.REVIEWER, username="budi2", email="LAMA@kaltimprov.go.id").text
    )
    assert User.objects.filter(username__istartswith="budi").count() == 1


# --- edit, deactivate, password e-mail ---------------------------------------------------------


def test_edit_account_data(client, world):
    officer = world["officer"]
    client.force_login(world["admin"])
    assert client.get(u("user_detail", officer.pk)).status_code == 200
    response = client.post(
        u("user_detail", officer.pk),
        {"first_name": "Siti", "last_name": "Aminah", "email": "siti@kaltimprov.go.id"},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.first_name, officer.last_name, officer.email) == (
        "Siti",
        "Aminah",
        "siti@kaltimprov.go.id",
    )


def test_deactivate_and_reactivate(client, world):
    officer = world["officer"]
    client.force_login(world["admin"])
    client.post(u("user_active", officer.pk), {"active": "0"})
    officer.refresh_from_db()
    assert not officer.is_active
    assert not client.login(username=officer.username, password=PASSWORD)
    client.force_login(world["admin"])
    client.post(u("user_active", officer.pk), {"active": "1"})
    officer.refresh_from_db()
    assert officer.is_active


def test_administrator_cannot_deactivate_self(client, world):
    admin = world["admin"]
    client.force_login(admin)
    response = client.post(u("user_active", admin.pk), {"active": "0"}, follow=True)
    assert "akun Anda sendiri" in response.text
    admin.refresh_from_db()
    assert admin.is_active


def test_account_shared_with_another_instansi_is_read_only(client, world):
    shared = world["officer"]
    MembershipFactory(user=shared, instansi=world["other"], opd=world["foreign_opd"])
    client.force_login(world["admin"])
    page = client.get(u("user_detail", shared.pk))
    assert page.status_code == 200
    assert "instansi lain" in page.text
    assert client.post(u("user_detail", shared.pk), {"first_name": "X"}).status_code == 403
    assert client.post(u("user_active", shared.pk), {"active": "0"}).status_code == 403
    shared.refresh_from_db()
    assert shared.is_active and shared.first_name != "X"
    # Roles within this instansi remain the administrator's to manage.
    client.post(u("membership_add", shared.pk), {"role": Role.REVIEWER})
    assert shared.memberships.filter(instansi=world["instansi"], role=Role.REVIEWER).exists()


def test_superuser_account_is_read_only_for_administrators(client, world):
    boss = UserFactory(is_superuser=True)
    MembershipFactory(user=boss, instansi=world["instansi"], role=Role.REVIEWER, opd=None)
    client.force_login(world["admin"])
    assert client.post(u("user_active", boss.pk), {"active": "0"}).status_code == 403
    boss.refresh_from_db()
    assert boss.is_active


def test_send_password_email(client, world, invitations):
    officer = world["officer"]
    client.force_login(world["admin"])
    with invitations():
        response = client.post(u("user_password_email", officer.pk), follow=True)
    assert "dikirim" in response.text
    assert [m.to for m in mail.outbox] == [[officer.email]]
    # Who sent it, when, is on the person's trail (no link or token is kept).
    trail = client.get(u("user_detail", officer.pk)).context["trail"]
    assert trail[0].action == "Undangan dikirim"


# --- memberships -------------------------------------------------------------------------


def test_add_and_remove_membership(client, world):
    officer = world["officer"]
    client.force_login(world["admin"])
    second = OPDFactory(instansi=world["instansi"], code="bappeda")
    client.post(u("membership_add", officer.pk), {"role": Role.OFFICER, "opd": second.pk})
    assert set(officer.memberships.values_list("opd_id", flat=True)) == {
        world["opd"].pk,
        second.pk,
    }
    membership = officer.memberships.get(opd=second)
    response = client.post(u("membership_remove", officer.pk, membership.pk))
    assert response.status_code == 302
    assert list(officer.memberships.values_list("opd_id", flat=True)) == [world["opd"].pk]


def test_membership_refuses_duplicates_and_foreign_opd(client, world):
    officer = world["officer"]
    client.force_login(world["admin"])
    response = client.post(
        u("membership_add", officer.pk), {"role": Role.OFFICER, "opd": world["opd"].pk}, follow=True
    )
    assert "sudah memegang" in response.text
    client.post(
        u("membership_add", officer.pk), {"role": Role.OFFICER, "opd": world["foreign_opd"].pk}
    )
    assert officer.memberships.count() == 1


def test_membership_of_another_instansi_cannot_be_removed(client, world):
    shared = world["officer"]
    foreign = MembershipFactory(user=shared, instansi=world["other"], opd=world["foreign_opd"])
    client.force_login(world["admin"])
    assert client.post(u("membership_remove", shared.pk, foreign.pk)).status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_administrator_cannot_drop_own_admin_role(client, world):
    admin = world["admin"]
    membership = admin.memberships.get()
    client.force_login(admin)
    client.post(u("membership_remove", admin.pk, membership.pk))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_new_account_sets_password_through_the_emailed_link(client, world, invitations):
    import re

    client.force_login(world["admin"])
    with invitations():
        create(client, role=Role.LEADERSHIP, password1="", password2="", send_password_email="on")
    client.logout()
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    set_url = page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 302
    assert User.objects.get(username="budi").check_password(STRONG)
    # The link works once: setting the password changed what its token signs.
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False


def test_last_role_cannot_be_removed(client, world):
    officer = world["officer"]
    membership = officer.memberships.get()
    client.force_login(world["admin"])
    response = client.post(u("membership_remove", officer.pk, membership.pk), follow=True)
    assert "peran terakhir" in response.text
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_user_list_query_count_is_constant(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["admin"])
    client.get(u("user_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(u("user_list"))
    for n in range(25):
        officer_of(world["opd"], user__username=f"petugas{n}")
    with django_assert_max_num_queries(len(few)):
        response = client.get(u("user_list"))
    assert response.text.count("petugas") >= 25
