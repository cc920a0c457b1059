"""Small things the officer reads first: the reviewer's latest return above
the answer form, and evidence counts that say what they count."""

import pytest

from assessments.models import AnswerEvent, AnswerState, EventKind, EvidenceLink, ReturnReason

pytestmark = pytest.mark.django_db


def url(answer):
    return f"/jawaban/{answer.public_id}/"


def returned(world, comment, reason=ReturnReason.EVIDENCE_WRONG):
    return AnswerEvent.objects.create(
        answer=world.answer,
        actor=world.reviewer,
        kind=EventKind.RETURNED,
        state_before=AnswerState.SUBMITTED,
        state_after=AnswerState.RETURNED,
        reason=reason,
        comment=comment,
    )


def test_a_returned_answer_shows_the_latest_return_above_the_form(client, officer_world):
    w = officer_world
    returned(w, "Komentar lama.")
    returned(w, "SK belum ditandatangani.", ReturnReason.EVIDENCE_MISSING)
    type(w.answer).objects.filter(pk=w.answer.pk).update(state=AnswerState.RETURNED)
    client.force_login(w.officer)
    html = client.get(url(w.answer)).content.decode()
    note = html[html.index('id="returned-note"') : html.index('id="answer-form"')]
    assert "SK belum ditandatangani." in note and "Data dukung belum ada" in note
    assert "Komentar lama." not in note


def test_no_return_note_once_resubmitted(client, officer_world):
    w = officer_world
    returned(w, "SK belum ditandatangani.")
    type(w.answer).objects.filter(pk=w.answer.pk).update(state=AnswerState.SUBMITTED)
    client.force_login(w.officer)
    assert 'id="returned-note"' not in client.get(url(w.answer)).content.decode()


def test_outsider_never_sees_the_answer_or_its_return(client, officer_world):
    w = officer_world
    returned(w, "SK belum ditandatangani.")
    client.force_login(w.outsider)
    assert client.get(url(w.answer)).status_code == 404


def test_my_indicators_counts_files_and_links_separately(client, officer_world):
    w = officer_world
    EvidenceLink.objects.create(
        answer=w.answer, url="https://kaltimprov.go.id/", note="", added_by=w.officer
    )
    client.force_login(w.officer)
    html = client.get("/indikator-saya/").content.decode()
    assert "0 berkas · 1 tautan" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_choosing_by_keyboard_needs_enter_pointer_acts_at_once(page, kaltim2024, settings):
    """Arrow keys on a select that acts on choice only move through it; Enter
    acts. Checked on the language choice and the dashboard's period picker."""
    from assessments.models import Role
    from tests.factories import PASSWORD, EvaluationPeriodFactory, role_in

    page.goto("/accounts/login/")
    page.focus("#lang-select")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.get_attribute("html", "lang") == "id" and "/accounts/login/" in page.url
    page.keyboard.press("Enter")
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.select_option("#lang-select", "id")  # a pointer-like choice acts at once
    page.wait_for_function("document.documentElement.lang === 'id'")

    EvaluationPeriodFactory(instansi=kaltim2024.instansi, framework=kaltim2024.period.framework)
    leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)
    page.get_by_label("Nama pengguna atau e-mail").fill(leader.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)
    page.goto("/results/kaltim/2024/")
    page.focus("#period-select")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.url.endswith("/results/kaltim/2024/")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: "/results/kaltim/2024/" not in u)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_expired_session_during_an_htmx_update_says_so(page, kaltim2024, settings):
    """The planner's what-if is fetched by htmx; after the session ends the
    fragment would be the login page. The page keeps its content and says
    what happened, with a link back that returns here."""
    from assessments.models import Role
    from tests.factories import PASSWORD, role_in

    leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)
    page.goto("/accounts/login/?next=/results/kaltim/2024/planner/")
    page.get_by_label("Nama pengguna atau e-mail").fill(leader.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/planner/")
    before = page.locator("#what-if-result").inner_html()

    page.context.clear_cookies(name="sessionid")
    page.get_by_label("47. ", exact=False).select_option("5")
    notice = page.locator("#fragment-notice")
    notice.wait_for()
    assert "Sesi Anda sudah berakhir" in notice.inner_text()
    link = notice.get_by_role("link", name="Masuk lagi")
    assert "next=%2Fresults%2Fkaltim%2F2024%2Fplanner%2F" in link.get_attribute("href")
    assert page.locator("#what-if-result").inner_html() == before
    assert page.locator("#what-if-result input[name=password]").count() == 0


def test_review_page_offers_a_way_past_the_previews(client, officer_world, evidence_storage):
    from django.core.files.base import ContentFile

    from assessments.models import EvidenceFile

    w = officer_world
    evidence = EvidenceFile(
        answer=w.answer,
        original_name="sk.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=w.officer,
    )
    evidence.file.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    client.force_login(w.reviewer)
    html = client.get(f"/verifikasi/{w.answer.public_id}/").content.decode()
    # The decision forms come before the previews in the tab order (issue 11);
    # the skip link still leads past the criteria to them.
    skip = html.index('href="#decision-title"')
    assert skip < html.index('id="decision-title"') < html.index("evidence-preview")
