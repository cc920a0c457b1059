"""Issue 18's "done when", in a real browser: the administrator of the demo
instansi imports the officers of all its OPDs from one spreadsheet, a wrong
file first says exactly what to fix and changes nothing, and a new officer's
invitation works once. The same sheet from the command line changes nothing."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from assessments.models import OPD, EvaluationPeriod, Membership, Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "sandi-demo-uji-9"
STRONG = "Kaltim-Digital-2025!"


@pytest.fixture
def demo(monkeypatch, settings, evidence_storage):
    from spbe_portal.celery import app

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True  # invitations leave in-process after commit
    yield
    app.conf.task_always_eager = before


def sheet_for_every_opd() -> str:
    lines = ["nama,surel,nip,jabatan,opd,peran"]
    for n, opd in enumerate(OPD.objects.filter(instansi__code="kaltim", active=True)):
        nip = f"1990010120150{(n % 9) + 1}1{n:03d}"
        lines.append(f"Petugas {opd.short_name},petugas{n}@impor.kaltimprov.go.id,{nip},")
        lines[-1] += f"Pranata Komputer,{opd.code},petugas"
    return "\n".join(lines) + "\n"


def upload(page, name: str, text: str):
    page.get_by_label("Berkas CSV atau XLSX").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}
    )
    page.get_by_role("button", name="Impor", exact=True).click()
    page.wait_for_load_state()


def test_demo_officers_imported_in_the_browser_and_invited(page, screenshot, demo, tmp_path):
    sheet = sheet_for_every_opd()
    opd_count = OPD.objects.filter(instansi__code="kaltim", active=True).count()
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna atau e-mail").fill("admin")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/manage/kaltim/pengguna/")
    page.get_by_role("link", name="Impor dari berkas").click()

    lines = sheet.splitlines()
    lines[1] = lines[1].replace(",petugas", ",raja")  # row 2: an unknown role
    lines[3] = lines[3].replace("Pranata", "=Pranata")  # row 4: a formula
    wrong = "\n".join(lines) + "\n"
    users = User.objects.count()
    upload(page, "salah.csv", wrong)
    errors = page.locator("#import-errors")
    assert "2 kesalahan" in errors.inner_text()
    assert "rumus" in errors.inner_text() and "peran tidak dikenal" in errors.inner_text()
    assert User.objects.count() == users and not mail.outbox
    screenshot("people-import-errors")

    upload(page, "pegawai.csv", sheet)
    assert "/manage/kaltim/pengguna/" in page.url
    assert f"{opd_count} akun baru" in page.get_by_role("status").inner_text()
    imported = Membership.objects.filter(
        user__email__endswith="@impor.kaltimprov.go.id", role=Role.OFFICER
    )
    assert imported.values("opd").distinct().count() == opd_count
    assert len(mail.outbox) == opd_count
    screenshot("people-import-done")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/manage/kaltim/pengguna/impor/")
    screenshot("people-import-390")

    # The same sheet from the command line: nothing changes, nobody is mailed twice.
    path = tmp_path / "pegawai.csv"
    path.write_text(sheet, encoding="utf-8")
    out = io.StringIO()
    with override_settings(PORTAL_BASE_URL="http://testserver"):
        call_command("import_people", str(path), instansi="kaltim", user="admin", stdout=out)
    assert "0 akun baru" in out.getvalue() and len(mail.outbox) == opd_count

    # The person's page tells the story; a transfer is made there too.
    page.set_viewport_size({"width": 1366, "height": 768})
    budi = User.objects.get(email="petugas0@impor.kaltimprov.go.id")
    # As if the sheet had been imported last year: this year Budi moves.
    Membership.objects.filter(user=budi).update(
        started_on=timezone.localdate() - timedelta(days=365)
    )
    page.goto(f"/manage/kaltim/pengguna/{budi.pk}/")
    trail = page.locator("#audit-trail").locator("..").inner_text()
    assert "Peran diberikan" in trail and "Undangan dikirim" in trail and "Admin" in trail
    page.get_by_text("Pindahkan ke OPD lain").click()
    page.get_by_label("Pindah ke OPD").select_option(label="Bappeda")
    page.get_by_role("button", name="Pindahkan", exact=True).click()
    page.wait_for_load_state()
    assert "Dipindahkan ke Bappeda" in page.get_by_role("status").inner_text()
    screenshot("people-user-detail")
    period = EvaluationPeriod.objects.filter(
        instansi__code="kaltim", state="open", fill_opens_at__lte=timezone.now()
    ).latest("year")
    page.goto(f"/manage/kaltim/periode/{period.year}/pemegang-peran/")
    assert page.get_by_role("cell", name=budi.first_name).count() == 2  # before and after
    screenshot("people-period-roster")

    # An invitation works once.
    page.context.clear_cookies()
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    page.goto(link)
    page.locator("input[name=new_password1]").fill(STRONG)
    page.locator("input[name=new_password2]").fill(STRONG)
    page.get_by_role("button", name="Simpan kata sandi").click()
    page.wait_for_load_state()
    invited = User.objects.get(email=mail.outbox[0].to[0])
    assert invited.check_password(STRONG)
    page.goto(link)
    assert "tidak berlaku lagi" in page.get_by_role("alert").inner_text()
