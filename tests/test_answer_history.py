"""An answer's page lists its latest ten events; the whole history is one
link away (?riwayat=lengkap), on the officer's page and on the reviewer's.
The decision banner still finds a return that has scrolled out of the list."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import answering
from assessments import review as reviewing
from assessments.models import Answer, AnswerEvent, AnswerState, ReturnReason
from assessments.views.history import HISTORY_SHOWN

pytestmark = pytest.mark.django_db


def saved_times(answer, user, count: int, *, start: int = 0) -> Answer:
    for number in range(start, start + count):
        current = Answer.objects.select_related("period__framework").get(pk=answer.pk)
        answer = answering.answer_save(
            answer=current,
            user=user,
            level=1 + number % 5,
            explanation=f"FAKTA: simpanan nomor {number:02d}. ANALISIS: memenuhi.",
            expected_version=current.version,
        )
    return answer


def officer_page(client, world, query=""):
    client.force_login(world.officer)
    url = reverse("assessments:answer_detail", args=[world.answer.public_id])
    return client.get(url + query)


def test_the_officer_page_lists_the_latest_events_and_links_to_all(client, officer_world):
    w = officer_world
    saved_times(w.answer, w.officer, HISTORY_SHOWN + 3)
    assert AnswerEvent.objects.filter(answer=w.answer).count() == HISTORY_SHOWN + 3

    page = officer_page(client, w).content.decode()
    complete = officer_page(client, w, "?riwayat=lengkap").content.decode()

    # Saves 03 to 12 are listed, each with the explanation before and after
    # it (save 03's "before" is save 02's text); saves 00 and 01 are not.
    assert "simpanan nomor 12" in page and "simpanan nomor 02" in page
    assert "simpanan nomor 00" not in page
    assert "simpanan nomor 01" not in page
    assert "Hanya perubahan terbaru yang ditampilkan." in page
    assert 'href="?riwayat=lengkap#events-title"' in page
    for number in range(HISTORY_SHOWN + 3):
        assert f"simpanan nomor {number:02d}" in complete
    assert "Tampilkan seluruh riwayat" not in complete


def test_a_short_history_is_listed_whole_without_a_link(client, officer_world):
    w = officer_world
    saved_times(w.answer, w.officer, 2)

    page = officer_page(client, w).content.decode()

    assert "simpanan nomor 00" in page and "simpanan nomor 01" in page
    assert "Tampilkan seluruh riwayat" not in page


def test_a_return_out_of_the_list_still_heads_the_officer_page(client, officer_world):
    w = officer_world
    Answer.objects.filter(pk=w.answer.pk).update(
        state=AnswerState.SUBMITTED, proposed_level=3, submitted_at=timezone.now()
    )
    reviewing.answer_return(
        answer=Answer.objects.select_related("period__framework", "indicator", "opd").get(
            pk=w.answer.pk
        ),
        user=w.reviewer,
        reason=ReturnReason.EVIDENCE_MISSING,
        comment="SK penetapan tim belum diunggah.",
    )
    saved_times(w.answer, w.officer, HISTORY_SHOWN + 1)
    assert Answer.objects.get(pk=w.answer.pk).state == AnswerState.RETURNED

    page = officer_page(client, w).content.decode()

    # The return event itself is no longer among the ten listed; the banner
    # above the answer still says why it came back.
    assert "SK penetapan tim belum diunggah." in page
    assert str(ReturnReason.EVIDENCE_MISSING.label) in page


def test_the_reviewer_page_keeps_its_query_string_in_the_link(client, officer_world):
    w = officer_world
    saved_times(w.answer, w.officer, HISTORY_SHOWN + 2)
    Answer.objects.filter(pk=w.answer.pk).update(
        state=AnswerState.SUBMITTED, submitted_at=timezone.now()
    )
    client.force_login(w.reviewer)
    url = reverse("review:detail", args=[w.answer.public_id])

    page = client.get(url, {"next": "/verifikasi/?status=submitted"}).content.decode()
    complete = client.get(url, {"riwayat": "lengkap"}).content.decode()

    assert "simpanan nomor 00" not in page
    assert "simpanan nomor 11" in page
    assert "?next=%2Fverifikasi%2F%3Fstatus%3Dsubmitted&amp;riwayat=lengkap#thread-title" in page
    assert "simpanan nomor 00" in complete and "simpanan nomor 11" in complete


def test_an_outsider_gets_no_history_either_way(client, officer_world):
    w = officer_world
    saved_times(w.answer, w.officer, 2)
    client.force_login(w.foreign)
    url = reverse("assessments:answer_detail", args=[w.answer.public_id])

    assert client.get(url, {"riwayat": "lengkap"}).status_code == 404
