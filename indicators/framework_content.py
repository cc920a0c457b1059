"""What a framework version holds in the database, in one comparable shape,
built either from a checked file or from the stored rows. The loader uses it
to accept a reload of a frozen version whose file changed only where nothing
is stored (its maintainers' `notes`), and to refuse every other change."""

from __future__ import annotations

from indicators.framework_definition import FrameworkDefinition
from indicators.models import EvidenceCriterion, EvidenceItem, FrameworkVersion, LevelCriterion


def of_definition(d: FrameworkDefinition) -> dict:
    aspects = [
        (a.code, a.name, a.weight, a.domain or None, position)
        for position, a in enumerate(d.aspects, start=1)
    ]
    indicators, criteria, evidence_criteria, items = [], [], [], []
    placed = [(a.code, i) for a in d.aspects for i in a.indicators]
    for position, (aspect, i) in enumerate(placed, start=1):
        g = i.guideline
        indicators.append(
            (
                i.code,
                aspect,
                i.name,
                i.question,
                i.capability,
                i.weight,
                position,
                i.external.source if i.external else "",
                [format(b, "f") for b in i.external.upper_bounds] if i.external else [],
                g.description,
                g.assessment_rule,
                g.evidence_examples,
            )
        )
        for offset, text in enumerate(i.criteria):
            level = d.level_min + offset
            guide = g.levels[offset] if g.levels else None
            criteria.append((i.code, level, text, guide.fulfilment if guide else ""))
            for number, item in enumerate(guide.evidence_criteria if guide else (), start=1):
                evidence_criteria.append((f"{i.code}.{level}.{number}", number, item))
        items += [
            (i.code, n, e.level, e.text, e.kind, e.generic)
            for n, e in enumerate(i.evidence_items, start=1)
        ]
    return {
        "framework": (
            d.name,
            d.regulation,
            d.level_min,
            d.level_max,
            d.value_min,
            d.below_scale_label,
            d.predicate_reading,
            d.comparable_with,
        ),
        "level_names": {
            (c, lv, n) for c, names in d.level_names.items() for lv, n in names.items()
        },
        "bands": [(b.lower, b.label, b.inclusive) for b in d.bands],
        "domains": [(x.code, x.name, x.weight, p) for p, x in enumerate(d.domains, start=1)],
        "aspects": aspects,
        "indicators": indicators,
        "criteria": criteria,
        "evidence_criteria": evidence_criteria,
        "evidence_items": items,
    }


def of_framework(f: FrameworkVersion) -> dict:
    criteria = LevelCriterion.objects.filter(indicator__framework=f).order_by(
        "indicator__position", "level"
    )
    return {
        "framework": (
            f.name,
            f.regulation,
            f.level_min,
            f.level_max,
            f.value_min,
            f.below_scale_label,
            f.predicate_note,
            f.comparable_with,
        ),
        "level_names": set(f.level_names.values_list("capability", "level", "name")),
        "bands": [(b.lower_bound, b.label, b.lower_inclusive) for b in f.bands.all()],
        "domains": list(f.domains.values_list("code", "name", "weight", "position")),
        "aspects": list(
            f.aspects.order_by("position").values_list(
                "code", "name", "weight", "domain__code", "position"
            )
        ),
        "indicators": list(
            f.indicators.order_by("position").values_list(
                "code",
                "aspect__code",
                "name",
                "question",
                "capability",
                "weight",
                "position",
                "external_source",
                "external_upper_bounds",
                "description",
                "assessment_rule",
                "evidence_examples",
            )
        ),
        "criteria": list(criteria.values_list("indicator__code", "level", "text", "fulfilment")),
        "evidence_criteria": list(
            EvidenceCriterion.objects.filter(criterion__indicator__framework=f)
            .order_by("criterion__indicator__position", "criterion__level", "number")
            .values_list("key", "number", "text")
        ),
        "evidence_items": list(
            EvidenceItem.objects.filter(indicator__framework=f)
            .order_by("indicator__position", "position")
            .values_list("indicator__code", "position", "level", "text", "kind", "generic")
        ),
    }
