"""Production readiness: Django's deployment checks under production-like
settings, security headers on real pages and downloads, login throttling
and session expiry, all through the client as a browser would meet them."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, OPDFactory, UserFactory, officer_of

ROOT = Path(__file__).resolve().parent.parent
MAX_FAILURES = django_settings.AXES_FAILURE_LIMIT


def production_env(tmp_path, **extra) -> dict:
    """What a production deployment sets (docs/OPERATIONS.md), and nothing
    from the developer's own environment that could mask a missing value."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "spbe.kaltimprov.go.id",
        "CSRF_TRUSTED_ORIGINS": "https://spbe.kaltimprov.go.id",
        "BEHIND_TLS_PROXY": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_PRELOAD": "1",
        "SPBE_VAR_DIR": str(tmp_path / "var"),
    }
    env.update(extra)
    return env


def run_manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- manage.py check --deploy ------------------------------------------------------------


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = run_manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_a_missing_https_setup(tmp_path):
    """The check is real: without the TLS settings it fails (so the clean run
    above is not an accident of silenced checks)."""
    env = production_env(tmp_path)
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD"):
        env.pop(name)
    result = run_manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # HSTS
    assert "security.W008" in result.stderr + result.stdout  # SSL redirect


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    env.pop("SECRET_KEY")
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_defaults_are_the_safe_ones(tmp_path):
    """With only the required values set, the secure choices are the defaults."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SPBE_VAR_DIR": str(tmp_path / "var"),
    }
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'DEBUG', 'ALLOWED_HOSTS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SESSION_COOKIE_HTTPONLY', 'SECURE_CONTENT_TYPE_NOSNIFF', 'SESSION_COOKIE_AGE', "
        "'SESSION_EXPIRE_AT_BROWSER_CLOSE')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "spbe_portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "DEBUG": False,
        "ALLOWED_HOSTS": [],  # nothing is served until the host is named
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SESSION_COOKIE_AGE": 8 * 60 * 60,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
    }


# --- security headers beyond the login page ----------------------------------------------


@pytest.fixture
def officer(db):
    return officer_of(OPDFactory())


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1][:40]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] in ("SAMEORIGIN", "DENY")
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "name",
    ["home", "assessments:my_indicators", "assessments:profile", "notifications:list"],
)
def test_signed_in_pages_carry_the_security_headers(client, officer, name):
    client.force_login(officer)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_security_headers(response)


def test_error_pages_carry_the_security_headers(client, officer):
    client.force_login(officer)
    response = client.get(reverse("assessments:answer_detail", args=[uuid.uuid4()]))
    assert response.status_code == 404
    assert_security_headers(response)


def test_hsts_and_https_redirect_when_configured(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    secure = client.get("/accounts/login/", secure=True)
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_session_and_csrf_cookies_are_locked_down(client, db, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    user = UserFactory()
    page = client.get("/accounts/login/", secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"
    # Expires with the browser; the server side keeps its own limit (below).
    assert not session["max-age"] and not session["expires"]


# --- login throttling --------------------------------------------------------------------
# django-axes counts failures in the database, per account and client address together.


@pytest.fixture
def victim(db):
    return UserFactory(username=f"korban-{uuid.uuid4().hex[:10]}")


def login(client, username, password, address="127.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_failures_lock_the_account_even_for_the_right_password(client, victim):
    for _attempt in range(MAX_FAILURES):
        response = login(client, victim.username, "salah-sandi")
        assert response.status_code == 200
        assert "Nama pengguna/e-mail atau kata sandi salah." in response.content.decode()
    response = login(client, victim.username, PASSWORD)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Terlalu banyak percobaan gagal. Coba lagi dalam 15 menit." in body
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # still signed out


def test_lockout_is_case_insensitive_and_per_account(client, victim):
    for _attempt in range(MAX_FAILURES):
        login(client, victim.username.upper(), "salah-sandi")
    assert "Terlalu banyak percobaan" in login(client, victim.username, PASSWORD).content.decode()
    other = UserFactory(username=f"lain-{uuid.uuid4().hex[:10]}")
    assert login(client, other.username, PASSWORD).status_code == 302


def test_alternating_name_and_email_does_not_double_the_attempts(client, victim):
    for attempt in range(MAX_FAILURES):
        identifier = victim.username if attempt % 2 else victim.email.upper()
        assert "kata sandi salah" in login(client, identifier, "salah-sandi").content.decode()
    for identifier in (victim.username, victim.email):
        response = login(client, identifier, PASSWORD)
        assert "Terlalu banyak percobaan" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_then_success_resets_the_count(client, victim):
    for _attempt in range(MAX_FAILURES - 1):
        login(client, victim.username, "salah-sandi")
    assert login(client, victim.username, PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(MAX_FAILURES - 1):
        login(client, victim.username, "salah-sandi")
    assert login(client, victim.username, PASSWORD).status_code == 302


def test_unknown_users_are_throttled_too(client, db):
    name = f"tidak-ada-{uuid.uuid4().hex[:10]}"
    for _attempt in range(MAX_FAILURES):
        login(client, name, "salah-sandi")
    assert "Terlalu banyak percobaan" in login(client, name, "x").content.decode()


def test_failures_are_counted_in_the_database_every_worker_shares(client, victim, settings):
    """Each worker process has its own memory (and, without Redis, its own
    cache): every attempt here meets a fresh cache, as if another worker
    answered it, and the count still reaches the lockout."""
    from axes.models import AccessAttempt

    locmem = "django.core.cache.backends.locmem.LocMemCache"
    for attempt in range(MAX_FAILURES):
        settings.CACHES = {"default": {"BACKEND": locmem, "LOCATION": f"worker-{attempt}"}}
        login(client, victim.username, "salah-sandi")
    assert AccessAttempt.objects.get().failures_since_start == MAX_FAILURES
    settings.CACHES = {"default": {"BACKEND": locmem, "LOCATION": "worker-last"}}
    assert "Terlalu banyak percobaan" in login(client, victim.username, PASSWORD).content.decode()


@pytest.mark.parametrize("role", ["officer", "administrator"])
def test_an_attacker_elsewhere_cannot_lock_the_owner_out(client, victim, role):
    from assessments.models import Role
    from tests.factories import InstansiFactory, role_in

    owner = victim if role == "officer" else role_in(InstansiFactory(), Role.ADMINISTRATOR)
    for _attempt in range(MAX_FAILURES + 3):
        login(client, owner.username, "tebakan", address="203.0.113.7")
    # The attacker's address is locked out of this account, even with the password...
    locked = login(client, owner.username, PASSWORD, address="203.0.113.7")
    assert "Terlalu banyak percobaan" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # ...while the owner, at their own address, signs in as usual.
    assert login(client, owner.username, PASSWORD, address="10.20.30.40").status_code == 302


def test_behind_trusted_proxies_the_forwarded_address_counts(client, victim, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _attempt in range(MAX_FAILURES):
        client.post(
            "/accounts/login/",
            {"username": victim.username, "password": "salah"},
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",  # forged, then the real client
        )
    other_client = client.post(
        "/accounts/login/",
        {"username": victim.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.50",
    )
    assert other_client.status_code == 302


# --- session expiry ------------------------------------------------------------------------


def test_session_lives_as_long_as_session_cookie_age(client, victim, settings):
    settings.SESSION_COOKIE_AGE = 15 * 60
    before = timezone.now()
    assert login(client, victim.username, PASSWORD).status_code == 302
    stored = Session.objects.get(session_key=client.session.session_key)
    lifetime = stored.expire_date - before
    assert timedelta(minutes=14) < lifetime <= timedelta(minutes=15, seconds=5)
    assert client.get(reverse("home")).status_code == 200


def test_an_expired_session_is_sent_to_the_login_page(client, victim):
    assert login(client, victim.username, PASSWORD).status_code == 302
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("assessments:my_indicators"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_ends_the_session_on_the_server(client, victim):
    assert login(client, victim.username, PASSWORD).status_code == 302
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()


# --- monitoring endpoints ------------------------------------------------------------------


def test_healthz_and_readyz_answer_without_a_session(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok" and ready.json()["database"] == "ok"
    assert "no-cache" in ready["Cache-Control"] or "max-age=0" in ready["Cache-Control"]


def test_readyz_reports_redis_but_stays_ready_without_it(client, db, settings, monkeypatch):
    import redis

    from spbe_portal import views

    class DownCache:
        def get(self, *args, **kwargs):
            raise redis.ConnectionError("Connection refused")

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(views, "cache", DownCache())
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "error: ConnectionError"}


def test_readyz_is_503_without_the_database(client, db, monkeypatch):
    from django.db import OperationalError

    from spbe_portal import views

    class NoDatabase:
        def cursor(self):
            raise OperationalError("could not connect")

    monkeypatch.setattr(views, "connection", NoDatabase())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "error: OperationalError"
