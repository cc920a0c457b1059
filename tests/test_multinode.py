"""Two web nodes and two workers behind a load balancer, on real engines:
gunicorn ×2 behind Debian's HAProxy, Celery workers ×2, PostgreSQL, Redis and
the S3-compatible server (SeaweedFS). Nothing a node keeps in memory may
matter: an officer's session works on both nodes, evidence uploaded through
one downloads through the other, a report requested on one is rendered by a
worker and downloaded through the other, and stopping a node while requests
flow loses none that the balancer can retry, and no data.

The balancer's configuration here is the one docs/OPERATIONS.md describes."""

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.urls import reverse

from assessments.models import EvidenceFile, Role
from reports.models import JobState, ReportJob
from tests.conftest import other_process_database_url, start_celery_worker, stop_process, wait_until
from tests.factories import PASSWORD, role_in
from tests.pdf_samples import MINIMAL_PDF
from tests.s3server import free_port

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parent.parent
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
PDF = MINIMAL_PDF
METRICS_TOKEN = secrets.token_urlsafe(16)

HAPROXY_CONFIG = """
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A request that never reached a node (refused connection) or got no
    # answer at all is sent again, to another node: never a 5xx or a timeout,
    # which could repeat a POST a node already carried out.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
    option forwardfor

frontend portal
    bind 127.0.0.1:{port}
    default_backend web

backend web
    balance roundrobin
    option httpchk
    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter 500ms fall 1 rise 2
{servers}
"""


def start_web_node(port, log_path, environ):
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "spbe_portal.wsgi",
                "--config",
                "spbe_portal/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=REPO,
            env={**os.environ, **environ},
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_ready(url, proc, log_path):
    def ready():
        if proc.poll() is not None:
            pytest.fail(f"{url} exited:\n" + log_path.read_text(errors="replace"))
        try:
            return requests.get(f"{url}/readyz", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    wait_until(ready, timeout=60, interval=0.3)


@pytest.fixture
def cluster(s3_storage, transactional_db, tmp_path):
    """Returns a namespace: lb (the balancer's URL), nodes {name: (proc, url)},
    workers [proc]. Everything is stopped afterwards, whatever happened."""
    from types import SimpleNamespace

    from spbe_portal.celery import app

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("needs REDIS_URL (a real broker)")
    if not Path(HAPROXY).exists():
        pytest.fail("haproxy is missing: make test-system-deps installs it")
    app.control.purge()
    shared = {
        "DATABASE_URL": other_process_database_url(),
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback; behind TLS a deployment keeps them Secure.
        "SECURE_COOKIES": "false",
        "WEB_CONCURRENCY": "2",
        "METRICS_TOKEN": METRICS_TOKEN,
    }
    started = []
    try:
        workers = [
            start_celery_worker(tmp_path / f"{name}.log", name=name, environ=shared)
            for name in ("worker1", "worker2")
        ]
        started += workers
        nodes = {}
        for name in ("web1", "web2"):
            metrics_dir = tmp_path / f"{name}-metrics"
            metrics_dir.mkdir()
            environ = {**shared, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
            port, log_path = free_port(), tmp_path / f"{name}.log"
            proc = start_web_node(port, log_path, environ)
            started.append(proc)
            nodes[name] = (proc, f"http://127.0.0.1:{port}")
            wait_ready(nodes[name][1], proc, log_path)
        lb_port = free_port()
        servers = "\n".join(
            f"    server {name} {url.removeprefix('http://')} check"
            for name, (_, url) in nodes.items()
        )
        config = tmp_path / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(port=lb_port, servers=servers))
        balancer = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(config)],
            stdout=(tmp_path / "haproxy.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        started.append(balancer)
        lb = f"http://127.0.0.1:{lb_port}"

        wait_ready(lb, balancer, tmp_path / "haproxy.log")
        yield SimpleNamespace(lb=lb, nodes=nodes, workers=workers, logs=tmp_path)
    finally:
        for proc in reversed(started):
            if proc.poll() is None:
                stop_process(proc)


def csrf(session) -> str:
    return session.cookies["csrftoken"]


def sign_in(base, user) -> requests.Session:
    session = requests.Session()
    assert session.get(f"{base}/accounts/login/", timeout=10).status_code == 200
    response = session.post(
        f"{base}/accounts/login/",
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf(session),
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def upload(session, base, answer, name, data, headers=None):
    url = reverse("assessments:evidence_upload", kwargs={"public_id": answer.public_id})
    return session.post(
        f"{base}{url}",
        data={"csrfmiddlewaretoken": csrf(session)},
        files={"files": (name, data, "application/pdf")},
        headers=headers,
        allow_redirects=False,
        timeout=30,
    )


def test_two_nodes_two_workers_behind_a_balancer(cluster, officer_world, kaltim2024):
    (_, web1), (_, web2) = cluster.nodes["web1"], cluster.nodes["web2"]
    answer = officer_world.answer
    answer_url = reverse("assessments:answer_detail", kwargs={"public_id": answer.public_id})

    # The session made on one node is valid on the other.
    officer = sign_in(web1, officer_world.officer)
    page = officer.get(f"{web2}{answer_url}", allow_redirects=False, timeout=10)
    assert page.status_code == 200
    assert answer.indicator.name in page.text

    # Evidence uploaded through one node is downloaded through the other.
    assert upload(officer, web1, answer, "Pergub 4 2023.pdf", PDF).status_code == 302
    evidence = EvidenceFile.objects.get(answer=answer)
    download_url = reverse(
        "assessments:evidence_download", kwargs={"public_id": evidence.public_id}
    )
    download = officer.get(f"{web2}{download_url}", timeout=10)
    assert download.status_code == 200 and download.content == PDF
    # ... and only after the access check, on either node.
    outsider = sign_in(web2, officer_world.outsider)
    assert outsider.get(f"{web1}{download_url}", timeout=10).status_code == 404

    # A report requested on one node is rendered by a worker and downloaded
    # through the other.
    leader = sign_in(cluster.lb, role_in(kaltim2024.instansi, Role.LEADERSHIP))
    reports_url = reverse(
        "reports:report_list", kwargs={"instansi": "kaltim", "year": kaltim2024.period.year}
    )
    requested = leader.post(
        f"{web1}{reports_url}",
        data={
            "kind": "instansi",
            "basis": "final",
            "fmt": "pdf",
            "csrfmiddlewaretoken": csrf(leader),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert requested.status_code == 302, requested.text[:500]
    job = ReportJob.objects.get(period=kaltim2024.period)

    def finished():
        current = ReportJob.objects.get(pk=job.pk)
        return current if current.state in (JobState.DONE, JobState.FAILED) else None

    done = wait_until(finished, timeout=120)
    assert done.state == JobState.DONE, done.message
    # Not in the list of tasks a worker prints on start: the task run itself.
    ran = re.compile(r"Task reports\.report_render\[[^]]+\] succeeded")
    rendered_by = [
        proc.log_path.name
        for proc in cluster.workers
        if ran.search(proc.log_path.read_text(errors="replace"))
    ]
    assert len(rendered_by) == 1, rendered_by
    report_url = reverse("reports:report_download", kwargs={"public_id": job.public_id})
    report = leader.get(f"{web2}{report_url}", timeout=30)
    assert report.status_code == 200 and report.content.startswith(b"%PDF")

    # Either node's metrics add up its own gunicorn workers' counts.
    metrics = requests.get(
        f"{web2}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10
    )
    assert metrics.status_code == 200
    assert re.search(r'spbe_http_requests_total\{[^}]*view="readyz"', metrics.text)

    # A node stops while requests flow through the balancer: none is lost.
    # Each request on a connection of its own to the balancer: what is under
    # test is the balancer's side. On a reused client connection an upload
    # right after the stop now and then got no answer at all (a browser sends
    # a request again when a kept-alive connection closes before any answer;
    # requests does not); that client-side race is kept out of the test.
    sent, uploads, fresh = [], 0, {"Connection": "close"}
    for i in range(30):
        if i == 8:
            cluster.nodes["web1"][0].terminate()
        if i % 5 == 4:
            response = upload(officer, cluster.lb, answer, f"bukti-{i}.pdf", PDF, headers=fresh)
            uploads += 1
            sent.append(response.status_code == 302)
        else:
            response = officer.get(
                f"{cluster.lb}{answer_url}", allow_redirects=False, timeout=10, headers=fresh
            )
            sent.append(response.status_code == 200)
        time.sleep(0.1)
    assert all(sent), sent
    assert cluster.nodes["web1"][0].wait(timeout=30) == 0
    # The balancer really spread the stream: web1 served some before it
    # stopped, web2 the rest.
    for name in ("web1", "web2"):
        log = (cluster.logs / f"{name}.log").read_text(errors="replace")
        assert f"GET {answer_url} " in log, name
    # Every upload is stored once: no request was lost, none carried out twice.
    assert EvidenceFile.objects.filter(answer=answer).count() == 1 + uploads
    assert officer.get(f"{cluster.lb}{download_url}", timeout=10).content == PDF
