"""Reviewer decisions are conditional UPDATEs; they must still announce
post_save so that reports' index snapshots follow the validated levels
(found by the browser journey: the dashboard showed 'sedang dihitung')."""

import pytest
from django.db.models.signals import post_save
from django.utils import timezone

from assessments import review as reviewing
from assessments.models import Answer, AnswerState, ReturnReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def listener(sender, instance, update_fields, **kwargs):
        calls.append((instance.pk, set(update_fields)))

    post_save.connect(listener, sender=Answer, weak=False)
    yield calls
    post_save.disconnect(listener, sender=Answer)


@pytest.fixture
def submitted(officer_world):
    w = officer_world
    Answer.objects.filter(pk=w.answer.pk).update(
        state=AnswerState.SUBMITTED, proposed_level=3, submitted_at=timezone.now()
    )
    return Answer.objects.select_related("period__framework", "indicator", "opd").get(
        pk=w.answer.pk
    )


def test_accept_announces_the_validated_level(officer_world, submitted, heard):
    reviewing.answer_accept(answer=submitted, user=officer_world.reviewer)
    assert heard == [(submitted.pk, {"state", "validated_level"})]


def test_adjust_announces_the_validated_level(officer_world, submitted, heard):
    reviewing.answer_adjust(
        answer=submitted, user=officer_world.reviewer, level=2, justification="Belum direviu."
    )
    assert heard == [(submitted.pk, {"state", "validated_level"})]


def test_return_announces_the_state(officer_world, submitted, heard):
    reviewing.answer_return(
        answer=submitted,
        user=officer_world.reviewer,
        reason=ReturnReason.EVIDENCE_MISSING,
        comment="SK belum ada.",
    )
    assert len(heard) == 1 and "state" in heard[0][1]


def test_a_refused_decision_announces_nothing(officer_world, submitted, heard):
    stale = Answer.objects.select_related("period__framework", "indicator", "opd").get(
        pk=submitted.pk
    )
    reviewing.answer_accept(answer=submitted, user=officer_world.reviewer)
    heard.clear()
    with pytest.raises(reviewing.ReviewWrongState):
        reviewing.answer_accept(answer=stale, user=officer_world.reviewer)
    assert heard == []
