"""The embedded default (a SQLite file, no DATABASE_URL) under parallel writes:
bursts of parallel saves and review decisions behave as on PostgreSQL, one
winner per version and conflicts for the rest, never "database is locked".

The race runs in a subprocess on the portal's own settings with DATABASE_URL
unset, so it exercises exactly the default a small installation runs on (the
test session itself is on PostgreSQL). Run as a script it is that subprocess.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BURSTS = 4
THREADS = 10


def test_parallel_writes_on_the_sqlite_default_have_one_winner_and_no_errors(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SPBE_VAR_DIR=str(tmp_path), SECRET_KEY="test-only-secret", DEBUG="false")
    env["DJANGO_SETTINGS_MODULE"] = "spbe_portal.settings"
    done = subprocess.run(
        [sys.executable, __file__],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["engine"] == "django.db.backends.sqlite3"
    assert Path(outcome["database"]).parent == tmp_path
    for kind in ("save", "accept"):
        for burst in outcome[kind]:
            assert burst["errors"] == [], burst
            assert burst["winners"] == 1 and burst["conflicts"] == THREADS - 1, burst
    assert outcome["versions"] == [BURSTS + 1] * BURSTS  # one save won in each round


def race() -> dict:
    """Runs in the subprocess: migrate a fresh SQLite file, then bursts of
    THREADS parallel saves on one answer, and of THREADS reviewers accepting
    one submitted answer."""
    import threading

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from assessments import answering, lifecycle
    from assessments import review as reviewing
    from assessments.models import Answer, AnswerState, Role
    from spbe_portal.errors import Conflict, WrongState
    from tests.factories import AssignmentFactory, officer_of, role_in

    call_command("migrate", verbosity=0)

    def burst(work) -> dict:
        barrier = threading.Barrier(THREADS)
        results = [None] * THREADS

        def target(i):
            try:
                barrier.wait(timeout=30)
                results[i] = work(i)
            except Exception as exc:  # collected: conflicts are expected, errors are not
                results[i] = exc
            finally:
                connections.close_all()

        threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        conflicts = (Conflict, WrongState)
        return {
            "winners": sum(isinstance(r, Answer) for r in results),
            "conflicts": sum(isinstance(r, conflicts) for r in results),
            "errors": [
                f"{type(r).__name__}: {r}"
                for r in results
                if not isinstance(r, Answer) and not isinstance(r, conflicts)
            ],
        }

    outcome = {
        "engine": settings.DATABASES["default"]["ENGINE"],
        "database": str(settings.DATABASES["default"]["NAME"]),
        "save": [],
        "accept": [],
    }
    versions = []
    for _ in range(BURSTS):
        assignment = AssignmentFactory()
        lifecycle.answers_ensure(period=assignment.period)
        answer = Answer.objects.get(period=assignment.period)
        officers = [officer_of(assignment.responsible_opd) for _ in range(THREADS)]
        for round_ in range(1, BURSTS + 1):

            def save(i, round_=round_, answer=answer, officers=officers):
                return answering.answer_save(
                    answer=Answer.objects.get(pk=answer.pk),
                    user=officers[i],
                    level=1 + i % 5,
                    explanation=f"ronde {round_} petugas {i}",
                    expected_version=round_,
                )

            outcome["save"].append(burst(save))
        versions.append(Answer.objects.get(pk=answer.pk).version)
        answer = Answer.objects.get(pk=answer.pk)
        answering.answer_submit(answer=answer, user=officers[0], expected_version=answer.version)
        reviewers = [role_in(assignment.period.instansi, Role.REVIEWER) for _ in range(THREADS)]

        def accept(i, answer=answer, reviewers=reviewers):
            return reviewing.answer_accept(
                answer=Answer.objects.get(pk=answer.pk), user=reviewers[i]
            )

        outcome["accept"].append(burst(accept))
        assert Answer.objects.get(pk=answer.pk).state == AnswerState.VALIDATED
    outcome["versions"] = versions
    return outcome


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    print(json.dumps(race()))
