"""gunicorn settings shared by `make run`, the image and the multi-node test.

Anything here can still be overridden on the command line (e.g. --bind).
WEB_CONCURRENCY sets the number of worker processes (gunicorn reads it).
"""

import os

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


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR every worker writes its metrics to files;
    a dead worker's live gauges must stop counting."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
