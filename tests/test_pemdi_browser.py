"""A 2026 period on pemdi-2026 end to end in a real browser: the officer
attaches evidence per item and submits, the reviewer accepts the items and
the answer, leadership sees the Indeks Pemdi on the dashboard, and the PDF
report job finishes with that index in it (read back with pypdf)."""

import pytest

from assessments.models import Answer, AnswerState, EvidenceItemAnswer, ItemState, Role
from indicators.models import EvidenceItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# I1 (weight 5) reaches level 3 in the journey; I5-I7 (weights 5, 3, 3) wait
# for their external values and count 1; the other 84 % sit at level 2:
# (15 + 11 + 168) / 100 = 1.94, Cukup.
EXPECTED_INDEX = "1,94"


@pytest.fixture
def celery_eager():
    from spbe_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def pemdi_world(evidence_storage, celery_eager, settings):
    from datetime import timedelta
    from types import SimpleNamespace

    from django.core.management import call_command
    from django.utils import timezone

    from assessments.models import PeriodState
    from assessments.periods import period_create
    from indicators.models import FrameworkVersion
    from reports.snapshots import BASES, snapshot_compute
    from tests.factories import InstansiFactory, officer_of, opds_by_function, role_in

    call_command("load_framework", "pemdi-2026", verbosity=0)
    pemdi = FrameworkVersion.objects.get(code="pemdi-2026")
    instansi = InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    opds = opds_by_function(instansi)
    now = timezone.now()
    period = period_create(
        instansi=instansi,
        year=2026,
        framework=pemdi,
        fill_opens_at=now - timedelta(days=1),
        fill_closes_at=now + timedelta(days=20),
        review_closes_at=now + timedelta(days=40),
    )
    period.state = PeriodState.OPEN
    period.save(update_fields=["state"])
    Answer.objects.filter(period=period, indicator__external_source="").exclude(
        indicator__code="I1"
    ).update(
        proposed_level=2,
        validated_level=2,
        state=AnswerState.VALIDATED,
        explanation="FAKTA: dokumen. ANALISIS: memenuhi.",
    )
    for basis in BASES:
        snapshot_compute(period_id=period.pk, basis=basis)
    answer = Answer.objects.get(period=period, indicator__code="I1")
    return SimpleNamespace(
        period=period,
        answer=answer,
        items={
            item.level: item
            for item in EvidenceItem.objects.filter(indicator_id=answer.indicator_id, level__lte=3)
        },
        officer=officer_of(opds["diskominfo"], user__username="petugas"),
        reviewer=role_in(instansi, Role.REVIEWER, user__username="asesor"),
        leader=role_in(instansi, Role.LEADERSHIP, user__username="pimpinan"),
    )


def small_pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<h1>{text}</h1>").write_pdf()


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


def test_pemdi_period_officer_reviewer_dashboard_pdf(page, screenshot, pemdi_world):
    from pypdf import PdfReader

    w = pemdi_world
    answer_url = f"/jawaban/{w.answer.public_id}/"

    # --- the officer attaches evidence to the level 1-3 items and submits
    log_in(page, "petugas")
    page.goto(answer_url)
    page.wait_for_selector("#items")
    assert "Yang menghalangi tingkat 1" in page.inner_text("#items-blocking")
    # One place to add evidence: the item is chosen with the files.
    assert page.locator("#evidence-files").count() == 0
    assert page.locator("#items input[type=file]").count() == 1
    for level in (1, 2, 3):
        upload = page.locator("#item-upload")
        upload.get_by_label("Butir yang dibuktikan").select_option(str(w.items[level].pk))
        upload.locator("input[type=file]").set_input_files(
            files=[
                {
                    "name": f"bukti-tingkat-{level}.pdf",
                    "mimeType": "application/pdf",
                    "buffer": small_pdf(f"Bukti tingkat {level}"),
                }
            ]
        )
        upload.get_by_role("button", name="Lampirkan").click()
        page.wait_for_selector("text=1 berkas dilampirkan pada butir.")
        files = page.locator(f"#item-{w.items[level].pk}").inner_text()
        assert f"bukti-tingkat-{level}.pdf" in files
    assert "Yang menghalangi tingkat 4" in page.inner_text("#items-blocking")
    assert page.inner_text("#items-claimed").strip() == "3"
    fits_the_screen(page)
    screenshot("pemdi-01-officer-items")
    page.get_by_label("Penjelasan", exact=True).fill(
        "FAKTA: Pergub Tata Kelola Pemdi 2026. ANALISIS: diterapkan pada layanan prioritas."
    )
    page.get_by_role("button", name="Simpan dan ajukan").click()
    page.click("#confirm-submit [data-confirm-yes]")  # the confirmation step
    page.wait_for_selector("text=Jawaban diajukan untuk divalidasi.")
    answer = Answer.objects.get(pk=w.answer.pk)
    assert (answer.state, answer.proposed_level) == (AnswerState.SUBMITTED, 3)
    log_out(page)

    # --- the reviewer accepts the three items, then the answer
    log_in(page, "asesor")
    page.goto(f"/verifikasi/{w.answer.public_id}/")
    for level in (1, 2, 3):
        page.locator(f"#item-{w.items[level].pk}").get_by_role("button", name="Terima").click()
        page.wait_for_selector("text=Butir disimpan.")
    assert page.inner_text("#items-derived").strip() == "3"
    fits_the_screen(page)
    screenshot("pemdi-02-reviewer-items")
    page.get_by_role("button", name="Terima", exact=True).click()
    page.wait_for_load_state()
    answer = Answer.objects.get(pk=w.answer.pk)
    assert (answer.state, answer.validated_level) == (AnswerState.VALIDATED, 3)
    assert EvidenceItemAnswer.objects.filter(answer=answer, state=ItemState.ACCEPTED).count() == 3
    log_out(page)

    # --- leadership sees the Indeks Pemdi, with the waiting externals flagged
    log_in(page, "pimpinan")
    dashboard = f"/results/kaltim/{w.period.year}/?basis=validated"
    page.goto(dashboard)
    card = page.locator(".card", has_text="Hasil validasi")
    if "sedang dihitung" in card.inner_text():
        page.reload()
    assert EXPECTED_INDEX in card.inner_text()
    assert "Cukup" in card.inner_text()
    assert "Indeks Pemdi" in page.locator("h1").inner_text()
    assert "menunggu nilai eksternal" in page.inner_text("#external-waiting")
    fits_the_screen(page)
    screenshot("pemdi-03-dashboard")

    # --- the PDF report job finishes with the index in it
    page.goto(f"/results/kaltim/{w.period.year}/reports/")
    page.get_by_label("Dasar penilaian").select_option("validated")
    page.get_by_label("Format").select_option("pdf")
    page.get_by_role("button", name="Buat laporan").click()
    page.wait_for_load_state()
    page.wait_for_selector("#report-jobs a:has-text('Unduh')", timeout=60_000)
    screenshot("pemdi-04-reports")
    with page.expect_download() as download:
        page.locator("#report-jobs a:has-text('Unduh')").first.click()
    reader = PdfReader(str(download.value.path()))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Indeks Pemdi" in text
    assert EXPECTED_INDEX in text
    assert "menunggu nilai eksternal" in text
