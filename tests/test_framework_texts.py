"""The framework's texts beside an answer (level names, level criteria,
evidence criteria, whether it has evidence items) are read once per process
and revision of the version (indicators.framework_texts, #16): the answer and
review pages ask no query for them, and an edit of any of them, the admin's
included, is on the next page."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.lifecycle import answers_ensure
from assessments.models import Answer, AnswerState, Role
from indicators.models import EvidenceCriterion, FrameworkVersion, LevelCriterion, LevelName
from tests.factories import (
    AssignmentFactory,
    EvaluationPeriodFactory,
    InstansiFactory,
    OPDFactory,
    officer_of,
    role_in,
)

pytestmark = pytest.mark.django_db

FRAMEWORK_TABLES = (
    "indicators_levelname",
    "indicators_levelcriterion",
    "indicators_evidencecriterion",
    "indicators_evidenceitem",
)


@pytest.fixture
def pages(db):
    """Indicator 1 of spbe-2024 (its guideline has evidence criteria),
    level 4 proposed; the officer's and the reviewer's page of its answer."""
    call_command("load_framework", "spbe-2024", verbosity=0)
    framework = FrameworkVersion.objects.get(code="spbe-2024")
    instansi = InstansiFactory(code="kaltim")
    period = EvaluationPeriodFactory(instansi=instansi, framework=framework, year=2025)
    opd = OPDFactory(instansi=instansi, short_name="Diskominfo")
    indicator = framework.indicators.get(code="1")
    AssignmentFactory(period=period, indicator=indicator, responsible_opd=opd)
    answers_ensure(period=period)
    Answer.objects.filter(period=period, indicator=indicator).update(proposed_level=4)
    answer = Answer.objects.get(period=period, indicator=indicator)
    return SimpleNamespace(
        framework=framework,
        indicator=indicator,
        answer=answer,
        officer=officer_of(opd),
        reviewer=role_in(instansi, Role.REVIEWER),
        officer_url=reverse("assessments:answer_detail", args=[answer.public_id]),
        review_url=reverse("review:detail", args=[answer.public_id]),
    )


def _page(client, user, url) -> tuple[str, list[str]]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


def _framework_queries(sql: list[str]) -> list[str]:
    return [q for q in sql if any(f'FROM "{table}"' in q for table in FRAMEWORK_TABLES)]


def test_a_page_reads_the_framework_texts_once_per_revision(client, pages):
    _page(client, pages.officer, pages.officer_url)
    _html, officer_sql = _page(client, pages.officer, pages.officer_url)
    assert _framework_queries(officer_sql) == []
    Answer.objects.filter(pk=pages.answer.pk).update(state=AnswerState.SUBMITTED)
    _html, review_sql = _page(client, pages.reviewer, pages.review_url)
    assert _framework_queries(review_sql) == []
    # Without a queue address the next waiting answer costs one query, not four.
    assert len([q for q in review_sql if 'FROM "assessments_answer"' in q]) == 3


def test_an_edited_level_criterion_and_level_name_show_on_both_pages(client, pages):
    _page(client, pages.officer, pages.officer_url)  # the texts are cached now
    criterion = LevelCriterion.objects.get(indicator=pages.indicator, level=4)
    criterion.text = "Kriteria tingkat empat yang baru ditulis ulang"
    criterion.save()
    name = LevelName.objects.get(
        framework=pages.framework, capability=pages.indicator.capability, level=4
    )
    name.name = "Sangat Terpadu Sekali"
    name.save()

    html, _sql = _page(client, pages.officer, pages.officer_url)
    assert "Kriteria tingkat empat yang baru ditulis ulang" in html
    assert "Sangat Terpadu Sekali" in html
    Answer.objects.filter(pk=pages.answer.pk).update(state=AnswerState.SUBMITTED)
    html, _sql = _page(client, pages.reviewer, pages.review_url)
    assert "Kriteria tingkat empat yang baru ditulis ulang" in html
    assert "Sangat Terpadu Sekali" in html

    criterion.delete()
    html, _sql = _page(client, pages.officer, pages.officer_url)
    assert "Kriteria tingkat empat yang baru ditulis ulang" not in html


def test_an_admin_edit_of_an_evidence_criterion_shows_on_the_answer_page(client, pages):
    html, _sql = _page(client, pages.officer, pages.officer_url)
    item = EvidenceCriterion.objects.get(key="1.4.1")
    assert item.text[:40] in html
    support = get_user_model().objects.create_superuser("support", "support@example.org", "x")
    client.force_login(support)
    url = reverse("admin:indicators_evidencecriterion_change", args=[item.pk])
    response = client.post(
        url,
        {
            "criterion": item.criterion_id,
            "number": item.number,
            "key": item.key,
            "text": "Dokumen arsitektur yang ditetapkan kepala daerah (teks baru)",
        },
    )
    assert response.status_code == 302

    html, _sql = _page(client, pages.officer, pages.officer_url)
    assert "Dokumen arsitektur yang ditetapkan kepala daerah (teks baru)" in html
    assert item.text[:40] not in html


def test_deleting_a_version_does_not_raise_its_revision_row_by_row(
    pages, django_assert_max_num_queries
):
    Answer.objects.filter(period__framework=pages.framework).delete()
    pages.answer.period.delete()
    framework = FrameworkVersion.objects.get(pk=pages.framework.pk)
    # Its hundreds of criteria go in a few queries per table, not two each.
    with django_assert_max_num_queries(60):
        framework.delete()
    assert not FrameworkVersion.objects.filter(pk=pages.framework.pk).exists()
