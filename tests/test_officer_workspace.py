"""The officer's workspace: my indicators, the answer page, saving and
submitting, deadlines, locks, the audit trail, and outsiders seeing nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import answering, errors, lifecycle
from assessments.evidence import attach
from assessments.models import (
    OPD,
    Answer,
    AnswerEvent,
    AnswerState,
    Assignment,
    EventKind,
    EvidenceLink,
    PeriodState,
)
from indicators.models import Indicator
from tests.factories import (
    AnswerFactory,
    AssignmentFactory,
    EvaluationPeriodFactory,
    officer_of,
)
from tests.pdf_samples import MINIMAL_PDF

pytestmark = pytest.mark.django_db


def detail_url(answer):
    return reverse("assessments:answer_detail", kwargs={"public_id": answer.public_id})


def save(
    client,
    answer,
    *,
    level=3,
    explanation="FAKTA: Pergub 4/2023. ANALISIS: lengkap.",
    version=None,
    action="save",
):
    data = {
        "level": "" if level is None else level,
        "explanation": explanation,
        "version": answer.version if version is None else version,
        "action": action,
    }
    return client.post(detail_url(answer), data)


def text(response):
    return response.content.decode()


# --- my indicators -----------------------------------------------------------------


def test_my_indicators_lists_own_answers_with_progress_and_time_left(client, officer_world):
    w = officer_world
    other = AssignmentFactory(period=w.period, responsible_opd=w.other_opd)
    lifecycle.answers_ensure(period=w.period)
    client.force_login(w.officer)
    response = client.get(reverse("assessments:my_indicators"))
    assert response.status_code == 200
    body = text(response)
    assert w.indicator.name in body
    assert other.indicator.name not in body
    assert "0 dari 1 diajukan" in body
    assert f"· {w.period.year}<" in body  # a year, not a thousands-separated number
    assert "Sisa waktu pengisian" in body


def test_my_indicators_filters_by_state(client, officer_world):
    w = officer_world
    second = AssignmentFactory(period=w.period, responsible_opd=w.opd)
    lifecycle.answers_ensure(period=w.period)
    Answer.objects.filter(indicator=second.indicator).update(state=AnswerState.SUBMITTED)
    client.force_login(w.officer)
    body = text(client.get(reverse("assessments:my_indicators"), {"state": "submitted"}))
    assert second.indicator.name in body
    assert w.indicator.name not in body
    assert "1 dari 2 diajukan" in body


def test_my_indicators_is_empty_for_outsiders_and_redirects_anonymous(client, officer_world):
    w = officer_world
    for user in (w.outsider, w.foreign):
        client.force_login(user)
        assert w.indicator.name not in text(client.get(reverse("assessments:my_indicators")))
    client.logout()
    response = client.get(reverse("assessments:my_indicators"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def _answers(period, opd, count):
    for _ in range(count):
        AssignmentFactory(period=period, responsible_opd=opd)
    lifecycle.answers_ensure(period=period)


def _list_queries(client, django_assert_max_num_queries, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("assessments:my_indicators"))
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_my_indicators_query_count_does_not_grow(client, django_assert_max_num_queries):
    small_period = EvaluationPeriodFactory()
    from tests.factories import OPDFactory

    small_opd = OPDFactory(instansi=small_period.instansi)
    _answers(small_period, small_opd, 5)
    big_period = EvaluationPeriodFactory()
    big_opd = OPDFactory(instansi=big_period.instansi)
    _answers(big_period, big_opd, 47)
    big_answers = Answer.objects.filter(period=big_period)
    for i, answer in enumerate(big_answers):
        Answer.objects.filter(pk=answer.pk).update(proposed_level=1 + i % 5)
    small_count, _ = _list_queries(client, django_assert_max_num_queries, officer_of(small_opd))
    big_count, response = _list_queries(client, django_assert_max_num_queries, officer_of(big_opd))
    assert text(response).count("/jawaban/") == 47
    assert big_count == small_count
    # Session, user, memberships, the contributed pairs, the rows, the
    # progress of every period, the level names.
    assert big_count == 7
    with django_assert_max_num_queries(small_count):
        client.get(reverse("assessments:my_indicators"))


# The loop body my_indicators.html had before the view wrote the rows.
TEMPLATE_ROW = """<tr>
        <td>{{ answer.code }}</td>
        <td><a href="{{ answer.url }}">{{ answer.name }}</a>{% if answer.is_contribution %} <span class="badge text-bg-light d-md-none">{{ contributor_label }}</span>{% endif %}</td>
        <td class="d-none d-md-table-cell"><span title="{{ answer.aspect_name }}">{{ answer.aspect_code }}</span></td>
        <td class="d-none d-md-table-cell">{{ answer.opd }}{% if answer.is_contribution %} <span class="badge text-bg-light">{{ contributor_label }}</span>{% endif %}</td>
        <td><span class="badge {{ answer.state_class }}">{{ answer.state_label }}</span></td>
        <td class="num">{% if answer.level %}{{ answer.level }}{% if answer.level_name %} <span class="small text-muted d-none d-sm-inline">{{ answer.level_name }}</span>{% endif %}{% else %}–{% endif %}</td>
        <td class="num text-nowrap d-none d-md-table-cell">{{ answer.evidence }}</td>
      </tr>"""  # noqa: E501


@pytest.mark.parametrize("language", ["id", "en"])
def test_my_indicators_rows_are_written_as_the_template_wrote_them(client, officer_world, language):
    from django.conf import settings
    from django.template import engines
    from django.utils import translation

    from assessments.templatetags.officer_tags import state_badge_class

    w = officer_world
    w.assignment.contributors.add(w.other_opd)
    own = AssignmentFactory(period=w.period, responsible_opd=w.other_opd)
    lifecycle.answers_ensure(period=w.period)
    Answer.objects.filter(pk=w.answer.pk).update(proposed_level=3)
    mine = Answer.objects.get(period=w.period, indicator=own.indicator)
    # Texts the row must escape exactly as the template did.
    Indicator.objects.filter(pk=own.indicator_id).update(name="Kebijakan <i>\"&\"</i> 'x'")
    OPD.objects.filter(pk=w.other_opd.pk).update(short_name='D<&>"')
    client.force_login(w.outsider)  # officer of other_opd: one own answer, one contribution
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = text(client.get(reverse("assessments:my_indicators")))
    assert f'<html lang="{language}"' in body
    template = engines["django"].from_string(TEMPLATE_ROW)
    with translation.override(language):
        for answer, level, level_name, contribution, evidence in (
            (
                Answer.objects.get(pk=w.answer.pk),
                "3",
                "Terdefinisi",
                True,
                "0 berkas" if language == "id" else "0 files",
            ),
            (mine, "", "", False, "0 berkas" if language == "id" else "0 files"),
        ):
            expected = template.render(
                {
                    "answer": {
                        "code": answer.indicator.code,
                        "url": reverse("assessments:answer_detail", args=[answer.public_id]),
                        "name": answer.indicator.name,
                        "is_contribution": contribution,
                        "aspect_name": answer.indicator.aspect.name,
                        "aspect_code": answer.indicator.aspect.code,
                        "opd": answer.opd.short_name,
                        "state_class": state_badge_class(answer.state),
                        "state_label": answer.get_state_display(),
                        "level": level,
                        "level_name": level_name,
                        "evidence": evidence,
                    },
                    "contributor_label": translation.gettext("kontributor"),
                }
            )
            assert expected in body


# --- answer page -------------------------------------------------------------------------


def test_answer_page_shows_question_criteria_level_names_and_last_year(client, officer_world):
    w = officer_world
    previous = EvaluationPeriodFactory(
        instansi=w.period.instansi,
        year=w.period.year - 1,
        framework=w.framework,
        state=PeriodState.CLOSED,
    )
    AnswerFactory(
        period=previous,
        indicator=w.indicator,
        opd=w.opd,
        proposed_level=4,
        validated_level=3,
        final_level=2,
        explanation="Tahun lalu: Pergub 4/2023.",
    )
    client.force_login(w.officer)
    response = client.get(detail_url(w.answer))
    assert response.status_code == 200
    body = text(response)
    assert w.indicator.question in body
    for level in range(1, 6):
        assert f"Kriteria tingkat {level}" in body
    assert "Terdefinisi" in body
    assert "Tahun lalu: Pergub 4/2023." in body
    assert f"Jawaban tahun lalu ({w.period.year - 1})" in body
    assert "FAKTA" in body and "ANALISIS" in body
    assert 'name="version"' in body
    assert "js/answer.js" in body
    assert "disimpan otomatis di peramban" in body


def test_officer_saves_a_draft(client, officer_world):
    w = officer_world
    client.force_login(w.officer)
    response = save(client, w.answer, level=3)
    assert response.status_code == 302
    answer = Answer.objects.get(pk=w.answer.pk)
    assert answer.proposed_level == 3
    assert answer.explanation.startswith("FAKTA")
    assert answer.version == 2
    assert answer.state == AnswerState.DRAFT
    assert answer.updated_by == w.officer
    # One save, one event, holding both fields it changed.
    event = AnswerEvent.objects.get(answer=answer, kind=EventKind.SAVED)
    assert (event.field, event.value_before, event.value_after) == ("proposed_level", "", "3")
    assert event.actor == w.officer
    changes = {name: (before, after) for name, before, after in event.field_changes}
    assert changes["proposed_level"] == ("", "3")
    assert changes["explanation"][1].startswith("FAKTA")
    page = text(client.get(detail_url(answer)))
    assert "Draf jawaban disimpan." in page
    assert "Tingkat usulan" in page


def test_saving_again_records_before_and_after(client, officer_world):
    w = officer_world
    client.force_login(w.officer)
    save(client, w.answer, level=2)
    answer = Answer.objects.get(pk=w.answer.pk)
    save(client, answer, level=4)
    event = AnswerEvent.objects.filter(field="proposed_level").last()
    assert (event.value_before, event.value_after) == ("2", "4")


def test_save_and_submit_then_read_only(client, officer_world):
    w = officer_world
    client.force_login(w.officer)
    response = save(client, w.answer, level=3, action="submit")
    assert response.status_code == 302
    answer = Answer.objects.get(pk=w.answer.pk)
    assert answer.state == AnswerState.SUBMITTED
    assert answer.submitted_at is not None
    event = AnswerEvent.objects.get(answer=answer, kind=EventKind.SUBMITTED)
    assert (event.state_before, event.state_after) == ("draft", "submitted")
    page = text(client.get(detail_url(answer)))
    assert 'id="answer-form"' not in page
    assert "hanya dapat dibaca" in page
    # Edit after submission is refused and changes nothing.
    response = save(client, answer, level=5)
    assert response.status_code == 409
    assert "sudah diajukan" in text(response)
    assert Answer.objects.get(pk=answer.pk).proposed_level == 3


def test_submit_requires_level_and_explanation(client, officer_world):
    w = officer_world
    client.force_login(w.officer)
    response = save(client, w.answer, level=None, explanation="  ", action="submit")
    assert response.status_code == 400
    assert "Pilih tingkat dan isi penjelasan" in text(response)
    assert Answer.objects.get(pk=w.answer.pk).state == AnswerState.DRAFT


def test_save_then_refused_submit_keeps_the_form_current(client, officer_world):
    w = officer_world
    client.force_login(w.officer)
    response = save(client, w.answer, level=None, explanation="FAKTA saja", action="submit")
    assert response.status_code == 400
    body = text(response)
    assert "Draf disimpan, tetapi belum dapat diajukan" in body
    answer = Answer.objects.get(pk=w.answer.pk)
    assert (answer.explanation, answer.version, answer.state) == ("FAKTA saja", 2, "draft")
    assert 'name="version" value="2"' in body


def test_submit_view_with_version(client, officer_world):
    w = officer_world
    answer = answering.answer_save(
        answer=w.answer, user=w.officer, level=2, explanation="FAKTA", expected_version=1
    )
    client.force_login(w.officer)
    url = reverse("assessments:answer_submit", kwargs={"public_id": answer.public_id})
    assert client.post(url, {"version": 1}).status_code == 409  # stale
    assert client.post(url, {"version": answer.version}).status_code == 302
    assert Answer.objects.get(pk=answer.pk).state == AnswerState.SUBMITTED


def test_submit_all_reports_not_ready(client, officer_world):
    w = officer_world
    second = AssignmentFactory(period=w.period, responsible_opd=w.opd)
    lifecycle.answers_ensure(period=w.period)
    answering.answer_save(
        answer=w.answer, user=w.officer, level=2, explanation="FAKTA", expected_version=1
    )
    client.force_login(w.officer)
    response = client.post(reverse("assessments:submit_all"), {"period": w.period.pk}, follow=True)
    body = text(response)
    assert "1 jawaban diajukan." in body
    assert f"indikator {second.indicator.code}" in body
    assert Answer.objects.get(pk=w.answer.pk).state == AnswerState.SUBMITTED
    assert Answer.objects.get(indicator=second.indicator).state == AnswerState.DRAFT


def test_save_after_deadline_is_refused(client, officer_world):
    w = officer_world
    w.period.fill_closes_at = timezone.now() - timedelta(minutes=1)
    w.period.save()
    client.force_login(w.officer)
    response = save(client, w.answer, level=3)
    assert response.status_code == 403
    assert "batas pengisian telah lewat" in text(response)
    answer = Answer.objects.get(pk=w.answer.pk)
    assert (answer.proposed_level, answer.explanation, answer.version) == (None, "", 1)
    assert not AnswerEvent.objects.exists()


def test_save_when_period_not_open_is_refused(client, officer_world):
    w = officer_world
    w.period.state = PeriodState.IN_REVIEW
    w.period.save()
    client.force_login(w.officer)
    assert save(client, w.answer).status_code == 403
    assert Answer.objects.get(pk=w.answer.pk).version == 1


@pytest.mark.parametrize("level", [0, 6, -1, "x", 99])
def test_out_of_range_level_is_refused(client, officer_world, level):
    w = officer_world
    client.force_login(w.officer)
    response = save(client, w.answer, level=level)
    assert response.status_code == 400
    assert "Pilih tingkat yang tersedia" in text(response)
    assert Answer.objects.get(pk=w.answer.pk).proposed_level is None


def test_service_refuses_out_of_range_level(officer_world):
    w = officer_world
    with pytest.raises(errors.InvalidLevel):
        answering.answer_save(
            answer=w.answer, user=w.officer, level=6, explanation="", expected_version=1
        )
    assert Answer.objects.get(pk=w.answer.pk).version == 1


def test_stale_form_shows_conflict_with_both_versions(client, officer_world):
    w = officer_world
    answering.answer_save(
        answer=w.answer,
        user=w.colleague,
        level=4,
        explanation="Versi rekan: Perda 1/2024",
        expected_version=1,
    )
    client.force_login(w.officer)
    response = save(client, w.answer, level=2, explanation="Versi saya: SK 5/2024", version=1)
    assert response.status_code == 409
    body = text(response)
    assert "telah diubah orang lain" in body
    assert "Versi rekan: Perda 1/2024" in body  # the newer version
    assert "Versi saya: SK 5/2024" in body  # what the user typed, not lost
    assert 'name="version" value="2"' in body
    answer = Answer.objects.get(pk=w.answer.pk)
    assert (answer.proposed_level, answer.explanation) == (4, "Versi rekan: Perda 1/2024")
    # Saving again from the conflict page is a deliberate overwrite.
    response = save(client, answer, level=2, explanation="Versi saya: SK 5/2024", version=2)
    assert response.status_code == 302
    assert Answer.objects.get(pk=w.answer.pk).explanation == "Versi saya: SK 5/2024"


def test_returned_answer_can_be_edited_again(client, officer_world):
    w = officer_world
    Answer.objects.filter(pk=w.answer.pk).update(state=AnswerState.RETURNED, version=5)
    client.force_login(w.officer)
    answer = Answer.objects.get(pk=w.answer.pk)
    assert save(client, answer, level=3, action="submit").status_code == 302
    event = AnswerEvent.objects.get(kind=EventKind.SUBMITTED)
    assert (event.state_before, event.state_after) == ("returned", "submitted")


def test_audit_trail_is_shown_on_the_answer_page(client, officer_world):
    w = officer_world
    client.force_login(w.officer)
    save(client, w.answer, level=3)
    body = text(client.get(detail_url(w.answer)))
    assert "Riwayat perubahan" in body
    assert "Tingkat usulan" in body
    assert "– → 3" in body


def test_evidence_links_add_and_withdraw(client, officer_world):
    w = officer_world
    client.force_login(w.officer)
    url = reverse("assessments:evidence_link_add", kwargs={"public_id": w.answer.public_id})
    response = client.post(url, {"url": "javascript:alert(1)", "note": ""})
    assert response.status_code == 400
    assert not EvidenceLink.objects.exists()
    response = client.post(url, {"url": "https://layanan.example.go.id", "note": "akun uji: demo"})
    assert response.status_code == 302
    link = EvidenceLink.objects.get()
    event = AnswerEvent.objects.get(kind=EventKind.EVIDENCE_ADDED, field="evidence_link")
    assert "akun uji" in event.value_after
    withdraw = reverse("assessments:evidence_link_withdraw", kwargs={"public_id": link.public_id})
    client.force_login(w.outsider)
    assert client.post(withdraw).status_code == 404
    client.force_login(w.officer)
    assert client.post(withdraw).status_code == 302
    link.refresh_from_db()
    assert link.withdrawn_at is not None
    assert AnswerEvent.objects.filter(kind=EventKind.EVIDENCE_WITHDRAWN).count() == 1


def test_answer_page_query_count_does_not_grow(client, officer_world, evidence_storage):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = officer_world
    client.force_login(w.officer)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(detail_url(w.answer)).status_code == 200
        return len(captured.captured_queries)

    answering.answer_save(
        answer=w.answer, user=w.officer, level=1, explanation="a", expected_version=1
    )
    small = count()
    for i in range(15):
        answer = Answer.objects.get(pk=w.answer.pk)
        answering.answer_save(
            answer=answer,
            user=w.colleague if i % 2 else w.officer,
            level=1 + i % 5,
            explanation=f"versi {i}",
            expected_version=answer.version,
        )
        attach.evidence_add(
            answer=answer,
            user=w.officer,
            uploaded_file=SimpleUploadedFile(f"b{i}.pdf", MINIMAL_PDF),
        )
        attach.evidence_link_add(
            answer=answer, user=w.officer, url=f"https://contoh.go.id/{i}", note=""
        )
    assert count() == small


# --- outsiders ---------------------------------------------------------------------------


def officer_urls(answer):
    kw = {"public_id": answer.public_id}
    return [
        ("get", reverse("assessments:answer_detail", kwargs=kw)),
        ("post", reverse("assessments:answer_detail", kwargs=kw)),
        ("post", reverse("assessments:answer_submit", kwargs=kw)),
        ("post", reverse("assessments:evidence_upload", kwargs=kw)),
        ("post", reverse("assessments:evidence_link_add", kwargs=kw)),
    ]


def test_outsiders_get_404_on_every_answer_view(client, officer_world):
    w = officer_world
    for user in (w.outsider, w.foreign):
        client.force_login(user)
        for method, url in officer_urls(w.answer):
            response = getattr(client, method)(url, {"version": 1, "level": 3})
            assert response.status_code == 404, (user, method, url)
    assert Answer.objects.get(pk=w.answer.pk).version == 1


def test_submit_all_of_a_foreign_period_is_404(client, officer_world):
    w = officer_world
    client.force_login(w.foreign)
    response = client.post(reverse("assessments:submit_all"), {"period": w.period.pk})
    assert response.status_code == 404


def test_anonymous_is_redirected_to_login(client, officer_world):
    w = officer_world
    for method, url in officer_urls(w.answer):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_reviewer_sees_the_answer_read_only_and_cannot_save(client, officer_world):
    w = officer_world
    client.force_login(w.reviewer)
    response = client.get(detail_url(w.answer))
    assert response.status_code == 200
    assert 'id="answer-form"' not in text(response)
    response = save(client, w.answer, level=3)
    assert response.status_code == 403
    assert Answer.objects.get(pk=w.answer.pk).version == 1


def test_contributor_may_add_evidence_links_but_not_edit(client, officer_world):
    w = officer_world
    w.assignment.contributors.add(w.other_opd)
    client.force_login(w.outsider)
    assert client.get(detail_url(w.answer)).status_code == 200
    assert save(client, w.answer).status_code == 403
    url = reverse("assessments:evidence_link_add", kwargs={"public_id": w.answer.public_id})
    assert client.post(url, {"url": "https://contoh.go.id"}).status_code == 302
    body = text(client.get(reverse("assessments:my_indicators")))
    assert "kontributor" in body


# --- answers_ensure --------------------------------------------------------------------


def test_answers_ensure_is_idempotent_and_follows_untouched_reassignment(officer_world):
    w = officer_world
    assert lifecycle.answers_ensure(period=w.period) == 0
    extra = AssignmentFactory(period=w.period, responsible_opd=w.opd)
    assert lifecycle.answers_ensure(period=w.period) == 1
    Assignment.objects.filter(pk=extra.pk).update(responsible_opd=w.other_opd)
    Assignment.objects.filter(pk=w.assignment.pk).update(responsible_opd=w.other_opd)
    answering.answer_save(
        answer=w.answer, user=w.officer, level=1, explanation="", expected_version=1
    )
    lifecycle.answers_ensure(period=w.period)
    assert Answer.objects.get(indicator=extra.indicator).opd == w.other_opd
    assert Answer.objects.get(pk=w.answer.pk).opd == w.opd  # work stays where it was done


# --- in the browser: level highlight, keyboard, draft kept across session expiry ----------


@pytest.mark.browser
def test_officer_fills_an_answer_in_the_browser(page, spbe2020, settings, tmp_path, screenshot):
    from assessments.models import PeriodState
    from tests.factories import PASSWORD, InstansiFactory

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    instansi = InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    period = EvaluationPeriodFactory(
        instansi=instansi, framework=spbe2020, year=2025, state=PeriodState.OPEN
    )
    from tests.factories import OPDFactory

    opd = OPDFactory(instansi=instansi, short_name="Diskominfo")
    for indicator in spbe2020.indicators.order_by("position")[:5]:
        Assignment.objects.create(period=period, indicator=indicator, responsible_opd=opd)
    lifecycle.answers_ensure(period=period)
    officer_of(opd, user__username="petugas")

    def login():
        page.fill("input[name=username]", "petugas")
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()

    page.goto("/accounts/login/?next=/indikator-saya/")
    login()
    assert "0 dari 5 diajukan" in page.content()
    screenshot("officer-my-indicators")
    page.click("text=Tingkat Kematangan Kebijakan Internal Arsitektur SPBE")
    page.wait_for_selector("#answer-form")

    # Keyboard: focus a level and choose it with the space bar.
    page.focus("#level-3")
    page.keyboard.press("Space")
    assert page.get_attribute("li[data-level='3']", "aria-current") == "true"
    assert page.get_attribute("li[data-level='1']", "aria-current") is None
    page.fill("textarea[name=explanation]", "FAKTA: Pergub Kaltim 4/2023 pasal 5.")

    # The session expires before saving: the POST ends at the login page.
    page.context.clear_cookies(name="sessionid")
    page.click("button[value=save]")
    page.wait_for_selector("input[name=username]")
    login()
    page.wait_for_selector("#answer-form")
    assert page.is_visible("#draft-restore")
    page.click("[data-draft-action=restore]")
    assert page.input_value("textarea[name=explanation]") == "FAKTA: Pergub Kaltim 4/2023 pasal 5."
    assert page.get_attribute("li[data-level='3']", "aria-current") == "true"
    page.click("button[value=save]")
    page.wait_for_selector("text=Draf jawaban disimpan.")
    answer = Answer.objects.get(period=period, indicator__code="1")
    assert (answer.proposed_level, answer.version) == (3, 2)
    assert not page.is_visible("#draft-restore")

    page.set_input_files(
        "#evidence-files",
        files=[{"name": "pergub.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}],
    )
    page.click("#evidence-files ~ button")
    page.wait_for_selector("text=1 berkas data dukung ditambahkan.")
    screenshot("officer-answer-draft")
    page.click("button[value=submit]")
    page.click("#confirm-submit [data-confirm-yes]")  # the confirmation step
    page.wait_for_selector("text=Jawaban diajukan untuk divalidasi.")
    assert not page.is_visible("#answer-form")
    screenshot("officer-answer-submitted")
    assert Answer.objects.get(pk=answer.pk).state == AnswerState.SUBMITTED


def test_saves_and_submits_announce_answers_changed_once_after_commit(
    officer_world, django_capture_on_commit_callbacks
):
    """Listeners (reports' index snapshots) hear of each operation once, from
    the lifecycle's domain signal, and only after the commit."""
    from assessments.signals import answers_changed

    w = officer_world
    heard = []

    def listener(sender, period_ids, answer_ids, action, **kwargs):
        heard.append((action, set(period_ids), set(answer_ids)))

    answers_changed.connect(listener, weak=False)
    try:
        with django_capture_on_commit_callbacks() as pending:
            answer = answering.answer_save(
                answer=w.answer, user=w.officer, level=2, explanation="F", expected_version=1
            )
            answering.answer_submit(answer=answer, user=w.officer, expected_version=2)
        assert heard == []  # nothing before the commit
        for callback in pending:
            callback()
    finally:
        answers_changed.disconnect(listener)
    assert heard == [
        ("save", {w.period.pk}, {w.answer.pk}),
        ("submit", {w.period.pk}, {w.answer.pk}),
    ]


def test_last_years_answer_is_shown_only_to_those_who_may_see_it(client, officer_world):
    """Another OPD held the indicator last year: its answer stays out of this
    year's page (hardening finding 8); the OPD's own last year is shown."""
    from tests.factories import AssignmentFactory, EvaluationPeriodFactory

    w = officer_world
    previous = EvaluationPeriodFactory(
        instansi=w.period.instansi, year=w.period.year - 1, framework=w.framework
    )
    AssignmentFactory(period=previous, indicator=w.indicator, responsible_opd=w.other_opd)
    lifecycle.answers_ensure(period=previous)
    Answer.objects.filter(period=previous).update(
        proposed_level=2, validated_level=2, explanation="CATATAN INTERNAL BAPPEDA"
    )
    client.force_login(w.officer)
    page = client.get(detail_url(w.answer)).content.decode()
    assert "CATATAN INTERNAL BAPPEDA" not in page

    Answer.objects.filter(period=previous).update(opd=w.opd)
    page = client.get(detail_url(w.answer)).content.decode()
    assert "CATATAN INTERNAL BAPPEDA" in page


def test_the_history_names_people_with_their_position(client, officer_world):
    w = officer_world
    type(w.officer).objects.filter(pk=w.officer.pk).update(
        first_name="Rina", last_name="Wati", position="Analis Kebijakan Ahli Muda"
    )
    answering.answer_save(
        answer=w.answer, user=w.officer, level=2, explanation="FAKTA: x", expected_version=1
    )
    client.force_login(w.officer)
    page = client.get(detail_url(w.answer)).content.decode()
    assert "Rina Wati (Analis Kebijakan Ahli Muda)" in page


# The loop answer_detail.html had before views/criteria.py wrote the levels.
TEMPLATE_CHOICES = """{% load i18n %}{% for c in criteria %}
        <li class="criteria-level p-2 mb-1 border rounded" data-level="{{ c.level }}" {% if c.level == selected_level %}aria-current="true"{% endif %}>
          <div class="form-check">
            <input class="form-check-input" type="radio" name="level" value="{{ c.level }}" id="level-{{ c.level }}"
                   aria-describedby="criteria-{{ c.level }}" {% if c.level == selected_level %}checked{% endif %}>
            <label class="form-check-label fw-semibold" for="level-{{ c.level }}">{% translate "Tingkat" %} {{ c.level }}{% if c.name %} – {{ c.name }}{% endif %}</label>
          </div>
          <div class="small" id="criteria-{{ c.level }}">{{ c.text|linebreaksbr }}</div>
        </li>
        {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("selected", [None, 1, 3])
def test_level_choices_are_written_as_the_template_wrote_them(officer_world, language, selected):
    from django.template import engines
    from django.utils import translation

    from assessments.views.criteria import level_choices

    levels = [
        {"level": 1, "name": "Rintisan", "text": 'Belum ada <kebijakan> & "pedoman"\nbaris dua'},
        {"level": 2, "name": "", "text": "Ada konsep"},
        {"level": 3, "name": "Terdefinisi", "text": "Ditetapkan\r\ndan 'berlaku'"},
    ]
    template = engines["django"].from_string(TEMPLATE_CHOICES)
    with translation.override(language):
        expected = template.render({"criteria": levels, "selected_level": selected})
        assert level_choices(levels, selected) == expected


def test_answer_page_offers_each_level_with_its_criterion_and_the_saved_one_chosen(
    client, officer_world
):
    w = officer_world
    Answer.objects.filter(pk=w.answer.pk).update(proposed_level=2)
    client.force_login(w.officer)
    body = text(client.get(reverse("assessments:answer_detail", args=[w.answer.public_id])))
    assert 'name="level" value="2" id="level-2"' in body
    assert 'aria-describedby="criteria-2" checked>' in body
    assert 'aria-describedby="criteria-1" >' in body
    assert body.count('class="criteria-level ') >= 2
