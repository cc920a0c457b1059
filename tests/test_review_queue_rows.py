"""The queue's rows, now prepared in Python from plain values: what each
shows is what the answer holds (evidence not withdrawn, the detail link that
leads back to the same queue, the submission time in the portal's zone)."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st

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


def period_with_opd(client, **opd_fields):
    """A period, an OPD of its instansi and the OPD's officer; the client
    signed in as the instansi's reviewer."""
    instansi = factories.InstansiFactory()
    period = factories.EvaluationPeriodFactory(instansi=instansi)
    opd = factories.OPDFactory(instansi=instansi, **opd_fields)
    client.force_login(factories.role_in(instansi, Role.REVIEWER))
    return period, opd, factories.officer_of(opd)


@pytest.mark.django_db
def test_rows_count_evidence_not_withdrawn_and_link_back_to_the_queue(client):
    period, opd, officer = period_with_opd(client, short_name="Diskominfo", name="Dinas Kominfo")
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


# The loop body review_queue.html had before QueueRow.html wrote the rows.
TEMPLATE_ROW = """{% load l10n %}<tr>
          <td>
            {% if row.selectable %}
            <input class="form-check-input" type="checkbox" name="selected"
                   value="{{ row.public_id }}:{{ row.version|unlocalize }}" id="sel-{{ row.public_id }}">
            <label class="visually-hidden" for="sel-{{ row.public_id }}">{{ row.select_label }}</label>
            {% endif %}
          </td>
          <td><a href="{{ row.url }}">{{ row.indicator }}</a></td>
          <td>{{ row.aspect_code }}</td>
          <td title="{{ row.opd_name }}">{{ row.opd_short_name }}</td>
          <td class="num">{{ row.proposed_level|default_if_none:"–" }}</td>
          <td class="num">{{ row.validated_level|default_if_none:"–" }}</td>
          <td class="num">{{ row.evidence_count }}</td>
          <td><span class="badge {{ row.badge }}">{{ row.state_label }}</span></td>
          <td>{{ row.submitted }}{% if row.waiting %} <span class="small text-muted">({{ row.waiting }})</span>{% endif %}</td>
        </tr>"""  # noqa: E501


@pytest.mark.django_db
def test_rows_are_written_as_the_template_wrote_them(client):
    from django.conf import settings
    from django.template import engines
    from django.utils import translation

    period, opd, officer = period_with_opd(client, short_name="D<&>", name='Dinas "Kominfo" & <b>')
    indicator = factories.IndicatorFactory(framework=period.framework, name="Kebijakan <i>&</i>")
    waiting = factories.AnswerFactory(
        period=period,
        opd=opd,
        indicator=indicator,
        state=AnswerState.SUBMITTED,
        proposed_level=4,
        submitted_at=timezone.now() - timezone.timedelta(days=2),
    )
    evidence(waiting, officer, 1)
    factories.AnswerFactory(period=period, opd=opd, state=AnswerState.VALIDATED, proposed_level=2)
    factories.AnswerFactory(period=period, opd=opd, state=AnswerState.DRAFT)

    for language in ("id", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(
            reverse("review:queue") + "?state=all&q=&sort=-waiting",
        )
        assert f'<html lang="{language}"' in response.content.decode()
        rows = response.context["page"].object_list
        assert len(rows) == 3 and any(row.selectable for row in rows)
        assert any(row.waiting for row in rows) and any(
            not row.submitted[0].isdigit() for row in rows
        )
        template = engines["django"].from_string(TEMPLATE_ROW)
        for row in rows:
            with translation.override(language):
                assert row.html == template.render({"row": row}), row
            assert row.html in response.content.decode()


@pytest.mark.django_db
def test_the_queue_reads_its_periods_once_and_the_framework_from_its_cache(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    period, opd, _officer = period_with_opd(client)
    factories.EvaluationPeriodFactory(instansi=period.instansi, year=period.year - 1)
    factories.AnswerFactory(period=period, opd=opd, state=AnswerState.SUBMITTED)
    for address in (reverse("review:queue"), reverse("review:queue") + f"?period={period.pk}"):
        client.get(address)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        # Session, user, memberships; the periods (framework and item mode
        # with them), the answers per period and state, the page of rows,
        # the OPD filter's options. The row count comes from the second.
        assert len(queries) == 7, [q["sql"][:80] for q in queries]
        sql = " ".join(q["sql"] for q in queries)
        assert sql.count('FROM "assessments_evaluationperiod"') == 1
        assert "indicators_domain" not in sql and 'indicators_aspect" WHERE' not in sql


@pytest.mark.django_db
def test_a_renamed_domain_or_aspect_and_new_evidence_items_show_in_the_queue_at_once(client):
    from indicators.models import Domain, EvidenceItem

    period, opd, _officer = period_with_opd(client)
    answer = factories.AnswerFactory(period=period, opd=opd, state=AnswerState.SUBMITTED)
    aspect = answer.indicator.aspect
    body = client.get(reverse("review:queue")).content.decode()
    assert f">{aspect.code} {aspect.name}</option>" in body
    assert 'name="domain"' not in body  # no domains: no domain filter
    assert 'name="selected"' in body and "item-mode-note" not in body

    aspect.name = "Aspek Berganti Nama"
    aspect.save()
    domain = Domain.objects.create(
        framework=period.framework, code="D9", name="Domain Baru", weight=100, position=1
    )
    body = client.get(reverse("review:queue")).content.decode()
    assert f">{aspect.code} Aspek Berganti Nama</option>" in body
    assert f'<option value="{domain.pk}">D9 Domain Baru</option>' in body

    # Evidence items are not part of the revision: item mode is read each time.
    EvidenceItem.objects.create(
        indicator=answer.indicator, level=1, text="SK", kind="main", position=1
    )
    body = client.get(reverse("review:queue")).content.decode()
    assert 'name="selected"' not in body and "item-mode-note" in body


@given(
    st.one_of(
        st.text(),
        st.integers(),
        st.text().map(mark_safe),
    )
)
def test_row_cells_are_escaped_as_conditional_escape_does(value):
    from assessments.views import markup

    assert markup.cell(value) == conditional_escape(value)
