"""The officer's side of a review round in Chromium: nothing typed is lost
while evidence is added or refused, submitting and withdrawing ask first
(keyboard included), the decision greets the officer with a reply box, and
"Indikator saya" and the answer page fit a 390 px phone."""

import pytest

from assessments import answering, lifecycle, review
from assessments.models import Answer, AnswerState, Assignment, EventKind, PeriodState, Role
from tests.factories import (
    PASSWORD,
    EvaluationPeriodFactory,
    InstansiFactory,
    OPDFactory,
    officer_of,
    role_in,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
NOT_A_PDF = b"MZ\x90\x00 this is a program, not a PDF"


@pytest.fixture
def round_world(spbe2020, evidence_storage):
    from types import SimpleNamespace

    instansi = InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    period = EvaluationPeriodFactory(
        instansi=instansi, framework=spbe2020, year=2025, state=PeriodState.OPEN
    )
    opd = OPDFactory(instansi=instansi, short_name="BPKAD", name="Badan Pengelolaan Keuangan")
    helper = OPDFactory(instansi=instansi, short_name="Bappeda")
    indicators = list(spbe2020.indicators.order_by("position")[:3])
    for indicator in indicators:
        assignment = Assignment.objects.create(
            period=period, indicator=indicator, responsible_opd=opd
        )
    assignment.contributors.add(helper)
    lifecycle.answers_ensure(period=period)
    answers = [Answer.objects.get(period=period, indicator=i) for i in indicators]
    return SimpleNamespace(
        period=period,
        answers=answers,
        officer=officer_of(opd, user__username="petugas"),
        contributor=officer_of(helper, user__username="kontributor"),
        reviewer=role_in(instansi, Role.REVIEWER),
    )


def log_in(page, username, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()


def no_sideways_scroll(page):
    """Neither the page nor any table box scrolls sideways."""
    widths = page.evaluate(
        """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,
                 ...[...document.querySelectorAll('.table-responsive')]
                    .map((box) => box.scrollWidth - box.clientWidth)]"""
    )
    page_width, viewport, *tables = widths
    assert page_width <= viewport, widths
    assert all(extra <= 1 for extra in tables), widths


def test_nothing_typed_is_lost_and_every_step_asks_first(page, round_world, screenshot):
    w = round_world
    first = w.answers[0]
    answer_url = f"/jawaban/{first.public_id}/"
    page.set_viewport_size(PHONE)
    log_in(page, "petugas", "/indikator-saya/")

    # --- Indikator saya on a phone: the status column is there, nothing scrolls
    assert "0 dari 3 diajukan" in page.content()
    no_sideways_scroll(page)
    status = page.locator("tbody tr").first.locator(".badge").first
    box = status.bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"]
    screenshot("round-01-my-indicators-phone")

    # --- the answer: a level and an explanation typed, not saved
    page.goto(answer_url)
    page.wait_for_selector("#answer-form")
    no_sideways_scroll(page)
    page.check("#level-3")
    page.fill(
        "textarea[name=explanation]", "FAKTA: Pergub Kaltim 4/2023 pasal 5. ANALISIS: tingkat 3."
    )

    # A link added in the background: the typed answer stays.
    page.fill("#link-url", "https://jdih.kaltimprov.go.id/pergub-4-2023")
    page.get_by_role("button", name="Tambah tautan").click()
    page.wait_for_selector("#evidence-notice")
    assert "Tautan data dukung ditambahkan." in page.inner_text("#evidence-notice")
    assert page.is_checked("#level-3")
    assert "pasal 5" in page.input_value("textarea[name=explanation]")
    assert page.url.endswith(answer_url)

    # A refused upload: the message where the upload was, still on the answer page.
    page.set_input_files(
        "#evidence-files",
        files=[{"name": "pergub.pdf", "mimeType": "application/pdf", "buffer": NOT_A_PDF}],
    )
    page.get_by_role("button", name="Unggah", exact=True).click()
    page.wait_for_selector("#evidence-error")
    assert "pergub.pdf" in page.inner_text("#evidence-error")
    assert page.url.endswith(answer_url)
    assert "pasal 5" in page.input_value("textarea[name=explanation]")
    assert first.evidence_files.count() == 0
    no_sideways_scroll(page)
    screenshot("round-02-answer-refused-upload-phone")

    # --- submitting asks first; Escape leaves everything as it was
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Simpan dan ajukan").click()
    dialog = page.locator("#confirm-submit")
    assert dialog.is_visible()
    assert "1 jawaban (indikator" in dialog.inner_text()
    screenshot("round-03-confirm-submit")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert Answer.objects.get(pk=first.pk).state == AnswerState.DRAFT
    assert Answer.objects.get(pk=first.pk).proposed_level is None  # nothing saved either

    # From the keyboard: the dialog opens on "Batal"; Tab, Enter confirms.
    page.focus("button[value=submit]")
    page.keyboard.press("Enter")
    assert dialog.is_visible()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Batal"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Jawaban diajukan untuk divalidasi.")
    stored = Answer.objects.get(pk=first.pk)
    assert (stored.state, stored.proposed_level) == (AnswerState.SUBMITTED, 3)

    # --- withdrawing, with its own question
    page.get_by_role("button", name="Tarik pengajuan").click()
    assert page.locator("#confirm-withdraw").is_visible()
    page.locator("#confirm-withdraw").get_by_role("button", name="Ya, tarik pengajuan").click()
    page.wait_for_selector("text=Pengajuan ditarik; jawaban kembali menjadi draf.")
    assert Answer.objects.get(pk=first.pk).state == AnswerState.DRAFT
    assert page.is_visible("#answer-form")

    # --- decided: the decision on top, and a reply
    current = Answer.objects.get(pk=first.pk)
    current = answering.answer_submit(
        answer=current, user=w.officer, expected_version=current.version
    )
    review.answer_adjust(
        answer=current, user=w.reviewer, level=2, justification="Belum ada bukti reviu kebijakan."
    )
    page.goto(answer_url)
    banner = page.locator("#decision")
    assert banner.is_visible()
    assert banner.bounding_box()["y"] < DESKTOP["height"]  # seen without scrolling
    text = banner.inner_text()
    assert "Tingkat tervalidasi: 2" in text and "Diturunkan 1 tingkat" in text
    assert "Belum ada bukti reviu kebijakan." in text
    screenshot("round-04-decision")
    page.get_by_role("link", name="Tanggapi keputusan ini").click()
    page.fill("#reply-text", "Laporan reviu sudah kami unggah ulang.")
    page.get_by_role("button", name="Kirim tanggapan").click()
    page.wait_for_selector("text=Tanggapan dikirim.")
    reply = current.events.get(kind=EventKind.COMMENTED)
    assert (reply.actor, reply.comment) == (w.officer, "Laporan reviu sudah kami unggah ulang.")
    assert Answer.objects.get(pk=first.pk).state == AnswerState.VALIDATED
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    screenshot("round-05-decision-and-reply-phone")


def test_submit_all_asks_with_the_count_and_contributors_see_only_theirs(
    page, round_world, screenshot
):
    w = round_world
    from assessments.evidence import attach

    for answer in w.answers[:2]:
        saved = answering.answer_save(
            answer=answer,
            user=w.officer,
            level=2,
            explanation="FAKTA: SK. ANALISIS: tingkat 2.",
            expected_version=answer.version,
        )
        attach.evidence_link_add(answer=saved, user=w.officer, url="https://kaltimprov.go.id/")
    log_in(page, "petugas", "/indikator-saya/")
    page.get_by_role("button", name="Ajukan semua yang siap").click()
    dialog = page.locator(f"#confirm-submit-all-{w.period.pk}")
    assert dialog.is_visible()
    assert "2 jawaban periode 2025" in dialog.inner_text()
    assert "Belum siap dan tidak diajukan: 1." in dialog.inner_text()
    screenshot("round-06-confirm-submit-all")
    dialog.get_by_role("button", name="Ya, ajukan 2 jawaban").click()
    page.wait_for_selector("text=2 jawaban diajukan.")
    states = sorted(Answer.objects.filter(period=w.period).values_list("state", flat=True))
    assert states == ["draft", "submitted", "submitted"]

    # The contributing OPD: only its indicator, no progress of 0 of 0, no button.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    log_in(page, "kontributor", "/indikator-saya/")
    body = page.content()
    assert "0 dari 0 diajukan" not in body
    assert page.get_by_role("button", name="Ajukan semua yang siap").count() == 0
    no_sideways_scroll(page)
    screenshot("round-07-contributor-phone")
