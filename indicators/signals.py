"""Keeps FrameworkVersion.revision, the key of to_spec()'s per-process
cache, in step with the rows the spec is built from: any save or delete of a
domain, aspect, indicator or band (the Django admin's included) raises it in
the same transaction."""

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from indicators.models import (
    Aspect,
    Domain,
    FrameworkVersion,
    Indicator,
    PredicateBand,
    forget_cached_spec,
)


def framework_revised(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the fixture brings its own revision
        return
    # F(): two edits at once both count, whatever revision each one read.
    FrameworkVersion.objects.filter(pk=instance.framework_id).update(revision=F("revision") + 1)
    forget_cached_spec(instance.framework_id)


for model in (Domain, Aspect, Indicator, PredicateBand):
    post_save.connect(framework_revised, sender=model, dispatch_uid=f"revised-{model.__name__}")
    post_delete.connect(framework_revised, sender=model, dispatch_uid=f"revised-d-{model.__name__}")
