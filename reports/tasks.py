"""Background recomputation of index snapshots.

Answers change in bursts (an officer saving a form fifty times, a reviewer
validating a page of answers), so recomputation is coalesced: the first
change in a window schedules one run at the end of the window, and later
changes inside the window ride along with it.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, transaction

from assessments.models import EvaluationPeriod
from reports.snapshots import BASES, snapshot_compute

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


def coalesce_seconds() -> int:
    return int(getattr(settings, "SNAPSHOT_COALESCE_SECONDS", 60))


@shared_task(
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def snapshot_recompute(period_id: int, basis: str | None = None) -> dict[str, bool]:
    """Recomputes one basis, or all of them when `basis` is None. Safe to run
    twice: an unchanged input hash writes nothing."""
    if not EvaluationPeriod.objects.filter(pk=period_id).exists():
        # Deleted since it was queued: nothing to do, and nothing to retry.
        logger.info("Snapshot recompute skipped: period %s no longer exists", period_id)
        return {}
    bases = BASES if basis is None else (basis,)
    return {b: snapshot_compute(period_id=period_id, basis=b).changed for b in bases}


def runs_in_process() -> bool:
    return bool(snapshot_recompute.app.conf.task_always_eager)


def schedule_key(period_id: int) -> str:
    return f"reports:snapshot-scheduled:{period_id}"


def snapshot_schedule(*, period_id: int) -> None:
    """Asks for one recomputation of the period's snapshots after the
    current transaction commits, at most once per window."""
    # robust: whatever goes wrong here is logged, never raised into the
    # request that saved the answer (its data is committed by then).
    transaction.on_commit(lambda: _enqueue_once(period_id), robust=True)


def _enqueue_once(period_id: int) -> None:
    # Checked after the commit: if the key is still there, the run it stands
    # for has not started yet (its countdown outlasts the key), so it will
    # read what was just committed.
    if runs_in_process():
        # In-process mode runs at once, so a window would only hide changes.
        snapshot_recompute.apply((period_id,))
        return
    window = coalesce_seconds()
    key = schedule_key(period_id)
    try:
        if not cache.add(key, 1, timeout=window):
            return
        snapshot_recompute.apply_async((period_id,), countdown=window + 1)
    except Exception:  # the broker or cache client's own error classes
        # A broker outage must never fail an answer's save; the dashboard
        # sees the stale hash and offers a manual recomputation.
        logger.warning("Could not enqueue snapshot recompute for period %s", period_id)
        try:
            cache.delete(key)  # so that the next save tries again
        except Exception:
            logger.warning("Cache unavailable as well")


def snapshot_enqueue_now(*, period_id: int) -> None:
    """The dashboard's "Hitung ulang": runs as soon as a worker is free.
    Outside a transaction the callback runs at once, so a broker error
    reaches the caller (BrokerError), which can tell the user."""
    transaction.on_commit(lambda: snapshot_recompute.delay(period_id))


# Report rendering lives in its own module; importing it here is what lets
# Celery's autodiscovery (which imports <app>.tasks) register it.
from reports.report_tasks import report_render  # noqa: E402, F401
