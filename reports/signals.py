"""Reports listens to assessments instead of being called by it: the
dependency runs indicators <- assessments <- reports, never backwards."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from assessments.models import Answer
from reports.tasks import snapshot_schedule


@receiver(post_save, sender=Answer, dispatch_uid="reports.answer_saved")
@receiver(post_delete, sender=Answer, dispatch_uid="reports.answer_deleted")
def answer_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # fixture loading
    snapshot_schedule(period_id=instance.period_id)
