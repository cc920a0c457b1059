"""The Pemdi "berjenjang" rule: an indicator's level follows from the review
state of its evidence items, level by level.

Pure, no ORM. An indicator reaches level n only when every main item of
levels 1..n is accepted and each of those levels has at least one main item;
the climb stops at the first level that fails, so a failing level 1 gives 0
("belum terindikasi"). Supporting items never count either way.

While a main item of some level is returned, the national application rejects
every item above that level automatically ("otomatis ditolak"). A level that is
only waiting for review does not trigger this: the reviewer may read ahead.
Once no lower level is returned, such items reopen for review.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum


class ItemState(StrEnum):
    ACCEPTED = "accepted"
    RETURNED = "returned"
    PENDING = "pending"
    AUTO_REJECTED = "auto_rejected"


class ItemKind(StrEnum):
    MAIN = "main"
    SUPPORTING = "supporting"


@dataclass(frozen=True)
class Item:
    """`state` is what is stored for the item. A stored AUTO_REJECTED that no
    longer sits above a returned level reopens as PENDING; a reviewer's own
    decision (accepted/returned) is kept as it is."""

    key: Hashable
    level: int
    kind: ItemKind | str
    state: ItemState | str


@dataclass(frozen=True)
class Derivation:
    level: int
    states: dict[Hashable, ItemState]
    auto_rejected: frozenset
    reopened: frozenset
    blocking: tuple
    first_failing_level: int | None
    first_returned_level: int | None


def derive(items: Iterable[Item], *, level_max: int, level_min: int = 1) -> Derivation:
    """Level, effective item states, and which main items block the next level.

    `blocking` lists, in input order, the main items of the first failing level
    that are not accepted; empty when that level has no main item at all (the
    framework data is then at fault) or the top level is reached."""
    items = list(items)
    for item in items:
        ItemKind(item.kind)
        ItemState(item.state)
        if not level_min <= item.level <= level_max:
            raise ValueError(
                f"butir {item.key!r}: tingkat {item.level} di luar {level_min}–{level_max}."
            )
    keys = [item.key for item in items]
    if len(set(keys)) != len(keys):
        raise ValueError("kunci butir harus unik.")

    main = [item for item in items if ItemKind(item.kind) is ItemKind.MAIN]
    returned_levels = [item.level for item in main if ItemState(item.state) is ItemState.RETURNED]
    first_returned = min(returned_levels, default=None)

    states: dict[Hashable, ItemState] = {}
    auto_rejected, reopened = set(), set()
    for item in items:
        stored = ItemState(item.state)
        if first_returned is not None and item.level > first_returned:
            states[item.key] = ItemState.AUTO_REJECTED
            auto_rejected.add(item.key)
        elif stored is ItemState.AUTO_REJECTED:
            states[item.key] = ItemState.PENDING
            reopened.add(item.key)
        else:
            states[item.key] = stored

    level = level_min - 1
    first_failing = None
    for candidate in range(level_min, level_max + 1):
        at_level = [item for item in main if item.level == candidate]
        if not at_level or any(states[i.key] is not ItemState.ACCEPTED for i in at_level):
            first_failing = candidate
            break
        level = candidate

    blocking = ()
    if first_failing is not None:
        blocking = tuple(
            item.key
            for item in main
            if item.level == first_failing and states[item.key] is not ItemState.ACCEPTED
        )
    return Derivation(
        level=level,
        states=states,
        auto_rejected=frozenset(auto_rejected),
        reopened=frozenset(reopened),
        blocking=blocking,
        first_failing_level=first_failing,
        first_returned_level=first_returned,
    )
