"""The whole assessment journey in a real browser against the real stack:
an officer answers with a PDF and submits, a reviewer returns it, the officer
revises and resubmits, the reviewer accepts, and leadership sees the
validated index change. Snapshots are recomputed in-process (eager Celery),
so the dashboard's numbers follow the reviewer's decision without a worker.

Screenshots of the main pages land in test-artifacts/ (kept by CI)."""

import pytest

from assessments.models import Answer, AnswerEvent, AnswerState, EventKind, ReturnReason, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Indicators 2-47 are already validated at level 4; indicator 1 (weight 1.30)
# is the one the journey answers. Validated at level 3 the index is
# (400 - 1.30 x 4 + 1.30 x 3) / 100 = 3.987, shown 3,99.
OTHERS_LEVEL = 4
REVISED_LEVEL = 3
EXPECTED_INDEX = "3,99"


@pytest.fixture
def celery_eager():
    """Snapshot recomputation and notification e-mails run in the live
    server's thread even when REDIS_URL points the app at a real broker."""
    from spbe_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def journey(spbe2020, evidence_storage, celery_eager, settings):
    from types import SimpleNamespace

    from assessments.lifecycle import answers_ensure
    from assessments.models import Assignment, PeriodState
    from reports.snapshots import BASES, snapshot_compute
    from tests.factories import (
        AnswerFactory,
        EvaluationPeriodFactory,
        InstansiFactory,
        OPDFactory,
        officer_of,
        role_in,
    )

    # Login throttling counts in the cache; a private one keeps other test
    # runs sharing the Redis database from locking these users out.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    instansi = InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    period = EvaluationPeriodFactory(
        instansi=instansi, framework=spbe2020, year=2025, state=PeriodState.OPEN
    )
    diskominfo = OPDFactory(instansi=instansi, short_name="Diskominfo", name="Dinas Kominfo")
    bappeda = OPDFactory(instansi=instansi, short_name="Bappeda", name="Bappeda")
    indicators = list(spbe2020.indicators.order_by("position"))
    first, rest = indicators[0], indicators[1:]
    Assignment.objects.create(period=period, indicator=first, responsible_opd=diskominfo)
    Assignment.objects.bulk_create(
        Assignment(period=period, indicator=indicator, responsible_opd=bappeda)
        for indicator in rest
    )
    # bulk_create: no post_save, so no recomputation per row; computed once below.
    Answer.objects.bulk_create(
        AnswerFactory.build(
            period=period,
            indicator=indicator,
            opd=bappeda,
            state=AnswerState.VALIDATED,
            proposed_level=OTHERS_LEVEL,
            validated_level=OTHERS_LEVEL,
            explanation="FAKTA: dokumen. ANALISIS: memenuhi.",
        )
        for indicator in rest
    )
    answers_ensure(period=period)
    for basis in BASES:
        snapshot_compute(period_id=period.pk, basis=basis)
    return SimpleNamespace(
        period=period,
        answer=Answer.objects.get(period=period, indicator=first),
        officer=officer_of(diskominfo, user__username="petugas", user__first_name="Petugas"),
        reviewer=role_in(instansi, Role.REVIEWER, user__username="asesor"),
        leader=role_in(instansi, Role.LEADERSHIP, user__username="pimpinan"),
    )


def small_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(
        string="<h1>Peraturan Gubernur Kalimantan Timur Nomor 4 Tahun 2023</h1>"
        "<p>Pasal 5: Arsitektur SPBE Pemerintah Daerah.</p>"
    ).write_pdf()


def log_in(tab, username):
    from tests.factories import PASSWORD

    tab.goto("/accounts/login/")
    tab.get_by_label("Nama pengguna atau e-mail").fill(username)
    tab.get_by_label("Kata sandi").fill(PASSWORD)
    tab.keyboard.press("Enter")
    tab.wait_for_url(lambda url: "/accounts/login/" not in url)


def log_out(tab):
    tab.get_by_role("button", name="Keluar").click()
    tab.wait_for_url(lambda url: "/accounts/login/" in url)


def fits_the_screen(tab):
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1366, tab.url


def test_answer_return_revise_accept_and_the_index_follows(page, screenshot, journey):
    w = journey
    answer_url = f"/jawaban/{w.answer.public_id}/"
    dashboard = f"/results/kaltim/{w.period.year}/"

    # --- leadership before: the validated basis still misses indicator 1
    page.goto("/")
    screenshot("journey-01-login")
    log_in(page, "pimpinan")
    page.goto(f"{dashboard}?basis=validated")
    card = page.locator(".card:not(#provisional)", has_text="Hasil validasi")
    assert "belum lengkap" in card.inner_text()
    log_out(page)

    # --- the officer answers: level by keyboard, explanation, a real PDF, submit
    log_in(page, "petugas")
    assert "0 dari 1 diajukan" in page.locator("#main").inner_text()
    screenshot("journey-02-home-officer")
    page.get_by_role("link", name="Indikator saya", exact=True).first.click()
    page.wait_for_selector("text=0 dari 1 diajukan")
    fits_the_screen(page)
    screenshot("journey-03-my-indicators")
    page.get_by_role("link", name="Tingkat Kematangan Kebijakan Internal Arsitektur SPBE").click()
    page.wait_for_selector("#answer-form")
    page.focus("#level-4")
    page.keyboard.press("Space")
    assert page.get_attribute("li[data-level='4']", "aria-current") == "true"
    page.get_by_label("Penjelasan", exact=True).fill(
        "FAKTA: Pergub Kaltim 4/2023 pasal 5 menetapkan Arsitektur SPBE. "
        "ANALISIS: kebijakan mencakup seluruh OPD dan sudah direviu."
    )
    page.get_by_role("button", name="Simpan draf").click()
    page.wait_for_selector("text=Draf jawaban disimpan.")
    page.set_input_files(
        "#evidence-files",
        files=[{"name": "pergub-4-2023.pdf", "mimeType": "application/pdf", "buffer": small_pdf()}],
    )
    page.get_by_role("button", name="Unggah", exact=True).click()
    page.wait_for_selector("text=1 berkas data dukung ditambahkan.")
    fits_the_screen(page)
    screenshot("journey-04-answer-page")
    page.get_by_role("button", name="Simpan dan ajukan").click()
    page.click("#confirm-submit [data-confirm-yes]")  # the confirmation step
    page.wait_for_selector("text=Jawaban diajukan untuk divalidasi.")
    answer = Answer.objects.get(pk=w.answer.pk)
    assert (answer.state, answer.proposed_level) == (AnswerState.SUBMITTED, 4)
    assert answer.evidence_files.filter(withdrawn_at__isnull=True).count() == 1
    log_out(page)

    # --- the reviewer returns it with a reason and a comment
    log_in(page, "asesor")
    assert "1 jawaban menunggu keputusan Anda." in page.locator("#main").inner_text()
    screenshot("journey-05-home-reviewer")
    page.get_by_role("link", name="Verifikasi", exact=True).click()
    page.wait_for_load_state()
    fits_the_screen(page)
    screenshot("journey-06-review-queue")
    page.locator(f"a[href^='/verifikasi/{w.answer.public_id}/']").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("iframe.evidence-preview").count() == 1
    fits_the_screen(page)
    screenshot("journey-07-review-page")
    # Adjusting and returning fold out beside the evidence (issue 11).
    page.locator("summary", has_text="Kembalikan untuk perbaikan").click()
    page.get_by_label("Alasan pengembalian").select_option(ReturnReason.LEVEL_UNSUPPORTED)
    comment = "Belum ada bukti reviu kebijakan; usulkan tingkat 3."
    page.get_by_label("Catatan untuk OPD").fill(comment)
    page.get_by_role("button", name="Kembalikan ke OPD").click()
    page.wait_for_load_state()
    assert "dikembalikan ke OPD" in page.get_by_role("status").inner_text()
    assert Answer.objects.get(pk=w.answer.pk).state == AnswerState.RETURNED
    log_out(page)

    # --- the officer sees the notification, revises (arrow key) and resubmits
    log_in(page, "petugas")
    page.get_by_role("link", name="Notifikasi").click()
    page.wait_for_load_state()
    assert "Belum ada bukti reviu kebijakan" in page.content()
    screenshot("journey-08-notifications")
    page.get_by_role("button", name="Buka").first.click()
    page.wait_for_url(f"**{answer_url}")
    page.wait_for_selector("#answer-form")
    note = page.locator("#returned-note").inner_text()
    assert "Tingkat tidak didukung data dukung" in note and "Belum ada bukti reviu" in note
    page.focus("#level-4")
    page.keyboard.press("ArrowUp")
    assert page.is_checked("#level-3")
    assert page.get_attribute("li[data-level='3']", "aria-current") == "true"
    page.get_by_label("Penjelasan", exact=True).fill(
        "FAKTA: Pergub Kaltim 4/2023 pasal 5. ANALISIS: berlaku untuk seluruh OPD; "
        "reviu belum dilakukan, sehingga tingkat 3."
    )
    page.get_by_role("button", name="Simpan dan ajukan").click()
    page.click("#confirm-submit [data-confirm-yes]")  # the confirmation step
    page.wait_for_selector("text=Jawaban diajukan untuk divalidasi.")
    answer = Answer.objects.get(pk=w.answer.pk)
    assert (answer.state, answer.proposed_level) == (AnswerState.SUBMITTED, REVISED_LEVEL)
    log_out(page)

    # --- the reviewer accepts
    log_in(page, "asesor")
    page.goto(f"/verifikasi/{w.answer.public_id}/")
    page.get_by_role("button", name="Terima", exact=True).click()
    page.wait_for_load_state()
    answer = Answer.objects.get(pk=w.answer.pk)
    assert (answer.state, answer.validated_level) == (AnswerState.VALIDATED, REVISED_LEVEL)
    kinds = list(
        AnswerEvent.objects.filter(answer=answer).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds.count(EventKind.SUBMITTED) == 2
    assert EventKind.RETURNED in kinds and kinds[-1] == EventKind.ACCEPTED
    log_out(page)

    # --- leadership after: the validated index, recomputed in-process
    log_in(page, "pimpinan")
    latest = page.locator("#main tr", has_text="Hasil validasi").inner_text()
    assert EXPECTED_INDEX in latest and "2025" in latest
    screenshot("journey-09-home-leadership")
    page.goto(f"{dashboard}?basis=validated")
    card = page.locator(".card:not(#provisional)", has_text="Hasil validasi")
    assert EXPECTED_INDEX in card.inner_text()
    assert "Sangat Baik" in card.inner_text()
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart-source]')]"
        ".every((c) => window.Chart && window.Chart.getChart(c))"
    )
    fits_the_screen(page)
    screenshot("journey-10-dashboard")
    page.get_by_role("link", name="Perencana peningkatan").click()
    page.wait_for_load_state()
    fits_the_screen(page)
    screenshot("journey-11-planner")
    page.goto(f"/results/kaltim/{w.period.year}/reports/")
    page.wait_for_load_state()
    fits_the_screen(page)
    screenshot("journey-12-reports")
