"""The profile page's API tokens in a real browser (1366x768, under the CSP):
create by keyboard, see the secret once, use it, revoke it."""

import pytest
import requests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_use_and_revoke_a_token(page, screenshot, live_server, django_user_model):
    django_user_model.objects.create_user("pimpinan", password="kata-sandi-yang-kuat-1")
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna atau e-mail").fill("pimpinan")
    page.get_by_label("Kata sandi").fill("kata-sandi-yang-kuat-1")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.get_by_role("link", name="Profil").click()
    page.get_by_label("Nama token (mis. sistem yang memakainya)").fill("Dasbor Gubernur")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    secret = page.get_by_label("Token baru").input_value()
    assert len(secret) >= 40
    screenshot("profile-token-created")

    api = f"{live_server.url}/api/v1/periods/"
    headers = {"Authorization": f"Bearer {secret}"}
    assert requests.get(api, headers=headers, timeout=10).status_code == 200

    page.goto("/profil/")
    assert secret not in page.content()
    page.get_by_role("button", name="Cabut token Dasbor Gubernur").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").first.inner_text().strip().startswith("Token «Dasbor")
    screenshot("profile-token-revoked")
    assert requests.get(api, headers=headers, timeout=10).status_code == 401
