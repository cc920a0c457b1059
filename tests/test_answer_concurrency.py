"""Parallel saves and submissions against PostgreSQL: exactly one wins per
version, the rest get conflicts; a submission racing the deadline is either
fully applied before it or refused after it."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from assessments import answering, errors, lifecycle
from assessments.models import Answer, AnswerEvent, AnswerState, EventKind
from spbe_portal.errors import Conflict
from tests.factories import AssignmentFactory, EvaluationPeriodFactory, OPDFactory, officer_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level concurrency needs PostgreSQL"
    ),
]

THREADS = 8


def run_in_threads(count, work):
    """Runs work(i) in `count` threads released at once; returns results by i
    (the return value or the exception raised)."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def target(i):
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def answer_and_officers():
    assignment = AssignmentFactory()
    lifecycle.answers_ensure(period=assignment.period)
    answer = Answer.objects.get(period=assignment.period)
    officers = [officer_of(assignment.responsible_opd) for _ in range(THREADS)]
    return answer, officers


def test_parallel_saves_exactly_one_wins_per_version(answer_and_officers):
    answer, officers = answer_and_officers

    def save(i):
        return answering.answer_save(
            answer=Answer.objects.get(pk=answer.pk),
            user=officers[i],
            level=1 + i % 5,
            explanation=f"Penjelasan dari petugas {i}",
            expected_version=1,
        )

    results = run_in_threads(THREADS, save)
    winners = [r for r in results if isinstance(r, Answer)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1, results
    assert len(conflicts) == THREADS - 1, results
    stored = Answer.objects.get(pk=answer.pk)
    assert stored.version == 2
    assert stored.explanation == winners[0].explanation
    # Every loser was shown the winner's version, so nothing is overwritten silently.
    assert all(c.current.version == 2 for c in conflicts)
    assert all(c.current.explanation == stored.explanation for c in conflicts)
    # One winner, one event (holding its level and explanation).
    assert AnswerEvent.objects.count() == 1


def test_repeated_rounds_each_have_one_winner(answer_and_officers):
    answer, officers = answer_and_officers
    for round_ in range(1, 4):

        def save(i, round_=round_):
            return answering.answer_save(
                answer=answer,
                user=officers[i],
                level=None,
                explanation=f"ronde {round_} petugas {i}",
                expected_version=round_,
            )

        results = run_in_threads(THREADS, save)
        assert sum(isinstance(r, Answer) for r in results) == 1, results
        assert Answer.objects.get(pk=answer.pk).version == round_ + 1
    assert AnswerEvent.objects.filter(field="explanation").count() == 3


def test_parallel_submit_and_save_never_half_apply(answer_and_officers):
    answer, officers = answer_and_officers
    answer = answering.answer_save(
        answer=answer, user=officers[0], level=3, explanation="FAKTA", expected_version=1
    )

    def act(i):
        if i % 2:
            return answering.answer_submit(answer=answer, user=officers[i], expected_version=2)
        return answering.answer_save(
            answer=answer, user=officers[i], level=4, explanation=f"ubah {i}", expected_version=2
        )

    results = run_in_threads(THREADS, act)
    assert sum(isinstance(r, Answer) for r in results) == 1, results
    assert all(isinstance(r, Answer | Conflict | errors.AnswerLocked) for r in results), results
    stored = Answer.objects.get(pk=answer.pk)
    assert stored.version == 3
    submitted = AnswerEvent.objects.filter(kind=EventKind.SUBMITTED).count()
    assert submitted == (1 if stored.state == AnswerState.SUBMITTED else 0)


def test_submissions_racing_the_deadline_are_all_or_nothing():
    period = EvaluationPeriodFactory()
    opd = OPDFactory(instansi=period.instansi)
    for _ in range(THREADS * 4):
        AssignmentFactory(period=period, responsible_opd=opd)
    lifecycle.answers_ensure(period=period)
    officer = officer_of(opd)
    answers = list(Answer.objects.filter(period=period))
    for answer in answers:
        answering.answer_save(
            answer=answer, user=officer, level=2, explanation="FAKTA", expected_version=1
        )

    # The deadline falls in the middle of the race (each thread spans ~0.6 s).
    period.fill_closes_at = timezone.now() + timedelta(seconds=0.3)
    period.save(update_fields=["fill_closes_at"])

    def submit_slowly(i):
        outcomes = []
        for answer in answers[i::THREADS]:
            time.sleep(0.15)
            try:
                answering.answer_submit(answer=answer, user=officer, expected_version=2)
                outcomes.append("ok")
            except errors.DeadlinePassed:
                outcomes.append("late")
        return outcomes

    results = run_in_threads(THREADS, submit_slowly)
    outcomes = [o for r in results for o in r]
    assert "ok" in outcomes and "late" in outcomes, outcomes
    period.refresh_from_db()
    for answer in Answer.objects.filter(period=period):
        events = AnswerEvent.objects.filter(answer=answer, kind=EventKind.SUBMITTED)
        if answer.state == AnswerState.SUBMITTED:
            assert answer.submitted_at < period.fill_closes_at
            assert answer.version == 3 and events.count() == 1
        else:
            assert answer.state == AnswerState.DRAFT
            assert answer.submitted_at is None
            assert answer.version == 2 and not events.exists()
