"""Pemdi 2026 through the client: evidence per item, item decisions, the
berjenjang level, external values, and "belum terindikasi" below 1.00."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments import answering, errors, external, items
from assessments.models import (
    Answer,
    AnswerEvent,
    AnswerState,
    EventKind,
    EvidenceFile,
    EvidenceItemAnswer,
    ExternalValue,
    ItemState,
    PeriodState,
    Role,
)
from assessments.periods import period_create
from indicators.models import EvidenceItem, FrameworkVersion
from reports.models import Basis, IndexSnapshot
from reports.snapshots import snapshot_compute
from tests.factories import InstansiFactory, officer_of, opds_by_function, role_in
from tests.pdf_samples import MINIMAL_PDF

# Any readable PDF will do: the evidence check parses it.
PDF = MINIMAL_PDF


@pytest.fixture
def pemdi(db):
    call_command("load_framework", "pemdi-2026", verbosity=0)
    return FrameworkVersion.objects.get(code="pemdi-2026")


@pytest.fixture
def world(pemdi, evidence_storage):
    from types import SimpleNamespace

    instansi = InstansiFactory(code="kaltim-uji")
    opds = opds_by_function(instansi)
    now = timezone.now()
    period = period_create(
        instansi=instansi,
        year=2026,
        framework=pemdi,
        fill_opens_at=now - timedelta(days=1),
        fill_closes_at=now + timedelta(days=20),
        review_closes_at=now + timedelta(days=40),
    )
    period.state = PeriodState.OPEN
    period.save(update_fields=["state"])
    other = InstansiFactory(code="lain-uji")
    return SimpleNamespace(
        period=period,
        instansi=instansi,
        opds=opds,
        officer=officer_of(opds["diskominfo"]),
        outsider=officer_of(opds["bpkad"]),
        foreign=officer_of(opds_by_function(other)["diskominfo"]),
        reviewer=role_in(instansi, Role.REVIEWER),
        admin=role_in(instansi, Role.ADMINISTRATOR),
        leader=role_in(instansi, Role.LEADERSHIP),
        answer=Answer.objects.get(period=period, indicator__code="I1"),
    )


def _items(answer):
    return {
        (i.level, i.kind): i
        for i in EvidenceItem.objects.filter(indicator_id=answer.indicator_id).order_by("position")
    }


def _main(answer, level):
    return _items(answer)[(level, "main")]


def _supporting(answer):
    """The generic data has main items only; a province's may add supporting ones."""
    return EvidenceItem.objects.get_or_create(
        indicator_id=answer.indicator_id,
        position=99,
        defaults={"level": 1, "kind": "supporting", "text": "Foto kegiatan sosialisasi."},
    )[0]


def _attach(client, answer, item, name="bukti.pdf"):
    return client.post(
        reverse("items:evidence_upload", args=[answer.public_id, item.pk]),
        {"files": SimpleUploadedFile(name, PDF, content_type="application/pdf")},
    )


def _submit(client, answer):
    answer.refresh_from_db()
    return client.post(
        reverse("assessments:answer_detail", args=[answer.public_id]),
        {"explanation": "FAKTA: dokumen. ANALISIS: memenuhi.", "version": answer.version,
         "action": "submit"},
    )  # fmt: skip


def _decide(client, answer, item, decision, comment=""):
    name = "items:accept" if decision == "accept" else "items:return"
    return client.post(reverse(name, args=[answer.public_id, item.pk]), {"comment": comment})


def test_officer_attaches_per_item_and_proposed_level_follows(client, world):
    answer = world.answer
    client.force_login(world.officer)
    page = client.get(reverse("assessments:answer_detail", args=[answer.public_id]))
    assert page.status_code == 200
    assert "Butir bukti per tingkat" in page.content.decode()
    # Ids are never localized (1.945 would break every #item- anchor).
    item = _main(answer, 1)
    assert f'id="item-{item.pk}"' in page.content.decode()
    for level in (1, 2):
        response = _attach(client, answer, _main(answer, level))
        assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.proposed_level == 2
    files = EvidenceFile.objects.filter(answer=answer)
    assert {f.item.level for f in files} == {1, 2}
    # A supporting item neither raises nor blocks the proposed level.
    _attach(client, answer, _supporting(answer))
    answer.refresh_from_db()
    assert answer.proposed_level == 2
    body = client.get(reverse("assessments:answer_detail", args=[answer.public_id])).content
    assert "Yang menghalangi tingkat 3" in body.decode()


def test_item_upload_outsiders(client, world):
    answer = world.answer
    item = _main(answer, 1)
    client.force_login(world.outsider)
    assert _attach(client, answer, item).status_code in (403, 404)
    client.force_login(world.foreign)
    assert _attach(client, answer, item).status_code == 404
    client.logout()
    assert _attach(client, answer, item).status_code == 302  # to login
    assert not EvidenceFile.objects.filter(answer=answer).exists()


def test_item_of_another_indicator_is_refused(client, world):
    other = Answer.objects.get(period=world.period, indicator__code="I2")
    client.force_login(world.officer)
    response = _attach(client, world.answer, _main(other, 1))
    assert response.status_code == 302
    assert not EvidenceFile.objects.filter(answer=world.answer).exists()


def _submitted_with(client, world, levels):
    answer = world.answer
    client.force_login(world.officer)
    for level in levels:
        _attach(client, answer, _main(answer, level))
    assert _submit(client, answer).status_code == 302
    answer.refresh_from_db()
    assert answer.state == AnswerState.SUBMITTED
    client.force_login(world.reviewer)
    return answer


def test_levels_one_two_accepted_three_missing_gives_two(client, world):
    answer = _submitted_with(client, world, [1, 2])
    for level in (1, 2):
        assert _decide(client, answer, _main(answer, level), "accept").status_code == 302
    page = client.get(reverse("review:detail", args=[answer.public_id])).content.decode()
    assert "Penilaian per butir bukti" in page
    answer.refresh_from_db()  # each item decision moved the answer's version on
    response = client.post(
        reverse("review:accept", args=[answer.public_id]), {"version": answer.version}
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.state, answer.validated_level) == (AnswerState.VALIDATED, 2)
    assert AnswerEvent.objects.filter(answer=answer, kind=EventKind.ITEM_DECIDED).count() == 2


def test_level_one_returned_two_accepted_gives_zero_and_auto_rejects(client, world):
    answer = _submitted_with(client, world, [1, 2, 3])
    assert _decide(client, answer, _main(answer, 2), "accept").status_code == 302
    assert (
        _decide(client, answer, _main(answer, 1), "return", "Belum ditetapkan").status_code == 302
    )
    states = dict(
        EvidenceItemAnswer.objects.filter(answer=answer).values_list("item__level", "state")
    )
    assert states[1] == ItemState.RETURNED
    assert states[2] == ItemState.AUTO_REJECTED
    assert states[3] == ItemState.AUTO_REJECTED
    assert items.derived_level(answer) == 0
    page = client.get(reverse("review:detail", args=[answer.public_id])).content.decode()
    assert "otomatis ditolak" in page
    assert "belum terindikasi" in page

    # Once level 1 is accepted the auto-rejected items reopen for review.
    assert _decide(client, answer, _main(answer, 1), "accept").status_code == 302
    states = dict(
        EvidenceItemAnswer.objects.filter(answer=answer).values_list("item__level", "state")
    )
    assert states[2] == ItemState.PENDING
    assert items.derived_level(answer) == 1
    answer.refresh_from_db()
    client.post(reverse("review:accept", args=[answer.public_id]), {"version": answer.version})
    answer.refresh_from_db()
    assert answer.validated_level == 1


def test_return_needs_a_comment_and_outsiders_cannot_decide(client, world):
    answer = _submitted_with(client, world, [1])
    item = _main(answer, 1)
    assert _decide(client, answer, item, "return", "").status_code == 302
    assert not EvidenceItemAnswer.objects.filter(answer=answer).exists()
    for user, codes in ((world.officer, (403,)), (world.foreign, (404,)), (world.leader, (403,))):
        client.force_login(user)
        assert _decide(client, answer, item, "accept").status_code in codes
    assert not EvidenceItemAnswer.objects.filter(answer=answer).exists()


def test_returned_item_goes_back_to_pending_when_officer_attaches_again(client, world):
    answer = _submitted_with(client, world, [1])
    _decide(client, answer, _main(answer, 1), "return", "Dokumen tidak terbaca")
    answer.refresh_from_db()
    client.post(
        reverse("review:return", args=[answer.public_id]),
        {"version": answer.version, "reason": "evidence_wrong", "comment": "Lihat butir 1"},
    )
    answer.refresh_from_db()
    assert answer.state == AnswerState.RETURNED
    client.force_login(world.officer)
    page = client.get(reverse("assessments:answer_detail", args=[answer.public_id]))
    assert "Dokumen tidak terbaca" in page.content.decode()
    _attach(client, answer, _main(answer, 1), "bukti-baru.pdf")
    row = EvidenceItemAnswer.objects.get(answer=answer, item=_main(answer, 1))
    assert row.state == ItemState.PENDING


def test_supporting_item_never_blocks(client, world):
    answer = _submitted_with(client, world, [1])
    supporting = _supporting(answer)
    _decide(client, answer, supporting, "return", "Tidak relevan")
    _decide(client, answer, _main(answer, 1), "accept")
    assert items.derived_level(answer) == 1
    assert not EvidenceItemAnswer.objects.filter(
        answer=answer, state=ItemState.AUTO_REJECTED
    ).exists()


def test_bulk_accept_and_adjust_are_refused_in_item_mode(client, world):
    answer = _submitted_with(client, world, [1])
    client.post(reverse("review:accept-bulk"), {"selected": f"{answer.public_id}:{answer.version}"})
    client.post(
        reverse("review:adjust", args=[answer.public_id]),
        {"version": answer.version, "level": 3, "justification": "x"},
    )
    answer.refresh_from_db()
    assert answer.state == AnswerState.SUBMITTED


def test_external_waiting_counts_as_one_then_value_sets_level(client, world):
    period = world.period
    i5 = Answer.objects.get(period=period, indicator__code="I5")
    assert (i5.proposed_level, i5.validated_level, i5.state) == (1, 1, AnswerState.VALIDATED)
    assert external.external_waiting_codes(period) == ["I5", "I6", "I7"]

    client.force_login(world.officer)
    page = client.get(reverse("assessments:answer_detail", args=[i5.public_id]))
    assert "menunggu nilai eksternal" in page.content.decode()

    url = reverse("manage:external_values", args=[world.instansi.code, period.year])
    for user, code in ((world.officer, 404), (world.reviewer, 404)):
        client.force_login(user)
        assert client.get(url).status_code == code
    client.logout()
    assert client.get(url).status_code == 302

    client.force_login(world.admin)
    page = client.get(url)
    assert page.status_code == 200
    assert "menunggu nilai eksternal" in page.content.decode()
    form = {"indicator": i5.indicator_id, "value": "50", "source": "Portal SDI 2026",
            "measured_on": "2026-10-01"}  # fmt: skip
    assert client.post(url, form).status_code == 302
    i5.refresh_from_db()
    # SDI upper bounds 12.5 / 37.5 / 62.5 / 75 / 100: 50 is level 3.
    assert (i5.proposed_level, i5.validated_level) == (3, 3)
    record = ExternalValue.objects.get(period=period, indicator=i5.indicator)
    assert (record.value, record.level, record.source) == (Decimal("50"), 3, "Portal SDI 2026")
    assert AnswerEvent.objects.filter(answer=i5, kind=EventKind.EXTERNAL_SET).exists()
    assert external.external_waiting_codes(period) == ["I6", "I7"]

    # A boundary value belongs to the lower level; out of range is refused.
    client.post(url, {**form, "value": "12.5"})
    i5.refresh_from_db()
    assert i5.validated_level == 1
    response = client.post(url, {**form, "value": "100.5"})
    assert response.status_code == 400
    i5.refresh_from_db()
    assert i5.validated_level == 1


def test_index_below_one_shows_belum_terindikasi(client, world):
    period = world.period
    # Every non-external indicator at 0, the externals waiting at 1:
    # (5 + 3 + 3) / 100 = 0.11.
    Answer.objects.filter(period=period, indicator__external_source="").update(
        validated_level=0, proposed_level=0, state=AnswerState.VALIDATED
    )
    snapshot_compute(period_id=period.pk, basis=Basis.VALIDATED)
    snap = IndexSnapshot.objects.get(period=period, basis=Basis.VALIDATED)
    assert snap.index_display == "0.11"
    assert snap.predicate == ""
    client.force_login(world.leader)
    page = client.get(
        reverse("reports:dashboard", args=[world.instansi.code, period.year]) + "?basis=validated"
    ).content.decode()
    assert "belum terindikasi" in page
    assert "menunggu nilai eksternal" in page
    assert "Kurang" not in page


def test_final_value_zero_is_accepted_on_pemdi_only(world, spbe2020):
    from django.core.exceptions import ValidationError

    from assessments.periods import final_levels_set
    from tests.factories import EvaluationPeriodFactory

    period = world.period
    period.state = PeriodState.CLOSED
    period.save(update_fields=["state"])
    assert final_levels_set(period=period, user=world.admin, levels={"I1": 0}) == 1
    assert Answer.objects.get(period=period, indicator__code="I1").final_level == 0

    spbe = EvaluationPeriodFactory(framework=spbe2020, state=PeriodState.CLOSED)
    with pytest.raises(ValidationError):
        final_levels_set(period=spbe, user=world.admin, levels={"1": 0})


def test_period_page_links_to_external_values(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("manage:period_detail", args=[world.instansi.code, 2026]))
    assert reverse("manage:external_values", args=[world.instansi.code, 2026]) in (
        page.content.decode()
    )


def test_item_pages_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    answer = world.answer
    client.force_login(world.officer)
    _attach(client, answer, _main(answer, 1))
    _submit(client, answer)
    urls = [
        (world.officer, reverse("assessments:answer_detail", args=[answer.public_id])),
        (world.reviewer, reverse("review:detail", args=[answer.public_id])),
    ]
    small = {}
    for user, url in urls:
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        small[url] = len(ctx.captured_queries)

    # More items, files and decisions: the same number of queries.
    answer.refresh_from_db()
    Answer.objects.filter(pk=answer.pk).update(state=AnswerState.DRAFT)
    client.force_login(world.officer)
    for n in range(4):
        EvidenceItem.objects.create(
            indicator_id=answer.indicator_id, level=2, kind="supporting", text=f"x{n}",
            position=100 + n,
        )  # fmt: skip
    for level in (1, 2, 3, 4):
        _attach(client, answer, _main(answer, level), f"b{level}.pdf")
    _submit(client, answer)
    client.force_login(world.reviewer)
    for level in (1, 2):
        _decide(client, answer, _main(answer, level), "accept")
    _decide(client, answer, _main(answer, 3), "return", "kurang")
    for user, url in urls:
        client.force_login(user)
        with django_assert_max_num_queries(small[url]):
            assert client.get(url).status_code == 200


def test_pdf_below_one_says_belum_terindikasi_and_flags_waiting(world):
    from reports.models import ReportKind
    from reports.rendering.pdf import render_html
    from reports.report_data import report_data

    Answer.objects.filter(period=world.period, indicator__external_source="").update(
        validated_level=0, proposed_level=0, state=AnswerState.VALIDATED
    )
    data = report_data(period=world.period, basis=Basis.VALIDATED)
    assert data.index == Decimal("0.11")
    assert data.predicate is None
    assert data.external_waiting == ["I5", "I6", "I7"]
    assert data.domains == []
    html = render_html(data, ReportKind.INSTANSI)
    assert "belum terindikasi" in html
    assert "menunggu nilai eksternal" in html
    assert "Nilai domain" not in html
    assert "Kurang" not in html


def test_save_service_refuses_a_level_the_items_do_not_support(world):

    answer = world.answer
    with pytest.raises(errors.InvalidLevel):
        answering.answer_save(
            answer=answer, user=world.officer, level=4, explanation="x", expected_version=1
        )
    saved = answering.answer_save(
        answer=answer, user=world.officer, level=None, explanation="x", expected_version=1
    )
    assert saved.proposed_level == 0


def test_review_queue_has_no_bulk_accept_in_item_mode(client, world):
    _submitted_with(client, world, [1])
    page = client.get(reverse("review:queue")).content.decode()
    assert 'name="selected"' not in page
    assert "dinilai per butir bukti" in page


def test_review_filter_has_no_domain_select_without_domains(client, world):
    client.force_login(world.reviewer)
    page = client.get(reverse("review:queue")).content.decode()
    assert 'name="domain"' not in page
    assert 'name="aspect"' in page


def test_review_thread_names_the_item_field(client, world):
    answer = _submitted_with(client, world, [1])
    _decide(client, answer, _main(answer, 1), "accept")
    page = client.get(reverse("review:detail", args=[answer.public_id])).content.decode()
    assert "Butir bukti: Tingkat 1: Menunggu penilaian → Tingkat 1: Diterima" in page
