"""Error pages with DEBUG off: translated, in the portal's look, and never a
stack trace or an exception's text. The views that fail live in this
module's own URLconf (the site's routes plus a few that raise)."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import Client, override_settings
from django.urls import path

from spbe_portal.urls import urlpatterns as site_urlpatterns
from tests.factories import UserFactory

SECRET = "rahasia-internal-jangan-tampil"


def boom(request):
    raise RuntimeError(f"database password is {SECRET}")


def deny(request):
    raise PermissionDenied(SECRET)


def missing(request):
    raise Http404(SECRET)


def bad(request):
    raise SuspiciousOperation(SECRET)


urlpatterns = [
    *site_urlpatterns,
    path("uji/500/", boom),
    path("uji/403/", deny),
    path("uji/404/", missing),
    path("uji/400/", bad),
]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.test_error_pages"),
]


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    # The staticfiles storage of a production build needs a manifest; the
    # plain one gives the same URLs for these pages.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def text(response) -> str:
    return response.content.decode()


def assert_no_leak(body: str):
    assert SECRET not in body
    assert "Traceback" not in body and "RuntimeError" not in body
    assert "SuspiciousOperation" not in body and "PermissionDenied" not in body


def test_500_is_a_plain_indonesian_page_without_a_trace():
    client = Client(raise_request_exception=False)
    response = client.get("/uji/500/")
    assert response.status_code == 500
    body = text(response)
    assert "Terjadi kesalahan pada server" in body
    assert 'lang="id"' in body
    assert "/static/vendor/bootstrap/bootstrap.min.css" in body
    assert_no_leak(body)


def test_500_for_a_signed_in_user_shows_nothing_personal(client):
    user = UserFactory(username="petugas-rahasia")
    client.force_login(user)
    client.raise_request_exception = False
    body = text(client.get("/uji/500/"))
    assert "Terjadi kesalahan pada server" in body
    # Rendered without the request: no name, no menu, no form tokens.
    assert "petugas-rahasia" not in body and "csrfmiddlewaretoken" not in body
    assert_no_leak(body)


def test_404_for_anonymous_and_signed_in(client):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in text(response)
    assert "Keluar" not in text(response)  # no menu for anonymous visitors

    client.force_login(UserFactory())
    response = client.get("/uji/404/")
    assert response.status_code == 404
    body = text(response)
    assert "Halaman tidak ditemukan" in body and "Keluar" in body
    assert_no_leak(body)


def test_403_does_not_repeat_the_exception(client):
    client.force_login(UserFactory())
    response = client.get("/uji/403/")
    assert response.status_code == 403
    body = text(response)
    assert "Akses ditolak" in body
    assert_no_leak(body)


def test_400_from_a_suspicious_request(client):
    response = client.get("/uji/400/")
    assert response.status_code == 400
    body = text(response)
    assert "Permintaan tidak valid" in body
    assert_no_leak(body)


def test_400_for_a_host_the_site_does_not_serve(client):
    response = client.get("/accounts/login/", HTTP_HOST="penyerang.example")
    assert response.status_code == 400
    assert "Permintaan tidak valid" in text(response)


def test_csrf_failure_explains_what_to_do_and_changes_nothing():
    user = UserFactory(username="petugas")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/profil/token/", {"name": "tanpa-token"})
    assert response.status_code == 403
    body = text(response)
    assert "Formulir tidak dapat dikirim" in body and "Muat ulang halaman" in body
    assert "CSRF verification failed" not in body
    assert not user.api_tokens.exists()


def test_error_pages_pass_the_content_security_policy(client):
    response = client.get("/tidak-ada-halaman-ini/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in text(response)


@pytest.fixture
def back_to_indonesian():
    """LocaleMiddleware leaves the request's language active in this thread;
    later tests that format messages outside a request must get Indonesian."""
    from django.utils import translation

    yield
    translation.deactivate()


@override_settings(LANGUAGE_CODE="en")
def test_english_visitors_get_the_translation(client, back_to_indonesian, settings):
    from pathlib import Path

    mo = Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.mo"
    if not mo.exists():
        pytest.skip("catalogues not compiled (make messages)")
    client.cookies["django_language"] = "en"
    client.raise_request_exception = False
    assert "Page not found" in text(client.get("/tidak-ada-halaman-ini/"))
    assert "Server error" in text(client.get("/uji/500/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_error_pages_in_a_browser_fit_the_screen_under_the_csp(page, screenshot):
    for address, status, heading in [
        ("/tidak-ada-halaman-ini/", 404, "Halaman tidak ditemukan"),
        ("/uji/500/", 500, "Terjadi kesalahan pada server"),
        ("/uji/400/", 400, "Permintaan tidak valid"),
    ]:
        response = page.goto(address)
        assert response.status == status
        assert page.get_by_role("heading", name=heading).is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        # The stylesheet loaded: Bootstrap's navbar has its colour.
        assert page.locator("nav.navbar").evaluate("e => getComputedStyle(e).display") == "flex"
        screenshot(f"error-{status}")
