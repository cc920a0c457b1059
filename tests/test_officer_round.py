"""The officer's side of a review round: the decision on top of the answer
page, replies in the conversation, withdrawing with a confirmation, evidence
that does not cost the unsaved answer, addresses that answer a GET, the
contributor's view and Indonesian formatting. (The browser journeys are in
tests/test_officer_round_browser.py.)"""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from assessments import answering, review
from assessments.evidence import attach
from assessments.models import (
    Answer,
    AnswerEvent,
    AnswerState,
    EventKind,
    ExternalValue,
    Role,
)
from indicators.models import ExternalSource
from tests.factories import AssignmentFactory, officer_of, role_in
from tests.pdf_samples import MINIMAL_PDF

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF  # the evidence check parses it, so a readable one


def page_of(answer):
    return reverse("assessments:answer_detail", args=[answer.public_id])


def submitted(w, level=4):
    answer = answering.answer_save(
        answer=w.answer,
        user=w.officer,
        level=level,
        explanation="FAKTA: Pergub 4/2023. ANALISIS: memenuhi.",
        expected_version=w.answer.version,
    )
    attach.evidence_link_add(answer=answer, user=w.officer, url="https://jdih.kaltimprov.go.id/")
    answer = Answer.objects.get(pk=answer.pk)
    return answering.answer_submit(answer=answer, user=w.officer, expected_version=answer.version)


# --- the decision on top -----------------------------------------------------------


def test_an_adjusted_answer_opens_with_the_decision(client, officer_world):
    w = officer_world
    answer = submitted(w, level=4)
    review.answer_adjust(
        answer=answer, user=w.reviewer, level=3, justification="Reviu kebijakan belum ada."
    )
    client.force_login(w.officer)
    html = client.get(page_of(answer)).content.decode()

    banner = html[
        html.index('id="decision"') : html.index("</section>", html.index('id="decision"'))
    ]
    assert "Tingkat tervalidasi" in banner and "3" in banner and "Terdefinisi" in banner
    assert "Diturunkan 1 tingkat dari usulan OPD: 4 – Terpadu dan Terukur." in banner
    assert "Reviu kebijakan belum ada." in banner
    # Above the criteria and the history, not only in the history.
    assert html.index('id="decision"') < html.index('id="criteria-title"')
    assert html.index('id="decision"') < html.index('id="events-title"')


def test_an_accepted_answer_says_it_equals_the_proposal(client, officer_world):
    w = officer_world
    answer = submitted(w, level=2)
    review.answer_accept(answer=answer, user=w.reviewer)
    client.force_login(w.officer)
    html = client.get(page_of(answer)).content.decode()
    assert "Sama dengan tingkat usulan OPD (2)." in html
    assert "Terkelola" in html


def test_a_draft_has_no_decision_banner(client, officer_world):
    client.force_login(officer_world.officer)
    html = client.get(page_of(officer_world.answer)).content.decode()
    assert 'id="decision"' not in html and 'id="returned-note"' not in html


# --- replies ------------------------------------------------------------------------


def test_the_officer_replies_without_changing_the_answer(client, officer_world):
    w = officer_world
    answer = submitted(w)
    answer = review.answer_adjust(answer=answer, user=w.reviewer, level=3, justification="Kurang.")
    before = Answer.objects.get(pk=answer.pk)
    client.force_login(w.officer)

    response = client.post(
        reverse("assessments:answer_reply", args=[answer.public_id]),
        {"text": "Reviu sudah kami lakukan; laporannya kami unggah."},
    )

    assert response.status_code == 302
    assert response["Location"] == page_of(answer) + "#conversation"
    reply = AnswerEvent.objects.get(answer=answer, kind=EventKind.COMMENTED)
    assert (reply.actor, reply.comment) == (
        w.officer,
        "Reviu sudah kami lakukan; laporannya kami unggah.",
    )
    after = Answer.objects.get(pk=answer.pk)
    assert (after.state, after.version, after.validated_level) == (
        before.state,
        before.version,
        before.validated_level,
    )
    # The reviewer reads it in the thread of the review page.
    client.force_login(w.reviewer)
    review_page = client.get(reverse("review:detail", args=[answer.public_id])).content.decode()
    assert "Reviu sudah kami lakukan; laporannya kami unggah." in review_page
    assert "Tanggapan" in review_page


def test_an_empty_reply_is_refused_and_nothing_is_written(client, officer_world):
    w = officer_world
    client.force_login(w.officer)
    response = client.post(
        reverse("assessments:answer_reply", args=[w.answer.public_id]), {"text": "  "}, follow=True
    )
    assert "Tulis tanggapan sebelum mengirim." in response.content.decode()
    assert not AnswerEvent.objects.filter(kind=EventKind.COMMENTED).exists()


def test_only_the_opd_and_reviewers_reply(client, officer_world):
    w = officer_world
    url = reverse("assessments:answer_reply", args=[w.answer.public_id])
    client.force_login(w.outsider)
    assert client.post(url, {"text": "Halo"}).status_code == 404
    client.force_login(role_in(w.period.instansi, Role.LEADERSHIP))
    assert client.post(url, {"text": "Halo"}).status_code == 403
    client.force_login(w.reviewer)
    assert client.post(url, {"text": "Mohon unggah SK."}).status_code == 302
    assert AnswerEvent.objects.filter(kind=EventKind.COMMENTED).count() == 1


# --- withdrawing --------------------------------------------------------------------


def test_withdraw_button_with_its_confirmation_and_the_withdrawal(client, officer_world):
    w = officer_world
    answer = submitted(w)
    client.force_login(w.officer)
    html = client.get(page_of(answer)).content.decode()
    assert 'data-confirm="confirm-withdraw"' in html
    assert 'id="confirm-withdraw"' in html and "keluar dari antrean asesor" in html

    response = client.post(
        reverse("assessments:answer_withdraw", args=[answer.public_id]),
        {"version": answer.version},
    )

    assert response.status_code == 302
    stored = Answer.objects.get(pk=answer.pk)
    assert stored.state == AnswerState.DRAFT
    assert stored.events.filter(kind=EventKind.WITHDRAWN, actor=w.officer).exists()


def test_no_withdraw_once_decided(client, officer_world):
    w = officer_world
    answer = review.answer_accept(answer=submitted(w), user=w.reviewer)
    client.force_login(w.officer)
    assert "confirm-withdraw" not in client.get(page_of(answer)).content.decode()
    response = client.post(
        reverse("assessments:answer_withdraw", args=[answer.public_id]),
        {"version": answer.version},
        follow=True,
    )
    assert Answer.objects.get(pk=answer.pk).state == AnswerState.VALIDATED
    assert response.redirect_chain[-1][0] == page_of(answer)


def test_submit_buttons_ask_first(client, officer_world):
    client.force_login(officer_world.officer)
    html = client.get(page_of(officer_world.answer)).content.decode()
    assert 'value="submit" data-confirm="confirm-submit"' in html
    assert 'id="confirm-submit"' in html and "1 jawaban (indikator" in html
    assert "js/confirm.js" in html


# --- input is never lost; every address answers a GET -------------------------------


@pytest.mark.parametrize(
    "name",
    ["evidence_upload", "evidence_link_add", "answer_submit", "answer_withdraw", "answer_reply"],
)
def test_every_form_address_opens_the_answer_page_on_get(client, officer_world, name):
    w = officer_world
    client.force_login(w.officer)
    response = client.get(reverse(f"assessments:{name}", args=[w.answer.public_id]))
    assert response.status_code == 302
    assert response["Location"] == page_of(w.answer)


def test_get_on_submit_all_opens_my_indicators(client, officer_world):
    client.force_login(officer_world.officer)
    response = client.get(reverse("assessments:submit_all"))
    assert response["Location"] == reverse("assessments:my_indicators")


def test_evidence_forms_update_only_their_section(client, officer_world, evidence_storage):
    """htmx posts the evidence forms and swaps the section: the answer form,
    with whatever the officer typed, is not reloaded."""
    w = officer_world
    client.force_login(w.officer)
    html = client.get(page_of(w.answer)).content.decode()
    assert 'hx-target="#evidence-section"' in html

    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("assessments:evidence_upload", args=[w.answer.public_id]),
        {"files": SimpleUploadedFile("pergub.pdf", PDF, "application/pdf")},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<section") and 'id="evidence-section"' in body
    assert "1 berkas data dukung ditambahkan." in body and "pergub.pdf" in body
    assert 'id="answer-form"' not in body
    assert w.answer.evidence_files.count() == 1

    refused = client.post(
        reverse("assessments:evidence_upload", args=[w.answer.public_id]),
        {"files": SimpleUploadedFile("skrip.pdf", b"MZ\x90\x00 bukan pdf", "application/pdf")},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 200  # htmx swaps only 2xx; the message is inside
    assert 'id="evidence-error"' in refused.content.decode()
    assert w.answer.evidence_files.count() == 1

    link = client.post(
        reverse("assessments:evidence_link_add", args=[w.answer.public_id]),
        {"url": "https://jdih.kaltimprov.go.id/", "note": "Pergub"},
        HTTP_HX_REQUEST="true",
    )
    assert "Tautan data dukung ditambahkan." in link.content.decode()
    assert w.answer.evidence_links.count() == 1


def test_a_refused_upload_without_javascript_shows_the_answer_page(
    client, officer_world, evidence_storage
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = officer_world
    client.force_login(w.officer)
    response = client.post(
        reverse("assessments:evidence_upload", args=[w.answer.public_id]),
        {"files": SimpleUploadedFile("skrip.pdf", b"MZ\x90\x00 bukan pdf", "application/pdf")},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="answer-error"' in html and 'id="answer-form"' in html


# --- Indikator saya -----------------------------------------------------------------


def test_submit_all_asks_with_the_number_of_ready_answers(client, officer_world):
    w = officer_world
    second = AssignmentFactory(period=w.period, responsible_opd=w.opd)
    from assessments.lifecycle import answers_ensure

    answers_ensure(period=w.period)
    answering.answer_save(
        answer=w.answer, user=w.officer, level=3, explanation="FAKTA. ANALISIS.", expected_version=1
    )
    client.force_login(w.officer)
    html = client.get(reverse("assessments:my_indicators")).content.decode()
    dialog = f"confirm-submit-all-{w.period.pk}"
    assert f'data-confirm="{dialog}"' in html and f'id="{dialog}"' in html
    assert "1 jawaban periode" in html and "Belum siap dan tidak diajukan: 1." in html
    assert "Ya, ajukan 1 jawaban" in html
    assert Answer.objects.filter(period=w.period, indicator=second.indicator).exists()


def test_a_contributor_sees_no_empty_progress_or_submit_button(client, officer_world):
    w = officer_world
    w.assignment.contributors.add(w.other_opd)
    client.force_login(w.outsider)  # an officer of the contributing OPD
    html = client.get(reverse("assessments:my_indicators")).content.decode()
    assert w.indicator.name in html
    assert "0 dari 0 diajukan" not in html
    assert reverse("assessments:submit_all") not in html
    assert "OPD Anda berkontribusi data dukung" in html


def test_the_answer_page_shows_times_the_indonesian_way(client, officer_world):
    w = officer_world
    closes = dt.datetime(2026, 11, 29, 6, 5, tzinfo=dt.UTC)  # 14.05 WITA
    type(w.period).objects.filter(pk=w.period.pk).update(fill_closes_at=closes)
    client.force_login(w.officer)
    html = client.get(page_of(w.answer)).content.decode()
    assert "29 November 2026 14.05 WITA" in html


# --- the filters --------------------------------------------------------------------


def render(text, **context):
    return Template("{% load id_format %}" + text).render(Context(context))


def test_one_filter_for_dates_times_and_decimals():
    moment = dt.datetime(2026, 11, 29, 6, 5, tzinfo=dt.UTC)
    assert render("{{ t|waktu }}", t=moment) == "29 November 2026 14.05 WITA"
    assert render("{{ d|tanggal }}", d=dt.date(2026, 3, 1)) == "1 Maret 2026"
    assert render("{{ v|desimal }}", v=Decimal("70.5000")) == "70,5"
    assert render("{{ v|desimal }}", v=12.5) == "12,5"
    assert render("{{ v|desimal }}", v=Decimal("100")) == "100"
    assert render("{{ b|desimal_list }}", b=[12.5, 25, "37.5"]) == "12,5 · 25 · 37,5"
    assert render("{{ t|waktu }}", t=None) == "–"
    late = dt.datetime(2026, 11, 29, 17, 0, tzinfo=dt.UTC)  # already the 30th in WITA
    assert render("{{ t|tanggal }}", t=late) == "30 November 2026"


def test_import_page_and_external_values_are_written_the_indonesian_way(client, officer_world):
    w = officer_world
    admin = role_in(w.period.instansi, Role.ADMINISTRATOR)
    client.force_login(admin)
    kwargs = {"code": w.period.instansi.code, "year": w.period.year}
    html = client.get(reverse("manage:import_levels", kwargs=kwargs)).content.decode()
    assert f"periode {w.period.year}" in html
    assert f"{w.period.year // 1000}.{w.period.year % 1000:03d}" not in html

    indicator = w.indicator
    type(indicator).objects.filter(pk=indicator.pk).update(
        external_source=ExternalSource.choices[0][0],
        external_upper_bounds=["12.5", "25", "50", "75"],
    )
    ExternalValue.objects.create(
        period=w.period,
        indicator=indicator,
        value=Decimal("70.5"),
        level=4,
        source="Kementerian PANRB",
        measured_on=dt.date(2026, 11, 1),
        entered_by=admin,
        entered_at=timezone.now(),
    )
    page = client.get(reverse("manage:external_values", kwargs=kwargs)).content.decode()
    assert "70,5" in page and "70,5000" not in page
    assert "12,5 · 25 · 50 · 75" in page
    client.force_login(w.officer)
    answer_page = client.get(page_of(w.answer)).content.decode()
    assert "70,5" in answer_page and "1 November 2026" in answer_page


def test_officer_of_another_instansi_sees_nothing(client, officer_world):
    w = officer_world
    client.force_login(officer_of(w.foreign.memberships.first().opd))
    assert client.get(page_of(w.answer)).status_code == 404


def test_a_reply_tells_the_other_side(client, officer_world):
    from assessments.models import Notification, NotificationKind

    w = officer_world
    bystander = role_in(w.period.instansi, Role.REVIEWER)  # never touched this answer
    answer = review.answer_adjust(
        answer=submitted(w), user=w.reviewer, level=3, justification="Kurang."
    )
    url = reverse("assessments:answer_reply", args=[answer.public_id])
    client.force_login(w.officer)
    client.post(url, {"text": "Laporan reviu sudah diunggah."})

    told = Notification.objects.filter(kind=NotificationKind.ANSWER_REPLIED)
    assert set(told.values_list("recipient", flat=True)) == {w.reviewer.pk}
    assert "Laporan reviu sudah diunggah." in told.get().message
    assert told.get().link == reverse("review:detail", args=[answer.public_id])
    assert not told.filter(recipient=bystander).exists()

    told.delete()
    client.force_login(w.reviewer)
    client.post(url, {"text": "Terima kasih, akan kami nilai ulang."})
    assert set(told.values_list("recipient", flat=True)) == {w.officer.pk, w.colleague.pk}
    assert told.first().link == page_of(answer)
