"""Evidence-item mode (Pemdi 2026) and external indicators, on top of the
answer workflow in services.py and reviewing.py.

Frameworks that define evidence items are answered item by item: the officer
attaches evidence to each item, the reviewer accepts or returns each item, and
the indicator's level follows from the berjenjang rule (indicators.berjenjang).
The level the officer's evidence would reach is kept as the proposed level; the
level the reviewer's decisions reach becomes the validated level when the
reviewer accepts the answer.

External indicators (value from another agency's index) are not answered: an
administrator enters the value, and until then the indicator counts as the
lowest level and is flagged as waiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import access
from assessments.models import (
    Answer,
    AnswerEvent,
    AnswerState,
    EvaluationPeriod,
    EventKind,
    EvidenceFile,
    EvidenceItemAnswer,
    ExternalValue,
    ItemState,
)
from assessments.services import (
    EDITABLE_STATES,
    InvalidInput,
    NotAllowed,
    ServiceError,
    _announce,
    evidence_add,
)
from indicators import berjenjang, external
from indicators.models import EvidenceItem, EvidenceKind, FrameworkVersion, Indicator

COMMENT_MAX = 5_000


# --- reading -------------------------------------------------------------------


def uses_items(framework: FrameworkVersion) -> bool:
    """True when the framework answers indicators item by item (cached on
    the instance, so a page asks once)."""
    cached = getattr(framework, "_uses_items", None)
    if cached is None:
        cached = EvidenceItem.objects.filter(indicator__framework=framework).exists()
        framework._uses_items = cached
    return cached


def external_waiting_codes(period: EvaluationPeriod) -> list[str]:
    """Codes of the period's external indicators still without a value."""
    entered = ExternalValue.objects.filter(period=period).values("indicator_id")
    return list(
        Indicator.objects.filter(framework_id=period.framework_id)
        .exclude(external_source="")
        .exclude(pk__in=entered)
        .order_by("position")
        .values_list("code", flat=True)
    )


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


def _item_of(answer: Answer, item_id) -> EvidenceItem:
    try:
        return EvidenceItem.objects.get(pk=int(item_id), indicator_id=answer.indicator_id)
    except (TypeError, ValueError, EvidenceItem.DoesNotExist):
        raise InvalidInput(_("Butir bukti tidak ditemukan pada indikator ini.")) from None


def _sync_proposed(answer: Answer, user) -> Answer:
    """Keep the proposed level equal to what the attached evidence reaches."""
    current = Answer.objects.select_related("period__framework", "indicator").get(pk=answer.pk)
    level = claimed_level(current)
    if current.proposed_level == level or current.state not in EDITABLE_STATES:
        return current
    Answer.objects.filter(pk=current.pk).update(
        proposed_level=level,
        version=F("version") + 1,
        updated_at=timezone.now(),
        updated_by=user,
    )
    AnswerEvent.objects.create(
        answer=current,
        actor=user,
        kind=EventKind.SAVED,
        field="proposed_level",
        value_before="" if current.proposed_level is None else str(current.proposed_level),
        value_after=str(level),
        comment=_("Tingkat usulan mengikuti butir bukti yang dilampiri (berjenjang)."),
    )
    current.refresh_from_db()
    return _announce(current, "proposed_level")


@transaction.atomic
def item_evidence_add(*, answer: Answer, user, item_id, uploaded_file) -> EvidenceFile:
    """Attach a file to one evidence item. A returned item goes back to
    pending: the officer has answered the reviewer's note."""
    item = _item_of(answer, item_id)
    evidence = evidence_add(answer=answer, user=user, uploaded_file=uploaded_file)
    EvidenceFile.objects.filter(pk=evidence.pk).update(item=item)
    evidence.item = item
    EvidenceItemAnswer.objects.filter(answer=answer, item=item, state=ItemState.RETURNED).update(
        state=ItemState.PENDING
    )
    _sync_proposed(answer, user)
    return evidence


@transaction.atomic
def item_claim_sync(*, answer: Answer, user) -> Answer:
    """After a withdrawal: the proposed level may drop."""
    return _sync_proposed(answer, user)


# --- reviewer ------------------------------------------------------------------


@transaction.atomic
def item_decide(*, answer: Answer, user, item_id, decision: str, comment: str = "") -> ItemsView:
    """Accept or return one item of a submitted answer, then store what the
    berjenjang rule makes of the others (auto-rejected above a returned level,
    reopened once no lower level is returned)."""
    from assessments import review as reviewing

    current = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("period__framework", "indicator", "opd")
        .get(pk=answer.pk)
    )
    reviewing._check_can_decide(current, user)
    if decision not in (ItemState.ACCEPTED, ItemState.RETURNED):
        raise reviewing.ReviewInvalid(_("Keputusan butir tidak dikenal."), answer=current)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise reviewing.ReviewInvalid(_("Catatan terlalu panjang."), answer=current)
    if decision == ItemState.RETURNED and not comment:
        raise reviewing.ReviewInvalid(
            _("Catatan wajib diisi saat mengembalikan butir."), answer=current
        )
    item = _item_of(current, item_id)
    now = timezone.now()
    row, _created = EvidenceItemAnswer.objects.get_or_create(answer=current, item=item)
    before = row.state
    row.state, row.comment, row.decided_by, row.decided_at = decision, comment, user, now
    row.save()
    AnswerEvent.objects.create(
        answer=current,
        actor=user,
        kind=EventKind.ITEM_DECIDED,
        field="evidence_item",
        value_before=f"{_('Tingkat')} {item.level}: {ItemState(before).label}",
        value_after=f"{_('Tingkat')} {item.level}: {ItemState(decision).label}",
        comment=comment or item.text[:300],
    )
    _store_effective_states(current)
    return items_view(current)


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


# --- external indicators -------------------------------------------------------


def external_answers_prime(*, period: EvaluationPeriod) -> int:
    """Answers of external indicators that have no level yet count as the
    waiting level (1) on every basis but the final one, and are not for
    officers to edit. Idempotent; returns the number of answers primed."""
    level = external.WAITING_LEVEL
    return (
        Answer.objects.filter(
            period=period, proposed_level__isnull=True, validated_level__isnull=True
        )
        .exclude(indicator__external_source="")
        .update(
            proposed_level=level,
            validated_level=level,
            state=AnswerState.VALIDATED,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
    )


class ExternalRefused(ServiceError):
    pass


@transaction.atomic
def external_value_set(
    *,
    period: EvaluationPeriod,
    indicator: Indicator,
    user,
    value,
    source: str,
    measured_on: date,
) -> ExternalValue:
    """Record an external index value and set the indicator's level from the
    framework's thresholds (self and validated bases)."""
    if not access.can_administer(user, period.instansi_id):
        raise NotAllowed(_("Hanya administrator instansi yang dapat mencatat nilai eksternal."))
    if indicator.framework_id != period.framework_id or not indicator.is_external:
        raise ExternalRefused(_("Indikator ini tidak bernilai eksternal pada periode ini."))
    source = (source or "").strip()
    if not source or len(source) > 300:
        raise ExternalRefused(_("Sebutkan sumber nilai (maksimum 300 karakter)."))
    if measured_on is None:
        raise ExternalRefused(_("Isi tanggal nilai."))
    try:
        outcome = indicator.external_level(value)
    except external.ExternalScoreError as exc:
        raise ExternalRefused(
            _("Nilai %(value)s tidak dapat dipakai: %(why)s") % {"value": value, "why": exc}
        ) from None
    if outcome.waiting:
        raise ExternalRefused(_("Isi nilai indeks eksternal."))
    score = Decimal(outcome.score)
    if score != score.quantize(Decimal("0.0001")) or score >= Decimal("100000"):
        raise ExternalRefused(_("Nilai paling banyak empat angka di belakang koma."))
    record, _created = ExternalValue.objects.update_or_create(
        period=period,
        indicator=indicator,
        defaults={
            "value": score,
            "source": source,
            "measured_on": measured_on,
            "level": outcome.level,
            "entered_by": user,
            "entered_at": timezone.now(),
        },
    )
    answer = Answer.objects.filter(period=period, indicator=indicator).first()
    if answer is not None:
        before = answer.validated_level
        Answer.objects.filter(pk=answer.pk).update(
            proposed_level=outcome.level,
            validated_level=outcome.level,
            state=AnswerState.VALIDATED,
            version=F("version") + 1,
            updated_at=timezone.now(),
            updated_by=user,
        )
        AnswerEvent.objects.create(
            answer=answer,
            actor=user,
            kind=EventKind.EXTERNAL_SET,
            state_before=answer.state,
            state_after=AnswerState.VALIDATED,
            field="validated_level",
            value_before="" if before is None else str(before),
            value_after=str(outcome.level),
            comment=f"{indicator.get_external_source_display()}: {score} · {source} · "
            f"{measured_on.isoformat()}",
        )
        answer.refresh_from_db()
        _announce(answer, "proposed_level", "validated_level", "state")
    return record
