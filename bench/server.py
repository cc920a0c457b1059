"""Benchmarks against a real gunicorn on 127.0.0.1 with PostgreSQL and Redis:
4. load: N simulated officers (100 by default), each with an answer of its
   own, log in, then for `--duration` seconds save their answer and reload
   the page (as the browser does after the redirect), with think time;
6. memory: one sync worker's peak RSS (VmHWM) before and after uploading a
   50 MB PDF as evidence.

    python bench/server.py [--users 100] [--duration 60] [--think 1 3]

Traffic goes only to 127.0.0.1, bounded in count and time. Prints a JSON
summary as its last line.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from common import OPEN_YEAR, PASSWORD, PROVINCE, REPO, django_setup, emit, percentile

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn started from here on a free loopback port; stopped by its pid."""

    def __init__(self, *, workers: int, env: dict[str, str], log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "spbe_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--graceful-timeout",
                "5",
            ],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer; see {log}")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Worker:
    """A Celery worker for the snapshot recomputations the saves schedule,
    as in production."""

    def __init__(self, env: dict[str, str], log: Path):
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [str(BIN / "celery"), "-A", "spbe_portal", "worker", "-c", "1", "--loglevel=WARNING"],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/accounts/login/", timeout=120)
    token = CSRF.search(page.text).group(1)
    response = session.post(
        base + "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/accounts/login/"},
        allow_redirects=False,
        timeout=120,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login of {username} answered {response.status_code}")
    return session


def officers_with_answers(count: int) -> list[tuple[str, str]]:
    """(username, answer public id): the Diskominfo officer of each of the
    first `count` national instansi and the untouched draft it owns."""
    from assessments.models import Answer, AnswerState

    answers = (
        Answer.objects.filter(
            period__year=OPEN_YEAR,
            period__instansi__code__startswith="bench-",
            indicator__code="1",
            state=AnswerState.DRAFT,
        )
        .exclude(period__instansi__code=PROVINCE)
        .select_related("opd")
        .order_by("period__instansi__code")[:count]
    )
    return [(f"{a.opd.instansi_id}.{a.opd.code}", str(a.public_id)) for a in answers]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the given processes, from /proc/<pid>/stat."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def load_test(server, *, users: int, duration: float, think: tuple[float, float]) -> dict:
    base = server.base
    plan = officers_with_answers(users)
    if len(plan) < users:
        raise RuntimeError(f"only {len(plan)} officers with a free answer")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        sessions = list(pool.map(lambda p: login(base, p[0]), plan))
    login_seconds = time.perf_counter() - started

    saves, reloads, errors, conflicts = [], [], [], []
    lock = threading.Lock()
    window = {}

    def open_window() -> None:
        window["cpu"] = cpu_seconds(server.worker_pids())
        window["load"] = os.getloadavg()[0]
        window["began"] = time.perf_counter()
        window["stop_at"] = time.monotonic() + duration

    # Everyone has saved once (workers warm, lazy imports done) before the
    # measured window opens for all at the same moment.
    barrier = threading.Barrier(users, action=open_window, timeout=600)

    def save(session, url, index, n, version, token):
        data = {
            "level": str(1 + n % 5),
            "explanation": f"FAKTA: dokumen uji {index}-{n}. ANALISIS: memenuhi kriteria.",
            "version": version,
            "csrfmiddlewaretoken": token,
        }
        t0 = time.perf_counter()
        saved = session.post(
            url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=60
        )
        t1 = time.perf_counter()
        page = session.get(url, timeout=60)  # the redirect the browser follows
        t2 = time.perf_counter()
        found_version, found_token = VERSION.search(page.text), CSRF.search(page.text)
        return (
            saved.status_code,
            page.status_code,
            t1 - t0,
            t2 - t1,
            found_version.group(1) if found_version else version,
            found_token.group(1) if found_token else token,
        )

    def officer(index: int) -> None:
        rng = random.Random(index)
        session, (_user, public_id) = sessions[index], plan[index]
        url = f"{base}/jawaban/{public_id}/"
        page = session.get(url, timeout=60)
        version, token = VERSION.search(page.text).group(1), CSRF.search(page.text).group(1)
        *_statuses, version, token = save(session, url, index, 0, version, token)
        barrier.wait()
        # Spread the first saves over one think time, then think between saves.
        pause, n = rng.uniform(0, think[1]), 0
        while True:
            # No sleeping past the window: its length is what throughput is
            # divided by.
            time.sleep(max(0.0, min(pause, window["stop_at"] - time.monotonic())))
            pause = rng.uniform(*think)
            if time.monotonic() >= window["stop_at"]:
                return
            n += 1
            try:
                saved, reloaded, t_save, t_reload, version, token = save(
                    session, url, index, n, version, token
                )
            except requests.RequestException as exc:
                with lock:
                    errors.append(type(exc).__name__)
                continue
            with lock:
                saves.append(t_save)
                reloads.append(t_reload)
                if saved == 409:
                    conflicts.append(index)
                elif saved != 302:
                    errors.append(f"save {saved}")
                if reloaded != 200:
                    errors.append(f"reload {reloaded}")

    with ThreadPoolExecutor(max_workers=users) as pool:
        list(pool.map(officer, range(users)))
    elapsed = time.perf_counter() - window["began"]
    # Server CPU per request is what the machine's other load cannot inflate
    # much; it bounds the throughput of this hardware when nothing else runs.
    cpu_per_request = (cpu_seconds(server.worker_pids()) - window["cpu"]) / max(
        1, len(saves) + len(reloads)
    )
    everything = saves + reloads
    return {
        "users": users,
        "duration_s": round(elapsed, 1),
        "think_s": list(think),
        "login_s": round(login_seconds, 1),
        "saves": len(saves),
        "requests": len(everything),
        "throughput_rps": round(len(everything) / elapsed, 1),
        "saves_per_s": round(len(saves) / elapsed, 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:10],
        "conflicts": len(conflicts),
        "save_p50_ms": round(percentile(saves, 0.50) * 1000, 1),
        "save_p95_ms": round(percentile(saves, 0.95) * 1000, 1),
        "save_max_ms": round(max(saves, default=0) * 1000, 1),
        "all_p95_ms": round(percentile(everything, 0.95) * 1000, 1),
        "server_cpu_ms_per_request": round(cpu_per_request * 1000, 1),
        "capacity_rps_estimate": round((os.cpu_count() or 1) / max(cpu_per_request, 1e-6), 0),
        "load_average_at_start": round(window["load"], 2),
        "load_average_at_end": round(os.getloadavg()[0], 2),
    }


def peak_kb(pid: int) -> tuple[int, int]:
    """(VmHWM, VmRSS) in kB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0])
    return fields["VmHWM"], fields["VmRSS"]


def pdf_like(path: Path, megabytes: int) -> None:
    """A valid-looking PDF of the given size, made of harmless content
    (random bytes would sooner or later spell '/JS' and be refused)."""
    line = b"0 0 0 RG 72 712 m 540 712 l S 1 0 0 1 0 -12 cm BT /F1 9 Tf (data dukung) Tj ET\n"
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        remaining = megabytes * 1024 * 1024 - 16
        block = line * (65536 // len(line))
        while remaining > 0:
            piece = block[:remaining]
            handle.write(piece)
            remaining -= len(piece)
        handle.write(b"\n%%EOF\n")


def memory_test(env: dict[str, str], log: Path, megabytes: int) -> dict:
    from assessments.models import OPD, Answer, AnswerState

    opd = OPD.objects.get(instansi__code=PROVINCE, code="diskominfo")
    answer = (
        Answer.objects.filter(
            period__instansi__code=PROVINCE,
            period__year=OPEN_YEAR,
            opd=opd,
            state=AnswerState.DRAFT,
        )
        .order_by("indicator__position")
        .first()
    )
    username = f"{opd.instansi_id}.{opd.code}"
    env = {**env, "EVIDENCE_MAX_MB": str(megabytes + 10)}
    server = Gunicorn(workers=1, env=env, log=log)
    try:
        (worker,) = server.worker_pids()
        session = login(server.base, username)
        url = f"{server.base}/jawaban/{answer.public_id}/"
        upload_url = url + "data-dukung/"
        with tempfile.TemporaryDirectory(prefix="spbe-bench-upload-") as tmp:
            small, big = Path(tmp) / "kecil.pdf", Path(tmp) / "besar.pdf"
            pdf_like(small, 1)
            pdf_like(big, megabytes)

            def upload(path: Path) -> tuple[int, float]:
                token = CSRF.search(session.get(url, timeout=60).text).group(1)
                with path.open("rb") as handle:
                    t0 = time.perf_counter()
                    response = session.post(
                        upload_url,
                        data={"csrfmiddlewaretoken": token},
                        files={"files": (path.name, handle, "application/pdf")},
                        headers={"Referer": url},
                        allow_redirects=False,
                        timeout=300,
                    )
                    return response.status_code, time.perf_counter() - t0

            # Warm up every code path of an upload with a small file first.
            warm_status, _ = upload(small)
            before_hwm, _before_rss = peak_kb(worker)
            status, seconds = upload(big)
            after_hwm, after_rss = peak_kb(worker)
    finally:
        server.stop()
    stored = answer.evidence_files.order_by("-uploaded_at").first()
    return {
        "file_mb": megabytes,
        "warmup_status": warm_status,
        "status": status,
        "upload_s": round(seconds, 2),
        "stored_bytes": stored.size if stored else 0,
        "hwm_before_mb": round(before_hwm / 1024, 1),
        "hwm_after_mb": round(after_hwm / 1024, 1),
        "hwm_increase_mb": round((after_hwm - before_hwm) / 1024, 1),
        "rss_after_mb": round(after_rss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0))
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--upload-mb", type=int, default=50)
    parser.add_argument("--log-dir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    django_setup()
    env = dict(os.environ)
    results = {"workers": args.workers}

    server = Gunicorn(workers=args.workers, env=env, log=args.log_dir / "bench-gunicorn.log")
    celery = Worker(env, args.log_dir / "bench-celery.log")
    try:
        results["load"] = load_test(
            server, users=args.users, duration=args.duration, think=tuple(args.think)
        )
    finally:
        celery.stop()
        server.stop()
    results["memory"] = memory_test(env, args.log_dir / "bench-gunicorn-memory.log", args.upload_mb)
    emit(results)


if __name__ == "__main__":
    main()
