"""On PostgreSQL the portal prepares the queries a page repeats
(spbe_portal/settings.py: server-side binding, DATABASE_PREPARED_STATEMENTS):
PostgreSQL then plans them once per connection instead of on every request."""

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_page_requested_twice_runs_its_queries_prepared(client, officer_world):
    client.force_login(officer_world.officer)
    url = reverse("assessments:answer_detail", args=[officer_world.answer.public_id])

    first = client.get(url)
    after_first = prepared_statements()
    second = client.get(url)
    after_second = prepared_statements()

    assert first.status_code == second.status_code == 200
    answer_queries = [sql for sql in after_second if 'FROM "assessments_answer"' in sql]
    assert answer_queries, after_second
    assert 'FROM "django_session"' in " ".join(after_second)
    # Prepared on the second execution (DATABASE_PREPARE_THRESHOLD=1), with
    # the values bound by the server, not written into the statement.
    assert len(after_second) > len(after_first)
    assert all("$1" in sql for sql in answer_queries)


def test_a_save_through_prepared_statements_is_stored(client, officer_world):
    from assessments.models import Answer

    client.force_login(officer_world.officer)
    url = reverse("assessments:answer_detail", args=[officer_world.answer.public_id])
    for level in (2, 3):
        answer = Answer.objects.get(pk=officer_world.answer.pk)
        response = client.post(
            url,
            {
                "level": str(level),
                "explanation": f"FAKTA: dokumen {level}. ANALISIS: memenuhi.",
                "version": str(answer.version),
            },
        )
        assert response.status_code == 302

    answer = Answer.objects.get(pk=officer_world.answer.pk)
    assert answer.proposed_level == 3
    assert answer.explanation == "FAKTA: dokumen 3. ANALISIS: memenuhi."
