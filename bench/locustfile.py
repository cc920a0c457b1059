"""The load test's simulated officer, for Locust (FastHttpUser: gevent and a
C HTTP client, so one generator process on the same two CPUs costs the
server little). bench/load.py drives it; it also runs on its own:

    LOAD_PLAN=plan.json locust -f bench/locustfile.py --headless \\
        --host http://127.0.0.1:8000 -u 300 -r 10 -t 60s

The plan is a JSON list of [username, answer public id]: each simulated
user takes the next pair, so each edits an answer of its own (no conflicts
expected). A user logs in through the login form, opens its answer and saves
it once before it counts as ready (logins cost a PBKDF2 hash each and are
not what is measured); then it thinks 5–15 s, saves with the version read
from the page and reloads the page, as the browser does after the redirect.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from dataclasses import dataclass, field
from itertools import count

import gevent
from locust import FastHttpUser, constant, task

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
PASSWORD = "bench-sandi-123"  # bench/common.py's; not imported: that module needs no gevent


@dataclass
class Sample:
    window: int | None
    save_status: int
    reload_status: int
    save_s: float
    reload_s: float


@dataclass
class Recorder:
    """What every simulated user shares: the plan, who is ready, the open
    measurement window and the samples taken in it."""

    plan: list = field(default_factory=list)
    think: tuple[float, float] = (5.0, 15.0)
    next_index: count = field(default_factory=count)
    ready: int = 0
    failed: list = field(default_factory=list)
    window: int | None = None
    in_flight: int = 0
    samples: list = field(default_factory=list)

    def record(self, sample: Sample) -> None:
        if sample.window is not None:
            self.samples.append(sample)


RECORDER = Recorder()
if os.environ.get("LOAD_PLAN"):
    with open(os.environ["LOAD_PLAN"]) as handle:
        RECORDER.plan = json.load(handle)


class Officer(FastHttpUser):
    # Think time is slept inside the task, so a user that has just logged in
    # can spread its first save over one think time.
    wait_time = constant(0)
    network_timeout = 120.0
    connection_timeout = 120.0

    def on_start(self) -> None:
        index = next(RECORDER.next_index)
        self.rng = random.Random(index)
        self.index, self.saves = index, 0
        username, public_id = RECORDER.plan[index]
        self.url = f"/jawaban/{public_id}/"
        try:
            self.login(username)
            page = self.client.get(self.url)
            self.version = VERSION.search(page.text).group(1)
            self.token = CSRF.search(page.text).group(1)
            saved, _reloaded, _s, _r = self.save()  # warm-up, not measured
            if saved != 302:
                raise RuntimeError(f"warm-up save answered {saved}")
        except Exception as exc:  # any failure: the user is not ready, said so
            RECORDER.failed.append(f"{username}: {type(exc).__name__} {exc}"[:200])
            self.stop(force=True)
            return
        RECORDER.ready += 1
        self.pause = self.rng.uniform(0, RECORDER.think[1])

    def login(self, username: str) -> None:
        page = self.client.get("/accounts/login/")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login answered {response.status_code}")

    def save(self) -> tuple[int, int, float, float]:
        self.saves += 1
        data = {
            "level": str(1 + self.saves % 5),
            "explanation": (
                f"FAKTA: dokumen uji {self.index}-{self.saves}. ANALISIS: memenuhi kriteria."
            ),
            "version": self.version,
            "csrfmiddlewaretoken": self.token,
        }
        t0 = time.perf_counter()
        saved = self.client.post(self.url, data=data, allow_redirects=False)
        t1 = time.perf_counter()
        page = self.client.get(self.url)  # the redirect the browser follows
        t2 = time.perf_counter()
        text = page.text or ""
        found_version, found_token = VERSION.search(text), CSRF.search(text)
        if found_version:
            self.version = found_version.group(1)
        if found_token:
            self.token = found_token.group(1)
        return saved.status_code, page.status_code, t1 - t0, t2 - t1

    @task
    def edit(self) -> None:
        gevent.sleep(self.pause)
        self.pause = self.rng.uniform(*RECORDER.think)
        # A save belongs to the window open when it starts.
        window = RECORDER.window
        RECORDER.in_flight += window is not None
        try:
            saved, reloaded, save_s, reload_s = self.save()
        finally:
            RECORDER.in_flight -= window is not None
        RECORDER.record(Sample(window, saved, reloaded, save_s, reload_s))
