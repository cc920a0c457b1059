"""Evidence-item mode (Pemdi 2026), on top of the answer lifecycle.

Frameworks that define evidence items are answered item by item: the officer
attaches evidence to each item, the reviewer accepts or returns each item, and
the indicator's level follows from the berjenjang rule (indicators.berjenjang).
The level the officer's evidence would reach is kept as the proposed level; the
level the reviewer's decisions reach becomes the validated level when the
reviewer accepts the answer.

"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import lifecycle
from assessments.models import (
    Answer,
    EvidenceFile,
    EvidenceItemAnswer,
    ItemState,
)
from indicators import berjenjang
from indicators.framework_texts import texts_of
from indicators.models import EvidenceItem, EvidenceKind, FrameworkVersion
from spbe_portal.errors import Invalid

COMMENT_MAX = 5_000


# --- reading -------------------------------------------------------------------


def uses_items(framework: FrameworkVersion) -> bool:
    """True when the framework answers indicators item by item (from its
    texts cached per revision: no query once read)."""
    return texts_of(framework).uses_items


@dataclass
class ItemRow:
    item: EvidenceItem
    state: str  # effective state after the berjenjang rule
    stored: str
    comment: str
    files: list[EvidenceFile] = field(default_factory=list)
    blocking: bool = False
    # For the officer: blocks the next level by what evidence is attached.
    claim_blocking: bool = False

    @property
    def is_main(self) -> bool:
        return self.item.kind == EvidenceKind.MAIN

    @property
    def state_label(self) -> str:
        return ItemState(self.state).label


@dataclass
class LevelBlock:
    level: int
    name: str
    criterion: str
    rows: list[ItemRow]
    met: bool


@dataclass
class ItemsView:
    levels: list[LevelBlock]
    derived_level: int  # from the reviewer's decisions
    claimed_level: int  # what the attached evidence would reach
    blocking: list[ItemRow]
    next_level: int | None
    auto_rejected: int
    claim_blocking: list[ItemRow]
    claim_next_level: int | None


def _derive(rows: list[tuple[EvidenceItem, str]], framework) -> berjenjang.Derivation:
    return berjenjang.derive(
        (
            berjenjang.Item(key=item.pk, level=item.level, kind=item.kind, state=state)
            for item, state in rows
        ),
        level_max=framework.level_max,
        level_min=framework.level_min,
    )


def _claim(items, stored: dict[int, str], with_files: set[int], framework) -> int:
    return _claim_derivation(items, stored, with_files, framework).level


def _claim_derivation(items, stored, with_files, framework) -> berjenjang.Derivation:
    """What the officer's evidence reaches if every item that has evidence
    (and is not returned) were accepted."""
    rows = [
        (
            item,
            ItemState.ACCEPTED
            if item.pk in with_files and stored.get(item.pk) != ItemState.RETURNED
            else ItemState.PENDING,
        )
        for item in items
    ]
    return _derive(rows, framework)


def items_view(answer: Answer, *, files: list[EvidenceFile] | None = None) -> ItemsView:
    """Everything the officer and reviewer pages show about an answer's
    items, in three queries (items, states, files) plus the criteria."""
    framework = answer.period.framework
    indicator = answer.indicator
    items = list(
        EvidenceItem.objects.filter(indicator_id=indicator.pk).order_by("level", "position")
    )
    decided = {row.item_id: row for row in EvidenceItemAnswer.objects.filter(answer=answer)}
    if files is None:
        files = list(answer.evidence_files.filter(withdrawn_at__isnull=True))
    by_item: dict[int, list[EvidenceFile]] = {}
    for f in files:
        if f.withdrawn_at is None and f.item_id:
            by_item.setdefault(f.item_id, []).append(f)
    stored = {
        item.pk: decided[item.pk].state if item.pk in decided else ItemState.PENDING
        for item in items
    }
    derivation = _derive([(item, stored[item.pk]) for item in items], framework)
    claim = _claim_derivation(items, stored, set(by_item), framework)
    names = _level_names(framework, indicator.capability)
    criteria = {c.level: c.text for c in indicator.criteria.all()}
    rows_by_level: dict[int, list[ItemRow]] = {}
    blocking, claim_blocking = [], []
    for item in items:
        row = ItemRow(
            item=item,
            state=derivation.states[item.pk],
            stored=stored[item.pk],
            comment=decided[item.pk].comment if item.pk in decided else "",
            files=by_item.get(item.pk, []),
            blocking=item.pk in derivation.blocking,
            claim_blocking=item.pk in claim.blocking,
        )
        if row.blocking:
            blocking.append(row)
        if row.claim_blocking:
            claim_blocking.append(row)
        rows_by_level.setdefault(item.level, []).append(row)
    levels = [
        LevelBlock(
            level=level,
            name=names.get(level, ""),
            criterion=criteria.get(level, ""),
            rows=rows_by_level.get(level, []),
            met=level <= derivation.level,
        )
        for level in range(framework.level_min, framework.level_max + 1)
    ]
    return ItemsView(
        levels=levels,
        derived_level=derivation.level,
        claimed_level=claim.level,
        blocking=blocking,
        next_level=derivation.first_failing_level,
        auto_rejected=len(derivation.auto_rejected),
        claim_blocking=claim_blocking,
        claim_next_level=claim.first_failing_level,
    )


def _level_names(framework, capability) -> dict[int, str]:
    return dict(framework.level_names.filter(capability=capability).values_list("level", "name"))


def derived_level(answer: Answer) -> int:
    framework = answer.period.framework
    items = list(EvidenceItem.objects.filter(indicator_id=answer.indicator_id))
    stored = dict(EvidenceItemAnswer.objects.filter(answer=answer).values_list("item_id", "state"))
    return _derive([(i, stored.get(i.pk, ItemState.PENDING)) for i in items], framework).level


def claimed_level(answer: Answer) -> int:
    framework = answer.period.framework
    items = list(EvidenceItem.objects.filter(indicator_id=answer.indicator_id))
    stored = dict(EvidenceItemAnswer.objects.filter(answer=answer).values_list("item_id", "state"))
    with_files = set(
        EvidenceFile.objects.filter(
            answer=answer, withdrawn_at__isnull=True, item__isnull=False
        ).values_list("item_id", flat=True)
    )
    return _claim(items, stored, with_files, framework)


# --- officer -------------------------------------------------------------------


def item_of(answer: Answer, item_id) -> EvidenceItem:
    try:
        return EvidenceItem.objects.get(pk=int(item_id), indicator_id=answer.indicator_id)
    except (TypeError, ValueError, EvidenceItem.DoesNotExist):
        raise Invalid(_("Butir bukti tidak ditemukan pada indikator ini.")) from None


def claim_sync(*, answer: Answer, user) -> Answer:
    """Keep the proposed level equal to what the attached evidence reaches
    (after a file is attached to an item or withdrawn)."""
    current = lifecycle.fresh(answer)
    if current.state not in lifecycle.EDITABLE:
        return current
    return lifecycle.apply(
        "sync_items",
        current,
        user=user,
        reload=False,
        prepare=lambda fresh: {"proposed_level": claimed_level(fresh)},
        event={"comment": _("Tingkat usulan mengikuti butir bukti yang dilampiri (berjenjang).")},
    )


# --- reviewer ------------------------------------------------------------------


def item_decide(*, answer: Answer, user, item_id, decision: str, comment: str = "") -> ItemsView:
    """Accept or return one item of a submitted answer, then store what the
    berjenjang rule makes of the others (auto-rejected above a returned level,
    reopened once no lower level is returned). The answer's version moves on
    and the decision is one event of the lifecycle."""
    comment = (comment or "").strip()
    recorded: dict = {}

    def prepare(current: Answer) -> dict:
        if decision not in (ItemState.ACCEPTED, ItemState.RETURNED):
            raise Invalid(_("Keputusan butir tidak dikenal."), answer=current)
        if len(comment) > COMMENT_MAX:
            raise Invalid(_("Catatan terlalu panjang."), answer=current)
        if decision == ItemState.RETURNED and not comment:
            raise Invalid(_("Catatan wajib diisi saat mengembalikan butir."), answer=current)
        item = item_of(current, item_id)
        if decision == ItemState.ACCEPTED and not _has_evidence(current, item):
            raise Invalid(
                _("Butir tingkat %(level)s belum memiliki data dukung; butir tidak dapat diterima.")
                % {"level": item.level},
                answer=current,
            )
        row, _created = EvidenceItemAnswer.objects.get_or_create(answer=current, item=item)
        before = row.state
        row.state, row.comment, row.decided_by, row.decided_at = (
            decision,
            comment,
            user,
            timezone.now(),
        )
        row.save()
        _store_effective_states(current)
        recorded.update(
            field="evidence_item",
            value_before=f"{_('Tingkat')} {item.level}: {ItemState(before).label}",
            value_after=f"{_('Tingkat')} {item.level}: {ItemState(decision).label}",
            comment=comment or item.text[:300],
        )
        return {}

    with lifecycle.operation("decide_item"):
        current = lifecycle.apply("decide_item", answer, user=user, prepare=prepare, event=recorded)
    return items_view(current)


def _has_evidence(answer: Answer, item: EvidenceItem) -> bool:
    return EvidenceFile.objects.filter(answer=answer, item=item, withdrawn_at__isnull=True).exists()


def _store_effective_states(answer: Answer) -> None:
    items = list(EvidenceItem.objects.filter(indicator_id=answer.indicator_id))
    stored = dict(EvidenceItemAnswer.objects.filter(answer=answer).values_list("item_id", "state"))
    derivation = _derive(
        [(i, stored.get(i.pk, ItemState.PENDING)) for i in items], answer.period.framework
    )
    if derivation.auto_rejected:
        for item_id in derivation.auto_rejected:
            EvidenceItemAnswer.objects.update_or_create(
                answer=answer, item_id=item_id, defaults={"state": ItemState.AUTO_REJECTED}
            )
    if derivation.reopened:
        EvidenceItemAnswer.objects.filter(
            answer=answer, item_id__in=derivation.reopened, state=ItemState.AUTO_REJECTED
        ).update(state=ItemState.PENDING)
