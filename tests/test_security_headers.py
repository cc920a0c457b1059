"""Security headers on every response; the browser tests check that pages
work under the Content-Security-Policy (no violations in the console)."""

import pytest


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/api/docs/"])
def test_csp_and_friends_on_every_response(client, db, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-eval'" not in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(client, db):
    body = client.get("/accounts/login/").content.decode()
    assert "<script>" not in body
    assert "onchange=" not in body and "onclick=" not in body


def test_indonesian_first_even_for_an_english_browser(client, db):
    """Office laptops often run English browsers; only the explicit choice
    (the language form's cookie) switches the portal to English."""
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Masuk ke Portal SPBE" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="id")
    assert english.headers["Content-Language"] == "en"
