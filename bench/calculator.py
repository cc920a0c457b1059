"""Benchmark of `manage.py spbe_index`: random levels for every indicator of a
framework, N rows, computed by the real command in a child process.

    .venv/bin/python bench/calculator.py [--rows 10000] [--repeat 3]

The command runs against a throwaway SQLite database in a temporary
directory, migrated and with the framework loaded, so the benchmark needs no
services and measures the production path (framework read from the database).
Startup (interpreter + Django) is measured on a one-row file and reported
apart, so rows/second reflects the calculation itself.
"""

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def indicator_codes(framework: str) -> tuple[list[str], int, int]:
    data = json.loads((REPO / "indicators" / "frameworks" / f"{framework}.json").read_text())
    aspects = [a for d in data["domains"] for a in d["aspects"]] if "domains" in data else []
    aspects = aspects or data["aspects"]
    codes = [i["code"] for a in aspects for i in a["indicators"]]
    return codes, data["levels"]["min"], data["levels"]["max"]


def child_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["SPBE_VAR_DIR"] = str(var_dir)
    env.setdefault("SECRET_KEY", "benchmark-only")
    return env


def manage(env, *args) -> tuple[float, float]:
    """Wall and CPU seconds of one command. CPU time (user + system of the
    child) is reported too because it stays meaningful on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed ({done.returncode}):\n{done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def write_csv(path: Path, rows: int, codes, low: int, high: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(("id", *codes)) + "\n")
        for number in range(1, rows + 1):
            levels = (str(rng.randint(low, high)) for _ in codes)
            handle.write(",".join((f"row-{number}", *levels)) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", default="spbe-2020")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--format", choices=["json", "table"], default="json")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    codes, low, high = indicator_codes(args.framework)
    with tempfile.TemporaryDirectory(prefix="spbe-bench-") as tmp:
        env = child_env(Path(tmp) / "var")
        manage(env, "migrate", "--noinput")
        manage(env, "load_framework", args.framework)
        big, one = Path(tmp) / "levels.csv", Path(tmp) / "one.csv"
        write_csv(big, args.rows, codes, low, high, args.seed)
        write_csv(one, 1, codes, low, high, args.seed)

        def spbe_index(path):
            return manage(
                env,
                "spbe_index",
                "--framework",
                args.framework,
                "--input",
                str(path),
                "--format",
                args.format,
            )

        def best(path):
            runs = [spbe_index(path) for _ in range(args.repeat)]
            return min(wall for wall, _ in runs), min(cpu for _, cpu in runs)

        startup, total = best(one), best(big)

    print(f"machine:  {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"rows:     {args.rows} x {len(codes)} indicators ({args.framework}, {args.format})")
    print(f"load:     {os.getloadavg()[0]:.2f} (1-minute average at the end)")
    for label, position in (("wall", 0), ("cpu", 1)):
        compute = max(total[position] - startup[position], 1e-9)
        print(
            f"{label + ':':<9} {total[position]:.2f} s total, {startup[position]:.2f} s startup;"
            f" {args.rows / total[position]:,.0f} rows/s overall,"
            f" {args.rows / compute:,.0f} rows/s excluding startup"
        )
    print(f"(best of {args.repeat} runs each)")


if __name__ == "__main__":
    main()
