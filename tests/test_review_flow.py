"""A reviewer's way through the work (issue 11): reopening a validated answer,
bulk decisions confirmed first, bulk return with one reason, straight on to
the next waiting answer of the same queue, last year's levels beside this
year's, a queue that sorts and searches, and the home page's queue link."""

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Answer,
    AnswerEvent,
    AnswerState,
    EventKind,
    Notification,
    NotificationKind,
    PeriodState,
    ReturnReason,
    Role,
)
from tests.factories import (
    AnswerFactory,
    EvaluationPeriodFactory,
    IndicatorFactory,
    InstansiFactory,
    OPDFactory,
    officer_of,
    role_in,
)

pytestmark = pytest.mark.django_db


def submitted(period, opd, *, minutes_ago=0, **kwargs):
    kwargs.setdefault("indicator", IndicatorFactory(framework=period.framework))
    return AnswerFactory(
        period=period,
        opd=opd,
        state=AnswerState.SUBMITTED,
        proposed_level=kwargs.pop("proposed_level", 3),
        explanation="FAKTA: Pergub No. 4 Tahun 2023. ANALISIS: memenuhi tingkat 3.",
        submitted_at=timezone.now() - timedelta(minutes=minutes_ago),
        **kwargs,
    )


def validated(period, opd, level=3):
    return AnswerFactory(
        period=period,
        opd=opd,
        indicator=IndicatorFactory(framework=period.framework),
        state=AnswerState.VALIDATED,
        proposed_level=level,
        validated_level=level,
        submitted_at=timezone.now(),
    )


@pytest.fixture
def world(db):
    instansi = InstansiFactory(code="kaltim")
    period = EvaluationPeriodFactory(instansi=instansi, year=2026)
    opd = OPDFactory(instansi=instansi, short_name="Diskominfo", name="Dinas Kominfo")
    other_opd = OPDFactory(instansi=instansi, short_name="Bappeda", name="Bappeda Provinsi")
    return SimpleNamespace(
        instansi=instansi,
        period=period,
        opd=opd,
        other_opd=other_opd,
        officer=officer_of(opd),
        other_officer=officer_of(other_opd),
        reviewer=role_in(instansi, Role.REVIEWER),
        administrator=role_in(instansi, Role.ADMINISTRATOR),
        leadership=role_in(instansi, Role.LEADERSHIP),
        # A reviewer of another instansi: sees none of this.
        outsider=role_in(InstansiFactory(), Role.REVIEWER),
    )


def detail(answer, **query):
    url = reverse("review:detail", kwargs={"public_id": answer.public_id})
    return url + ("?" + urlencode(query) if query else "")


def action(name, answer):
    return reverse(f"review:{name}", kwargs={"public_id": answer.public_id})


def queue(**query):
    return reverse("review:queue") + ("?" + urlencode(query) if query else "")


# --- reopening a validated answer ------------------------------------------------


def test_a_validated_answer_offers_reopen_and_a_submitted_one_does_not(client, world):
    done = validated(world.period, world.opd)
    waiting = submitted(world.period, world.opd)
    client.force_login(world.reviewer)
    page = client.get(detail(done)).content.decode()
    assert action("reopen", done) in page
    assert 'for="reopen_reason"' in page
    assert action("reopen", waiting) not in client.get(detail(waiting)).content.decode()


@pytest.mark.parametrize("actor", ["reviewer", "administrator"])
def test_reviewers_and_administrators_reopen_with_a_reason(
    client, world, actor, django_capture_on_commit_callbacks
):
    done = validated(world.period, world.opd)
    user = getattr(world, actor)
    client.force_login(user)
    assert client.get(detail(done)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            action("reopen", done),
            {"version": done.version, "reason": "Bukti baru dari OPD: SK 2026."},
        )
    assert response.status_code == 302
    assert response.url == detail(done)
    done.refresh_from_db()
    assert (done.state, done.validated_level) == (AnswerState.SUBMITTED, None)
    event = AnswerEvent.objects.get(answer=done)
    assert (event.kind, event.actor, event.comment) == (
        EventKind.REOPENED,
        user,
        "Bukti baru dari OPD: SK 2026.",
    )
    assert (event.state_before, event.state_after) == (AnswerState.VALIDATED, AnswerState.SUBMITTED)
    assert (
        Notification.objects.get(kind=NotificationKind.ANSWER_REOPENED).recipient == world.officer
    )
    # The history on the page says so, with the reason.
    page = client.get(detail(done)).content.decode()
    assert "Dibuka kembali" in page and "Bukti baru dari OPD: SK 2026." in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopen_without_a_reason_changes_nothing(client, world, reason):
    done = validated(world.period, world.opd)
    client.force_login(world.reviewer)
    response = client.post(action("reopen", done), {"version": done.version, "reason": reason})
    assert response.status_code == 400
    assert "Alasan membuka kembali wajib diisi." in response.content.decode()
    done.refresh_from_db()
    assert (done.state, done.version) == (AnswerState.VALIDATED, 1)
    assert not AnswerEvent.objects.exists()


def test_reopen_is_refused_to_others_and_outside_the_review_window(client, world):
    done = validated(world.period, world.opd)
    data = {"version": done.version, "reason": "Coba."}
    for user, status in (
        (world.officer, 403),
        (world.leadership, 403),
        (world.other_officer, 404),
        (world.outsider, 404),
    ):
        client.force_login(user)
        assert client.post(action("reopen", done), data).status_code == status
    world.period.state = PeriodState.CLOSED
    world.period.save()
    client.force_login(world.reviewer)
    response = client.post(action("reopen", done), data)
    assert response.status_code == 403
    assert action("reopen", done) not in client.get(detail(done)).content.decode()
    done.refresh_from_db()
    assert done.state == AnswerState.VALIDATED
    assert not AnswerEvent.objects.exists()


def test_a_stale_reopen_is_a_conflict(client, world):
    done = validated(world.period, world.opd)
    Answer.objects.filter(pk=done.pk).update(version=2)
    client.force_login(world.reviewer)
    response = client.post(action("reopen", done), {"version": 1, "reason": "Bukti baru."})
    assert response.status_code == 409
    done.refresh_from_db()
    assert done.state == AnswerState.VALIDATED


def test_an_administrator_reads_but_does_not_decide(client, world):
    waiting = submitted(world.period, world.opd)
    client.force_login(world.administrator)
    page = client.get(detail(waiting)).content.decode()
    assert "Hanya asesor internal yang dapat memutuskan jawaban ini." in page
    assert action("accept", waiting) not in page
    assert client.post(action("accept", waiting), {"version": 1}).status_code == 403
    waiting.refresh_from_db()
    assert waiting.state == AnswerState.SUBMITTED


def test_an_administrator_reaches_reopen_from_the_queue(client, world):
    done = validated(world.period, world.opd)
    waiting = submitted(world.period, world.opd)
    client.force_login(world.administrator)
    assert reverse("review:queue") in client.get(reverse("home")).content.decode()
    response = client.get(queue(state="validated"))
    assert response.status_code == 200
    body = response.content.decode()
    assert detail(done) in body
    assert 'id="queue-readonly"' in body
    # No bulk decisions for a reader.
    assert 'name="selected"' not in body and reverse("review:return-bulk") not in body
    assert str(waiting.public_id) in client.get(queue()).content.decode()
    page = client.get(detail(done)).content.decode()
    assert action("reopen", done) in page


# --- bulk decisions: confirmed first -----------------------------------------------


def selection(*answers):
    return [f"{a.public_id}:{a.version}" for a in answers]


def test_bulk_accept_asks_first_and_says_how_many(client, world):
    answers = [submitted(world.period, world.opd) for _ in range(3)]
    client.force_login(world.reviewer)
    response = client.post(
        reverse("review:accept-bulk"), {"selected": selection(*answers[:2]), "next": queue()}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 jawaban akan divalidasi pada tingkat usulannya." in body
    assert "Ya, terima 2 jawaban" in body
    for answer in answers[:2]:
        assert f'value="{answer.public_id}:{answer.version}"' in body
    assert not AnswerEvent.objects.exists()
    assert set(Answer.objects.values_list("state", flat=True)) == {AnswerState.SUBMITTED}

    response = client.post(
        reverse("review:accept-bulk"),
        {"selected": selection(*answers[:2]), "next": queue(), "confirmed": "1"},
    )
    assert response.status_code == 302
    states = [Answer.objects.get(pk=a.pk).state for a in answers]
    assert states == [AnswerState.VALIDATED, AnswerState.VALIDATED, AnswerState.SUBMITTED]


def test_bulk_accept_from_the_queue_of_an_answer_saved_a_thousand_times(client, world):
    # The version travels in the checkbox and the confirmation's hidden
    # field: written "1.234" (Indonesian grouping) it would be refused.
    answer = submitted(world.period, world.opd)
    Answer.objects.filter(pk=answer.pk).update(version=1234)  # as after 1,234 saves
    client.force_login(world.reviewer)
    body = client.get(queue()).content.decode()
    assert f'value="{answer.public_id}:1234"' in body
    response = client.post(
        reverse("review:accept-bulk"), {"selected": [f"{answer.public_id}:1234"], "next": queue()}
    )
    assert f'value="{answer.public_id}:1234"' in response.content.decode()
    response = client.post(
        reverse("review:accept-bulk"),
        {"selected": [f"{answer.public_id}:1234"], "next": queue(), "confirmed": "1"},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.state, answer.version) == (AnswerState.VALIDATED, 1235)


def test_a_bulk_address_entered_again_leads_to_the_queue(client, world):
    client.force_login(world.reviewer)
    for name in ("accept-bulk", "return-bulk"):
        response = client.get(reverse(f"review:{name}"))
        assert (response.status_code, response.url) == (302, reverse("review:queue"))


# --- bulk return: one reason for all ------------------------------------------------


def test_bulk_return_sends_every_answer_back_and_tells_each_opd_once(
    client, world, django_capture_on_commit_callbacks
):
    mine = [submitted(world.period, world.opd) for _ in range(2)]
    theirs = submitted(world.period, world.other_opd)
    untouched = submitted(world.period, world.opd)
    client.force_login(world.reviewer)
    data = {
        "selected": selection(*mine, theirs),
        "reason": ReturnReason.EVIDENCE_MISSING,
        "comment": "Unggah SK Tim Koordinasi SPBE yang ditandatangani.",
        "next": queue(),
    }
    confirm = client.post(reverse("review:return-bulk"), data)
    assert confirm.status_code == 200
    assert "3 jawaban akan dikembalikan ke OPD" in confirm.content.decode()
    assert not AnswerEvent.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("review:return-bulk"), {**data, "confirmed": "1"})
    assert response.status_code == 302
    for answer in (*mine, theirs):
        answer.refresh_from_db()
        assert answer.state == AnswerState.RETURNED
        event = AnswerEvent.objects.get(answer=answer)
        assert (event.kind, event.reason) == (EventKind.RETURNED, ReturnReason.EVIDENCE_MISSING)
        assert event.comment == "Unggah SK Tim Koordinasi SPBE yang ditandatangani."
    untouched.refresh_from_db()
    assert untouched.state == AnswerState.SUBMITTED
    notes = Notification.objects.filter(kind=NotificationKind.ANSWER_RETURNED)
    assert sorted(n.recipient_id for n in notes) == sorted(
        [world.officer.pk, world.other_officer.pk]
    )
    mine_note = notes.get(recipient=world.officer)
    for answer in mine:
        assert answer.indicator.code in mine_note.message


def test_bulk_return_is_one_operation_heard_once(world, django_capture_on_commit_callbacks):
    from assessments import review
    from assessments.signals import answers_changed

    answers = [submitted(world.period, opd) for opd in (world.opd, world.opd, world.other_opd)]
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    answers_changed.connect(listener, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            review.answers_return_bulk(
                answers=answers,
                user=world.reviewer,
                reason=ReturnReason.EVIDENCE_WRONG,
                comment="Salah berkas.",
            )
    finally:
        answers_changed.disconnect(listener)
    assert len(heard) == 1
    assert heard[0]["answer_ids"] == {a.pk for a in answers}
    assert heard[0]["action"] == "return"
    assert AnswerEvent.objects.filter(kind=EventKind.RETURNED).count() == 3


def test_bulk_return_is_all_or_nothing(client, world):
    waiting = submitted(world.period, world.opd)
    done = validated(world.period, world.opd)
    client.force_login(world.reviewer)
    response = client.post(
        reverse("review:return-bulk"),
        {
            "selected": selection(waiting, done),
            "reason": ReturnReason.EVIDENCE_WRONG,
            "comment": "Salah berkas.",
            "confirmed": "1",
        },
        follow=True,
    )
    assert "Tidak ada jawaban yang dikembalikan." in response.content.decode()
    waiting.refresh_from_db()
    done.refresh_from_db()
    assert (waiting.state, done.state) == (AnswerState.SUBMITTED, AnswerState.VALIDATED)
    assert not AnswerEvent.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"reason": ReturnReason.EVIDENCE_WRONG, "comment": "  "},
        {"reason": "", "comment": "Tanpa alasan."},
        {"reason": "bosan", "comment": "Alasan tidak dikenal."},
    ],
)
def test_bulk_return_needs_a_reason_and_a_note(client, world, fields):
    waiting = submitted(world.period, world.opd)
    client.force_login(world.reviewer)
    response = client.post(
        reverse("review:return-bulk"),
        {"selected": selection(waiting), "confirmed": "1", **fields},
        follow=True,
    )
    assert "Tidak ada jawaban yang dikembalikan." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == AnswerState.SUBMITTED
    assert not AnswerEvent.objects.exists()


def test_bulk_return_is_refused_to_others(client, world):
    waiting = submitted(world.period, world.opd)
    data = {
        "selected": selection(waiting),
        "reason": ReturnReason.EVIDENCE_WRONG,
        "comment": "x",
        "confirmed": "1",
    }
    for user, status in (
        (world.officer, 403),
        (world.administrator, 403),
        (world.leadership, 403),
        (world.outsider, 404),
    ):
        client.force_login(user)
        assert client.post(reverse("review:return-bulk"), data).status_code == status
    waiting.refresh_from_db()
    assert waiting.state == AnswerState.SUBMITTED


# --- straight on to the next waiting answer of the same queue ---------------------


def test_a_decision_leads_to_the_next_waiting_answer_of_the_same_filter(client, world):
    first, second, third = (submitted(world.period, world.opd) for _ in range(3))
    elsewhere = submitted(world.period, world.other_opd)
    filtered = queue(period=world.period.pk, opd=world.opd.pk)
    client.force_login(world.reviewer)

    page = client.get(detail(first, next=filtered)).content.decode()
    assert "Terima dan berikutnya" in page

    response = client.post(action("accept", first), {"version": 1, "next": filtered})
    assert response.status_code == 302
    assert response.url == detail(second, next=filtered)
    response = client.post(
        action("adjust", second),
        {"version": 1, "level": 2, "justification": "Hanya draf.", "next": filtered},
    )
    assert response.url == detail(third, next=filtered)
    response = client.post(
        action("return", third),
        {
            "version": 1,
            "reason": ReturnReason.EVIDENCE_WRONG,
            "comment": "Salah berkas.",
            "next": filtered,
        },
    )
    # Nothing of Diskominfo waits any more: back to the queue, never to Bappeda's.
    assert response.url == filtered
    final = client.get(filtered)
    assert "Tidak ada lagi jawaban yang menunggu pada antrean ini." in final.content.decode()
    states = [Answer.objects.get(pk=a.pk).state for a in (first, second, third, elsewhere)]
    assert states == [
        AnswerState.VALIDATED,
        AnswerState.VALIDATED,
        AnswerState.RETURNED,
        AnswerState.SUBMITTED,
    ]


def test_the_next_answer_follows_the_queue_order_and_wraps_round(client, world):
    old = submitted(world.period, world.opd, minutes_ago=90)
    middle = submitted(world.period, world.opd, minutes_ago=60)
    new = submitted(world.period, world.opd, minutes_ago=5)
    newest_first = queue(period=world.period.pk, sort="-waiting")
    client.force_login(world.reviewer)
    response = client.post(action("accept", middle), {"version": 1, "next": newest_first})
    assert response.url == detail(old, next=newest_first)
    # Past the end, the first one still waiting (the newest) comes next.
    response = client.post(action("accept", old), {"version": 1, "next": newest_first})
    assert response.url == detail(new, next=newest_first)


def test_without_a_queue_the_next_answer_is_from_the_same_period(client, world):
    first, second = submitted(world.period, world.opd), submitted(world.period, world.opd)
    other_period = EvaluationPeriodFactory(instansi=world.instansi, year=2025)
    submitted(other_period, world.opd)
    client.force_login(world.reviewer)
    response = client.post(action("accept", first), {"version": 1})
    assert response.url == detail(second)


def test_a_refused_decision_stays_on_the_page(client, world):
    first, _second = submitted(world.period, world.opd), submitted(world.period, world.opd)
    client.force_login(world.reviewer)
    response = client.post(
        action("adjust", first), {"version": 1, "level": 2, "justification": "", "next": queue()}
    )
    assert response.status_code == 400
    first.refresh_from_db()
    assert first.state == AnswerState.SUBMITTED


# --- last year's levels beside this year's -------------------------------------------


def test_last_years_levels_stand_beside_this_years(client, world):
    answer = submitted(world.period, world.opd, proposed_level=4)
    last = EvaluationPeriodFactory(
        instansi=world.instansi,
        year=2025,
        framework=world.period.framework,
        state=PeriodState.PUBLISHED,
    )
    AnswerFactory(
        period=last,
        indicator=answer.indicator,
        opd=world.other_opd,
        state=AnswerState.VALIDATED,
        proposed_level=5,
        validated_level=3,
        final_level=2,
    )
    # Another instansi's 2025 answer to the same indicator is none of this reviewer's business.
    foreign_period = EvaluationPeriodFactory(year=2025, framework=world.period.framework)
    AnswerFactory(
        period=foreign_period,
        indicator=answer.indicator,
        opd=OPDFactory(instansi=foreign_period.instansi, short_name="Rahasia"),
        proposed_level=1,
        validated_level=1,
        final_level=1,
    )
    client.force_login(world.reviewer)
    response = client.get(detail(answer))
    body = response.content.decode()
    row = body[body.index('id="last-year-levels"') :]
    row = row[: row.index("</tr>")]
    assert "2025 (tahun lalu)" in row
    cells = [cell.split(">", 1)[1].split("<", 1)[0].strip() for cell in row.split("<td")[1:]]
    assert cells[:3] == ["5", "3", "2"]
    assert "Bappeda" in row and "Rahasia" not in body
    assert "2026 (tahun ini)" in body


def test_without_last_year_the_row_says_so(client, world):
    answer = submitted(world.period, world.opd)
    client.force_login(world.reviewer)
    body = client.get(detail(answer)).content.decode()
    assert "Tidak ada jawaban tahun lalu untuk indikator ini." in body


# --- the queue: sorted and searched ------------------------------------------------


def listed(response) -> list:
    return [answer.pk for answer in response.context["page"].object_list]


def test_the_queue_sorts_by_indicator_opd_state_and_waiting_time(client, world):
    a = submitted(world.period, world.other_opd, minutes_ago=10)  # Bappeda
    b = submitted(world.period, world.opd, minutes_ago=300)  # Diskominfo, oldest
    c = submitted(world.period, world.opd, minutes_ago=60)
    d = validated(world.period, world.other_opd)
    client.force_login(world.reviewer)
    assert listed(client.get(queue())) == [a.pk, b.pk, c.pk]
    assert listed(client.get(queue(sort="-indicator"))) == [c.pk, b.pk, a.pk]
    assert listed(client.get(queue(sort="opd"))) == [a.pk, b.pk, c.pk]
    assert listed(client.get(queue(sort="-opd"))) == [b.pk, c.pk, a.pk]
    assert listed(client.get(queue(sort="waiting"))) == [b.pk, c.pk, a.pk]
    assert listed(client.get(queue(sort="-waiting"))) == [a.pk, c.pk, b.pk]
    everything = listed(client.get(queue(sort="state", state="all")))
    assert everything == [a.pk, b.pk, c.pk, d.pk]  # submitted before validated
    assert listed(client.get(queue(sort="-state", state="all")))[0] == d.pk
    # The column headers sort too, and say which way.
    body = client.get(queue(sort="waiting")).content.decode()
    assert 'aria-sort="ascending"' in body
    assert "sort=-waiting" in body


def test_the_queue_searches_indicator_and_opd(client, world):
    a = submitted(
        world.period,
        world.opd,
        indicator=IndicatorFactory(framework=world.period.framework, name="Tata Kelola Data"),
    )
    b = submitted(world.period, world.other_opd)
    client.force_login(world.reviewer)
    assert listed(client.get(queue(q="kelola data"))) == [a.pk]
    assert listed(client.get(queue(q=b.indicator.code))) == [b.pk]
    assert listed(client.get(queue(q="bappeda"))) == [b.pk]
    assert listed(client.get(queue(q="Dinas Kominfo"))) == [a.pk]
    response = client.get(queue(q="tidak-ada-apa-apa"))
    assert "Tidak ada jawaban yang cocok dengan saringan ini." in response.content.decode()


def test_the_queue_keeps_its_query_count_when_sorted_and_searched(client, world):
    def add(n):
        for i in range(n):
            submitted(world.period, world.opd if i % 2 else world.other_opd, minutes_ago=i)
            validated(world.period, world.opd)

    add(2)
    client.force_login(world.reviewer)
    params = [
        {"sort": "waiting"},
        {"sort": "-state", "state": "all"},
        {"sort": "opd", "q": "Diskominfo"},
    ]
    for query in params:
        client.get(queue(**query))  # warm up
    few = {}
    for i, query in enumerate(params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(queue(**query)).status_code == 200
        few[i] = len(ctx)
    add(40)
    # The new answers' indicators raised the framework's revision: the first
    # request reads its texts (indicators.framework_texts) and the queue's
    # domain and aspect choices again, the next ones not.
    client.get(queue())
    for i, query in enumerate(params):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(queue(**query))
        assert response.status_code == 200
        assert response.context["page"].object_list
        assert len(ctx) == few[i], query


def test_the_review_page_query_count_does_not_grow_with_the_queue(client, world):
    answer, _following = submitted(world.period, world.opd), submitted(world.period, world.opd)
    filtered = queue(opd=world.opd.pk, sort="waiting")
    client.force_login(world.reviewer)
    client.get(detail(answer, next=filtered))
    with CaptureQueriesContext(connection) as few:
        client.get(detail(answer, next=filtered))
    for _ in range(30):
        submitted(world.period, world.opd)
    # Their new indicators raised the framework's revision: the first request
    # reads its cached texts and the queue's choices again, the next ones not.
    client.get(detail(answer, next=filtered))
    with CaptureQueriesContext(connection) as many:
        assert client.get(detail(answer, next=filtered)).status_code == 200
    assert len(many) == len(few)


def test_the_queue_opens_on_the_period_where_answers_wait(client, world):
    # 2026 is open and empty; 2025 is in review with answers waiting.
    earlier = EvaluationPeriodFactory(
        instansi=world.instansi, year=2025, state=PeriodState.IN_REVIEW
    )
    waiting = submitted(earlier, world.opd)
    client.force_login(world.reviewer)
    response = client.get(queue())
    assert response.context["period"] == earlier
    assert listed(response) == [waiting.pk]

    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("review:queue")}?period={earlier.pk}&amp;state=submitted"' in home

    # The outsider's home and queue show nothing of it.
    client.force_login(world.outsider)
    assert str(waiting.public_id) not in client.get(queue()).content.decode()
    assert f"period={earlier.pk}" not in client.get(reverse("home")).content.decode()
