"""Loaded into a Celery worker by tests/test_job_faults.py with
`celery worker --include tests.job_fault_hooks`, never by the portal itself.

Slows report rendering down inside that one worker so a test can kill it
half way: once the worker is ready, `render_report` is wrapped to touch
$SPBE_TEST_RENDER_MARKER and then sleep $SPBE_TEST_RENDER_SLEEP seconds."""

import os
import time
from pathlib import Path

from celery.signals import worker_ready


@worker_ready.connect
def slow_down_rendering(**kwargs):
    from reports import report_tasks

    original = report_tasks.render_report
    marker = Path(os.environ["SPBE_TEST_RENDER_MARKER"])
    pause = float(os.environ.get("SPBE_TEST_RENDER_SLEEP", "60"))

    def slow_render(**params):
        marker.write_text("rendering")
        time.sleep(pause)
        return original(**params)

    report_tasks.render_report = slow_render
