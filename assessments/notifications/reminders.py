"""Deadline reminders: officers of OPDs with unsubmitted answers are told
when the fill window closes in 3 days or 1 day (Celery beat runs this daily)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from assessments.models import OPD, Answer, AnswerState, Assignment, EvaluationPeriod, PeriodState
from assessments.notifications import notices

logger = logging.getLogger(__name__)

# Reminders go out when the fill window closes within this many days; the
# smallest threshold reached wins, so a late-opened period gets one notice.
REMINDER_THRESHOLDS = (1, 3)
UNSUBMITTED = (AnswerState.DRAFT, AnswerState.RETURNED)


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


@shared_task(name="assessments.tasks.deadline_reminders_send", soft_time_limit=240, time_limit=300)
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
                    notices.deadline_reminder_notify(
                        period=period, opd=opds[opd_id], days=days, pending=len(indicator_ids)
                    )
                )
    logger.info("Deadline reminders: %s notifications created", created)
    return created
