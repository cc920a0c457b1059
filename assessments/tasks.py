"""Background work of the assessment slice: notification e-mails and the
daily deadline reminders (run by Celery beat, see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import notifications
from assessments.models import (
    OPD,
    Answer,
    AnswerState,
    Assignment,
    EvaluationPeriod,
    Notification,
    PeriodState,
)

logger = logging.getLogger(__name__)

# Reminders go out when the fill window closes within this many days; the
# smallest threshold reached wins, so a late-opened period gets one notice.
REMINDER_THRESHOLDS = (1, 3)
UNSUBMITTED = (AnswerState.DRAFT, AnswerState.RETURNED)
SWEEP_GRACE = timedelta(minutes=10)
SWEEP_BATCH = 500


@shared_task(
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


@shared_task(soft_time_limit=120, time_limit=150)
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


def pending_indicators_by_opd(period: EvaluationPeriod) -> dict[int, set[int]]:
    """OPD id -> indicator ids it still has to submit: assigned indicators
    without a submitted or validated answer, plus its own drafts and returns."""
    done = Answer.objects.filter(
        period=period,
        indicator_id=OuterRef("indicator_id"),
        state__in=(AnswerState.SUBMITTED, AnswerState.VALIDATED),
    )
    pending: dict[int, set[int]] = {}
    for opd_id, indicator_id in (
        Assignment.objects.filter(period=period)
        .exclude(Exists(done))
        .values_list("responsible_opd_id", "indicator_id")
    ):
        pending.setdefault(opd_id, set()).add(indicator_id)
    for opd_id, indicator_id in Answer.objects.filter(
        period=period, state__in=UNSUBMITTED
    ).values_list("opd_id", "indicator_id"):
        pending.setdefault(opd_id, set()).add(indicator_id)
    return pending


@shared_task(soft_time_limit=240, time_limit=300)
def deadline_reminders_send() -> int:
    """Daily: remind officers of OPDs with unsubmitted answers that the fill
    window closes in 3 days or 1 day. Idempotent per period, OPD and
    threshold (the notification's dedupe key), so a second run sends nothing."""
    now = timezone.now()
    horizon = now + timedelta(days=max(REMINDER_THRESHOLDS))
    created = 0
    periods = EvaluationPeriod.objects.filter(
        state=PeriodState.OPEN, fill_closes_at__gt=now, fill_closes_at__lte=horizon
    )
    for period in periods:
        left = period.fill_closes_at - now
        days = min(t for t in REMINDER_THRESHOLDS if left <= timedelta(days=t))
        pending = pending_indicators_by_opd(period)
        opds = OPD.objects.in_bulk(list(pending))
        for opd_id, indicator_ids in sorted(pending.items()):
            with transaction.atomic():
                created += len(
                    notifications.deadline_reminder_notify(
                        period=period, opd=opds[opd_id], days=days, pending=len(indicator_ids)
                    )
                )
    logger.info("Deadline reminders: %s notifications created", created)
    return created


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=60,
    time_limit=90,
)
def password_reset_email_send(*, email: str, domain: str, use_https: bool) -> None:
    """Look up the accounts of a password reset request and mail them the
    link, after the response: the request's timing must not tell whether an
    address has an account. Takes the address, not a user; a retry sends a
    fresh link, and an earlier one stays valid until the password changes."""
    from django.contrib.auth.forms import PasswordResetForm

    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(domain_override=domain, use_https=use_https)
