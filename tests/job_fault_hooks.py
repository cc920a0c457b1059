"""Loaded into a Celery worker by tests/test_job_faults.py with
`celery worker --include tests.job_fault_hooks`, never by the portal itself.

Slows the first report rendering down so a test can kill the worker half
way: `render_report` is wrapped to write the rendering process's id to
$SPBE_TEST_RENDER_MARKER and then sleep $SPBE_TEST_RENDER_SLEEP seconds.
Once the marker exists, later renderings (the retry) run at normal speed.
Patched in the worker process itself (solo pool) and in every pool child
(prefork)."""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init, worker_ready


@worker_ready.connect
@worker_process_init.connect
def slow_down_first_rendering(**kwargs):
    from reports import report_tasks

    original = report_tasks.render_report
    if getattr(original, "slowed", False):
        return
    marker = Path(os.environ["SPBE_TEST_RENDER_MARKER"])
    pause = float(os.environ.get("SPBE_TEST_RENDER_SLEEP", "60"))

    def slow_render(**params):
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(pause)
        return original(**params)

    slow_render.slowed = True
    report_tasks.render_report = slow_render
