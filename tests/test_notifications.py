"""Notifications: the in-app list and badge, e-mail, and deadline reminders."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    AnswerState,
    Assignment,
    Notification,
    NotificationKind,
    PeriodState,
    ReturnReason,
    Role,
)
from assessments.notifications import notices as notifications
from assessments.tasks import (
    deadline_reminders_send,
    notification_emails_send,
    notification_emails_sweep,
)
from tests.factories import (
    AnswerFactory,
    EvaluationPeriodFactory,
    IndicatorFactory,
    InstansiFactory,
    OPDFactory,
    UserFactory,
    officer_of,
    role_in,
)


@pytest.fixture
def celery_eager():
    """E-mails go through a Celery task; run it in-process even when
    REDIS_URL points the app at a real broker."""
    from spbe_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def world(db):
    instansi = InstansiFactory()
    period = EvaluationPeriodFactory(instansi=instansi)
    opd = OPDFactory(instansi=instansi)
    other_opd = OPDFactory(instansi=instansi)
    return SimpleNamespace(
        instansi=instansi,
        period=period,
        opd=opd,
        other_opd=other_opd,
        officer=officer_of(opd),
        other_officer=officer_of(other_opd),
        reviewer=role_in(instansi, Role.REVIEWER),
    )


def make_notes(user, n, **kwargs):
    return [
        Notification.objects.create(
            recipient=user,
            kind=NotificationKind.ANSWER_RETURNED,
            message=f"Pesan nomor {i:03d}",
            **kwargs,
        )
        for i in range(n)
    ]


# --- notifications raised by reviewer decisions ------------------------------------------


def test_returning_an_answer_notifies_only_the_officers_of_its_opd(
    client, world, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    second_officer = officer_of(world.opd)
    answer = AnswerFactory(
        period=world.period, opd=world.opd, state=AnswerState.SUBMITTED, proposed_level=4
    )
    client.force_login(world.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("review:return", kwargs={"public_id": answer.public_id}),
            {"version": 1, "reason": ReturnReason.LEVEL_UNSUPPORTED, "comment": "Tambah bukti."},
        )
    notes = Notification.objects.filter(kind=NotificationKind.ANSWER_RETURNED)
    assert {n.recipient for n in notes} == {world.officer, second_officer}
    note = notes.get(recipient=world.officer)
    assert "Tingkat tidak didukung data dukung" in note.message
    assert note.link == reverse("assessments:answer_detail", kwargs={"public_id": answer.public_id})
    assert note.emailed_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world.officer.email, second_officer.email]
    )
    assert not Notification.objects.filter(recipient=world.other_officer).exists()


def test_the_opd_validated_notice_is_sent_once(world):
    answer = AnswerFactory(
        period=world.period, opd=world.opd, state=AnswerState.VALIDATED, validated_level=3
    )
    Assignment.objects.create(
        period=world.period, indicator=answer.indicator, responsible_opd=world.opd
    )
    assert len(notifications.opd_validated_notify(period=world.period, opd=world.opd)) == 1
    assert notifications.opd_validated_notify(period=world.period, opd=world.opd) == []
    assert Notification.objects.filter(kind=NotificationKind.OPD_VALIDATED).count() == 1


def test_an_assigned_indicator_without_an_answer_keeps_the_opd_unvalidated(world):
    AnswerFactory(period=world.period, opd=world.opd, state=AnswerState.VALIDATED)
    Assignment.objects.create(
        period=world.period,
        indicator=IndicatorFactory(framework=world.period.framework),
        responsible_opd=world.opd,
    )
    assert notifications.opd_validated_notify(period=world.period, opd=world.opd) == []


def test_email_task_sends_each_notification_once(world, mailoutbox):
    (note,) = make_notes(world.officer, 1, link="/notifikasi/")
    no_address = UserFactory(email="")
    (silent,) = make_notes(no_address, 1)
    assert notification_emails_send([note.pk, silent.pk]) == 1
    assert notification_emails_send([note.pk, silent.pk]) == 0
    assert len(mailoutbox) == 1
    assert "/notifikasi/" in mailoutbox[0].body
    silent.refresh_from_db()
    assert silent.emailed_at is not None


def test_sweep_sends_old_unsent_emails_only(world, mailoutbox):
    old, recent = make_notes(world.officer, 2)
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert notification_emails_sweep() == 1
    assert notification_emails_sweep() == 0
    recent.refresh_from_db()
    assert recent.emailed_at is None
    assert len(mailoutbox) == 1


def test_tasks_have_time_limits_and_the_reminder_is_scheduled():
    for task in (deadline_reminders_send, notification_emails_send, notification_emails_sweep):
        assert task.time_limit and task.soft_time_limit
        assert task.soft_time_limit < task.time_limit
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "assessments.tasks.deadline_reminders_send" in tasks
    assert "assessments.tasks.notification_emails_sweep" in tasks


# --- deadline reminders --------------------------------------------------------------


@pytest.fixture
def closing(world):
    """The period's fill window closes in two days; `opd` has an assigned
    indicator without an answer and a returned one, `other_opd` submitted all."""
    world.period.fill_closes_at = timezone.now() + timedelta(days=2)
    world.period.save()
    fw = world.period.framework
    for opd, state in [
        (world.opd, None),
        (world.opd, AnswerState.RETURNED),
        (world.other_opd, AnswerState.SUBMITTED),
    ]:
        indicator = IndicatorFactory(framework=fw)
        Assignment.objects.create(period=world.period, indicator=indicator, responsible_opd=opd)
        if state:
            AnswerFactory(period=world.period, indicator=indicator, opd=opd, state=state)
    return world


def test_reminder_three_days_before_goes_to_opds_with_unsubmitted_answers(
    closing, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders_send() == 1
    note = Notification.objects.get()
    assert note.recipient == closing.officer
    assert note.kind == NotificationKind.DEADLINE_REMINDER
    assert note.dedupe_key == f"deadline:{closing.period.pk}:{closing.opd.pk}:3"
    assert "2 indikator" in note.message
    assert "3 hari" in note.message
    assert [m.to for m in mailoutbox] == [[closing.officer.email]]


def test_reminder_task_is_idempotent(
    closing, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        deadline_reminders_send()
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders_send() == 0
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_the_one_day_reminder_follows_the_three_day_one(closing):
    deadline_reminders_send()
    closing.period.fill_closes_at = timezone.now() + timedelta(hours=20)
    closing.period.save()
    assert deadline_reminders_send() == 1
    assert deadline_reminders_send() == 0
    keys = set(Notification.objects.values_list("dedupe_key", flat=True))
    prefix = f"deadline:{closing.period.pk}:{closing.opd.pk}"
    assert keys == {f"{prefix}:3", f"{prefix}:1"}


@pytest.mark.parametrize(
    "change",
    [
        {"fill_closes_at": timedelta(days=10)},
        {"fill_closes_at": timedelta(hours=-1)},
        {"state": PeriodState.IN_REVIEW},
    ],
)
def test_no_reminder_outside_the_window_or_when_not_open(closing, change):
    for name, value in change.items():
        if isinstance(value, timedelta):
            value = timezone.now() + value
        setattr(closing.period, name, value)
    closing.period.save()
    assert deadline_reminders_send() == 0
    assert not Notification.objects.exists()


def test_no_reminder_when_everything_is_submitted(closing):
    for answer in closing.period.answers.all():
        answer.state = AnswerState.SUBMITTED
        answer.save()
    for assignment in Assignment.objects.filter(period=closing.period):
        closing.period.answers.get_or_create(
            indicator=assignment.indicator,
            defaults={"opd": assignment.responsible_opd, "state": AnswerState.SUBMITTED},
        )
    assert deadline_reminders_send() == 0


# --- the in-app list ---------------------------------------------------------------------


def test_list_shows_only_my_notifications_newest_first(client, world):
    make_notes(world.officer, 2)
    Notification.objects.create(
        recipient=world.other_officer, kind=NotificationKind.OPD_VALIDATED, message="Rahasia lain"
    )
    client.force_login(world.officer)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Pesan nomor 001") < body.index("Pesan nomor 000")
    assert "Rahasia lain" not in body


def test_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    make_notes(world.officer, 3)
    client.force_login(world.officer)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("notifications:list"))
    make_notes(world.officer, 60)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("notifications:list"))
    assert len(response.context["page"].object_list) == 30


def test_badge_counts_unread(client, world):
    notes = make_notes(world.officer, 3)
    notes[0].read_at = timezone.now()
    notes[0].save()
    client.force_login(world.officer)
    assert ">2<" in client.get(reverse("notifications:badge")).content.decode()
    client.force_login(world.other_officer)
    assert client.get(reverse("notifications:badge")).content.decode().strip() == ""


def test_badge_is_loaded_by_htmx_in_the_navigation(client, world):
    client.force_login(world.officer)
    body = client.get(reverse("notifications:list")).content.decode()
    assert f'hx-get="{reverse("notifications:badge")}"' in body


def test_badge_for_anonymous_is_empty_not_a_login_page(client, db):
    response = client.get(reverse("notifications:badge"))
    assert response.status_code == 200
    assert response.content == b""


def test_mark_one_and_all_read(client, world):
    first, second, _third = make_notes(world.officer, 3)
    client.force_login(world.officer)
    response = client.post(reverse("notifications:read", kwargs={"pk": first.pk}))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(recipient=world.officer).unread().exists()
    unread = client.get(reverse("notifications:list"), {"filter": "unread"})
    assert "Tidak ada notifikasi yang belum dibaca." in unread.content.decode()


def test_open_marks_read_and_follows_the_link(client, world):
    (note,) = make_notes(world.officer, 1, link="/verifikasi/")
    (evil,) = make_notes(world.officer, 1, link="https://evil.example/")
    client.force_login(world.officer)
    response = client.post(reverse("notifications:open", kwargs={"pk": note.pk}))
    assert response.url == "/verifikasi/"
    note.refresh_from_db()
    assert note.read_at is not None
    response = client.post(reverse("notifications:open", kwargs={"pk": evil.pk}))
    assert response.url == reverse("notifications:list")


def test_someone_elses_notification_is_404_and_untouched(client, world):
    (note,) = make_notes(world.officer, 1, link="/")
    client.force_login(world.other_officer)
    assert client.post(reverse("notifications:read", kwargs={"pk": note.pk})).status_code == 404
    assert client.post(reverse("notifications:open", kwargs={"pk": note.pk})).status_code == 404
    client.post(reverse("notifications:read-all"))
    note.refresh_from_db()
    assert note.read_at is None


def test_anonymous_is_sent_to_login(client, world):
    (note,) = make_notes(world.officer, 1)
    login = reverse("login")
    for response in (
        client.get(reverse("notifications:list")),
        client.post(reverse("notifications:read", kwargs={"pk": note.pk})),
        client.post(reverse("notifications:read-all")),
        client.post(reverse("notifications:open", kwargs={"pk": note.pk})),
    ):
        assert response.status_code == 302
        assert response.url.startswith(login)
    note.refresh_from_db()
    assert note.read_at is None


# --- the cron command, for deployments without Celery beat ---------------------------


def test_the_cron_command_sends_reminders_once_per_day(
    closing, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_deadline_reminders", stdout=out)
    assert "1 notifikasi baru" in out.getvalue()
    assert Notification.objects.filter(recipient=closing.officer).count() == 1
    assert [m.to for m in mailoutbox] == [[closing.officer.email]]

    # cron may run it again the same day (a retry, a second node): nothing new.
    again = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_deadline_reminders", stdout=again)
    assert "0 notifikasi baru" in again.getvalue()
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1
