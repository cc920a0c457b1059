"""Benchmarks that run inside one Django process on the national dataset:
2. recomputing every snapshot of one year (time, and query count at 65 and
   at 650 instansi);
3. pages through Django's test client (median server time, ratio to
   /healthz measured in the same run, query count);
5. report rendering (instansi PDF, OPD PDF, Excel), timing the render
   functions directly.

    python bench/inprocess.py [--requests 40] [--year 2024]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from common import OPEN_YEAR, PROVINCE, Timer, django_setup, emit, median_ms, percentile


class Rollback(Exception):
    pass


def snapshot_benchmark(year: int, repeat: int) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from assessments.models import EvaluationPeriod
    from reports.models import IndexSnapshot
    from reports.snapshots import snapshots_compute_for_year

    def fresh_run() -> tuple[float, int, int, float]:
        IndexSnapshot.objects.filter(period__year=year).delete()
        backend = backend_pid(connection)
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            db_started = process_cpu(backend)
            written = snapshots_compute_for_year(year=year)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            cpu += process_cpu(backend) - db_started
        return seconds, len(captured.captured_queries), written, cpu

    periods = EvaluationPeriod.objects.filter(year=year).count()
    # Query count with a tenth of the instansi: the others' periods are moved
    # to a far year inside a transaction that is rolled back afterwards.
    small_queries = small_periods = 0
    try:
        with transaction.atomic():
            keep = list(
                EvaluationPeriod.objects.filter(year=year)
                .order_by("pk")
                .values_list("pk", flat=True)[: max(1, periods // 10)]
            )
            EvaluationPeriod.objects.filter(year=year).exclude(pk__in=keep).update(year=year + 1000)
            small_periods = len(keep)
            # The first run in a process also reads each framework once (the
            # spec is cached per revision); compare warm runs with warm runs.
            fresh_run()
            _seconds, small_queries, _written, _cpu = fresh_run()
            raise Rollback
    except Rollback:
        pass

    runs = [fresh_run() for _ in range(repeat)]
    with Timer() as unchanged:
        again = snapshots_compute_for_year(year=year)
    return {
        "year": year,
        "periods": periods,
        "snapshots": runs[0][2],
        "seconds_best": round(min(r[0] for r in runs), 3),
        "seconds_median": round(sorted(r[0] for r in runs)[len(runs) // 2], 3),
        "cpu_median": round(sorted(r[3] for r in runs)[len(runs) // 2], 3),
        "queries": runs[0][1],
        "queries_at_tenth": small_queries,
        "periods_at_tenth": small_periods,
        "unchanged_seconds": round(unchanged.seconds, 3),
        "unchanged_written": again,
    }


def backend_pid(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a local process (PostgreSQL runs here)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_pages(year: int) -> list[tuple[str, object, str]]:
    """(label, user or None, URL) of every measured page, /healthz first:
    also what bench/profile_pages.py profiles."""
    from django.urls import reverse

    from assessments.models import OPD, Answer, AnswerState, Instansi, User
    from reports.models import IssuedDocument

    province = Instansi.objects.get(code=PROVINCE)
    diskominfo = OPD.objects.get(instansi=province, code="diskominfo")
    officer = User.objects.get(username=f"{province.pk}.diskominfo")
    reviewer = User.objects.get(username="prov.reviewer")
    leader = User.objects.get(username="prov.leadership")
    open_answers = Answer.objects.filter(
        period__instansi=province, period__year=OPEN_YEAR
    ).order_by("indicator__position")
    answer = open_answers.filter(
        opd=diskominfo, state=AnswerState.DRAFT, proposed_level__isnull=False
    ).first()
    submitted = open_answers.filter(state=AnswerState.SUBMITTED).first()
    document = IssuedDocument.objects.filter(instansi=province).first()
    return [
        ("healthz", None, "/healthz"),
        ("officer: my indicators", officer, reverse("assessments:my_indicators")),
        (
            "officer: answer page",
            officer,
            reverse("assessments:answer_detail", args=[answer.public_id]),
        ),
        ("reviewer: queue", reviewer, reverse("review:queue")),
        ("reviewer: decision page", reviewer, reverse("review:detail", args=[submitted.public_id])),
        (
            f"dashboard {OPEN_YEAR} (open)",
            leader,
            reverse("reports:dashboard", args=[PROVINCE, OPEN_YEAR]),
        ),
        (
            f"dashboard {year} (published)",
            leader,
            reverse("reports:dashboard", args=[PROVINCE, year]),
        ),
        # Public: anyone holding the code printed on an issued document.
        ("public: document verification", None, reverse("documents:verify", args=[document.code])),
    ]


def page_benchmark(requests: int, year: int) -> dict:
    from django.db import connection
    from django.test import Client

    pages = bench_pages(year)
    results = []
    for label, user, url in pages:
        client = Client()
        if user is not None:
            client.force_login(user)
        for _ in range(3):  # warm caches, imports, template loaders
            response = client.get(url)
            assert response.status_code == 200, (label, response.status_code)
        queries = [0]

        def count(execute, sql, params, many, context, queries=queries):
            queries[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        backend = backend_pid(connection)
        db_cpu_started = process_cpu(backend)
        samples, cpu = [], []
        for _ in range(requests):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            assert response.status_code == 200, (label, response.status_code)
        db_cpu = (process_cpu(backend) - db_cpu_started) / requests
        results.append(
            {
                "page": label,
                # PostgreSQL backend CPU per request, read from /proc: with the
                # Python CPU it is what the request costs an idle machine.
                "db_cpu_ms": round(db_cpu * 1000, 2),
                "url": url,
                "median_ms": round(median_ms(samples), 2),
                "p90_ms": round(percentile(samples, 0.9) * 1000, 2),
                # Python CPU of the request (not PostgreSQL's): less sensitive
                # to other load on the machine than wall time.
                "cpu_median_ms": round(median_ms(cpu), 2),
                "queries": queries[0],
                "bytes": len(response.content),
            }
        )
    base = results[0]["median_ms"]
    for row in results:
        row["ratio"] = round(row["median_ms"] / base, 1)
    return {"requests": requests, "pages": results, "load_average": round(os.getloadavg()[0], 2)}


def job_benchmark(year: int, repeat: int) -> dict:
    from assessments.models import OPD, EvaluationPeriod
    from reports.models import Basis, ReportFormat, ReportKind
    from reports.rendering import render_report

    period = EvaluationPeriod.objects.select_related("instansi", "framework").get(
        instansi__code=PROVINCE, year=year
    )
    opd = OPD.objects.get(instansi=period.instansi, code="diskominfo")
    jobs = [
        ("instansi PDF", ReportKind.INSTANSI, None, ReportFormat.PDF),
        ("OPD PDF (Diskominfo)", ReportKind.OPD, opd, ReportFormat.PDF),
        ("Excel export (instansi)", ReportKind.INSTANSI, None, ReportFormat.XLSX),
    ]
    results = []
    for label, kind, job_opd, fmt in jobs:
        timings, cpu, size = [], [], 0
        for _ in range(repeat + 1):  # the first run pays for imports and fonts
            started, cpu_started = time.perf_counter(), time.process_time()
            content = render_report(
                period=period, basis=Basis.FINAL, kind=kind, opd=job_opd, fmt=fmt
            )
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            size = len(content)
        results.append(
            {
                "job": label,
                "first_s": round(timings[0], 2),
                "median_s": round(sorted(timings[1:])[len(timings[1:]) // 2], 2),
                "cpu_median_s": round(sorted(cpu[1:])[len(cpu[1:]) // 2], 2),
                "bytes": size,
            }
        )
    return {
        "period": f"{PROVINCE} {year}",
        "jobs": results,
        "load_average": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    django_setup()
    emit(
        {
            "snapshots": snapshot_benchmark(args.year, args.repeat),
            "pages": page_benchmark(args.requests, args.year),
            "jobs": job_benchmark(args.year, args.repeat),
        }
    )


if __name__ == "__main__":
    main()
