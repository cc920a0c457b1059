"""The reviewer's flow measured in Chromium (issue 11): from the home page to
ten validated answers, counting the clicks that reach the page and the page
loads. The target is one click and one page load per decision, with the
decision panel in view at 1366x768 without scrolling."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, AnswerEvent, AnswerState, EventKind, EvidenceFile, Role
from tests.conftest import settled
from tests.factories import (
    PASSWORD,
    AnswerFactory,
    EvaluationPeriodFactory,
    IndicatorFactory,
    InstansiFactory,
    OPDFactory,
    officer_of,
    role_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWERS = 10
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 300 300]/Parent 2 0 R>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF"
)
# Every click that reaches a page of the tab, kept across page loads.
COUNT_CLICKS = """
document.addEventListener("click", () => {
  const n = Number(sessionStorage.getItem("clicks") || "0");
  sessionStorage.setItem("clicks", String(n + 1));
}, true);
"""


@pytest.fixture
def round_of_ten(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    instansi = InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    # An empty newer period must not hide the one where answers wait.
    EvaluationPeriodFactory(instansi=instansi, year=2026)
    period = EvaluationPeriodFactory(instansi=instansi, year=2025)
    opds = [OPDFactory(instansi=instansi, short_name=name) for name in ("Diskominfo", "Bappeda")]
    reviewer = role_in(instansi, Role.REVIEWER, user__username="asesor")
    officers = [officer_of(opd) for opd in opds]
    answers = []
    for i in range(ANSWERS):
        opd = opds[i % 2]
        answer = AnswerFactory(
            period=period,
            opd=opd,
            indicator=IndicatorFactory(framework=period.framework),
            state=AnswerState.SUBMITTED,
            proposed_level=2 + i % 3,
            explanation="FAKTA: Pergub No. 4 Tahun 2023 pasal 5. ANALISIS: memenuhi kriteria.",
            submitted_at=timezone.now(),
        )
        evidence = EvidenceFile(
            answer=answer,
            original_name=f"sk-{i + 1}.pdf",
            content_type="application/pdf",
            size=len(PDF),
            sha256=f"{i:064x}",
            uploaded_by=officers[i % 2],
        )
        evidence.file.save("x", ContentFile(PDF), save=False)
        evidence.save()
        answers.append(answer)
    return period, reviewer, answers


def test_ten_answers_take_one_click_and_one_page_load_each(page, screenshot, round_of_ten):
    period, _reviewer, answers = round_of_ten
    page.context.add_init_script(COUNT_CLICKS)
    loads = []
    page.on("load", lambda _page: loads.append(page.url))

    page.goto(reverse("login"))
    page.get_by_label("Nama pengguna atau e-mail").fill("asesor")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # Home -> the queue of the period where answers wait (2025, not the empty 2026).
    page.get_by_role("link", name="Buka antrean").click()
    page.wait_for_load_state()
    assert f"period={period.pk}" in page.url
    assert page.locator("tbody tr").count() == ANSWERS
    screenshot("review-flow-queue")
    page.locator("tbody tr a").first.click()
    page.wait_for_url("**/verifikasi/*/**")

    clicks_before = page.evaluate("Number(sessionStorage.getItem('clicks') || '0')")
    loads_before = len(loads)
    decided = []
    for n in range(ANSWERS):
        # The decision panel is in view as the page opens, without scrolling.
        button = page.locator("form[aria-labelledby=accept-title] button")
        box = button.bounding_box()
        assert page.evaluate("window.scrollY") == 0
        assert box["y"] + box["height"] <= 768, f"accept button at {box} on answer {n + 1}"
        if n == 0:
            page.screenshot(path=str(_artifact("review-flow-answer-1366x768")))
            # Scrolled down to the evidence, the panel stays beside it.
            page.locator("iframe.evidence-preview").scroll_into_view_if_needed()
            assert _in_view(page, button)
            page.evaluate("window.scrollTo(0, 0)")
        decided.append(page.url.split("/verifikasi/")[1].split("/")[0])
        with page.expect_navigation():
            button.click()
    clicks = page.evaluate("Number(sessionStorage.getItem('clicks') || '0')") - clicks_before
    page_loads = len(loads) - loads_before

    # The last decision lands back on the queue, now empty.
    assert "Tidak ada lagi jawaban yang menunggu pada antrean ini." in page.content()
    screenshot("review-flow-done")
    print(
        f"review flow: {ANSWERS} answers, {clicks} clicks, {page_loads} page loads "
        f"({clicks / ANSWERS:.1f} clicks and {page_loads / ANSWERS:.1f} loads per answer)"
    )
    assert clicks == ANSWERS
    assert page_loads == ANSWERS
    assert sorted(decided) == sorted(str(a.public_id) for a in answers)
    states = set(Answer.objects.filter(period=period).values_list("state", flat=True))
    assert states == {AnswerState.VALIDATED}
    assert AnswerEvent.objects.filter(kind=EventKind.ACCEPTED).count() == ANSWERS


def test_the_review_page_fits_a_phone(page, screenshot, round_of_ten):
    _period, _reviewer, answers = round_of_ten
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("login"))
    page.get_by_label("Nama pengguna atau e-mail").fill("asesor")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(reverse("review:detail", kwargs={"public_id": answers[0].public_id}))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # On a phone the panel sits between the answer and the previews.
    panel = page.locator("#decision-title").bounding_box()["y"]
    assert page.locator("#answer-title").bounding_box()["y"] < panel
    assert panel < page.locator("#evidence-title").bounding_box()["y"]
    screenshot("review-flow-answer-390")


def _artifact(name):
    from tests.conftest import ARTIFACTS_DIR

    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR / f"{name}.png"


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def _sign_in(page, username):
    page.goto(reverse("login"))
    page.get_by_label("Nama pengguna atau e-mail").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_bulk_return_is_confirmed_and_an_administrator_reopens(page, screenshot, round_of_ten):
    from assessments.models import Notification, NotificationKind, ReturnReason

    period, _reviewer, answers = round_of_ten
    _sign_in(page, "asesor")
    page.get_by_role("link", name="Verifikasi").click()
    page.wait_for_load_state()
    for answer in answers[:3]:
        page.locator(f"input[name=selected][value^='{answer.public_id}:']").check()
    page.get_by_label("Alasan pengembalian").select_option(ReturnReason.EVIDENCE_MISSING)
    page.get_by_label("Catatan untuk OPD").fill("Lampirkan SK yang sudah ditandatangani.")
    page.get_by_role("button", name="Kembalikan yang dipilih ke OPD").click()
    page.wait_for_load_state()
    assert "3 jawaban akan dikembalikan" in page.locator("#bulk-summary").inner_text()
    screenshot("review-flow-bulk-return-confirm")
    assert Answer.objects.filter(state=AnswerState.RETURNED).count() == 0
    page.get_by_role("button", name="Ya, kembalikan 3 jawaban").click()
    page.wait_for_load_state()
    assert "3 jawaban dikembalikan" in page.get_by_role("status").inner_text()
    returned = Answer.objects.filter(state=AnswerState.RETURNED)
    assert {a.pk for a in returned} == {a.pk for a in answers[:3]}
    # Answers 1 and 3 belong to Diskominfo, 2 to Bappeda: one notice per OPD.
    notices = Notification.objects.filter(kind=NotificationKind.ANSWER_RETURNED)
    assert sorted(notices.values_list("recipient__username", flat=True)) == sorted(
        {a.evidence_files.get().uploaded_by.username for a in answers[:3]}
    )

    # Accept one, then an administrator reopens it from the queue.
    target = answers[3]
    page.goto(reverse("review:detail", kwargs={"public_id": target.public_id}))
    with page.expect_navigation():
        page.locator("form[aria-labelledby=accept-title] button").click()
    assert Answer.objects.get(pk=target.pk).state == AnswerState.VALIDATED
    # The decision leads on to the next answer: let that page and its requests
    # finish first, or a late response under the reviewer's session can set
    # its CSRF cookie again after the login page set the new one.
    settled(page)
    page.context.clear_cookies()

    admin = role_in(period.instansi, Role.ADMINISTRATOR, user__username="admin-prov")
    assert admin.username == "admin-prov"
    _sign_in(page, "admin-prov")
    page.get_by_role("link", name="Verifikasi").click()
    page.get_by_label("Status").select_option(AnswerState.VALIDATED)
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_load_state()
    page.locator(f"a[href^='/verifikasi/{target.public_id}/']").click()
    page.wait_for_load_state()
    page.get_by_label("Alasan membuka kembali").fill("Bukti baru dari OPD setelah rapat.")
    screenshot("review-flow-reopen")
    page.get_by_role("button", name="Buka kembali").click()
    page.wait_for_load_state()
    assert "dibuka kembali" in page.get_by_role("status").inner_text()
    reopened = Answer.objects.get(pk=target.pk)
    assert (reopened.state, reopened.validated_level) == (AnswerState.SUBMITTED, None)
    event = AnswerEvent.objects.get(answer=target, kind=EventKind.REOPENED)
    assert (event.actor, event.comment) == (admin, "Bukti baru dari OPD setelah rapat.")
    assert "Bukti baru dari OPD setelah rapat." in page.locator("#thread-title + ol").inner_text()
