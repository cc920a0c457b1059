from dataclasses import dataclass, replace

from django.db import transaction
from django.utils.translation import gettext as _

from indicators import framework_content
from indicators.framework_definition import FrameworkDefinition
from indicators.framework_file import parse_framework_file, shipped_path
from indicators.models import (
    Aspect,
    Domain,
    EvidenceCriterion,
    EvidenceItem,
    FrameworkVersion,
    Indicator,
    LevelCriterion,
    LevelName,
    PredicateBand,
)


class FrameworkFrozen(Exception):
    """The version is referenced by evaluation data and may not change."""


class FrameworkNotComparable(Exception):
    """The file claims to measure what another version measures, but its
    structure, weights, capabilities, level names or bands differ."""


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
    if definition.comparable_with:
        _check_comparable(definition)
    existing = FrameworkVersion.objects.select_for_update().filter(code=definition.code).first()
    if existing is not None:
        if existing.source_sha256 == definition.sha256:
            return LoadOutcome(framework=existing, created=False, changed=False)
        if framework_content.of_framework(existing) == framework_content.of_definition(definition):
            # Only what is not stored changed (the maintainers' notes): keep
            # the rows, a frozen version included, and remember the new file.
            existing.source_sha256 = definition.sha256
            existing.save(update_fields=["source_sha256"])
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


def _shape(spec, capabilities, level_names):
    # Only what the index depends on and what a reader of the timeline sees
    # as the same scale; texts may differ between comparable versions.
    return replace(spec, code=""), capabilities, level_names


def _shape_of_definition(definition: FrameworkDefinition):
    return _shape(
        definition.to_spec(),
        {i.code: i.capability for i in definition.indicators},
        {(cap, lv): n for cap, names in definition.level_names.items() for lv, n in names.items()},
    )


def _comparison_target(code: str):
    """(shape, comparable_with) of the named version: loaded, else shipped."""
    target = FrameworkVersion.objects.filter(code=code).first()
    if target is not None:
        shape = _shape(
            target.to_spec(),
            dict(target.indicators.values_list("code", "capability")),
            {(name.capability, name.level): name.name for name in target.level_names.all()},
        )
        return shape, target.comparable_with
    if shipped_path(code).exists():
        other = parse_framework_file(shipped_path(code))
        return _shape_of_definition(other), other.comparable_with
    raise FrameworkNotComparable(_("Kerangka pembanding %(code)s tidak dikenal.") % {"code": code})


def _check_comparable(definition: FrameworkDefinition) -> None:
    code = definition.comparable_with
    shape, root = _comparison_target(code)
    if root:
        # An instrument is named by its first version, so that "same
        # instrument" is a plain equality, never a chain to follow.
        raise FrameworkNotComparable(
            _(
                "Kerangka %(other)s sendiri sebanding dengan %(root)s; tulis "
                "'comparable_with': \"%(root)s\"."
            )
            % {"other": code, "root": root}
        )
    if _shape_of_definition(definition) != shape:
        raise FrameworkNotComparable(
            _(
                "Kerangka %(code)s menyatakan sebanding dengan %(other)s, tetapi struktur, "
                "bobot, kapabilitas, nama tingkat atau rentang predikatnya berbeda."
            )
            % {"code": definition.code, "other": code}
        )


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
        comparable_with=definition.comparable_with,
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
    rows = {"criteria": [], "evidence_criteria": [], "evidence_items": []}
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
            _write_indicator(aspect, i, indicator_position, definition.level_min, rows)
    # PostgreSQL returns the new ids, so the evidence criteria can point at them.
    LevelCriterion.objects.bulk_create(rows["criteria"])
    EvidenceCriterion.objects.bulk_create(rows["evidence_criteria"])
    EvidenceItem.objects.bulk_create(rows["evidence_items"])
    return framework


def _write_indicator(aspect, i, position: int, level_min: int, rows: dict) -> None:
    """Creates the indicator; its criteria and items go to rows for bulk writing."""
    indicator = Indicator.objects.create(
        framework=aspect.framework,
        aspect=aspect,
        code=i.code,
        name=i.name,
        question=i.question,
        capability=i.capability,
        weight=i.weight,
        position=position,
        external_source=i.external.source if i.external else "",
        external_upper_bounds=(
            [format(bound, "f") for bound in i.external.upper_bounds] if i.external else []
        ),
        description=i.guideline.description,
        assessment_rule=i.guideline.assessment_rule,
        evidence_examples=i.guideline.evidence_examples,
    )
    guidance = i.guideline.levels
    for offset, text in enumerate(i.criteria):
        criterion = LevelCriterion(
            indicator=indicator,
            level=level_min + offset,
            text=text,
            fulfilment=guidance[offset].fulfilment if guidance else "",
        )
        rows["criteria"].append(criterion)
        rows["evidence_criteria"].extend(
            EvidenceCriterion(
                criterion=criterion,
                number=number,
                key=f"{i.code}.{criterion.level}.{number}",
                text=item,
            )
            for number, item in enumerate(
                guidance[offset].evidence_criteria if guidance else (), start=1
            )
        )
    rows["evidence_items"].extend(
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
