"""Password reset and change in the portal's own look (not the Django admin's),
labelled inputs, translated text, and the whole reset flow through the client."""

import re

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Kaltim-SPBE-2025-kuat!"


def body(response) -> str:
    return response.content.decode()


def assert_portal_look(html: str):
    assert "/static/admin/" not in html and "Django" not in html
    assert "css/portal.css" in html


def test_reset_pages_use_the_portal_layout(client):
    html = body(client.get("/accounts/password_reset/"))
    assert_portal_look(html)
    assert "Lupa kata sandi" in html
    assert re.search(r'<label class="form-label" for="id_email">', html)
    assert 'autocomplete="email"' in html


def test_the_whole_reset_flow(client):
    user = UserFactory(username="petugas", email="petugas@kaltimprov.go.id")
    response = client.post("/accounts/password_reset/", {"email": "petugas@kaltimprov.go.id"})
    assert response.status_code == 302
    done = client.get(response.url)
    assert_portal_look(body(done))
    assert "Periksa e-mail Anda" in body(done)
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    html = body(form_page)
    assert_portal_look(html)
    assert "Buat kata sandi baru" in html and 'for="id_new_password1"' in html
    set_url = form_page.redirect_chain[-1][0]

    weak = client.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and "is-invalid" in body(weak)
    user.refresh_from_db()
    assert not user.check_password("123")

    response = client.post(set_url, {"new_password1": STRONG, "new_password2": STRONG}, follow=True)
    assert "Kata sandi disimpan" in body(response)
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_a_used_link_says_so(client):
    html = body(client.get("/accounts/reset/MQ/bukan-token/", follow=True))
    assert "Tautan ini tidak berlaku lagi" in html
    assert_portal_look(html)


def test_password_change_from_the_profile(client):
    user = UserFactory(username="pimpinan")
    client.force_login(user)
    assert "/accounts/password_change/" in body(client.get("/profil/"))
    html = body(client.get("/accounts/password_change/"))
    assert_portal_look(html)
    assert 'for="id_old_password"' in html
    from tests.factories import PASSWORD

    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
        follow=True,
    )
    assert "Kata sandi diubah" in body(response)
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_anonymous_cannot_open_password_change(client):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_language_can_be_chosen_before_signing_in(client):
    html = body(client.get("/accounts/login/"))
    assert '<label class="visually-hidden" for="lang-select">' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
