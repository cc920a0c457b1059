"""The texts a framework version shows beside one indicator's answer (level
names, level criteria with their evidence criteria) and whether it is
answered item by item: read once per process and revision of the version
(`FrameworkVersion.per_revision`), since they change only when the framework
does and every save or delete of these rows raises the revision
(indicators/signals.py). The answer and review pages read them on every
request; this way they cost no query there.

The cached criteria are model instances shared by every request of the
process: read them, never change them."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.models import EvidenceItem, FrameworkVersion, LevelCriterion


@dataclass(frozen=True)
class FrameworkTexts:
    # capability -> level -> name
    level_names: dict[str, dict[int, str]]
    # indicator id -> its level criteria by level, evidence criteria prefetched
    criteria: dict[int, tuple[LevelCriterion, ...]]
    uses_items: bool

    def names_for(self, capability: str) -> dict[int, str]:
        """A copy: the caller may add to it without touching the cache."""
        return dict(self.level_names.get(capability, {}))

    def criteria_of(self, indicator_id: int) -> list[LevelCriterion]:
        return list(self.criteria.get(indicator_id, ()))


def texts_of(framework: FrameworkVersion) -> FrameworkTexts:
    """The version's texts, read (four queries) once per process and revision."""
    return framework.per_revision("texts", lambda: _read(framework))


def _read(framework: FrameworkVersion) -> FrameworkTexts:
    names: dict[str, dict[int, str]] = {}
    for capability, level, name in framework.level_names.values_list("capability", "level", "name"):
        names.setdefault(capability, {})[level] = name
    criteria: dict[int, list[LevelCriterion]] = {}
    rows = (
        LevelCriterion.objects.filter(indicator__framework=framework)
        .prefetch_related("evidence_criteria")
        .order_by("indicator_id", "level")
    )
    for criterion in rows:
        criteria.setdefault(criterion.indicator_id, []).append(criterion)
    return FrameworkTexts(
        level_names=names,
        criteria={pk: tuple(rows) for pk, rows in criteria.items()},
        uses_items=EvidenceItem.objects.filter(indicator__framework=framework).exists(),
    )
