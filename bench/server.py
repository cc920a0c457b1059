"""Benchmarks against a real gunicorn on 127.0.0.1 with PostgreSQL and Redis:
4. load: simulated officers (300 by default), each with an answer of its own,
   log in, then for `--duration` seconds save their answer and reload the
   page (as the browser does after the redirect), with think time; then
   more officers step by step until the save p95 crosses 300 ms (the
   saturation point). The generator is Locust (bench/load.py);
6. memory: one sync worker's peak RSS (VmHWM) before and after uploading a
   50 MB PDF as evidence.

    python bench/server.py [--users 300] [--duration 60] [--ramp-budget 300]
                           [--worker-class sync] [--workers 4] [--threads 1]
                           [--port 0] [--skip-memory]

Traffic goes only to 127.0.0.1, bounded in count and time. Prints a JSON
summary as its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from common import OPEN_YEAR, PASSWORD, PROVINCE, REPO, django_setup, emit

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn started from here on a free loopback port; stopped by its pid."""

    def __init__(
        self,
        *,
        workers: int,
        env: dict[str, str],
        log: Path,
        worker_class: str = "sync",
        threads: int = 1,
        port: int = 0,
    ):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab")
        # The workers' metrics files, under the run's directory that run.py removes.
        env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(log.parent / "metrics")}
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "spbe_portal.wsgi:application",
                # Production's settings (access log, metrics directory, timeouts);
                # the options below override its worker count and class.
                "--config",
                str(REPO / "spbe_portal" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                worker_class,
                "--threads",
                str(threads),
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
    """(username, answer public id) for `count` simulated officers, each with
    an untouched draft of its own in the open year: first the officer of one
    OPD in every national instansi, then of a second OPD in each, then a
    second draft of the same officers (a second browser tab) and so on."""
    from assessments.models import Answer, AnswerState

    answers = (
        Answer.objects.filter(
            period__year=OPEN_YEAR,
            period__instansi__code__startswith="bench-",
            state=AnswerState.DRAFT,
            version=1,
        )
        .exclude(period__instansi__code=PROVINCE)
        .order_by("opd__instansi__code", "opd__code", "indicator__position")
        .values_list("opd__instansi_id", "opd__code", "public_id")
    )
    rank, opds_in_instansi, answers_of_opd = [], {}, {}
    for iid, code, public_id in answers:
        nth_answer = answers_of_opd[(iid, code)] = answers_of_opd.get((iid, code), 0) + 1
        if nth_answer == 1:
            opds_in_instansi[iid] = opds_in_instansi.get(iid, 0) + 1
        rank.append(((nth_answer, opds_in_instansi[iid]), f"{iid}.{code}", str(public_id)))
    rank.sort(key=lambda row: row[0])  # stable: instansi order kept within a rank
    return [(username, public_id) for _rank, username, public_id in rank[:count]]


def load_test(server, celery, args, log_dir: Path) -> dict:
    """Runs bench/load.py (Locust) against the server: the target, then the
    ramp. The plan holds enough officers for the largest step."""
    plan = officers_with_answers(args.max_users)
    plan_file = log_dir / "bench-load-plan.json"
    plan_file.write_text(json.dumps(plan))
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "load.py"),
            *("--host", server.base, "--plan", str(plan_file)),
            *("--gunicorn-pid", str(server.process.pid), "--users", str(args.users)),
            *("--celery-pid", str(celery.process.pid)),
            *("--duration", str(args.duration), "--think", *map(str, args.think)),
            *("--ramp-duration", str(args.ramp_duration)),
            *("--ramp-budget", str(args.ramp_budget)),
        ],
        cwd=REPO / "bench",
        capture_output=True,
        text=True,
    )
    sys.stderr.write(done.stderr[-3000:])
    if done.returncode != 0:
        raise RuntimeError(f"bench/load.py failed ({done.returncode})")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["plan_size"] = len(plan)
    return result


def peak_kb(pid: int) -> tuple[int, int]:
    """(VmHWM, VmRSS) in kB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0])
    return fields["VmHWM"], fields["VmRSS"]


def pdf_like(path: Path, megabytes: int) -> None:
    """A valid one-page PDF of the given size whose content stream is made of
    harmless drawing operators: the evidence checks read the object tree
    (pypdf), so the objects, the stream length and the xref must be right."""
    line = b"0 0 0 RG 72 712 m 540 712 l S 1 0 0 1 0 -12 cm BT /F1 9 Tf (data dukung) Tj ET\n"
    length = (megabytes * 1024 * 1024 // len(line)) * len(line)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,  # the content stream, written in blocks
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    offsets = []
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        for number, body in enumerate(objects, start=1):
            offsets.append(handle.tell())
            handle.write(b"%d 0 obj\n" % number)
            if body is not None:
                handle.write(body + b"\nendobj\n")
                continue
            handle.write(b"<< /Length %d >>\nstream\n" % length)
            block, remaining = line * (65536 // len(line)), length
            while remaining > 0:
                piece = block[:remaining]
                handle.write(piece)
                remaining -= len(piece)
            handle.write(b"\nendstream\nendobj\n")
        xref = handle.tell()
        handle.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        handle.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
        handle.write(
            b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, xref)
        )


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
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0))
    parser.add_argument("--ramp-duration", type=float, default=30, help="seconds per step")
    parser.add_argument("--ramp-budget", type=float, default=300, help="seconds; 0: no ramp")
    parser.add_argument("--max-users", type=int, default=3000, help="largest ramp step")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=1, help="per gthread worker")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--upload-mb", type=int, default=50)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--log-dir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    django_setup()
    env = dict(os.environ)
    results = {"workers": args.workers, "worker_class": args.worker_class, "threads": args.threads}

    server = Gunicorn(
        workers=args.workers,
        env=env,
        log=args.log_dir / "bench-gunicorn.log",
        worker_class=args.worker_class,
        threads=args.threads,
        port=args.port,
    )
    celery = Worker(env, args.log_dir / "bench-celery.log")
    try:
        results["load"] = load_test(server, celery, args, args.log_dir)
    finally:
        celery.stop()
        server.stop()
    if not args.skip_memory:
        log = args.log_dir / "bench-gunicorn-memory.log"
        results["memory"] = memory_test(env, log, args.upload_mb)
    emit(results)


if __name__ == "__main__":
    main()
