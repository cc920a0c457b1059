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
