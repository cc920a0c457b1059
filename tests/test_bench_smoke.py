"""The page bench, small enough for CI (issue #16, target 5).

The pages of `bench/inprocess.py` are requested on a tiny copy of the bench
dataset (`bench/dataset.py` with the province and one kabupaten), in this
process, against the test database. Each page is compared with the figures
recorded in `bench/baseline.json`:

- its query count may not grow (the count is exact, so any added query fails);
- its CPU time, as a multiple of `/healthz` measured alternately with it,
  may not more than double.

CPU time of this thread (not wall time) and medians of many alternating
requests keep a busy CI machine from failing it: other processes slow both
sides of a ratio alike and take no CPU time from this thread.

After a change that makes a page cheaper (or deliberately dearer), record
the new figures and commit bench/baseline.json:

    BENCH_BASELINE=write .venv/bin/pytest tests/test_bench_smoke.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

BENCH = Path(__file__).resolve().parent.parent / "bench"
BASELINE = BENCH / "baseline.json"
sys.path.insert(0, str(BENCH))

from dataset import build  # noqa: E402
from inprocess import bench_pages  # noqa: E402

WARM_UP = 5
SAMPLES = 25
# How much dearer than recorded, against /healthz, a page may become; for
# the cheapest pages (a few times /healthz) at least SLACK more, since a
# fraction of a millisecond moves their ratio by half.
RATIO_LIMIT = 2.0
SLACK = 5.0
ATTEMPTS = 3


def allowed(recorded_ratio: float) -> float:
    return max(RATIO_LIMIT * recorded_ratio, recorded_ratio + SLACK)


def cpu_of(client: Client, url: str) -> float:
    started = time.thread_time()
    response = client.get(url)
    spent = time.thread_time() - started
    assert response.status_code == 200, (url, response.status_code)
    return spent


def queries_of(client: Client, url: str) -> int:
    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        assert client.get(url).status_code == 200
    return count[0]


def ratio_of(client: Client, url: str, health: Client, health_url: str) -> float:
    """Median CPU of the page over median CPU of /healthz, requested
    alternately so that both sides of the ratio see the same machine."""
    for _ in range(WARM_UP):
        cpu_of(client, url)
        cpu_of(health, health_url)
    samples, health_samples = [], []
    for _ in range(SAMPLES):
        health_samples.append(cpu_of(health, health_url))
        samples.append(cpu_of(client, url))
    return round(statistics.median(samples) / statistics.median(health_samples), 1)


def measure(recorded: dict | None) -> dict[str, dict]:
    """Each page's query count and ratio. A page over its limit is measured
    again (up to ATTEMPTS times, the best kept): a neighbour's burst passes,
    a page that really became dearer stays over the limit every time."""
    pages = bench_pages(2024)
    health, health_url = Client(), pages[0][2]
    measured = {}
    for label, user, url in pages[1:]:
        client = Client()
        if user is not None:
            client.force_login(user)
        limit = allowed(recorded[label]["ratio"]) if recorded and label in recorded else None
        ratio = ratio_of(client, url, health, health_url)
        for _ in range(ATTEMPTS - 1):
            if limit is None or ratio <= limit:
                break
            ratio = min(ratio, ratio_of(client, url, health, health_url))
        measured[label] = {"queries": queries_of(client, url), "ratio": ratio}
    return measured


@pytest.mark.slow
@pytest.mark.django_db
def test_pages_no_dearer_than_recorded(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path  # the dataset's tiny evidence files
    build(instansi_count=2, seed=2026)
    if os.environ.get("BENCH_BASELINE") == "write":
        measured = measure(None)
        BASELINE.write_text(json.dumps({"pages": measured}, indent=2, ensure_ascii=False) + "\n")
        return
    recorded = json.loads(BASELINE.read_text())["pages"]
    measured = measure(recorded)
    problems = []
    for label, now in measured.items():
        was = recorded.get(label)
        if was is None:
            problems.append(f"{label}: no recorded figures (record them, see the module's doc)")
            continue
        if now["queries"] > was["queries"]:
            problems.append(f"{label}: {now['queries']} queries, recorded {was['queries']}")
        if now["ratio"] > allowed(was["ratio"]):
            problems.append(
                f"{label}: {now['ratio']}x /healthz in CPU, recorded {was['ratio']}x "
                f"(limit {allowed(was['ratio']):g}x)"
            )
    assert not problems, "\n".join(problems) + f"\nmeasured: {measured}"
