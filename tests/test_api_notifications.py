"""GET /api/v1/notifications/ and POST /api/v1/notifications/read/: the
signed-in user's own notifications only."""

from __future__ import annotations

from django.urls import reverse

from assessments.models import Notification


def notify(user, **extra):
    return Notification.objects.create(
        recipient=user,
        kind=extra.pop("kind", "answer_adjusted"),
        message=extra.pop("message", "Tingkat disesuaikan."),
        **extra,
    )


def test_the_list_holds_only_the_callers_own_newest_first(api_world, api_as):
    officer, other = api_world.people["officer"], api_world.people["other_officer"]
    first = notify(officer, answer=api_world.draft, link="/jawaban/x/")
    second = notify(officer, kind="answer_returned")
    notify(other)
    body = api_as("officer").get(reverse("api:notification-list")).json()
    assert [item["id"] for item in body["results"]] == [second.id, first.id]
    assert body["count"] == 2
    row = body["results"][1]
    assert row["answer"] == str(api_world.draft.public_id)
    assert row["kind"] == "answer_adjusted" and row["is_read"] is False
    assert set(row) == {
        "id",
        "kind",
        "message",
        "link",
        "answer",
        "created_at",
        "read_at",
        "is_read",
    }


def test_unread_filter_and_pagination(api_world, api_as):
    officer = api_world.people["officer"]
    items = [notify(officer) for _ in range(3)]
    Notification.objects.filter(pk=items[0].pk).update(read_at="2026-11-29T06:05Z")
    client = api_as("officer")
    unread = client.get(reverse("api:notification-list"), {"unread": "true"}).json()
    assert {item["id"] for item in unread["results"]} == {items[1].id, items[2].id}
    page = client.get(reverse("api:notification-list"), {"page_size": 1}).json()
    assert page["count"] == 3 and len(page["results"]) == 1 and page["next"]


def test_marking_read_touches_only_the_callers_own(api_world, api_as):
    officer, other = api_world.people["officer"], api_world.people["other_officer"]
    mine, theirs = notify(officer), notify(other)
    response = api_as("officer").post(
        reverse("api:notification-read"), {"ids": [mine.id, theirs.id]}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
    # Again: nothing left unread to mark.
    again = api_as("officer").post(
        reverse("api:notification-read"), {"ids": [mine.id]}, format="json"
    )
    assert again.json() == {"marked": 0}


def test_marking_read_needs_ids(api_world, api_as):
    response = api_as("officer").post(reverse("api:notification-read"), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
