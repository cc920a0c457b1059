from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from indicators.framework_file import FrameworkDefinition
from indicators.models import (
    Aspect,
    Domain,
    EvidenceItem,
    FrameworkVersion,
    Indicator,
    LevelCriterion,
    LevelName,
    PredicateBand,
)


class FrameworkFrozen(Exception):
    """The version is referenced by evaluation data and may not change."""


@dataclass(frozen=True)
class LoadOutcome:
    framework: FrameworkVersion
    created: bool
    changed: bool


@transaction.atomic
def framework_load(*, definition: FrameworkDefinition) -> LoadOutcome:
    """Writes a checked definition. Unchanged content is a no-op, so loading
    twice changes nothing; changed content replaces the catalogue unless an
    evaluation period already uses it."""
    existing = FrameworkVersion.objects.select_for_update().filter(code=definition.code).first()
    if existing is not None:
        if existing.source_sha256 == definition.sha256:
            return LoadOutcome(framework=existing, created=False, changed=False)
        if existing.is_in_use():
            raise FrameworkFrozen(
                _(
                    "Kerangka %(code)s sudah dipakai oleh periode evaluasi dan tidak dapat "
                    "diubah. Terbitkan sebagai versi baru dengan kode lain."
                )
                % {"code": definition.code}
            )
        existing.delete()
    framework = _write(definition)
    return LoadOutcome(framework=framework, created=existing is None, changed=True)


def _write(definition: FrameworkDefinition) -> FrameworkVersion:
    framework = FrameworkVersion.objects.create(
        code=definition.code,
        name=definition.name,
        regulation=definition.regulation,
        level_min=definition.level_min,
        level_max=definition.level_max,
        value_min=definition.value_min,
        below_scale_label=definition.below_scale_label,
        predicate_note=definition.predicate_reading,
        source_sha256=definition.sha256,
    )
    LevelName.objects.bulk_create(
        LevelName(framework=framework, capability=capability, level=level, name=name)
        for capability, names in definition.level_names.items()
        for level, name in names.items()
    )
    PredicateBand.objects.bulk_create(
        PredicateBand(
            framework=framework,
            lower_bound=band.lower,
            lower_inclusive=band.inclusive,
            label=band.label,
        )
        for band in definition.bands
    )
    domains = {
        d.code: Domain.objects.create(
            framework=framework, code=d.code, name=d.name, weight=d.weight, position=position
        )
        for position, d in enumerate(definition.domains, start=1)
    }
    indicator_position = 0
    criteria = []
    evidence_items = []
    for position, a in enumerate(definition.aspects, start=1):
        aspect = Aspect.objects.create(
            framework=framework,
            domain=domains.get(a.domain) if a.domain else None,
            code=a.code,
            name=a.name,
            weight=a.weight,
            position=position,
        )
        for i in a.indicators:
            indicator_position += 1
            indicator = Indicator.objects.create(
                framework=framework,
                aspect=aspect,
                code=i.code,
                name=i.name,
                question=i.question,
                capability=i.capability,
                weight=i.weight,
                position=indicator_position,
                external_source=i.external.source if i.external else "",
                external_upper_bounds=(
                    [format(bound, "f") for bound in i.external.upper_bounds] if i.external else []
                ),
            )
            criteria.extend(
                LevelCriterion(indicator=indicator, level=level, text=text)
                for level, text in enumerate(i.criteria, start=definition.level_min)
            )
            evidence_items.extend(
                EvidenceItem(
                    indicator=indicator,
                    level=item.level,
                    text=item.text,
                    kind=item.kind,
                    generic=item.generic,
                    position=item_position,
                )
                for item_position, item in enumerate(i.evidence_items, start=1)
            )
    LevelCriterion.objects.bulk_create(criteria)
    EvidenceItem.objects.bulk_create(evidence_items)
    return framework
