"""Reviewer decisions announce themselves once, through the lifecycle's
answers_changed signal after the commit, so that reports' index snapshots
follow the validated levels (found by the browser journey: the dashboard
showed 'sedang dihitung')."""

import pytest
from django.utils import timezone

from assessments import review as reviewing
from assessments.models import Answer, AnswerState, ReturnReason
from assessments.signals import answers_changed
from spbe_portal.errors import WrongState

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def listener(sender, period_ids, answer_ids, action, **kwargs):
        calls.append((set(answer_ids), action))

    answers_changed.connect(listener, weak=False)
    yield calls
    answers_changed.disconnect(listener)


@pytest.fixture
def submitted(officer_world):
    w = officer_world
    Answer.objects.filter(pk=w.answer.pk).update(
        state=AnswerState.SUBMITTED, proposed_level=3, submitted_at=timezone.now()
    )
    return Answer.objects.select_related("period__framework", "indicator", "opd").get(
        pk=w.answer.pk
    )


def test_accept_announces_the_validated_level(
    officer_world, submitted, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reviewing.answer_accept(answer=submitted, user=officer_world.reviewer)
    assert heard == [({submitted.pk}, "accept")]


def test_adjust_announces_the_validated_level(
    officer_world, submitted, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reviewing.answer_adjust(
            answer=submitted, user=officer_world.reviewer, level=2, justification="Belum direviu."
        )
    assert heard == [({submitted.pk}, "adjust")]


def test_return_announces_the_state(
    officer_world, submitted, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reviewing.answer_return(
            answer=submitted,
            user=officer_world.reviewer,
            reason=ReturnReason.EVIDENCE_MISSING,
            comment="SK belum ada.",
        )
    assert heard == [({submitted.pk}, "return")]


def test_a_refused_decision_announces_nothing(
    officer_world, submitted, heard, django_capture_on_commit_callbacks
):
    stale = Answer.objects.select_related("period__framework", "indicator", "opd").get(
        pk=submitted.pk
    )
    reviewing.answer_accept(answer=submitted, user=officer_world.reviewer)
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(WrongState):
        reviewing.answer_accept(answer=stale, user=officer_world.reviewer)
    assert heard == []
