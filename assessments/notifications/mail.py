"""Notification e-mails: each notification is mailed once, after the
transaction that created it commits; a periodic sweep sends those whose task
was lost while the broker was down."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Notification

SWEEP_GRACE = timedelta(minutes=10)
SWEEP_BATCH = 500


@shared_task(
    name="assessments.tasks.notification_emails_send",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def notification_emails_send(notification_ids: list[int]) -> int:
    """Send each notification's e-mail once; emailed_at marks it sent, so a
    retried or duplicated task does not mail twice."""
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update()
                .select_related("recipient")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if notification is None:
                continue
            if notification.recipient.email:
                body = notification.message
                if notification.link:
                    body += "\n\n" + _portal_url(notification.link)
                send_mail(
                    subject=_("[Portal SPBE] %(kind)s") % {"kind": notification.get_kind_display()},
                    message=body,
                    from_email=None,
                    recipient_list=[notification.recipient.email],
                )
                sent += 1
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
    return sent


@shared_task(
    name="assessments.tasks.notification_emails_sweep", soft_time_limit=120, time_limit=150
)
def notification_emails_sweep() -> int:
    """Send e-mails that were never sent: the task enqueued after commit is
    lost when the broker is down at that moment. Recent ones are left to it."""
    cutoff = timezone.now() - SWEEP_GRACE
    ids = list(
        Notification.objects.filter(emailed_at__isnull=True, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return notification_emails_send(ids) if ids else 0


def _portal_url(path: str) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    return f"{base}{path}" if base else path
