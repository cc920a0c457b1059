"""`make run` serves the demo the way production does: gunicorn with
WhiteNoise and DEBUG off on the embedded default (SQLite, jobs in-process),
so a wrong URL gets the portal's own 404 page, never Django's debug page.

The real target runs here, from the Makefile, on a scratch var/ directory and
a free port, with none of the test run's DATABASE_URL, REDIS_URL or SECRET_KEY."""

import os
import signal
import subprocess
from pathlib import Path

import pytest
import requests

from tests.conftest import wait_until
from tests.s3server import free_port

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
# What the test run sets and a newcomer's shell does not.
NOT_SET_BY_A_NEWCOMER = {
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "FILES_STORAGE_BACKEND",
    "FILES_STORAGE_OPTIONS",
    "DJANGO_SETTINGS_MODULE",
    # Under `make test` the outer make's own state.
    "MAKEFLAGS",
    "MAKELEVEL",
    "MFLAGS",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    var = tmp_path_factory.mktemp("make-run")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in NOT_SET_BY_A_NEWCOMER}
    env |= {"SPBE_VAR_DIR": str(var), "DEMO_PASSWORD": "demo-sandi-uji"}
    log_path = var / "make-run.log"
    with log_path.open("wb") as log:
        # A session of its own, so that stopping it stops make's children too.
        make = subprocess.Popen(
            ["make", "run", f"RUN_ADDRESS=127.0.0.1:{port}", f"DEMO_KEY={var}/key"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"

    def serving():
        if make.poll() is not None:
            pytest.fail("make run stopped:\n" + log_path.read_text(errors="replace"))
        try:
            return requests.get(f"{base}/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_until(serving, timeout=240, interval=1)
        yield base, var, log_path
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)


def test_the_demo_is_seeded_and_served_by_gunicorn(demo):
    base, var, log_path = demo
    log = log_path.read_text(errors="replace")
    assert "Booting worker" in log and "runserver" not in log
    assert (var / "spbe.sqlite3").exists()
    # The key was made for this demo, readable by its owner only.
    assert oct((var / "key").stat().st_mode)[-3:] == "600"
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=10)
    signed_in = session.post(
        f"{base}/accounts/login/",
        data={
            "username": "pimpinan",
            "password": "demo-sandi-uji",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=30,
    )
    assert signed_in.status_code == 200 and "Keluar" in signed_in.text


def test_a_wrong_url_gets_the_portals_own_404(demo):
    base, _, _ = demo
    response = requests.get(f"{base}/tidak-ada/", timeout=10)
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    # Django's debug page lists the routes; production settings never do.
    assert "URLconf" not in response.text and "Traceback" not in response.text


def test_static_files_come_from_whitenoise_compressed(demo):
    base, _, _ = demo
    page = requests.get(f"{base}/accounts/login/", timeout=10).text
    stylesheet = next(
        line.split('href="', 1)[1].split('"', 1)[0]
        for line in page.splitlines()
        if 'rel="stylesheet"' in line
    )
    response = requests.get(base + stylesheet, headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age" in response.headers["Cache-Control"]
