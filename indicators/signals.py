"""Keeps FrameworkVersion.revision, the key of the per-process caches of a
version's rows (to_spec(), outline(), indicators.framework_texts), in step
with those rows: any save or delete of a domain, aspect, indicator, band,
level name, level criterion, evidence criterion or evidence item (the Django
admin's included) raises it in the same transaction."""

from django.db.models import F
from django.db.models.signals import post_delete, post_save

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
    forget_cached_spec,
)


def _framework_ids(instance) -> list[int]:
    """The version a row belongs to; rows below an indicator name it only
    through their indicator (which a cascade may already have deleted: its
    own signal then raised the revision)."""
    if isinstance(instance, EvidenceCriterion):
        versions = FrameworkVersion.objects.filter(indicators__criteria=instance.criterion_id)
    elif isinstance(instance, LevelCriterion | EvidenceItem):
        versions = FrameworkVersion.objects.filter(indicators=instance.indicator_id)
    else:
        return [instance.framework_id]
    return list(versions.values_list("pk", flat=True))


def framework_revised(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the fixture brings its own revision
        return
    origin = kwargs.get("origin")
    if isinstance(origin, FrameworkVersion):
        # The whole version is being deleted: nothing to raise, and a query
        # per deleted row (a thousand evidence criteria) would make it slow.
        forget_cached_spec(origin.pk)
        return
    for framework_id in _framework_ids(instance):
        # F(): two edits at once both count, whatever revision each one read.
        FrameworkVersion.objects.filter(pk=framework_id).update(revision=F("revision") + 1)
        forget_cached_spec(framework_id)


for model in (
    Domain,
    Aspect,
    Indicator,
    PredicateBand,
    LevelName,
    LevelCriterion,
    EvidenceCriterion,
    EvidenceItem,
):
    post_save.connect(framework_revised, sender=model, dispatch_uid=f"revised-{model.__name__}")
    post_delete.connect(framework_revised, sender=model, dispatch_uid=f"revised-d-{model.__name__}")
