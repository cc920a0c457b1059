"""Deadline reminders from cron, for deployments that run no Celery beat:

    0 7 * * *  cd /app && python manage.py send_deadline_reminders

Runs the same function as beat's daily task, in this process. It is safe to
run more than once a day: each reminder is kept per period, OPD and threshold
(3 days, 1 day), so a repeated run creates and sends nothing new.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessments.tasks import deadline_reminders_send


class Command(BaseCommand):
    help = "Send deadline reminders to OPDs with unsubmitted answers (idempotent per day)."

    def handle(self, *args, **options):
        created = deadline_reminders_send()
        self.stdout.write(
            self.style.SUCCESS(
                _("Pengingat tenggat: %(count)s notifikasi baru dibuat.") % {"count": created}
            )
        )
