"""Issue 13 in a real browser, on the demo itself: the officer answering
indicator 1 of Kaltim's 2025 period (spbe-2024) sees the 2024 guideline with
the chosen level open and its evidence criteria as a checklist, uploads a
file and tags it with the items it proves, submits; the reviewer sees which
items have evidence and which have none. Screenshots into test-artifacts/."""

import io

import pytest
from django.core.management import call_command

from assessments.models import Answer, AnswerState, EvidenceFile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "sandi-demo-uji-9"


@pytest.fixture
def demo(monkeypatch, settings, evidence_storage):
    from spbe_portal.celery import app

    # A private cache: login throttling must not see other runs' attempts.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    return Answer.objects.get(
        period__instansi__code="kaltim", period__year=2025, indicator__code="1"
    )


def small_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(
        string="<h1>Peraturan Gubernur Kalimantan Timur Nomor 4 Tahun 2023</h1>"
        "<p>Arsitektur SPBE Pemerintah Daerah; berita acara reviu 2025.</p>"
    ).write_pdf()


def log_in(tab, username):
    tab.goto("/accounts/login/")
    tab.get_by_label("Nama pengguna atau e-mail").fill(username)
    tab.get_by_label("Kata sandi").fill(PASSWORD)
    tab.keyboard.press("Enter")
    tab.wait_for_url(lambda url: "/accounts/login/" not in url)


def log_out(tab):
    tab.get_by_role("button", name="Keluar").click()
    tab.wait_for_url(lambda url: "/accounts/login/" in url)


def fits(tab, width):
    assert tab.evaluate("document.documentElement.scrollWidth") <= width, tab.url


def test_officer_tags_evidence_to_the_checklist_and_the_reviewer_sees_it(page, screenshot, demo):
    answer = demo
    assert answer.period.framework.code == "spbe-2024" and answer.proposed_level == 4

    # --- the officer: the guideline, level 4 open, its checklist still empty
    log_in(page, "opd.diskominfo")
    page.goto(f"/jawaban/{answer.public_id}/")
    page.wait_for_selector("#guideline")
    assert page.locator("#guideline-level-4").get_attribute("open") is not None
    assert page.locator("#guideline-level-3").get_attribute("open") is None
    assert "Kriteria pemenuhan tingkat" in page.locator("#guideline-level-4").inner_text()
    checklist = page.locator("#evidence-checklist li")
    assert checklist.count() == 4
    assert page.locator("#evidence-checklist li[data-covered='0']").count() == 4
    # A closed level opens by keyboard to compare.
    page.focus("#guideline-level-5 summary")
    page.keyboard.press("Enter")
    assert page.locator("#guideline-level-5").get_attribute("open") is not None
    # Choosing another level opens its guideline; the checklist waits for a save.
    page.focus("#level-3")
    page.keyboard.press("Space")
    assert page.locator("#guideline-level-3").get_attribute("open") is not None
    assert page.locator("#guideline-level-4").get_attribute("open") is None
    assert page.locator("#guideline-unsaved").is_visible()
    page.check("#level-4")
    assert page.locator("#guideline-level-4").get_attribute("open") is not None
    assert not page.locator("#guideline-unsaved").is_visible()

    # --- a real PDF, then tagged with items 1 and 2 of level 4
    page.set_input_files(
        "#evidence-files",
        files=[{"name": "pergub-4-2023.pdf", "mimeType": "application/pdf", "buffer": small_pdf()}],
    )
    page.get_by_role("button", name="Unggah", exact=True).click()
    page.wait_for_selector("text=1 berkas data dukung ditambahkan.")
    evidence = EvidenceFile.objects.get(answer=answer)
    form = page.locator(f"form.evidence-tags[data-evidence='{evidence.public_id}']")
    form.locator("input[value='1.4.1']").check()
    form.locator("input[value='1.4.2']").focus()
    page.keyboard.press("Space")
    form.get_by_role("button", name="Simpan tanda").click()
    page.wait_for_selector("text=Kriteria bukti dukung untuk «pergub-4-2023.pdf» disimpan.")
    assert sorted(evidence.criteria.values_list("key", flat=True)) == ["1.4.1", "1.4.2"]
    assert page.locator("#evidence-checklist li[data-covered='1']").count() == 2
    covered = page.locator("#evidence-checklist li[data-key='1.4.1']").inner_text()
    assert "pergub-4-2023.pdf" in covered
    fits(page, 1366)
    page.locator("#guideline").scroll_into_view_if_needed()
    screenshot("guideline-01-officer-tagged")
    # The level stays the officer's choice; tagging changed nothing of the answer.
    assert Answer.objects.get(pk=answer.pk).version == answer.version

    page.get_by_role("button", name="Simpan dan ajukan").click()
    page.click("#confirm-submit [data-confirm-yes]")  # the confirmation step
    page.wait_for_selector("text=Jawaban diajukan untuk divalidasi.")
    assert Answer.objects.get(pk=answer.pk).state == AnswerState.SUBMITTED
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    fits(page, 390)
    screenshot("guideline-02-officer-phone")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_out(page)

    # --- the reviewer: the same guideline, which items are proven and by what
    log_in(page, "asesor")
    page.goto(f"/verifikasi/{answer.public_id}/")
    page.wait_for_selector("#guideline")
    assert page.locator("#guideline-level-4").get_attribute("open") is not None
    assert page.locator("#evidence-checklist li[data-covered='1']").count() == 2
    missing = page.locator("#evidence-checklist li[data-covered='0']")
    assert missing.count() == 2
    assert "belum ada bukti" in missing.first.inner_text()
    mapping = page.locator(f"#evidence-tags li[data-evidence='{evidence.public_id}']").inner_text()
    assert "pergub-4-2023.pdf" in mapping and "1.4.1, 1.4.2" in mapping
    assert page.locator("#guideline input[name='criteria']").count() == 0
    fits(page, 1366)
    page.locator("#guideline").scroll_into_view_if_needed()
    screenshot("guideline-03-reviewer")
