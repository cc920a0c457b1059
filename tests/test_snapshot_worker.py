from decimal import Decimal

import pytest
from django.core.cache import cache

from assessments import periods
from reports.models import IndexSnapshot
from reports.snapshots import snapshot_compute
from reports.tasks import schedule_key
from tests.conftest import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_editing_one_answer_updates_the_snapshot_through_the_worker(
    celery_worker_process, kaltim2024, settings
):
    settings.SNAPSHOT_COALESCE_SECONDS = 2
    period = kaltim2024.period
    before = snapshot_compute(period_id=period.pk, basis="final").snapshot
    assert before.index_exact == Decimal("3.7885")
    cache.delete(schedule_key(period.pk))

    # The lifecycle's answers_changed signal schedules the recomputation.
    assert periods.final_levels_set(period=period, user=None, levels={"47": 5}) == 1

    def updated():
        snap = IndexSnapshot.objects.get(period=period, basis="final")
        return snap if snap.index_exact == Decimal("3.8185") else None

    snap = wait_until(updated, timeout=60)
    assert snap.index_display == "3.82"
    assert snap.computed_at > before.computed_at
    log = celery_worker_process.log_path.read_text(errors="replace")
    assert "reports.tasks.snapshot_recompute" in log
    assert "succeeded" in log
