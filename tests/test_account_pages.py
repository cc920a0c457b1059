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


@pytest.fixture
def celery_eager():
    """The reset e-mail goes through a Celery task; run it in-process even
    when REDIS_URL points the app at a real broker."""
    from spbe_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def reset(client, email, address="127.0.0.1"):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_the_whole_reset_flow(client, celery_eager, django_capture_on_commit_callbacks):
    user = UserFactory(username="petugas", email="petugas@kaltimprov.go.id")
    with django_capture_on_commit_callbacks(execute=True):
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


# --- password reset requests: sent after the response, rate-limited ------------------------


def test_reset_mail_is_sent_after_the_response_for_known_and_unknown_addresses_alike(
    client, celery_eager, django_capture_on_commit_callbacks
):
    UserFactory(email="ada@kaltimprov.go.id")
    answers = []
    for email in ("ada@kaltimprov.go.id", "tidak.ada@kaltimprov.go.id"):
        sent = len(mail.outbox)
        with django_capture_on_commit_callbacks() as callbacks:
            response = reset(client, email)
        # Nothing looked up or sent during the request: one task queued for each.
        assert len(mail.outbox) == sent and len(callbacks) == 1
        answers.append((response.status_code, response["Location"]))
        for callback in callbacks:
            callback()
    assert answers[0] == answers[1] == (302, "/accounts/password_reset/done/")
    assert [m.to for m in mail.outbox] == [["ada@kaltimprov.go.id"]]


def test_reset_requests_for_one_address_are_limited_silently(
    client, celery_eager, django_capture_on_commit_callbacks
):
    from assessments.people.login import RESET_PER_ADDRESS

    UserFactory(email="sasaran@kaltimprov.go.id")
    for attempt in range(RESET_PER_ADDRESS + 3):
        with django_capture_on_commit_callbacks(execute=True):
            # From a different client each time: the address itself is limited.
            response = reset(client, "Sasaran@kaltimprov.go.id", address=f"192.0.2.{attempt}")
        assert response.status_code == 302  # the same answer as ever: nothing to learn
    assert len(mail.outbox) == RESET_PER_ADDRESS


def test_reset_requests_from_one_client_are_limited_with_a_message(
    client, celery_eager, django_capture_on_commit_callbacks
):
    from assessments.people.login import RESET_PER_CLIENT

    for attempt in range(RESET_PER_CLIENT):
        with django_capture_on_commit_callbacks(execute=True):
            assert reset(client, f"orang{attempt}@contoh.go.id").status_code == 302
    with django_capture_on_commit_callbacks() as callbacks:
        response = reset(client, "satu.lagi@contoh.go.id")
    assert response.status_code == 200
    assert "Terlalu banyak permintaan atur ulang kata sandi" in body(response)
    assert callbacks == []
    # Another client is not affected.
    assert reset(client, "satu.lagi@contoh.go.id", address="198.51.100.20").status_code == 302
