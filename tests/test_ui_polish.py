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
