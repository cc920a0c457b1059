"""Keyboard only: the officer answers an indicator and the reviewer decides it,
with Tab, arrows, Space and Enter and never a mouse. At every stop the focused
element must show a focus indicator of at least 3:1 against what surrounds it
(WCAG 2.4.7 and 1.4.11): the portal's two-tone ring from static/css/portal.css.

Screenshots of focused controls land in test-artifacts/ (kept by CI)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Answer, AnswerState, EvidenceFile
from tests.test_access_matrix import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the focused element shows: the outline (when drawn, at least 2 px) and
# the box-shadow halo, each measured against the first opaque background
# behind the element, since the ring is drawn outside it.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const rgb = (text) => {
    const m = (text || "").match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const luminance = ({r, g, b}) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  let background = {r: 255, g: 255, b: 255, a: 1};
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour && colour.a > 0.5) { background = colour; break; }
  }
  const style = getComputedStyle(el);
  const width = parseFloat(style.outlineWidth) || 0;
  const outline = style.outlineStyle !== "none" && width >= 2 ? rgb(style.outlineColor) : null;
  const halo = style.boxShadow !== "none" ? rgb(style.boxShadow) : null;
  const contrasts = [outline, halo].filter(Boolean).map((c) => ratio(c, background));
  return {
    element: el.outerHTML.slice(0, 120),
    outline: outline ? width : 0,
    contrast: Math.max(0, ...contrasts),
  };
}"""


def focus_shown(page) -> dict:
    focus = page.evaluate(FOCUS)
    assert focus is not None, "focus fell back to the page itself"
    assert focus["outline"] >= 2, f"no focus outline on {focus['element']}"
    assert focus["contrast"] >= 3, f"focus ring {focus['contrast']:.2f}:1 on {focus['element']}"
    return focus


def tab_to(page, selector: str, limit: int = 80, backwards: bool = False) -> int:
    """Presses Tab (or Shift+Tab) until `selector` has the focus, checking the
    ring at every stop."""
    for stops in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focus_shown(page)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return stops
    pytest.fail(f"{selector} not reached within {limit} Tab presses")


def press_and_wait(page, key: str):
    with page.expect_navigation():
        page.keyboard.press(key)


def signed_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])


def test_officer_answers_attaches_and_submits_by_keyboard(
    page, live_server, screenshot, officer_world, evidence_storage
):
    w = officer_world
    signed_in(page, live_server, w.officer)
    page.goto(reverse("assessments:answer_detail", kwargs={"public_id": w.answer.public_id}))

    # The skip link comes first and lands on the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    focus_shown(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Choose a level: Space takes the first, the arrows move through the rest.
    tab_to(page, "input[name=level]")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    focus_shown(page)
    assert page.locator("input[name=level]:checked").get_attribute("value") == "3"
    screenshot("a11y-officer-focus-level")

    tab_to(page, "textarea[name=explanation]")
    page.keyboard.type("FAKTA: Pergub 5/2024 pasal 3. ANALISIS: memenuhi kriteria tingkat 3.")
    tab_to(page, "button[value=save]")
    press_and_wait(page, "Enter")
    answer = Answer.objects.get(pk=w.answer.pk)
    assert (answer.proposed_level, answer.state) == (3, AnswerState.DRAFT)
    assert answer.explanation.startswith("FAKTA: Pergub 5/2024")

    # Attach: the file input opens its chooser from the keyboard too.
    # Playwright turns on file-chooser interception without waiting for it
    # (fire and forget) when the first listener is added; a listener added
    # only around the key press can lose that race and the chooser opens
    # unseen. Subscribed here, interception is on long before Space.
    def keep_intercepting(chooser):
        pass

    page.on("filechooser", keep_intercepting)
    tab_to(page, "#evidence-files")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    page.remove_listener("filechooser", keep_intercepting)
    chooser.value.set_files(
        files=[{"name": "pergub.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    tab_to(page, "#evidence-files ~ button")
    # The evidence section is replaced in place (htmx), so the answer form
    # keeps what was typed; the message takes the focus.
    page.keyboard.press("Enter")
    # htmx moves the focus to the notice once the swap settles, a moment
    # after the notice appears; Shift+Tab must start from there.
    expect(page.locator("#evidence-notice")).to_be_focused()
    assert EvidenceFile.objects.filter(answer=w.answer, original_name="pergub.pdf").exists()

    tab_to(page, "button[value=submit]", backwards=True)
    screenshot("a11y-officer-focus-submit")
    # Submitting asks first: the dialog opens on "Batal", Tab reaches "Ya".
    page.keyboard.press("Enter")
    assert page.locator("#confirm-submit").is_visible()
    page.keyboard.press("Tab")
    focus_shown(page)
    press_and_wait(page, "Enter")
    answer = Answer.objects.get(pk=w.answer.pk)
    assert (answer.state, answer.proposed_level) == (AnswerState.SUBMITTED, 3)


def test_reviewer_adjusts_a_level_by_keyboard(page, live_server, screenshot, officer_world):
    w = officer_world
    Answer.objects.filter(pk=w.answer.pk).update(
        proposed_level=4,
        explanation="FAKTA: SK 1/2024. ANALISIS: memenuhi.",
        state=AnswerState.SUBMITTED,
        submitted_at=timezone.now(),
    )
    signed_in(page, live_server, w.reviewer)
    page.goto(reverse("review:detail", kwargs={"public_id": w.answer.public_id}))

    # The navigation bar's links show the ring on the dark bar as well.
    tab_to(page, ".portal-navbar .nav-link")
    screenshot("a11y-reviewer-focus-nav")

    # The adjustment folds out from its summary (the panel fits 1366x768).
    tab_to(page, "summary#adjust-title")
    page.keyboard.press("Enter")
    tab_to(page, "#adjust_level")
    page.keyboard.type("3")  # a closed select jumps to the option starting with "3"
    assert page.locator("#adjust_level").input_value() == "3"
    tab_to(page, "#adjust_justification")
    # The justification's description is its help text (the ids match).
    described = page.evaluate(
        """() => document.getElementById("adjust_justification").getAttribute("aria-describedby")
              .split(" ").map((id) => document.getElementById(id)?.textContent.trim())"""
    )
    assert described == ["Mengapa tingkat usulan tidak dapat diterima (JUSTIFIKASI asesor)."]
    page.keyboard.type("Bukti hanya mendukung tingkat 3: SK belum ditandatangani.")
    screenshot("a11y-reviewer-focus-justification")
    tab_to(page, "form[aria-labelledby=adjust-title] button")
    press_and_wait(page, "Enter")
    answer = Answer.objects.get(pk=w.answer.pk)
    assert (answer.state, answer.validated_level) == (AnswerState.VALIDATED, 3)
