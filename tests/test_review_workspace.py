"""The internal assessor's workspace: queue, review page, decisions, bulk accept."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    AnswerEvent,
    AnswerState,
    EventKind,
    EvidenceFile,
    Notification,
    NotificationKind,
    PeriodState,
    ReturnReason,
    Role,
)
from indicators.models import Domain
from tests.factories import (
    AnswerFactory,
    AspectFactory,
    EvaluationPeriodFactory,
    IndicatorFactory,
    InstansiFactory,
    OPDFactory,
    officer_of,
    role_in,
)


@pytest.fixture
def celery_eager():
    """Notification e-mails go through a Celery task; run it in-process even
    when REDIS_URL points the app at a real broker."""
    from spbe_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def submitted(period, opd, **kwargs):
    kwargs.setdefault("indicator", IndicatorFactory(framework=period.framework))
    return AnswerFactory(
        period=period,
        opd=opd,
        state=AnswerState.SUBMITTED,
        proposed_level=kwargs.pop("proposed_level", 3),
        explanation="FAKTA: Pergub No. 4 Tahun 2023 pasal 5. ANALISIS: memenuhi tingkat 3.",
        submitted_at=timezone.now(),
        **kwargs,
    )


@pytest.fixture
def world(db):
    instansi = InstansiFactory(code="kaltim")
    period = EvaluationPeriodFactory(instansi=instansi)
    opd = OPDFactory(instansi=instansi, short_name="Diskominfo")
    other_opd = OPDFactory(instansi=instansi, short_name="Bappeda")
    officer = officer_of(opd)
    reviewer = role_in(instansi, Role.REVIEWER)
    answer = submitted(period, opd)
    return SimpleNamespace(
        instansi=instansi,
        period=period,
        opd=opd,
        other_opd=other_opd,
        officer=officer,
        reviewer=reviewer,
        answer=answer,
    )


def url(name, answer=None):
    if answer is None:
        return reverse(f"review:{name}")
    return reverse(f"review:{name}", kwargs={"public_id": answer.public_id})


# --- queue -------------------------------------------------------------------------


def test_queue_lists_submitted_answers_of_the_instansi(client, world):
    draft = AnswerFactory(period=world.period, opd=world.opd, state=AnswerState.DRAFT)
    client.force_login(world.reviewer)
    response = client.get(url("queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert str(world.answer.public_id) in body
    assert str(draft.public_id) not in body
    assert f'value="{world.answer.public_id}:{world.answer.version}"' in body

    everything = client.get(url("queue"), {"state": "all"}).content.decode()
    assert str(draft.public_id) in everything


def test_queue_filters_by_opd_domain_and_aspect(client, world):
    domain = Domain.objects.create(
        framework=world.period.framework, code="D9", name="Layanan", weight=10, position=9
    )
    aspect = AspectFactory(framework=world.period.framework, domain=domain)
    in_domain = submitted(
        world.period,
        world.other_opd,
        indicator=IndicatorFactory(framework=world.period.framework, aspect=aspect),
    )
    client.force_login(world.reviewer)

    by_opd = client.get(url("queue"), {"opd": world.other_opd.pk}).content.decode()
    assert str(in_domain.public_id) in by_opd
    assert str(world.answer.public_id) not in by_opd

    by_domain = client.get(url("queue"), {"domain": domain.pk}).content.decode()
    assert str(in_domain.public_id) in by_domain
    assert str(world.answer.public_id) not in by_domain

    by_aspect = client.get(url("queue"), {"aspect": world.answer.indicator.aspect_id})
    assert str(world.answer.public_id) in by_aspect.content.decode()
    assert str(in_domain.public_id) not in by_aspect.content.decode()

    # Every filter input carries a label.
    for name in ("period", "opd", "domain", "aspect", "state"):
        assert f'for="id_{name}"' in by_opd


def test_queue_rejects_a_filter_value_from_elsewhere_with_an_error(client, world):
    foreign_opd = OPDFactory()
    client.force_login(world.reviewer)
    response = client.get(url("queue"), {"opd": foreign_opd.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["opd"]


def test_queue_query_count_does_not_grow_with_answers(client, world):
    client.force_login(world.reviewer)
    client.get(url("queue"))  # warm up per-process caches (content types, ...)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("queue")).status_code == 200
    for _ in range(60):
        submitted(world.period, world.opd)
    # Their new indicators raised the framework's revision: the first request
    # reads its cached texts and the queue's choices again, the next ones not.
    client.get(url("queue"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("queue"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50
    assert len(many) == len(few)


# --- review page -------------------------------------------------------------------


def test_review_page_shows_criteria_answer_and_evidence_previews(client, world):
    pdf = EvidenceFile.objects.create(
        answer=world.answer,
        file="evidence/x/a",
        original_name="pergub-4-2023.pdf",
        content_type="application/pdf",
        size=1000,
        sha256="a" * 64,
        uploaded_by=world.officer,
    )
    image = EvidenceFile.objects.create(
        answer=world.answer,
        file="evidence/x/b",
        original_name="layar.png",
        content_type="image/png",
        size=1000,
        sha256="b" * 64,
        uploaded_by=world.officer,
    )
    client.force_login(world.reviewer)
    response = client.get(url("detail", world.answer))
    assert response.status_code == 200
    body = response.content.decode()
    for level in range(1, 6):
        assert f"Kriteria tingkat {level}" in body
    assert body.count('aria-current="true"') == 1
    assert "Pergub No. 4 Tahun 2023" in body
    pdf_url = reverse("assessments:evidence_download", kwargs={"public_id": pdf.public_id})
    img_url = reverse("assessments:evidence_download", kwargs={"public_id": image.public_id})
    assert f'<iframe class="evidence-preview w-100 border" src="{pdf_url}?inline=1"' in body
    # Sandboxed: a script in the PDF cannot run (the response says so too).
    assert f'src="{pdf_url}?inline=1" sandbox ' in body
    assert f'src="{img_url}?inline=1"' in body
    for name in ("accept_comment", "adjust_level", "adjust_justification", "return_reason"):
        assert f'for="{name}"' in body


# --- decisions -----------------------------------------------------------------------


def test_accept_validates_at_the_proposed_level_and_records_an_event(client, world):
    client.force_login(world.reviewer)
    response = client.post(
        url("accept", world.answer), {"version": world.answer.version, "comment": "Lengkap."}
    )
    assert response.status_code == 302
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.VALIDATED
    assert world.answer.validated_level == 3
    assert world.answer.version == 2
    assert world.answer.updated_by == world.reviewer
    event = AnswerEvent.objects.get(answer=world.answer)
    assert event.kind == EventKind.ACCEPTED
    assert event.actor == world.reviewer
    assert (event.state_before, event.state_after) == (AnswerState.SUBMITTED, AnswerState.VALIDATED)
    assert (event.value_before, event.value_after) == ("3", "3")
    assert event.comment == "Lengkap."


def test_adjust_sets_another_level_with_justification(client, world):
    client.force_login(world.reviewer)
    response = client.post(
        url("adjust", world.answer),
        {"version": 1, "level": 2, "justification": "Reviu kebijakan lebih dari 2 tahun."},
    )
    assert response.status_code == 302
    world.answer.refresh_from_db()
    assert (world.answer.state, world.answer.validated_level) == (AnswerState.VALIDATED, 2)
    assert world.answer.proposed_level == 3
    event = AnswerEvent.objects.get(answer=world.answer)
    assert event.kind == EventKind.ADJUSTED
    assert (event.value_before, event.value_after) == ("3", "2")
    assert event.comment == "Reviu kebijakan lebih dari 2 tahun."


@pytest.mark.parametrize("justification", ["", "   "])
def test_adjust_without_justification_is_refused(client, world, justification):
    client.force_login(world.reviewer)
    response = client.post(
        url("adjust", world.answer), {"version": 1, "level": 2, "justification": justification}
    )
    assert response.status_code == 400
    assert "Justifikasi penyesuaian tingkat wajib diisi." in response.content.decode()
    world.answer.refresh_from_db()
    assert (world.answer.state, world.answer.validated_level) == (AnswerState.SUBMITTED, None)
    assert world.answer.version == 1
    assert not AnswerEvent.objects.exists()


def test_adjust_to_a_level_out_of_range_is_refused(client, world):
    client.force_login(world.reviewer)
    response = client.post(
        url("adjust", world.answer), {"version": 1, "level": 9, "justification": "x"}
    )
    assert response.status_code == 400
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.SUBMITTED


@pytest.mark.parametrize("level", ["", 3])
def test_adjust_needs_a_level_other_than_the_proposed_one(client, world, level):
    client.force_login(world.reviewer)
    response = client.post(
        url("adjust", world.answer), {"version": 1, "level": level, "justification": "x"}
    )
    assert response.status_code == 400
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.SUBMITTED
    assert not AnswerEvent.objects.exists()


def test_return_sends_the_answer_back_with_reason_and_comment(
    client, world, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(world.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("return", world.answer),
            {
                "version": 1,
                "reason": ReturnReason.EVIDENCE_MISSING,
                "comment": "Unggah SK Tim Koordinasi SPBE.",
            },
        )
    assert response.status_code == 302
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.RETURNED
    assert world.answer.validated_level is None
    event = AnswerEvent.objects.get(answer=world.answer)
    assert event.kind == EventKind.RETURNED
    assert (event.state_before, event.state_after) == (AnswerState.SUBMITTED, AnswerState.RETURNED)
    assert event.reason == ReturnReason.EVIDENCE_MISSING
    assert event.comment == "Unggah SK Tim Koordinasi SPBE."
    note = Notification.objects.get(recipient=world.officer)
    assert note.kind == NotificationKind.ANSWER_RETURNED
    assert note.answer == world.answer
    assert [m.to for m in mailoutbox] == [[world.officer.email]]
    assert "Unggah SK Tim Koordinasi SPBE." in mailoutbox[0].body


@pytest.mark.parametrize(
    "data",
    [
        {"reason": ReturnReason.EVIDENCE_WRONG, "comment": ""},
        {"reason": ReturnReason.EVIDENCE_WRONG, "comment": "  "},
        {"reason": "bosan", "comment": "Alasan tidak dikenal."},
        {"comment": "Tanpa alasan."},
    ],
)
def test_return_without_comment_or_valid_reason_is_refused(client, world, data):
    client.force_login(world.reviewer)
    response = client.post(url("return", world.answer), {"version": 1, **data})
    assert response.status_code == 400
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.SUBMITTED
    assert not AnswerEvent.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("state", [AnswerState.DRAFT, AnswerState.RETURNED, AnswerState.VALIDATED])
def test_deciding_an_answer_that_is_not_submitted_is_refused(client, world, state):
    world.answer.state = state
    world.answer.save()
    client.force_login(world.reviewer)
    for name, data in [
        ("accept", {}),
        ("adjust", {"level": 2, "justification": "x"}),
        ("return", {"reason": ReturnReason.EVIDENCE_WRONG, "comment": "x"}),
    ]:
        response = client.post(url(name, world.answer), {"version": 1, **data})
        assert response.status_code == 409, name
        assert "hanya jawaban berstatus Diajukan" in response.content.decode()
    world.answer.refresh_from_db()
    assert world.answer.state == state
    assert world.answer.validated_level is None
    assert not AnswerEvent.objects.exists()


def test_a_decision_from_a_stale_page_is_a_conflict(client, world):
    # Another reviewer's page view bumped nothing, but a concurrent write did.
    type(world.answer).objects.filter(pk=world.answer.pk).update(version=2)
    client.force_login(world.reviewer)
    response = client.post(url("accept", world.answer), {"version": 1})
    assert response.status_code == 409
    assert "Versi terbaru: 2" in response.content.decode()
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.SUBMITTED
    assert not AnswerEvent.objects.exists()


def test_decisions_after_the_review_window_are_refused(client, world):
    world.period.state = PeriodState.CLOSED
    world.period.save()
    client.force_login(world.reviewer)
    response = client.post(url("accept", world.answer), {"version": 1})
    assert response.status_code == 403
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.SUBMITTED


# --- bulk accept ----------------------------------------------------------------------


def test_bulk_accept_validates_every_selected_answer(client, world):
    second = submitted(world.period, world.other_opd, proposed_level=5)
    untouched = submitted(world.period, world.opd)
    client.force_login(world.reviewer)
    response = client.post(
        url("accept-bulk"),
        {
            "selected": [f"{a.public_id}:{a.version}" for a in (world.answer, second)],
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    for answer, level in ((world.answer, 3), (second, 5)):
        answer.refresh_from_db()
        assert (answer.state, answer.validated_level) == (AnswerState.VALIDATED, level)
    untouched.refresh_from_db()
    assert untouched.state == AnswerState.SUBMITTED
    assert AnswerEvent.objects.filter(kind=EventKind.ACCEPTED).count() == 2


def test_bulk_accept_is_all_or_nothing(client, world):
    draft = AnswerFactory(
        period=world.period, opd=world.opd, state=AnswerState.DRAFT, proposed_level=2
    )
    client.force_login(world.reviewer)
    response = client.post(
        url("accept-bulk"),
        {
            "selected": [f"{a.public_id}:{a.version}" for a in (world.answer, draft)],
            "confirmed": "1",
        },
        follow=True,
    )
    assert "Tidak ada jawaban yang diterima" in response.content.decode()
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.SUBMITTED
    assert not AnswerEvent.objects.exists()


def test_bulk_accept_with_a_stale_version_changes_nothing(client, world):
    client.force_login(world.reviewer)
    client.post(url("accept-bulk"), {"selected": [f"{world.answer.public_id}:7"], "confirmed": "1"})
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.SUBMITTED


def test_bulk_accept_of_another_instansis_answer_is_404(client, world):
    foreign = submitted(EvaluationPeriodFactory(), OPDFactory())
    client.force_login(world.reviewer)
    response = client.post(
        url("accept-bulk"),
        {"selected": [f"{a.public_id}:1" for a in (world.answer, foreign)], "confirmed": "1"},
    )
    assert response.status_code == 404
    world.answer.refresh_from_db()
    foreign.refresh_from_db()
    assert world.answer.state == foreign.state == AnswerState.SUBMITTED


def test_bulk_accept_with_garbage_selection_changes_nothing(client, world):
    client.force_login(world.reviewer)
    response = client.post(url("accept-bulk"), {"selected": ["nope"]}, follow=True)
    assert "Pilihan jawaban tidak valid." in response.content.decode()
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.SUBMITTED


# --- who may do what -----------------------------------------------------------------


def test_officers_and_leadership_cannot_review(client, world):
    leader = role_in(world.instansi, Role.LEADERSHIP)
    for user in (world.officer, leader):
        client.force_login(user)
        assert client.get(url("queue")).status_code == 403
        assert client.get(url("detail", world.answer)).status_code == 403
        assert client.post(url("accept", world.answer), {"version": 1}).status_code == 403
        selection = {"selected": [f"{world.answer.public_id}:1"]}
        assert client.post(url("accept-bulk"), selection).status_code == 403
    other_officer = officer_of(world.other_opd)
    client.force_login(other_officer)
    assert client.get(url("detail", world.answer)).status_code == 404
    assert client.post(url("accept", world.answer), {"version": 1}).status_code == 404
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.SUBMITTED


def test_reviewer_of_another_instansi_gets_404(client, world):
    outsider = role_in(InstansiFactory(), Role.REVIEWER)
    client.force_login(outsider)
    assert client.get(url("detail", world.answer)).status_code == 404
    assert client.post(url("accept", world.answer), {"version": 1}).status_code == 404
    assert client.get(url("queue"), {"period": world.period.pk}).status_code == 404
    queue = client.get(url("queue"))
    assert queue.status_code == 200
    assert str(world.answer.public_id) not in queue.content.decode()
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.SUBMITTED


def test_anonymous_is_sent_to_login(client, world):
    login = reverse("login")
    for response in (
        client.get(url("queue")),
        client.get(url("detail", world.answer)),
        client.post(url("accept", world.answer), {"version": 1}),
        client.post(url("accept-bulk"), {"selected": [f"{world.answer.public_id}:1"]}),
    ):
        assert response.status_code == 302
        assert response.url.startswith(login)
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.SUBMITTED


# --- the OPD hears when everything is validated ---------------------------------------


def test_officers_are_told_when_all_answers_of_their_opd_are_validated(
    client, world, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    second = submitted(world.period, world.opd)
    client.force_login(world.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("accept", world.answer), {"version": 1})
    assert not Notification.objects.filter(kind=NotificationKind.OPD_VALIDATED).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("adjust", second), {"version": 1, "level": 1, "justification": "x"})
    note = Notification.objects.get(kind=NotificationKind.OPD_VALIDATED)
    assert note.recipient == world.officer
    assert world.opd.name in note.message
    # One e-mail for the adjustment itself, one for the whole OPD validated.
    assert [m.to for m in mailoutbox] == [[world.officer.email]] * 2
    assert Notification.objects.filter(
        kind=NotificationKind.ANSWER_ADJUSTED, recipient=world.officer
    ).exists()


def test_decisions_after_the_review_deadline_are_refused(client, world):
    world.period.review_closes_at = timezone.now() - timedelta(minutes=1)
    world.period.save()
    client.force_login(world.reviewer)
    response = client.post(
        url("return", world.answer),
        {"version": 1, "reason": ReturnReason.EVIDENCE_WRONG, "comment": "Terlambat."},
    )
    assert response.status_code == 403
    world.answer.refresh_from_db()
    assert world.answer.state == AnswerState.SUBMITTED


# --- in a real browser ----------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 300 300]/Parent 2 0 R>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reviewer_returns_one_answer_and_bulk_accepts_the_rest_in_a_browser(
    page, screenshot, settings, tmp_path, celery_eager
):
    from django.core.files.base import ContentFile

    from tests.factories import PASSWORD

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    instansi = InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    period = EvaluationPeriodFactory(instansi=instansi)
    opd = OPDFactory(instansi=instansi, short_name="Diskominfo")
    officer = officer_of(opd)
    role_in(instansi, Role.REVIEWER, user__username="asesor")
    answers = [submitted(period, opd) for _ in range(3)]
    evidence = EvidenceFile(
        answer=answers[0],
        original_name="sk-tim-koordinasi.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="a" * 64,
        uploaded_by=officer,
    )
    evidence.file.save("x", ContentFile(PDF), save=False)
    evidence.save()

    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna atau e-mail").fill("asesor")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)

    page.get_by_role("link", name="Verifikasi").click()
    page.locator(f"a[href^='/verifikasi/{answers[0].public_id}/']").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("iframe.evidence-preview").get_attribute("src").endswith("?inline=1")
    assert page.locator("iframe.evidence-preview").get_attribute("sandbox") == ""
    screenshot("review-detail")

    page.locator("summary", has_text="Kembalikan untuk perbaikan").click()
    page.get_by_label("Alasan pengembalian").select_option(ReturnReason.EVIDENCE_WRONG)
    page.get_by_label("Catatan untuk OPD").fill("SK belum ditandatangani.")
    page.get_by_role("button", name="Kembalikan ke OPD").click()
    page.wait_for_load_state()
    # On to the next waiting answer, with the return confirmed there.
    assert "dikembalikan ke OPD" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Kembali ke antrean").click()
    page.wait_for_load_state()

    page.get_by_label("Pilih semua jawaban diajukan di halaman ini").check()
    page.get_by_role("button", name="Terima yang dipilih pada tingkat usulannya").click()
    page.wait_for_load_state()
    assert "2 jawaban akan divalidasi" in page.locator("#bulk-summary").inner_text()
    page.get_by_role("button", name="Ya, terima 2 jawaban").click()
    page.wait_for_load_state()
    assert "2 jawaban diterima" in page.get_by_role("status").inner_text()
    screenshot("review-queue-after-bulk")

    states = [type(a).objects.get(pk=a.pk).state for a in answers]
    assert states == [AnswerState.RETURNED, AnswerState.VALIDATED, AnswerState.VALIDATED]


def test_review_page_shows_the_thread_with_reasons_and_comments(client, world):
    AnswerEvent.objects.create(
        answer=world.answer,
        actor=world.officer,
        kind=EventKind.SAVED,
        field="explanation",
        value_before="Penjelasan lama",
        value_after="Penjelasan baru",
    )
    AnswerEvent.objects.create(
        answer=world.answer,
        actor=world.reviewer,
        kind=EventKind.RETURNED,
        state_before=AnswerState.SUBMITTED,
        state_after=AnswerState.RETURNED,
        reason=ReturnReason.EVIDENCE_WRONG,
        comment="SK belum ditandatangani.",
    )
    client.force_login(world.reviewer)
    body = client.get(url("detail", world.answer)).content.decode()
    assert "Penjelasan lama" in body and "Penjelasan baru" in body
    assert "Data dukung tidak sesuai" in body
    assert "SK belum ditandatangani." in body
    assert "(Diajukan → Dikembalikan untuk perbaikan)" in body


def test_review_page_query_count_does_not_grow_with_events_and_evidence(client, world):
    def add(n):
        for i in range(n):
            AnswerEvent.objects.create(
                answer=world.answer, actor=world.officer, kind=EventKind.SAVED, comment=f"{i}"
            )
            EvidenceFile.objects.create(
                answer=world.answer,
                file=f"evidence/x/{i}",
                original_name=f"bukti-{i}.pdf",
                content_type="application/pdf",
                size=10,
                sha256="c" * 64,
                uploaded_by=world.officer,
            )

    add(1)
    client.force_login(world.reviewer)
    client.get(url("detail", world.answer))
    with CaptureQueriesContext(connection) as few:
        client.get(url("detail", world.answer))
    add(30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("detail", world.answer)).status_code == 200
    assert len(many) == len(few)
