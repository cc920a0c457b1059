"""Answers through the API: officers save drafts with If-Match and submit;
reviewers accept, adjust and return. The same functions as the HTML views
decide, so the same refusals come back, as the common error body."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, AnswerEvent, AnswerState, EventKind
from tests.factories import AnswerFactory


def detail(answer):
    return reverse("api:answer-detail", args=[answer.public_id])


def if_match(version):
    return {"HTTP_IF_MATCH": f'"{version}"'}


def test_get_gives_the_answer_and_its_etag(api_world, api_as):
    response = api_as("officer").get(detail(api_world.draft))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(api_world.draft.public_id)
    assert body["proposed_level"] == 3 and body["editable"] is True
    assert response["ETag"] == f'"{api_world.draft.version}"'


def test_patch_saves_through_the_service_and_bumps_the_etag(api_world, api_as):
    answer = api_world.draft
    response = api_as("officer").patch(
        detail(answer), {"proposed_level": 4}, format="json", **if_match(answer.version)
    )
    assert response.status_code == 200, response.content
    answer.refresh_from_db()
    assert answer.proposed_level == 4
    assert answer.explanation.startswith("FAKTA")  # left out = kept
    assert response["ETag"] == f'"{answer.version}"' == f'"{response.json()["version"]}"'
    assert AnswerEvent.objects.filter(answer=answer, kind=EventKind.SAVED).count() == 1


def test_patch_without_if_match_is_428_and_changes_nothing(api_world, api_as):
    response = api_as("officer").patch(
        detail(api_world.draft), {"proposed_level": 5}, format="json"
    )
    assert response.status_code == 428
    assert set(response.json()) == {"detail", "errors"}
    assert Answer.objects.get(pk=api_world.draft.pk).proposed_level == 3


@pytest.mark.parametrize("header", ['"999"', 'W/"0"', "garbage"])
def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(api_world, api_as, header):
    response = api_as("officer").patch(
        detail(api_world.draft), {"proposed_level": 5}, format="json", HTTP_IF_MATCH=header
    )
    assert response.status_code == 412
    assert Answer.objects.get(pk=api_world.draft.pk).proposed_level == 3


def test_two_clients_with_the_same_etag_one_wins(api_world, api_as):
    answer = api_world.draft
    first = api_as("officer").patch(
        detail(answer), {"explanation": "A"}, format="json", **if_match(answer.version)
    )
    second = api_as("officer").patch(
        detail(answer), {"explanation": "B"}, format="json", **if_match(answer.version)
    )
    assert (first.status_code, second.status_code) == (200, 412)
    assert Answer.objects.get(pk=answer.pk).explanation == "A"


@pytest.mark.parametrize(
    ("data", "field"), [({"proposed_level": 9}, None), ({"proposed_level": "x"}, "proposed_level")]
)
def test_patch_with_a_bad_level_is_400(api_world, api_as, data, field):
    response = api_as("officer").patch(
        detail(api_world.draft), data, format="json", **if_match(api_world.draft.version)
    )
    assert response.status_code == 400
    if field:
        assert field in response.json()["errors"]
    assert Answer.objects.get(pk=api_world.draft.pk).proposed_level == 3


def test_patch_after_the_deadline_is_403(api_world, api_as):
    period = api_world.period
    period.fill_closes_at = timezone.now() - timedelta(minutes=1)
    period.save()
    response = api_as("officer").patch(
        detail(api_world.draft), {"proposed_level": 4}, format="json", **if_match(1)
    )
    assert response.status_code == 403
    assert "batas pengisian" in response.json()["detail"]


def test_patch_of_a_submitted_answer_is_409(api_world, api_as):
    answer = api_world.submitted
    response = api_as("officer").patch(
        detail(answer), {"proposed_level": 2}, format="json", **if_match(answer.version)
    )
    assert response.status_code == 409
    assert Answer.objects.get(pk=answer.pk).proposed_level == 4


def test_submit_needs_if_match_then_locks_the_answer(api_world, api_as):
    answer = api_world.draft
    url = reverse("api:answer-submit", args=[answer.public_id])
    assert api_as("officer").post(url).status_code == 428
    response = api_as("officer").post(url, **if_match(answer.version))
    assert response.status_code == 200, response.content
    answer.refresh_from_db()
    assert answer.state == AnswerState.SUBMITTED and answer.submitted_at
    assert response.json()["editable"] is False
    again = api_as("officer").post(url, **if_match(answer.version))
    assert again.status_code == 409


def test_submit_without_an_explanation_is_400(api_world, api_as):
    answer = api_world.draft
    Answer.objects.filter(pk=answer.pk).update(explanation="  ")
    response = api_as("officer").post(
        reverse("api:answer-submit", args=[answer.public_id]), **if_match(answer.version)
    )
    assert response.status_code == 400
    assert Answer.objects.get(pk=answer.pk).state == AnswerState.DRAFT


def test_reviewer_accepts(api_world, api_as):
    answer = api_world.submitted
    response = api_as("reviewer").post(
        reverse("api:answer-accept", args=[answer.public_id]), {"comment": "Sesuai."}, format="json"
    )
    assert response.status_code == 200, response.content
    answer.refresh_from_db()
    assert (answer.state, answer.validated_level) == (AnswerState.VALIDATED, 4)
    assert AnswerEvent.objects.get(answer=answer, kind=EventKind.ACCEPTED).comment == "Sesuai."


def test_reviewer_adjusts_with_justification_or_gets_400(api_world, api_as):
    answer = api_world.submitted
    url = reverse("api:answer-adjust", args=[answer.public_id])
    missing = api_as("reviewer").post(url, {"level": 3}, format="json")
    assert missing.status_code == 400 and "justification" in missing.json()["errors"]
    same = api_as("reviewer").post(url, {"level": 4, "justification": "x"}, format="json")
    assert same.status_code == 400
    response = api_as("reviewer").post(
        url, {"level": 3, "justification": "Reviu belum ada."}, format="json"
    )
    assert response.status_code == 200
    answer.refresh_from_db()
    assert (answer.state, answer.validated_level) == (AnswerState.VALIDATED, 3)


def test_reviewer_returns_with_reason(api_world, api_as):
    answer = api_world.submitted
    url = reverse("api:answer-return", args=[answer.public_id])
    bad = api_as("reviewer").post(url, {"reason": "nope", "comment": "x"}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    response = api_as("reviewer").post(
        url, {"reason": "evidence_missing", "comment": "Unggah SK."}, format="json"
    )
    assert response.status_code == 200
    answer.refresh_from_db()
    assert answer.state == AnswerState.RETURNED
    event = AnswerEvent.objects.get(answer=answer, kind=EventKind.RETURNED)
    assert (event.reason, event.comment) == ("evidence_missing", "Unggah SK.")


def test_a_decision_with_a_stale_if_match_is_412(api_world, api_as):
    answer = api_world.submitted
    response = api_as("reviewer").post(
        reverse("api:answer-accept", args=[answer.public_id]),
        {},
        format="json",
        **if_match(answer.version + 1),
    )
    assert response.status_code == 412
    assert Answer.objects.get(pk=answer.pk).state == AnswerState.SUBMITTED


def test_deciding_a_draft_is_409(api_world, api_as):
    response = api_as("reviewer").post(
        reverse("api:answer-accept", args=[api_world.draft.public_id]), {}, format="json"
    )
    assert response.status_code == 409


def test_bulk_accept_is_all_or_nothing(api_world, api_as):
    url = reverse("api:answer-accept-bulk")
    ids = [str(api_world.submitted.public_id), str(api_world.draft.public_id)]
    refused = api_as("reviewer").post(url, {"answers": ids}, format="json")
    assert refused.status_code == 409
    assert Answer.objects.get(pk=api_world.submitted.pk).state == AnswerState.SUBMITTED
    response = api_as("reviewer").post(url, {"answers": ids[:1]}, format="json")
    assert response.status_code == 200
    assert [a["state"] for a in response.json()["accepted"]] == ["validated"]


def test_list_filters_by_state_opd_and_indicator(api_world, api_as):
    url = reverse("api:answer-list")
    client = api_as("reviewer")
    submitted = client.get(url, {"state": "submitted"}).json()
    assert [a["id"] for a in submitted["results"]] == [str(api_world.submitted.public_id)]
    by_opd = client.get(url, {"opd": api_world.other_opd.id}).json()
    assert [a["id"] for a in by_opd["results"]] == [str(api_world.other_answer.public_id)]
    code = api_world.draft.indicator.code
    by_indicator = client.get(url, {"indicator": code, "period": api_world.period.id}).json()
    assert [a["id"] for a in by_indicator["results"]] == [str(api_world.draft.public_id)]
    bad = client.get(url, {"state": "nope"})
    assert bad.status_code == 400 and "state" in bad.json()["errors"]


def test_list_is_paginated_and_its_query_count_does_not_grow(
    api_world, api_as, django_assert_max_num_queries
):
    for _ in range(30):
        AnswerFactory(period=api_world.period, opd=api_world.opd)
    client = api_as("officer")
    with django_assert_max_num_queries(8):
        body = client.get(reverse("api:answer-list"), {"page_size": 20}).json()
    assert body["count"] == 33 and len(body["results"]) == 20 and body["next"]


def test_submit_all_submits_what_is_ready_and_names_the_rest(api_world, api_as):
    from tests.factories import AnswerFactory

    empty = AnswerFactory(period=api_world.period, opd=api_world.opd)
    response = api_as("officer").post(
        reverse("api:answer-submit-all"), {"period": api_world.period.id}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["submitted"] == [str(api_world.draft.public_id)]
    assert body["not_ready"] == [str(empty.public_id)] and body["failed"] == []
    assert Answer.objects.get(pk=api_world.draft.pk).state == AnswerState.SUBMITTED


def test_events_give_the_answers_thread(api_world, api_as):
    answer = api_world.submitted
    api_as("reviewer").post(
        reverse("api:answer-return", args=[answer.public_id]),
        {"reason": "evidence_wrong", "comment": "SK kedaluwarsa."},
        format="json",
    )
    body = api_as("officer").get(reverse("api:answer-events", args=[answer.public_id])).json()
    last = body["results"][-1]
    assert (last["kind"], last["reason"], last["comment"]) == (
        "returned",
        "evidence_wrong",
        "SK kedaluwarsa.",
    )
    assert last["actor"] == api_world.people["reviewer"].username
