"""gunicorn settings shared by `make run`, the image and the multi-node test.

Anything here can still be overridden on the command line (e.g. --bind).
WEB_CONCURRENCY sets the number of worker processes (gunicorn reads it).
"""

import os
import tempfile

# Access lines on standard output, like the rest of the logs.
accesslog = "-"
# Report rendering runs in the request on the embedded default (no Redis), so
# a request may legitimately take tens of seconds there.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# On SIGTERM, requests in flight finish before the process exits; the load
# balancer stops sending new ones once /readyz stops answering.
graceful_timeout = 30
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# X-Forwarded-* are trusted only from these addresses (the load balancer).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Each worker process counts its own requests; for /metrics to add them up,
# prometheus_client writes them to files in this directory. It must be set
# before the workers import the application, which is why it is set here; a
# fresh temporary directory unless the operator names one.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="spbe-metrics-"))


def child_exit(server, worker):
    """A dead worker's live gauges must stop counting."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_starting(server):
    """Counts left by an earlier run of this node would be added to the new
    ones: start from an empty metrics directory."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    if os.path.isdir(directory):
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))
