"""The reviewer's flow measured in Chromium (issue 11): from the home page to
ten validated answers, counting the clicks that reach the page and the page
loads. The target is one click and one page load per decision, with the
decision panel in view at 1366x768 without scrolling."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, AnswerEvent, AnswerState, EventKind, EvidenceFile, Role
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
            uploaded_by=officer_of(opd),
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
