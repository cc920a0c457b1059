"""Tagging evidence with the guideline's evidence criteria (Kriteria Bukti
Dukung, `indicators.EvidenceCriterion`), and the guideline as the answer and
review pages show it.

A tag says which numbered items of a level a file or link proves. It informs
the officer and the reviewer; it never computes a level and is not an answer
change, so it goes around the lifecycle: the evidence row records who tagged
it last and when (the audit), and the answer's state decides whether tags may
still change (as for adding evidence)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import access
from assessments.errors import AnswerLocked, DeadlinePassed
from assessments.lifecycle import EDITABLE
from assessments.models import Answer, EvidenceFile, EvidenceLink
from indicators.framework_texts import texts_of
from indicators.models import EvidenceCriterion, LevelCriterion
from spbe_portal.errors import Invalid, NotAllowed

KEY_SHAPE = re.compile(r"[0-9A-Za-z_.-]{1,50}")


def _criteria_of(answer: Answer, keys) -> list[EvidenceCriterion]:
    """The named evidence criteria, each of the answer's own indicator."""
    keys = {str(k).strip() for k in keys or () if str(k).strip()}
    # Only key-shaped values reach the database (a NUL byte would not even parse).
    asked = {k for k in keys if KEY_SHAPE.fullmatch(k)}
    found = list(
        EvidenceCriterion.objects.filter(criterion__indicator_id=answer.indicator_id, key__in=asked)
    )
    unknown = keys - {c.key for c in found}
    if unknown:
        raise Invalid(
            _("Kriteria bukti dukung tidak dikenal untuk indikator ini: %(keys)s.")
            % {"keys": ", ".join(sorted(k[:50] for k in unknown)[:10])}
        )
    return found


@transaction.atomic
def evidence_tag(*, evidence: EvidenceFile | EvidenceLink, user, keys) -> list[str]:
    """Replace the evidence criteria a file or link proves with `keys` (an
    empty list removes them all). Returns the keys now tagged, in order."""
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("period")
        .get(pk=evidence.answer_id)
    )
    if not access.can_add_evidence(user, answer):
        raise NotAllowed(_("Anda tidak berwenang mengubah data dukung jawaban ini."))
    if not answer.period.accepts_answers():
        raise DeadlinePassed()
    if answer.state not in EDITABLE:
        raise AnswerLocked()
    model = type(evidence)
    row = model.objects.select_for_update().get(pk=evidence.pk)
    if row.withdrawn_at is not None:
        raise Invalid(_("Data dukung yang sudah ditarik tidak dapat ditandai."))
    criteria = _criteria_of(answer, keys)
    row.criteria.set(criteria)
    row.tagged_by, row.tagged_at = user, timezone.now()
    row.save(update_fields=["tagged_by", "tagged_at"])
    evidence.tagged_by, evidence.tagged_at = row.tagged_by, row.tagged_at
    # The caller's object may hold its criteria prefetched: they are stale now.
    getattr(evidence, "_prefetched_objects_cache", {}).pop("criteria", None)
    return [c.key for c in sorted(criteria, key=lambda c: (c.criterion.level, c.number))]


# --- the guideline as the pages show it ----------------------------------------------


@dataclass
class ChecklistItem:
    criterion: EvidenceCriterion
    evidence: list = field(default_factory=list)  # files and links tagged with it

    @property
    def covered(self) -> bool:
        return bool(self.evidence)


@dataclass
class LevelGuide:
    level: int
    name: str
    text: str
    fulfilment: str
    items: list[ChecklistItem]
    chosen: bool


@dataclass
class Guideline:
    levels: list[LevelGuide]
    chosen: LevelGuide | None
    # The answer's live evidence with the criteria each is tagged with:
    # (kind "file" or "link", the row, [EvidenceCriterion]).
    evidence: list[tuple[str, object, list[EvidenceCriterion]]]

    @property
    def has_guidance(self) -> bool:
        return any(g.fulfilment or g.items for g in self.levels)

    @property
    def checklist(self) -> list[ChecklistItem]:
        return self.chosen.items if self.chosen else []

    @property
    def missing(self) -> list[ChecklistItem]:
        return [item for item in self.checklist if not item.covered]


def level_criteria(answer: Answer) -> list[LevelCriterion]:
    """The answer's indicator's level criteria with their evidence criteria,
    from the framework's texts cached per revision (no query once read):
    what `guideline` reads and what the answer and review pages list."""
    return texts_of(answer.period.framework).criteria_of(answer.indicator_id)


def guideline(
    answer: Answer,
    *,
    level: int | None,
    level_names: dict | None = None,
    criteria: list[LevelCriterion] | None = None,
) -> Guideline:
    """Every level of the answer's indicator with its criterion, fulfilment
    criteria and evidence criteria; `level` (the officer's choice) is open
    and its evidence criteria are the checklist, each with the live files and
    links tagged with it. A fixed number of queries (at most six), whatever
    the number of levels, items or evidence; none without a guideline."""
    names = level_names or {}
    if criteria is None:
        criteria = level_criteria(answer)
    if not any(c.fulfilment or c.evidence_criteria.all() for c in criteria):
        # No guideline for this framework (spbe-2020, Pemdi): nothing to show.
        return Guideline(levels=[], chosen=None, evidence=[])
    files = list(
        EvidenceFile.objects.filter(answer=answer, withdrawn_at__isnull=True)
        .prefetch_related("criteria__criterion")
        .order_by("uploaded_at", "id")
    )
    links = list(
        EvidenceLink.objects.filter(answer=answer, withdrawn_at__isnull=True)
        .prefetch_related("criteria__criterion")
        .order_by("added_at", "id")
    )
    tagged: dict[int, list] = {}
    evidence = []
    for kind, rows in (("file", files), ("link", links)):
        for row in rows:
            own = sorted(row.criteria.all(), key=lambda c: (c.criterion.level, c.number))
            for c in own:
                tagged.setdefault(c.pk, []).append(row)
            evidence.append((kind, row, own))
    levels = [
        LevelGuide(
            level=c.level,
            name=names.get(c.level, ""),
            text=c.text,
            fulfilment=c.fulfilment,
            items=[ChecklistItem(e, tagged.get(e.pk, [])) for e in c.evidence_criteria.all()],
            chosen=c.level == level,
        )
        for c in criteria
    ]
    chosen = next((g for g in levels if g.chosen), None)
    return Guideline(levels=levels, chosen=chosen, evidence=evidence)
