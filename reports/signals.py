"""Reports listens to assessments instead of being called by it: the
dependency runs indicators <- assessments <- reports, never backwards.

One domain signal, sent by assessments.lifecycle once per operation after the
commit, tells which periods' answers changed; each gets one (coalesced)
snapshot recomputation."""

from django.dispatch import receiver

from assessments.signals import answers_changed
from reports.tasks import snapshot_schedule


@receiver(answers_changed, dispatch_uid="reports.answers_changed")
def answers_changed_recompute(sender, period_ids, **kwargs):
    for period_id in sorted(period_ids):
        snapshot_schedule(period_id=period_id)
