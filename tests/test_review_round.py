"""A review round people can run for real: evidence before submission, a
submission withdrawn, a validated answer reopened, and everyone told."""

import pytest
from django.urls import reverse

from assessments import answering, review
from assessments.evidence import attach
from assessments.models import (
    Answer,
    AnswerEvent,
    AnswerState,
    EvaluationPeriod,
    EventKind,
    Notification,
    NotificationKind,
)
from spbe_portal.errors import Invalid, NotAllowed, WrongState

pytestmark = pytest.mark.django_db


def _draft(w, level=3):
    return answering.answer_save(
        answer=w.answer,
        user=w.officer,
        level=level,
        explanation="FAKTA: Pergub. ANALISIS: memenuhi.",
        expected_version=w.answer.version,
    )


def _submitted(w):
    answer = _draft(w)
    return answering.answer_submit(answer=answer, user=w.officer, expected_version=answer.version)


# --- evidence before submission -------------------------------------------------


def test_an_answer_without_evidence_is_not_submitted_where_the_period_asks(officer_world):
    w = officer_world
    EvaluationPeriod.objects.filter(pk=w.period.pk).update(evidence_required=True)
    answer = _draft(w)
    with pytest.raises(Invalid, match="data dukung"):
        answering.answer_submit(answer=answer, user=w.officer, expected_version=answer.version)
    stored = Answer.objects.get(pk=answer.pk)
    assert (stored.state, stored.version) == (AnswerState.DRAFT, answer.version)
    assert not AnswerEvent.objects.filter(kind=EventKind.SUBMITTED).exists()

    attach.evidence_link_add(answer=answer, user=w.officer, url="https://kaltimprov.go.id/")
    done = answering.answer_submit(
        answer=answer, user=w.officer, expected_version=Answer.objects.get(pk=answer.pk).version
    )
    assert done.state == AnswerState.SUBMITTED


def test_new_periods_require_evidence_by_default(officer_world):
    field = EvaluationPeriod._meta.get_field("evidence_required")
    assert field.default is True


def test_the_refusal_reaches_the_officer_page(client, officer_world):
    w = officer_world
    EvaluationPeriod.objects.filter(pk=w.period.pk).update(evidence_required=True)
    answer = _draft(w)
    client.force_login(w.officer)
    response = client.post(
        reverse("assessments:answer_submit", args=[answer.public_id]),
        {"version": answer.version},
    )
    assert response.status_code == 400
    assert "Lampirkan minimal satu berkas atau tautan data dukung" in response.content.decode()
    assert Answer.objects.get(pk=answer.pk).state == AnswerState.DRAFT


# --- withdraw -----------------------------------------------------------------


def test_an_officer_withdraws_an_undecided_submission(officer_world):
    w = officer_world
    answer = _submitted(w)
    back = answering.answer_withdraw(answer=answer, user=w.officer, expected_version=answer.version)
    assert back.state == AnswerState.DRAFT
    event = AnswerEvent.objects.filter(answer=answer).latest("id")
    assert (event.kind, event.state_before, event.state_after) == (
        EventKind.WITHDRAWN,
        AnswerState.SUBMITTED,
        AnswerState.DRAFT,
    )


def test_a_decided_answer_cannot_be_withdrawn(officer_world):
    w = officer_world
    answer = review.answer_accept(answer=_submitted(w), user=w.reviewer)
    with pytest.raises(WrongState):
        answering.answer_withdraw(answer=answer, user=w.officer, expected_version=answer.version)
    assert Answer.objects.get(pk=answer.pk).state == AnswerState.VALIDATED


def test_withdraw_through_the_api(officer_world, client):
    w = officer_world
    answer = _submitted(w)
    from assessments.api.auth import api_token_create

    _token, raw = api_token_create(user=w.officer, name="uji")
    url = reverse("api:answer-withdraw", args=[answer.public_id])
    response = client.post(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "draft"
    _token, outsider = api_token_create(user=w.outsider, name="uji")
    assert client.post(url, HTTP_AUTHORIZATION=f"Bearer {outsider}").status_code == 404


# --- reopen -------------------------------------------------------------------


def test_a_reviewer_reopens_a_validated_answer_with_a_reason(officer_world):
    w = officer_world
    answer = review.answer_accept(answer=_submitted(w), user=w.reviewer)
    Notification.objects.all().delete()
    with pytest.raises(Invalid):
        review.answer_reopen(answer=answer, user=w.reviewer, reason="  ")
    reopened = review.answer_reopen(answer=answer, user=w.reviewer, reason="Bukti baru dari OPD.")
    assert (reopened.state, reopened.validated_level) == (AnswerState.SUBMITTED, None)
    event = AnswerEvent.objects.filter(answer=answer).latest("id")
    assert (event.kind, event.comment) == (EventKind.REOPENED, "Bukti baru dari OPD.")
    notice = Notification.objects.get(recipient=w.officer)
    assert notice.kind == NotificationKind.ANSWER_REOPENED
    assert "Bukti baru dari OPD." in notice.message


def test_an_officer_cannot_reopen(officer_world):
    w = officer_world
    answer = review.answer_accept(answer=_submitted(w), user=w.reviewer)
    with pytest.raises(NotAllowed):
        review.answer_reopen(answer=answer, user=w.officer, reason="Saya ingin mengubah.")
    assert Answer.objects.get(pk=answer.pk).state == AnswerState.VALIDATED


def test_reopen_through_the_api_needs_a_reason(officer_world, client):
    w = officer_world
    answer = review.answer_accept(answer=_submitted(w), user=w.reviewer)
    from assessments.api.auth import api_token_create

    _token, raw = api_token_create(user=w.reviewer, name="uji")
    url = reverse("api:answer-reopen", args=[answer.public_id])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.post(url, {}, content_type="application/json", **auth).status_code == 400
    assert Answer.objects.get(pk=answer.pk).state == AnswerState.VALIDATED
    response = client.post(
        url, {"reason": "Salah pilih tingkat."}, content_type="application/json", **auth
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"


# --- nobody is left guessing ---------------------------------------------------


def test_an_adjustment_is_told_to_the_owning_opd(officer_world):
    w = officer_world
    answer = _submitted(w)
    review.answer_adjust(answer=answer, user=w.reviewer, level=2, justification="Reviu belum ada.")
    notice = Notification.objects.get(recipient=w.officer, kind=NotificationKind.ANSWER_ADJUSTED)
    assert "3 menjadi 2" in notice.message and "Reviu belum ada." in notice.message
    assert not Notification.objects.filter(recipient=w.outsider).exists()


def test_reviewers_hear_of_submissions_once_a_day_per_period(officer_world):
    w = officer_world
    _submitted(w)
    answering.answer_withdraw(
        answer=w.answer, user=w.officer, expected_version=Answer.objects.get(pk=w.answer.pk).version
    )
    answering.answer_submit(
        answer=w.answer, user=w.officer, expected_version=Answer.objects.get(pk=w.answer.pk).version
    )
    notices = Notification.objects.filter(kind=NotificationKind.ANSWERS_SUBMITTED)
    assert [n.recipient for n in notices] == [w.reviewer]
    assert not notices.filter(recipient__in=[w.officer, w.outsider]).exists()


def test_withdrawals_and_reopenings_are_in_the_periods_audit_record(client, officer_world):
    from assessments.models import Role
    from tests.factories import role_in

    w = officer_world
    answer = _submitted(w)
    answer = answering.answer_withdraw(
        answer=answer, user=w.officer, expected_version=answer.version
    )
    answer = answering.answer_submit(answer=answer, user=w.officer, expected_version=answer.version)
    answer = review.answer_accept(answer=answer, user=w.reviewer)
    review.answer_reopen(answer=answer, user=w.reviewer, reason="Bukti baru dari OPD.")
    admin = role_in(w.period.instansi, Role.ADMINISTRATOR)
    client.force_login(admin)
    page = client.get(
        reverse("manage:period_detail", args=[w.period.instansi.code, w.period.year])
    ).content.decode()
    assert "Pengajuan ditarik" in page and "Dibuka kembali" in page
    assert "Bukti baru dari OPD." in page
