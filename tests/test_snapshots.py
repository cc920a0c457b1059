import hashlib
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import Answer
from reports.models import IndexSnapshot
from reports.snapshots import evaluate, gather_levels, inputs_sha256, snapshot_compute

pytestmark = pytest.mark.django_db


def test_final_snapshot_reproduces_the_published_2024_index(kaltim2024):
    outcome = snapshot_compute(period_id=kaltim2024.period.pk, basis="final")

    snap = IndexSnapshot.objects.get(period=kaltim2024.period, basis="final")
    assert outcome.changed
    assert snap.complete and snap.missing == []
    assert snap.index_exact == Decimal("3.7885")
    assert snap.index_display == "3.79"
    assert snap.predicate == "Sangat Baik"
    assert snap.framework.code == "spbe-2020"
    assert snap.domains["D1"] == {"exact": "3.7", "display": "3.70", "predicate": "Sangat Baik"}
    assert snap.domains["D2"]["display"] == "3.50"
    assert snap.domains["D3"]["display"] == "2.82"
    assert snap.domains["D4"]["display"] == "4.32"
    assert set(snap.aspects) == {f"A{n}" for n in range(1, 9)}
    assert len(snap.levels) == 47 and snap.levels["1"] == 4
    assert len(snap.inputs_sha256) == 64


def test_self_and_validated_bases_use_their_own_levels(kaltim2024):
    snapshot_compute(period_id=kaltim2024.period.pk, basis="self")
    snapshot_compute(period_id=kaltim2024.period.pk, basis="validated")

    by_basis = {s.basis: s for s in IndexSnapshot.objects.filter(period=kaltim2024.period)}
    assert by_basis["self"].index_display == "4.35"
    assert by_basis["self"].predicate == "Memuaskan"
    assert by_basis["validated"].index_exact == Decimal("3.816")


def test_unchanged_inputs_rewrite_nothing(kaltim2024):
    first = snapshot_compute(period_id=kaltim2024.period.pk, basis="final").snapshot

    again = snapshot_compute(period_id=kaltim2024.period.pk, basis="final")

    assert not again.changed
    stored = IndexSnapshot.objects.get(pk=first.pk)
    assert stored.computed_at == first.computed_at
    assert IndexSnapshot.objects.count() == 1


def test_a_changed_level_recomputes_the_snapshot(kaltim2024):
    first = snapshot_compute(period_id=kaltim2024.period.pk, basis="final").snapshot
    Answer.objects.filter(pk=kaltim2024.answers["47"].pk).update(final_level=5)

    again = snapshot_compute(period_id=kaltim2024.period.pk, basis="final")

    assert again.changed
    stored = IndexSnapshot.objects.get(pk=first.pk)
    assert stored.index_exact == Decimal("3.8185")
    assert stored.inputs_sha256 != first.inputs_sha256


def test_incomplete_levels_give_missing_codes_and_no_index(kaltim2024):
    Answer.objects.filter(pk__in=[kaltim2024.answers["5"].pk, kaltim2024.answers["40"].pk]).update(
        final_level=None
    )

    snapshot_compute(period_id=kaltim2024.period.pk, basis="final")

    snap = IndexSnapshot.objects.get(period=kaltim2024.period, basis="final")
    assert not snap.complete
    assert snap.missing == ["5", "40"]
    assert snap.index_exact is None and snap.index_display == "" and snap.predicate == ""
    assert snap.domains == {} and snap.aspects == {}


def test_gather_levels_is_one_query(kaltim2024, django_assert_num_queries):
    with django_assert_num_queries(1):
        levels = gather_levels(kaltim2024.period.pk)
    assert set(levels) == {"self", "validated", "final"}
    assert levels["validated"]["33"] == 5 and levels["final"]["33"] == 4


def test_hash_ignores_order_but_not_levels_or_framework():
    a = inputs_sha256("fw", "x" * 64, {"1": 3, "2": 4})
    assert a == inputs_sha256("fw", "x" * 64, {"2": 4, "1": 3})
    assert a != inputs_sha256("fw", "x" * 64, {"1": 3, "2": 5})
    assert a != inputs_sha256("fw", "y" * 64, {"1": 3, "2": 4})


@given(
    st.dictionaries(
        st.text(max_size=6),
        st.one_of(st.integers(-5, 100_000), st.booleans(), st.none(), st.floats(0, 5)),
        max_size=60,
    )
)
def test_hash_of_any_level_set_is_that_of_its_canonical_json(levels):
    # levels_json writes whole-number levels itself; any code (quotes,
    # non-ASCII) and anything else a caller might pass gives the same text.
    canonical = json.dumps(
        {"framework": "f", "framework_sha256": "s", "levels": sorted(levels.items())},
        separators=(",", ":"),
        sort_keys=True,
    )
    assert inputs_sha256("f", "s", levels) == hashlib.sha256(canonical.encode()).hexdigest()


def test_hash_is_the_sha256_of_the_canonical_json_stored_snapshots_were_made_with():
    # Stored digests decide what is recomputed: the fast path must write the
    # very text the original json.dumps(..., sort_keys=True) wrote.
    levels = {"10": 2, "1": 5, "2": 1, "Pemdi.3": 0}
    canonical = json.dumps(
        {"framework": "spbe-2020", "framework_sha256": "a" * 64, "levels": sorted(levels.items())},
        separators=(",", ":"),
        sort_keys=True,
    )
    expected = hashlib.sha256(canonical.encode()).hexdigest()
    assert inputs_sha256("spbe-2020", "a" * 64, levels) == expected
    assert (
        inputs_sha256('fw "é"', "", {})
        == hashlib.sha256(
            json.dumps(
                {"framework": 'fw "é"', "framework_sha256": "", "levels": []},
                separators=(",", ":"),
                sort_keys=True,
            ).encode()
        ).hexdigest()
    )


def test_out_of_range_or_unknown_levels_count_as_missing(spbe2020):
    spec = spbe2020.to_spec()
    levels = dict.fromkeys(spec.indicator_codes, 3)
    levels["7"] = 9
    levels["zz"] = 3

    evaluation = evaluate(spec, levels)

    assert evaluation.missing == ["7"] and evaluation.result is None


def test_fifty_saves_in_a_window_enqueue_one_recomputation(
    kaltim2024, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from assessments import periods
    from reports import tasks

    calls = []
    monkeypatch.setattr(tasks, "runs_in_process", lambda: False)
    monkeypatch.setattr(
        tasks.snapshot_recompute, "apply_async", lambda *a, **kw: calls.append((a, kw))
    )
    cache.delete(tasks.schedule_key(kaltim2024.period.pk))
    for level in [1, 2, 3, 4, 5] * 10:
        with django_capture_on_commit_callbacks(execute=True):
            periods.final_levels_set(period=kaltim2024.period, user=None, levels={"1": level})

    assert len(calls) == 1
    args, kwargs = calls[0]
    assert args == ((kaltim2024.period.pk,),)
    assert kwargs["countdown"] > tasks.coalesce_seconds()
    cache.delete(tasks.schedule_key(kaltim2024.period.pk))


def test_a_broker_outage_does_not_fail_the_save(
    kaltim2024, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache
    from kombu.exceptions import OperationalError

    from assessments import periods
    from reports import tasks

    def down(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(tasks, "runs_in_process", lambda: False)
    monkeypatch.setattr(tasks.snapshot_recompute, "apply_async", down)
    cache.delete(tasks.schedule_key(kaltim2024.period.pk))
    answer = kaltim2024.answers["1"]

    with django_capture_on_commit_callbacks(execute=True):
        periods.final_levels_set(period=kaltim2024.period, user=None, levels={"1": 2})

    answer.refresh_from_db()
    assert answer.final_level == 2
    # The key is released so that the next save tries again.
    assert cache.get(tasks.schedule_key(kaltim2024.period.pk)) is None


def test_recompute_task_runs_every_basis_and_ignores_deleted_periods(kaltim2024):
    from reports.tasks import snapshot_recompute

    assert snapshot_recompute.apply((kaltim2024.period.pk,)).get() == {
        "self": True,
        "validated": True,
        "final": True,
    }
    assert snapshot_recompute.apply((kaltim2024.period.pk, "final")).get() == {"final": False}
    assert snapshot_recompute.apply((987654,)).get() == {}


def test_a_cache_outage_does_not_fail_the_save(
    kaltim2024, monkeypatch, django_capture_on_commit_callbacks
):
    from assessments import periods
    from reports import tasks

    class BrokenCache:
        def add(self, *args, **kwargs):
            raise RuntimeError("cache down")

        delete = add

    monkeypatch.setattr(tasks, "runs_in_process", lambda: False)
    monkeypatch.setattr(tasks, "cache", BrokenCache())
    answer = kaltim2024.answers["2"]

    with django_capture_on_commit_callbacks(execute=True):
        periods.final_levels_set(period=kaltim2024.period, user=None, levels={"2": 1})

    answer.refresh_from_db()
    assert answer.final_level == 1
