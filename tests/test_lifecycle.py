"""The answer lifecycle: every (state, action, role) combination.

The expectations below are the rules as the regulation and the portal's users
know them, written out independently of assessments.lifecycle's own table: a
refused combination changes nothing (same version, no event, no signal); an
allowed one bumps the version once, writes exactly one AnswerEvent and sends
exactly one answers_changed signal after the commit."""

import pytest

from assessments import lifecycle
from assessments.models import Answer, AnswerEvent, AnswerState, PeriodState, Role
from assessments.signals import answers_changed
from spbe_portal.errors import Conflict, DomainError
from tests.factories import role_in

pytestmark = pytest.mark.django_db

DRAFT, SUBMITTED, RETURNED, VALIDATED = (
    AnswerState.DRAFT,
    AnswerState.SUBMITTED,
    AnswerState.RETURNED,
    AnswerState.VALIDATED,
)
ALL = {DRAFT, SUBMITTED, RETURNED, VALIDATED}
ROLES = ("officer", "outsider", "reviewer", "administrator", "leadership", "operator")

# action: (from states, to state or None, roles that may)
RULES = {
    "save": ({DRAFT, RETURNED}, None, {"officer"}),
    "submit": ({DRAFT, RETURNED}, SUBMITTED, {"officer"}),
    "withdraw": ({SUBMITTED}, DRAFT, {"officer"}),
    "sync_items": ({DRAFT, RETURNED}, None, {"officer"}),
    "accept": ({SUBMITTED}, VALIDATED, {"reviewer"}),
    "adjust": ({SUBMITTED}, VALIDATED, {"reviewer"}),
    "return": ({SUBMITTED}, RETURNED, {"reviewer"}),
    "decide_item": ({SUBMITTED}, None, {"reviewer"}),
    "reopen": ({VALIDATED}, SUBMITTED, {"reviewer", "administrator"}),
    "set_final": (ALL, None, {"administrator", "operator"}),
    "import": (ALL, None, {"administrator", "operator"}),
    "copy_previous": ({DRAFT}, None, {"administrator", "operator"}),
    "reassign": (ALL, None, {"administrator", "operator"}),
    "set_external": (ALL, VALIDATED, {"administrator"}),
    "prime_external": (ALL, VALIDATED, {"operator"}),
}


def test_the_rules_cover_every_transition():
    assert set(RULES) == set(lifecycle.TRANSITIONS)


@pytest.fixture
def world(officer_world):
    w = officer_world
    w.people = {
        "officer": w.officer,
        "outsider": w.outsider,
        "reviewer": w.reviewer,
        "administrator": role_in(w.period.instansi, Role.ADMINISTRATOR),
        "leadership": role_in(w.period.instansi, Role.LEADERSHIP),
        "operator": None,
    }
    return w


def _values(action, world):
    """Values that differ from the prepared answer (levels 2, explanation 'x')."""
    return {
        "save": {"proposed_level": 3, "explanation": "FAKTA baru"},
        "sync_items": {"proposed_level": 4},
        "accept": {"validated_level": 2},
        "adjust": {"validated_level": 3},
        "reopen": {"validated_level": None},
        "set_final": {"final_level": 4},
        "import": {"final_level": 5},
        "copy_previous": {"proposed_level": 1, "explanation": "tahun lalu"},
        "reassign": {"opd": world.other_opd},
        "set_external": {"validated_level": 5, "proposed_level": 5},
        "prime_external": {"validated_level": 1, "proposed_level": 1},
    }.get(action, {})


def _prepare_answer(world, state, action):
    period_state = PeriodState.CLOSED if action == "set_final" else PeriodState.OPEN
    type(world.period).objects.filter(pk=world.period.pk).update(state=period_state)
    Answer.objects.filter(pk=world.answer.pk).update(
        state=state,
        proposed_level=2,
        validated_level=2 if state == VALIDATED else None,
        final_level=None,
        explanation="x",
        opd=world.opd,
        version=7,
    )
    AnswerEvent.objects.all().delete()
    return Answer.objects.get(pk=world.answer.pk)


@pytest.mark.parametrize("action", sorted(RULES))
def test_every_state_and_role(action, world, django_capture_on_commit_callbacks):
    sources, target, roles = RULES[action]
    heard = []

    def listener(sender, period_ids, answer_ids, action, **kwargs):
        heard.append((action, set(answer_ids)))

    answers_changed.connect(listener, weak=False)
    try:
        for state in sorted(ALL):
            for role in ROLES:
                heard.clear()
                before = _prepare_answer(world, state, action)
                allowed = state in sources and role in roles
                outcome = returned = None
                with django_capture_on_commit_callbacks(execute=True):
                    try:
                        returned = lifecycle.apply(
                            action,
                            before,
                            user=world.people[role],
                            expected_version=7,
                            prepare=lambda _c: dict(_values(action, world)),
                        )
                    except DomainError as refusal:
                        outcome = refusal
                after = Answer.objects.get(pk=before.pk)
                case = (action, state, role)
                if allowed:
                    assert outcome is None, (case, outcome)
                    assert after.version == 8, case
                    assert after.state == (target or state), case
                    assert AnswerEvent.objects.filter(answer=after).count() == 1, case
                    assert heard == [(action, {after.pk})], case
                    for name, value in _values(action, world).items():
                        assert getattr(after, name) == value, (case, name)
                    # apply returns the written row without reading it back:
                    # it must be the stored row, field by field.
                    for field in Answer._meta.concrete_fields:
                        stored = getattr(after, field.attname)
                        assert getattr(returned, field.attname) == stored, (case, field.name)
                    assert returned.opd == after.opd, case
                else:
                    assert isinstance(outcome, DomainError), case
                    assert (after.version, after.state) == (7, state), case
                    assert (after.proposed_level, after.explanation) == (2, "x"), case
                    assert not AnswerEvent.objects.exists(), case
                    assert heard == [], case
    finally:
        answers_changed.disconnect(listener)


def test_a_stale_version_is_a_conflict_and_changes_nothing(world):
    answer = _prepare_answer(world, DRAFT, "save")
    with pytest.raises(Conflict) as refused:
        lifecycle.apply(
            "save",
            answer,
            user=world.officer,
            expected_version=6,
            prepare=lambda _c: {"explanation": "basi"},
        )
    assert refused.value.current.version == 7
    assert Answer.objects.get(pk=answer.pk).explanation == "x"
    assert not AnswerEvent.objects.exists()


def test_a_bulk_operation_is_one_signal(world, django_capture_on_commit_callbacks):
    answer = _prepare_answer(world, SUBMITTED, "accept")
    heard = []

    def listener(sender, period_ids, answer_ids, action, **kwargs):
        heard.append(action)

    answers_changed.connect(listener, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True), lifecycle.operation("accept"):
            lifecycle.apply(
                "accept",
                answer,
                user=world.reviewer,
                prepare=lambda _c: {"validated_level": 2},
            )
            lifecycle.apply(
                "reopen",
                answer,
                user=world.reviewer,
                prepare=lambda _c: {"validated_level": None},
            )
    finally:
        answers_changed.disconnect(listener)
    assert heard == ["accept"]
    assert AnswerEvent.objects.filter(answer=answer).count() == 2
