"""The load test's generator: Locust (bench/locustfile.py) run headless as a
library, in a process of its own, against a gunicorn already started by
bench/server.py.

    python bench/load.py --host URL --plan plan.json --gunicorn-pid PID \\
        [--users 300] [--duration 60] [--think 5 15] [--ramp-duration 30] \\
        [--ramp-budget 300] [--limit-ms 300]

First the target: `--users` officers measured for `--duration` seconds.
Then the ramp: more officers step by step (×1.25), each step measured for
`--ramp-duration` seconds, until the save p95 crosses `--limit-ms`, a step
has errors, the plan runs out or the ramp has used `--ramp-budget` seconds.
Users are added, never restarted: each logs in once (outside any window).
Prints a JSON summary as its last line.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

import gevent
from locust.env import Environment
from locustfile import RECORDER, Officer

SUMMARY_KEYS = ("users", "duration_s", "saves", "requests", "throughput_rps", "saves_per_s")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the given processes, from /proc/<pid>/stat."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def grow(runner, users: int, spawn_rate: float) -> float:
    """Adds users up to `users` and waits until every one has logged in and
    saved once; returns the seconds that took."""
    started = time.perf_counter()
    runner.start(users, spawn_rate=spawn_rate)
    # Only a guard against a hang: each login costs a PBKDF2 hash (about
    # 0.24 s of CPU), and on a busy machine 300 of them took minutes.
    deadline = time.monotonic() + 120 + users
    while RECORDER.ready + len(RECORDER.failed) < users:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {RECORDER.ready} of {users} officers ready")
        gevent.sleep(0.5)
    if RECORDER.failed:
        raise RuntimeError(f"{len(RECORDER.failed)} officers failed: {RECORDER.failed[:3]}")
    return time.perf_counter() - started


def measure(window: int, users: int, seconds: float, workers: list[int], celery: list[int]) -> dict:
    """One measurement window: every save started in it counts, and its
    reload; the gunicorn workers' CPU over the window is divided by them,
    the Celery worker's (the snapshot recomputations the saves schedule) by
    the saves."""
    cpu0, own0, load0 = cpu_seconds(workers), time.process_time(), os.getloadavg()[0]
    celery0 = cpu_seconds(celery)
    began = time.perf_counter()
    RECORDER.window = window
    gevent.sleep(seconds)
    RECORDER.window = None
    elapsed = time.perf_counter() - began
    cpu = cpu_seconds(workers) - cpu0
    own = time.process_time() - own0
    celery_cpu = cpu_seconds(celery) - celery0
    while RECORDER.in_flight:  # the saves started in the window, finishing
        gevent.sleep(0.05)
    samples = [s for s in RECORDER.samples if s.window == window]
    saves = [s.save_s for s in samples]
    everything = saves + [s.reload_s for s in samples]
    errors = [f"save {s.save_status}" for s in samples if s.save_status not in (302, 409)] + [
        f"reload {s.reload_status}" for s in samples if s.reload_status != 200
    ]
    requests = len(everything)
    return {
        "users": users,
        "duration_s": round(elapsed, 1),
        "saves": len(saves),
        "requests": requests,
        "throughput_rps": round(requests / elapsed, 1),
        "saves_per_s": round(len(saves) / elapsed, 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:10],
        "conflicts": sum(s.save_status == 409 for s in samples),
        "save_p50_ms": round(percentile(saves, 0.50) * 1000, 1),
        "save_p95_ms": round(percentile(saves, 0.95) * 1000, 1),
        "save_max_ms": round(max(saves, default=0) * 1000, 1),
        "all_p95_ms": round(percentile(everything, 0.95) * 1000, 1),
        # Server CPU per request is what the machine's other load cannot
        # inflate much; it bounds the throughput of this hardware.
        "server_cpu_ms_per_request": round(cpu / max(1, requests) * 1000, 1),
        "server_cpu_share": round(cpu / elapsed / (os.cpu_count() or 1), 2),
        "generator_cpu_ms_per_request": round(own / max(1, requests) * 1000, 2),
        "celery_cpu_ms_per_save": round(celery_cpu / max(1, len(saves)) * 1000, 1),
        "load_average_at_start": round(load0, 2),
        "load_average_at_end": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--gunicorn-pid", type=int, required=True)
    parser.add_argument("--celery-pid", type=int, help="the Celery worker's main process")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0))
    parser.add_argument("--spawn-rate", type=float, default=10, help="logins per second")
    parser.add_argument("--ramp-duration", type=float, default=30)
    parser.add_argument("--ramp-budget", type=float, default=300, help="seconds; 0: no ramp")
    parser.add_argument("--limit-ms", type=float, default=300)
    args = parser.parse_args()
    logging.getLogger("locust").setLevel(logging.WARNING)

    RECORDER.plan = json.loads(args.plan.read_text())
    RECORDER.think = tuple(args.think)
    if len(RECORDER.plan) < args.users:
        raise SystemExit(f"only {len(RECORDER.plan)} officers with a free answer")
    env = Environment(user_classes=[Officer], host=args.host)
    runner = env.create_local_runner()
    workers = children(args.gunicorn_pid)
    celery = [args.celery_pid, *children(args.celery_pid)] if args.celery_pid else []
    login_s = grow(runner, args.users, args.spawn_rate)
    target = measure(0, args.users, args.duration, workers, celery)
    target.update(think_s=list(args.think), login_s=round(login_s, 1))

    ramp, users, started = [], args.users, time.monotonic()
    # A target already over the limit is the saturation point itself.
    budget = args.ramp_budget if target["save_p95_ms"] <= args.limit_ms else 0
    while budget and time.monotonic() - started < budget:
        users = min(len(RECORDER.plan), int(users * 1.25 / 50 + 1) * 50)
        if users <= (ramp[-1]["users"] if ramp else args.users):
            break  # the plan has run out of officers
        grow(runner, users, args.spawn_rate)
        step = measure(len(ramp) + 1, users, args.ramp_duration, workers, celery)
        ramp.append(step)
        print(json.dumps({k: step[k] for k in (*SUMMARY_KEYS, "save_p95_ms")}), file=sys.stderr)
        if step["errors"] or step["save_p95_ms"] > args.limit_ms:
            break
    runner.quit()
    under = [s for s in ramp if not s["errors"] and s["save_p95_ms"] <= args.limit_ms]
    over = [s for s in ramp if s not in under]
    sys.stdout.write(
        json.dumps(
            {
                "target": target,
                "ramp": ramp,
                "ramp_s": round(time.monotonic() - started),
                "last_under_limit": under[-1] if under else None,
                "crossed": over[0] if over else None,
                "limit_ms": args.limit_ms,
                "step_s": args.ramp_duration,
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
