"""`make bench`: every benchmark on PostgreSQL, results written into
docs/PERFORMANCE.md (between the bench:results markers) with the machine
they ran on.

    python bench/run.py [--duration 60] [--users 300] [--instansi 650] [--no-write]
                        [--only load]

`--only load` builds the dataset and runs the load test alone (target and
ramp) and prints its rows without writing them.

A dedicated database (spbe_bench) is created at the start and dropped at the
end, as is Redis database 13 (flushed); nothing of the portal's own data is
touched. Each benchmark runs in its own process (bench/dataset.py,
bench/inprocess.py, bench/server.py, bench/calculator.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from common import DB_NAME, PG_SERVER, REDIS_URL, REPO, bench_env

DOC = REPO / "docs" / "PERFORMANCE.md"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
# Issue #16: a page costs at most 15 ms of server CPU (Python + PostgreSQL,
# median) and at most 75 times /healthz measured in the same run.
PAGE_TARGET_CPU_MS = 15
PAGE_TARGET_RATIO = 75
# Issue #16, target 3: a national year's snapshots, and each report after the
# first one a worker renders (the first pays for imports and fonts).
SNAPSHOT_TARGET_S = 0.5
JOB_TARGETS_S = {"instansi PDF": 1.0, "OPD PDF": 0.5, "Excel": 3.0}


def run_json(script: str, env: dict[str, str], *args: str) -> dict:
    print(f"--- {script} {' '.join(args)}", flush=True)
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-5000:])
        raise SystemExit(f"{script} failed ({done.returncode})")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=1), flush=True)
    return result


def admin_connection():
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)


def database_create() -> str:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        return conn.execute("SHOW server_version").fetchone()[0]


def database_drop() -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def redis_flush() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def machine(pg_version: str) -> dict:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(total_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": pg_version,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": round(os.getloadavg()[0], 2),
    }


def calculator(env: dict[str, str]) -> list[str]:
    print("--- calculator.py", flush=True)
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "calculator.py")],
        cwd=REPO,
        env={k: v for k, v in env.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = done.stdout.strip().splitlines()
    print("\n".join(lines), flush=True)
    return lines if done.returncode == 0 else [f"failed ({done.returncode})", *lines[-5:]]


def ok(met: bool) -> str:
    return "met" if met else "**missed**"


def verdict(met: bool, cpu_within: bool) -> str:
    """A wall time over target whose CPU time is within it was slowed by
    other work on the machine, not by the code: said so, not hidden."""
    if met:
        return "met"
    if cpu_within:
        return "**missed** in wall time (busy machine); CPU within target"
    return "**missed**"


def page_verdict(page: dict, cpu_ms: float) -> str:
    """Both targets must hold; the verdict says which one did not."""
    missed = [
        label
        for label, ok in (
            ("CPU", cpu_ms <= PAGE_TARGET_CPU_MS),
            ("ratio to `/healthz`", page["ratio"] <= PAGE_TARGET_RATIO),
        )
        if not ok
    ]
    return "met" if not missed else f"**missed** ({', '.join(missed)})"


def load_verdict(load: dict, nproc: int) -> str:
    if load["errors"]:
        return "**missed** (errors)"
    if load["save_p95_ms"] <= 300:
        return "met"
    busy = load["throughput_rps"] * load["server_cpu_ms_per_request"] / 1000 / nproc
    return (
        f"**missed** in wall time: the gunicorn workers used {busy:.0%} of the CPUs; the load "
        f"average ({load['load_average_at_start']}) is mostly other work on the machine"
    )


def load_step(step: dict) -> str:
    return (
        f"{step['users']} officers: save p95 {step['save_p95_ms']} ms, "
        f"{step['throughput_rps']} req/s, server CPU {step['server_cpu_ms_per_request']} ms/req "
        f"({step['server_cpu_share']:.0%} of the CPUs), {step['errors']} errors"
    )


def load_rows(server: dict, nproc: int) -> list[str]:
    """The target row and the ramp's row of the load test."""
    load, ramp = server["load"]["target"], server["load"]
    gunicorn = f"gunicorn {server['workers']} {server['worker_class']} workers"
    if server["worker_class"] == "gthread":
        gunicorn += f" × {server['threads']} threads"
    rows = [
        f"| 4 | Load: {load['users']} officers saving for {load['duration_s']} s "
        f"(think {load['think_s'][0]:g}–{load['think_s'][1]:g} s), {gunicorn}, Locust "
        f"(FastHttpUser) on the same machine | 0 errors; save p95 ≤ 300 ms | "
        f"{load['errors']} errors, {load['conflicts']} conflicts; {load['saves']} saves, "
        f"{load['throughput_rps']} req/s ({load['saves_per_s']} saves/s); save p50 "
        f"{load['save_p50_ms']} ms, p95 {load['save_p95_ms']} ms (all requests p95 "
        f"{load['all_p95_ms']} ms); server CPU {load['server_cpu_ms_per_request']} ms/request "
        f"(≈ {nproc * 1000 / max(load['server_cpu_ms_per_request'], 0.1):.0f} req/s on "
        f"{nproc} idle CPUs), Celery {load['celery_cpu_ms_per_save']} ms/save, generator "
        f"{load['generator_cpu_ms_per_request']} ms/request; "
        f"load average {load['load_average_at_start']}→{load['load_average_at_end']} | "
        f"{load_verdict(load, nproc)} |"
    ]
    steps = "; ".join(load_step(step) for step in ramp["ramp"]) or "no step run"
    saturated = ramp["crossed"] or load["save_p95_ms"] > ramp["limit_ms"]
    if load["save_p95_ms"] > ramp["limit_ms"]:
        found = f"the target itself is over {ramp['limit_ms']:g} ms: no ramp run"
    elif ramp["crossed"]:
        last = ramp["last_under_limit"]
        found = (
            f"**saturation: p95 crossed {ramp['limit_ms']:g} ms at {ramp['crossed']['users']} "
            f"officers** ({ramp['crossed']['throughput_rps']} req/s); last step under it: "
            + (f"{last['users']} officers, {last['throughput_rps']} req/s" if last else "none")
        )
    else:
        found = f"p95 stayed under {ramp['limit_ms']:g} ms up to the largest step run"
    rows.append(
        f"| 4 | Load ramp: officers added ×1.25 per step, each measured "
        f"{ramp['step_s']:g} s, until save p95 > "
        f"{ramp['limit_ms']:g} ms ({ramp['ramp_s']} s in all) | saturation point stated | "
        f"{steps}. {found} | {'stated' if saturated else 'not reached'} |"
    )
    return rows


def table(results: dict) -> str:
    m, data, snap = results["machine"], results["dataset"], results["inprocess"]["snapshots"]
    pages, jobs = results["inprocess"]["pages"], results["inprocess"]["jobs"]["jobs"]
    memory = results["server"]["memory"]
    rows = data["rows"]
    snap_target = SNAPSHOT_TARGET_S
    out = [
        f"Run of {m['date']} on {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB RAM, "
        f"Python {m['python']}, PostgreSQL {m['postgresql']}; 1-minute load average "
        f"{m['load_average_at_start']} at the start (other work on the machine inflates wall "
        f"times; CPU figures are given where they help). Total {results['total_s']} s.",
        "",
        f"Dataset: {data['instansi']} instansi, {rows['opd']} OPDs, {rows['user']} users, "
        f"{rows['period']} periods, {rows['answer']:,} answers, {rows['evidence_file']:,} evidence "
        f"records, {rows['answer_event']:,} audit events; generated in {data['seconds']} s (COPY).",
        "",
        "| # | Benchmark | Target | Result | |",
        "|---|---|---|---|---|",
        f"| 2 | Recompute all snapshots of {snap['year']} ({snap['periods']} periods x 3 bases "
        f"= {snap['snapshots']}) | ≤ {SNAPSHOT_TARGET_S:g} s; queries not growing with instansi | "
        f"{snap['seconds_median']} s (best {snap['seconds_best']} s; CPU, Python + PostgreSQL, "
        f"{snap['cpu_median']} s); {snap['queries']} queries "
        f"at {snap['periods']} instansi, {snap['queries_at_tenth']} at {snap['periods_at_tenth']}; "
        f"unchanged inputs: {snap['unchanged_seconds']} s, nothing written | "
        f"{verdict(snap['seconds_median'] <= snap_target, snap['cpu_median'] <= snap_target)}"
        f"{'' if snap['queries'] == snap['queries_at_tenth'] else '; query count grows'} |",
    ]
    base = pages["pages"][0]
    for page in pages["pages"][1:]:
        cpu = round(page["cpu_median_ms"] + page["db_cpu_ms"], 1)
        out.append(
            f"| 1 | Page: {page['page']} (`{page['url'][:40]}`) | CPU median ≤ "
            f"{PAGE_TARGET_CPU_MS} ms; ≤ {PAGE_TARGET_RATIO}x `/healthz` | "
            f"{page['median_ms']} ms median (p90 {page['p90_ms']} ms), {page['ratio']}x "
            f"`/healthz` ({base['median_ms']} ms); CPU {cpu} ms (Python "
            f"{page['cpu_median_ms']} + PostgreSQL {page['db_cpu_ms']}); {page['queries']} "
            f"queries | {page_verdict(page, cpu)} |"
        )
    out += load_rows(results["server"], m["nproc"])
    for job in jobs:
        limit = next(v for k, v in JOB_TARGETS_S.items() if job["job"].startswith(k))
        out.append(
            f"| 5 | Job: {job['job']}, {results['inprocess']['jobs']['period']} | ≤ {limit:g} s "
            "after the first run in a process | "
            f"{job['median_s']} s (CPU {job['cpu_median_s']} s; first run in a fresh process "
            f"{job['first_s']} s), "
            f"{job['bytes']:,} bytes | "
            f"{verdict(job['median_s'] <= limit, job['cpu_median_s'] <= limit)} |"
        )
    out.append(
        f"| 6 | Upload of a {memory['file_mb']} MB PDF as evidence, one gunicorn worker | "
        f"peak memory +≤ 30 MB | VmHWM {memory['hwm_before_mb']} → {memory['hwm_after_mb']} MB "
        f"(+{memory['hwm_increase_mb']} MB); HTTP {memory['status']}, stored "
        f"{memory['stored_bytes']:,} bytes in {memory['upload_s']} s | "
        f"{ok(memory['status'] == 302 and memory['hwm_increase_mb'] <= 30)} |"
    )
    out += ["", "Calculator (`bench/calculator.py`, SQLite, no services):", "", "```"]
    out += results["calculator"]
    out += ["```"]
    return "\n".join(out)


def write_doc(text: str) -> None:
    doc = DOC.read_text() if DOC.exists() else "# Performance\n"
    block = f"{START}\n{text}\n{END}"
    if START in doc and END in doc:
        head, rest = doc.split(START, 1)
        doc = head + block + rest.split(END, 1)[1]
    else:
        doc = doc.rstrip() + "\n\n## Results\n\n" + block + "\n"
    DOC.write_text(doc)


def server_args(args, var_dir: Path) -> list[str]:
    """bench/server.py's arguments: the target, then a ramp sized so that the
    whole of `make bench` stays within about ten minutes."""
    ramp_budget = args.ramp_budget if args.ramp_budget is not None else 4 * args.duration
    return [
        *("--users", str(args.users), "--duration", str(args.duration)),
        *("--ramp-duration", str(max(15.0, args.duration / 2))),
        *("--ramp-budget", str(ramp_budget), "--log-dir", str(var_dir)),
        *("--workers", str(args.workers), "--worker-class", args.worker_class),
        *("--threads", str(args.threads)),
        *(("--skip-memory",) if args.only == "load" else ()),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="load test seconds")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--ramp-budget", type=float, help="seconds (default 4 × duration)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=1, help="per gthread worker")
    parser.add_argument("--instansi", type=int, default=650)
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--only", choices=("load",), help="dataset and this benchmark alone")
    parser.add_argument("--no-write", action="store_true", help="leave docs/PERFORMANCE.md alone")
    args = parser.parse_args()

    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="spbe-bench-"))
    env = bench_env(var_dir)
    results = {}
    try:
        results["machine"] = machine(database_create())
        redis_flush()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=REPO,
            env=env,
            check=True,
        )
        results["dataset"] = run_json("dataset.py", env, "--instansi", str(args.instansi))
        if not args.only:
            results["inprocess"] = run_json("inprocess.py", env, "--requests", str(args.requests))
        results["server"] = run_json("server.py", env, *server_args(args, var_dir))
        if not args.only:
            results["calculator"] = calculator(env)
    finally:
        database_drop()
        redis_flush()
        shutil.rmtree(var_dir, ignore_errors=True)
    results["total_s"] = round(time.perf_counter() - started)
    if args.only:
        m = results["machine"]
        print(f"{m['date']}, {m['nproc']} CPUs, load average {m['load_average_at_start']} at start")
        print("\n".join(load_rows(results["server"], m["nproc"])))
        return
    text = table(results)
    print(text)
    if not args.no_write:
        write_doc(text)
        print(f"Results written to {DOC.relative_to(REPO)}")


if __name__ == "__main__":
    main()
