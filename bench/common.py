"""Shared by the benchmark scripts: the environment they run in and a few
timing helpers. Every script runs as its own process against the dedicated
benchmark database that bench/run.py creates (never the portal's own)."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "spbe_bench")
# A Redis database of its own, flushed at the end of the run.
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")

PROVINCE = "bench-prov"
PROVINCE_YEARS = (2021, 2022, 2023, 2024, 2025)
NATIONAL_YEARS = (2023, 2024, 2025)
OPEN_YEAR = 2025
PASSWORD = "bench-sandi-123"


def bench_env(var_dir: Path) -> dict[str, str]:
    """Production-like settings: DEBUG off, PostgreSQL, Redis as broker and
    cache. Cookies are not marked Secure because the load test speaks plain
    HTTP on loopback."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="spbe_portal.settings",
        DATABASE_URL=f"{PG_SERVER}/{DB_NAME}",
        REDIS_URL=REDIS_URL,
        SECRET_KEY="benchmark-only-secret-key-not-for-production-0123456789",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_COOKIES="false",
        SPBE_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
    )
    return env


def django_setup() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spbe_portal.settings")
    import django

    django.setup()


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


class Timer:
    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started


def emit(results: dict) -> None:
    """Scripts print one JSON object as their last stdout line."""
    sys.stdout.write(json.dumps(results, default=str) + "\n")
