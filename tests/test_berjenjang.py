"""The berjenjang rule (indicators/berjenjang.py): level from per-item review
states, automatic rejection above a returned level, and what blocks the next
level. Pure; no database."""

import pytest

from indicators.berjenjang import Item, ItemState, derive

ACCEPTED, RETURNED, PENDING, AUTO = (
    ItemState.ACCEPTED,
    ItemState.RETURNED,
    ItemState.PENDING,
    ItemState.AUTO_REJECTED,
)


def ladder(*states, top=5):
    """One main item per level 1..top, in the given states (missing levels pending)."""
    padded = list(states) + [PENDING] * (top - len(states))
    return [
        Item(key=f"L{level}", level=level, kind="main", state=state)
        for level, state in enumerate(padded, start=1)
    ]


def test_levels_1_and_2_accepted_and_3_missing_gives_2():
    result = derive(ladder(ACCEPTED, ACCEPTED), level_max=5)

    assert result.level == 2
    assert result.first_failing_level == 3
    assert result.blocking == ("L3",)
    assert result.auto_rejected == frozenset()


def test_level_1_missing_and_2_accepted_gives_0():
    result = derive(ladder(PENDING, ACCEPTED), level_max=5)

    assert result.level == 0
    assert result.first_failing_level == 1
    assert result.blocking == ("L1",)
    # Pending is not a rejection: the reviewer may read ahead.
    assert result.states["L2"] is ACCEPTED


def test_all_levels_accepted_gives_the_top_and_blocks_nothing():
    result = derive(ladder(*[ACCEPTED] * 5), level_max=5)

    assert result.level == 5
    assert result.first_failing_level is None
    assert result.blocking == ()


def test_no_items_at_all_gives_0():
    result = derive([], level_max=5)
    assert result.level == 0
    assert result.blocking == ()
    assert result.first_failing_level == 1


def test_a_level_without_main_items_stops_the_climb():
    items = [
        Item("a", 1, "main", ACCEPTED),
        Item("b", 2, "supporting", ACCEPTED),
        Item("c", 3, "main", ACCEPTED),
    ]
    result = derive(items, level_max=5)
    assert result.level == 1
    assert result.first_failing_level == 2
    assert result.blocking == ()


def test_every_main_item_of_a_level_must_be_accepted():
    items = [
        Item("1a", 1, "main", ACCEPTED),
        Item("4a", 2, "main", ACCEPTED),
        Item("4b", 2, "main", PENDING),
        Item("4c", 2, "main", ACCEPTED),
    ]
    result = derive(items, level_max=2)
    assert result.level == 1
    assert result.blocking == ("4b",)


@pytest.mark.parametrize("state", [RETURNED, PENDING, AUTO])
def test_a_supporting_item_never_blocks(state):
    items = [
        *ladder(ACCEPTED, ACCEPTED, ACCEPTED),
        Item("s1", 1, "supporting", state),
        Item("s3", 3, "supporting", state),
        Item("s4", 4, "supporting", state),
    ]
    result = derive(items, level_max=5)

    assert result.level == 3
    assert result.blocking == ("L4",)
    assert "s4" not in result.blocking
    # A returned supporting item does not reject anything above it either.
    assert result.states["L3"] is ACCEPTED
    assert result.auto_rejected == frozenset()


def test_items_above_a_returned_level_are_rejected_automatically():
    items = [*ladder(ACCEPTED, RETURNED, ACCEPTED, PENDING), Item("s5", 5, "supporting", PENDING)]

    result = derive(items, level_max=5)

    assert result.level == 1
    assert result.first_returned_level == 2
    assert result.blocking == ("L2",)
    assert result.auto_rejected == {"L3", "L4", "L5", "s5"}
    assert result.states["L3"] is AUTO
    # The returned item itself and the levels below keep the reviewer's decision.
    assert result.states["L2"] is RETURNED
    assert result.states["L1"] is ACCEPTED


def test_the_lowest_returned_level_decides():
    result = derive(ladder(RETURNED, ACCEPTED, RETURNED), level_max=5)
    assert result.level == 0
    assert result.first_returned_level == 1
    assert result.auto_rejected == {"L2", "L3", "L4", "L5"}


def test_auto_rejected_items_reopen_when_the_lower_level_is_accepted():
    # Round 1: level 1 returned, so 2 and 3 are rejected automatically.
    first = derive(ladder(RETURNED, ACCEPTED, ACCEPTED, top=3), level_max=3)
    assert first.level == 0
    assert first.auto_rejected == {"L2", "L3"}

    # What a store would keep after round 1, then the reviewer accepts level 1.
    stored = [
        Item(key, level, "main", first.states[key])
        for key, level in (("L1", 1), ("L2", 2), ("L3", 3))
    ]
    stored[0] = Item("L1", 1, "main", ACCEPTED)
    second = derive(stored, level_max=3)

    assert second.auto_rejected == frozenset()
    assert second.reopened == {"L2", "L3"}
    assert second.states["L2"] is PENDING and second.states["L3"] is PENDING
    assert second.level == 1
    assert second.blocking == ("L2",)


def test_a_reviewers_own_decision_survives_a_temporary_rejection():
    # A store that keeps the reviewer's decision apart from the automatic flag
    # passes the decision: it counts again as soon as the lower level passes.
    held = derive(ladder(RETURNED, ACCEPTED, top=2), level_max=2)
    assert held.states["L2"] is AUTO

    released = derive(ladder(ACCEPTED, ACCEPTED, top=2), level_max=2)
    assert released.level == 2
    assert released.reopened == frozenset()


def test_states_and_kinds_may_be_plain_strings():
    items = [Item("a", 1, "main", "accepted"), Item("b", 2, "main", "returned")]
    result = derive(items, level_max=2)
    assert result.level == 1
    assert result.states == {"a": ACCEPTED, "b": RETURNED}


@pytest.mark.parametrize(
    "items",
    [
        [Item("a", 6, "main", ACCEPTED)],
        [Item("a", 0, "main", ACCEPTED)],
        [Item("a", 1, "extra", ACCEPTED)],
        [Item("a", 1, "main", "maybe")],
        [Item("a", 1, "main", ACCEPTED), Item("a", 2, "main", ACCEPTED)],
    ],
    ids=["above", "below", "kind", "state", "duplicate-key"],
)
def test_malformed_items_are_refused(items):
    with pytest.raises(ValueError):
        derive(items, level_max=5)
