"""Logging in through a real browser, by keyboard, on a 1366x768 screen."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_by_keyboard_in_indonesian(page, screenshot, django_user_model):
    django_user_model.objects.create_user(
        "petugas", email="petugas@kaltimprov.go.id", password="kata-sandi-yang-kuat-1"
    )
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("heading", name="Masuk ke Portal SPBE").is_visible()
    screenshot("login")

    page.get_by_label("Nama pengguna atau e-mail").fill("petugas@kaltimprov.go.id")
    page.keyboard.press("Tab")
    page.keyboard.type("salah-sandi")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text().strip().startswith("Nama pengguna/e-mail")

    page.get_by_label("Kata sandi").fill("kata-sandi-yang-kuat-1")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert page.get_by_role("button", name="Keluar").is_visible()
