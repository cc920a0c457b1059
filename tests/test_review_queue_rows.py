"""The queue's rows, now prepared in Python from plain values: what each
shows is what the answer holds (evidence not withdrawn, the detail link that
leads back to the same queue, the submission time in the portal's zone)."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments.models import AnswerState, EvidenceFile, Role
from tests import factories


def evidence(answer, by, n, *, withdrawn=False):
    return EvidenceFile.objects.create(
        answer=answer,
        file=f"evidence/x/{n}",
        original_name=f"bukti-{n}.pdf",
        content_type="application/pdf",
        size=1000,
        sha256=f"{n}" * 64,
        uploaded_by=by,
        withdrawn_at=timezone.now() if withdrawn else None,
    )


@pytest.mark.django_db
def test_rows_count_evidence_not_withdrawn_and_link_back_to_the_queue(client):
    instansi = factories.InstansiFactory()
    period = factories.EvaluationPeriodFactory(instansi=instansi)
    opd = factories.OPDFactory(instansi=instansi, short_name="Diskominfo", name="Dinas Kominfo")
    officer = factories.officer_of(opd)
    at = timezone.now() - timezone.timedelta(days=3)
    with_files = factories.AnswerFactory(
        period=period, opd=opd, state=AnswerState.SUBMITTED, proposed_level=4, submitted_at=at
    )
    without = factories.AnswerFactory(
        period=period, opd=opd, state=AnswerState.VALIDATED, proposed_level=2
    )
    evidence(with_files, officer, 1)
    evidence(with_files, officer, 2)
    evidence(with_files, officer, 3, withdrawn=True)
    client.force_login(factories.role_in(instansi, Role.REVIEWER))

    address = reverse("review:queue") + "?state=all&sort=indicator"
    response = client.get(address)
    assert response.status_code == 200
    rows = {row.public_id: row for row in response.context["page"].object_list}
    assert rows[with_files.public_id].evidence_count == 2
    assert rows[without.public_id].evidence_count == 0
    assert rows[with_files.public_id].selectable
    assert not rows[without.public_id].selectable

    body = response.content.decode()
    detail = reverse("review:detail", kwargs={"public_id": with_files.public_id})
    assert f'href="{detail}?next={quote(address, safe="/").replace("&", "&amp;")}"' in body
    assert f"{with_files.indicator.code}. {with_files.indicator.name}" in body
    assert 'title="Dinas Kominfo">Diskominfo<' in body
    shown = date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")
    assert f"{shown} <span" in body and "3\xa0hari" in body
    assert f"Pilih indikator {with_files.indicator.code}" in body
