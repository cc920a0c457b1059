"""Personal API tokens: created on the profile page (shown once, stored
hashed), listed, revoked; the create_api_token command; Bearer auth."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.models import ApiToken
from tests.factories import UserFactory, officer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    from tests.factories import OPDFactory

    return officer_of(OPDFactory())


def bearer(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def create_on_profile(client, name="Dasbor Bappeda"):
    response = client.post(reverse("assessments:token_create"), {"name": name})
    assert response.status_code == 201
    return response, response.context["new_token"]["secret"]


def test_profile_creates_a_token_shown_once_and_stored_hashed(client, user):
    client.force_login(user)
    response, raw = create_on_profile(client)
    assert raw in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.key_prefix == raw[:8] and token.name == "Dasbor Bappeda"
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    page = client.get(reverse("assessments:profile")).content.decode()
    assert raw not in page
    assert token.key_prefix in page and "Dasbor Bappeda" in page


def test_a_token_authenticates_and_records_its_last_use(client, user):
    client.force_login(user)
    _response, raw = create_on_profile(client)
    response = bearer(raw).get(reverse("api:period-list"))
    assert response.status_code == 200
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_revoked_tokens_get_401(client, user):
    client.force_login(user)
    _response, raw = create_on_profile(client)
    token = ApiToken.objects.get(user=user)
    response = client.post(reverse("assessments:token_revoke", args=[token.pk]), follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(raw).get(reverse("api:period-list")).status_code == 401


def test_someone_elses_token_cannot_be_revoked(client, user):
    other = UserFactory()
    client.force_login(other)
    _response, _raw = create_on_profile(client)
    token = ApiToken.objects.get(user=other)
    client.force_login(user)
    response = client.post(reverse("assessments:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_bad_name_is_refused_and_nothing_is_created(client, user, name):
    client.force_login(user)
    response = client.post(reverse("assessments:token_create"), {"name": name})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_profile_needs_login(client):
    response = client.get(reverse("assessments:profile"))
    assert response.status_code == 302
    assert client.post(reverse("assessments:token_create"), {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer short", "Bearer " + "y" * 43, "Bearer \u00e9\u00e9\u00e9"],
)
def test_malformed_or_unknown_tokens_are_401(user, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(reverse("api:period-list")).status_code == 401


def test_an_inactive_users_token_is_refused(user):
    out = io.StringIO()
    call_command("create_api_token", user.username, name="skrip", stdout=out)
    raw = out.getvalue().strip()
    assert bearer(raw).get(reverse("api:period-list")).status_code == 200
    user.is_active = False
    user.save()
    assert bearer(raw).get(reverse("api:period-list")).status_code == 401


def test_command_refuses_an_unknown_user():
    with pytest.raises(CommandError):
        call_command("create_api_token", "tidak-ada", stdout=io.StringIO())


def test_the_browser_session_works_and_its_writes_need_csrf(user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get(reverse("api:period-list")).status_code == 200
    response = browser.post(
        reverse("api:calculator"), {"framework": "x", "levels": {}}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- expiry and password changes (hardening finding 10) ---------------------------


def test_a_new_token_expires_after_the_chosen_lifetime(client, user):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(user)
    before = timezone.now()
    create_on_profile(client)
    token = ApiToken.objects.get(user=user)
    assert timedelta(days=89) < token.expires_at - before <= timedelta(days=90, seconds=5)
    response = client.post(reverse("assessments:token_create"), {"name": "Setahun", "days": 365})
    assert response.status_code == 201
    assert ApiToken.objects.get(name="Setahun").expires_at > before + timedelta(days=364)
    page = client.get(reverse("assessments:profile")).content.decode()
    assert "Berlaku sampai" in page


def test_an_odd_lifetime_is_refused_and_nothing_is_created(client, user):
    client.force_login(user)
    response = client.post(reverse("assessments:token_create"), {"name": "x", "days": 10_000})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_an_expired_token_gets_401(client, user):
    from django.utils import timezone

    client.force_login(user)
    _response, raw = create_on_profile(client)
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now())
    assert bearer(raw).get(reverse("api:period-list")).status_code == 401


def test_changing_the_password_revokes_every_token(client, user):
    client.force_login(user)
    _response, raw = create_on_profile(client)
    assert bearer(raw).get(reverse("api:period-list")).status_code == 200
    user.set_password("kata-sandi-baru-yang-panjang")
    user.save()
    assert ApiToken.objects.get(user=user).revoked_at is not None
    assert bearer(raw).get(reverse("api:period-list")).status_code == 401
