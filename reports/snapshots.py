"""Index snapshots: the levels of a period on one basis, gathered in one
query, hashed, and computed with the exact engine.

The pure part (`evaluate`, `inputs_sha256`) knows nothing of the ORM; the
service `snapshot_compute` stores the outcome and rewrites nothing when the
inputs hash is unchanged, so it may run as often as answers change.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from assessments.models import Answer, EvaluationPeriod
from indicators import scoring
from indicators.bases import BASES, LEVEL_FIELD
from reports.models import Basis, IndexSnapshot

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Evaluation:
    """The outcome for one level set: a result when complete, else the
    codes that still lack a usable level."""

    levels: dict[str, int]
    missing: list[str] = field(default_factory=list)
    result: scoring.IndexResult | None = None

    @property
    def complete(self) -> bool:
        return self.result is not None


def gather_levels(period_id: int, bases: Iterable[str] = BASES) -> dict[str, dict[str, int]]:
    """{basis: {indicator code: level}} for a period, in one query; a level
    that is not set is simply absent."""
    bases = [Basis(b) for b in bases]
    rows = Answer.objects.filter(period_id=period_id).values_list(
        "indicator__code", *(LEVEL_FIELD[b] for b in bases)
    )
    gathered: dict[str, dict[str, int]] = {b.value: {} for b in bases}
    for code, *levels in rows:
        for basis, level in zip(bases, levels, strict=True):
            if level is not None:
                gathered[basis.value][code] = level
    return gathered


def inputs_sha256(framework_code: str, framework_sha256: str, levels: Mapping[str, int]) -> str:
    """Stable over dict order; the framework's source hash is part of it so
    that a reloaded framework (changed weights) counts as changed input."""
    canonical = json.dumps(
        {
            "framework": framework_code,
            "framework_sha256": framework_sha256,
            "levels": sorted(levels.items()),
        },
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def evaluate(spec: scoring.FrameworkSpec, levels: Mapping[str, int]) -> Evaluation:
    """Only levels of the framework's indicators within its range count;
    anything else is reported as missing rather than guessed."""
    usable = scoring.usable_levels(spec, levels)
    missing = [code for code in spec.indicator_codes if code not in usable]
    if missing:
        return Evaluation(levels=usable, missing=missing)
    return Evaluation(levels=usable, result=scoring.compute(spec, usable))


def score_as_json(score: scoring.Score) -> dict[str, str]:
    return {"exact": score.exact_str, "display": score.display, "predicate": score.predicate or ""}


def provisional_as_json(spec: scoring.FrameworkSpec, levels: Mapping[str, int]) -> dict:
    """The provisional index of an incomplete level set as the command and
    the API print it: the index with two decimals, its coverage."""
    found = scoring.provisional(spec, levels)
    return {
        "index": scoring.display(found.index) if found.index is not None else None,
        "coverage_indicators": found.answered,
        "coverage_weight": scoring.display(found.weight_share),
    }


def snapshot_fields(evaluation: Evaluation) -> dict:
    result = evaluation.result
    if result is None:
        return {
            "complete": False,
            "missing": evaluation.missing,
            "index_exact": None,
            "index_display": "",
            "predicate": "",
            "aspects": {},
            "domains": {},
            "levels": evaluation.levels,
        }
    return {
        "complete": True,
        "missing": [],
        # Ten places is what the column keeps; repeating values are cut there.
        "index_exact": Decimal(result.index.exact_str),
        "index_display": result.index.display,
        "predicate": result.index.predicate or "",
        "aspects": {code: score_as_json(s) for code, s in result.aspects.items()},
        "domains": {code: score_as_json(s) for code, s in result.domains.items()},
        "levels": evaluation.levels,
    }


@dataclass(frozen=True)
class SnapshotOutcome:
    snapshot: IndexSnapshot
    evaluation: Evaluation
    changed: bool


@transaction.atomic
def snapshot_compute(*, period_id: int, basis: str) -> SnapshotOutcome:
    """Computes and stores the snapshot of one period and basis. Idempotent:
    when the inputs hash equals the stored one nothing is written."""
    basis = Basis(basis)
    # The period row lock serialises concurrent recomputations of a period.
    period = (
        EvaluationPeriod.objects.select_for_update(of=("self",))
        .select_related("framework")
        .get(pk=period_id)
    )
    framework = period.framework
    spec = framework.to_spec()
    levels = gather_levels(period.pk, [basis])[basis.value]
    digest = inputs_sha256(framework.code, framework.source_sha256, levels)
    evaluation = evaluate(spec, levels)

    existing = IndexSnapshot.objects.filter(period=period, basis=basis).first()
    if (
        existing is not None
        and existing.inputs_sha256 == digest
        and existing.framework_id == framework.pk
    ):
        return SnapshotOutcome(snapshot=existing, evaluation=evaluation, changed=False)

    values = {
        "framework": framework,
        "computed_at": timezone.now(),
        "inputs_sha256": digest,
        **snapshot_fields(evaluation),
    }
    snapshot, _ = IndexSnapshot.objects.update_or_create(
        period=period, basis=basis, defaults=values
    )
    logger.info(
        "Snapshot %s/%s recomputed: %s",
        period.pk,
        basis.value,
        snapshot.index_display or f"incomplete ({len(evaluation.missing)} missing)",
    )
    return SnapshotOutcome(snapshot=snapshot, evaluation=evaluation, changed=True)


def current_digests(
    period: EvaluationPeriod, levels: Mapping[str, Mapping[str, int]] | None = None
) -> dict[str, str]:
    """The inputs hash each basis would have now, to tell a fresh snapshot
    from a stale one without recomputing it: from `levels` as gather_levels
    gives them when the caller has read them already, else in one query."""
    framework = period.framework
    if levels is None:
        levels = gather_levels(period.pk)
    return {
        basis: inputs_sha256(framework.code, framework.source_sha256, by_code)
        for basis, by_code in levels.items()
    }


@transaction.atomic
def snapshots_compute_for_year(*, year: int, basis: str | None = None) -> int:
    """Computes the snapshots of every period of `year` (all instansi) on one
    basis, or on all of them when `basis` is None, in a fixed number of
    queries however many periods there are: one to lock the periods, a few
    per framework for its spec, one for all levels, one for the stored
    hashes and one upsert of what changed. Unchanged inputs write nothing,
    as with snapshot_compute. Returns the number of snapshots written."""
    bases = BASES if basis is None else (Basis(basis).value,)
    names = list(bases)
    # Same lock as snapshot_compute takes per period, in one statement.
    periods = list(
        EvaluationPeriod.objects.select_for_update(of=("self",))
        .select_related("framework")
        .filter(year=year)
        .order_by("pk")
    )
    if not periods:
        return 0
    specs = {}
    for period in periods:
        if period.framework_id not in specs:
            specs[period.framework_id] = period.framework.to_spec()

    fields = [LEVEL_FIELD[b] for b in bases]
    levels: dict[tuple[int, str], dict[str, int]] = {
        (p.pk, name): {} for p in periods for name in names
    }
    rows = Answer.objects.filter(period__year=year).values_list(
        "period_id", "indicator__code", *fields
    )
    for period_id, code, *values in rows:
        for name, level in zip(names, values, strict=True):
            if level is not None:
                levels[(period_id, name)][code] = level

    stored = {
        (period_id, b): (digest, framework_id)
        for period_id, b, digest, framework_id in IndexSnapshot.objects.filter(
            period__year=year, basis__in=names
        ).values_list("period_id", "basis", "inputs_sha256", "framework_id")
    }
    now = timezone.now()
    changed = []
    for period in periods:
        framework = period.framework
        spec = specs[framework.pk]
        for name in names:
            key = (period.pk, name)
            digest = inputs_sha256(framework.code, framework.source_sha256, levels[key])
            if stored.get(key) == (digest, framework.pk):
                continue
            changed.append(
                IndexSnapshot(
                    period_id=period.pk,
                    basis=name,
                    framework_id=framework.pk,
                    computed_at=now,
                    inputs_sha256=digest,
                    **snapshot_fields(evaluate(spec, levels[key])),
                )
            )
    if changed:
        _snapshots_upsert(changed)
    logger.info("Snapshots of %s recomputed: %s changed", year, len(changed))
    return len(changed)


UPSERT_FIELDS = (
    "framework",
    "computed_at",
    "inputs_sha256",
    "complete",
    "missing",
    "index_exact",
    "index_display",
    "predicate",
    "aspects",
    "domains",
    "levels",
)


def _snapshots_upsert(snapshots: list[IndexSnapshot]) -> None:
    """One INSERT ... ON CONFLICT for all rows. On PostgreSQL the rows travel
    as one JSON document expanded by jsonb_to_recordset: bulk_create's array
    parameters escape every quote of the JSON columns in Python, which cost
    more CPU than computing the snapshots (docs/PERFORMANCE.md)."""
    if connection.vendor != "postgresql":
        IndexSnapshot.objects.bulk_create(
            snapshots,
            update_conflicts=True,
            unique_fields=["period", "basis"],
            update_fields=list(UPSERT_FIELDS),
        )
        return
    meta = IndexSnapshot._meta
    names = ("period", "basis", *UPSERT_FIELDS)
    fields = [meta.get_field(name) for name in names]
    rows = [{f.column: _as_json(getattr(s, f.attname)) for f in fields} for s in snapshots]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    types = ", ".join(f"{quote(f.column)} {_sql_type(f)}" for f in fields)
    key = ", ".join(quote(f.column) for f in fields[:2])
    updates = ", ".join(f"{quote(f.column)} = EXCLUDED.{quote(f.column)}" for f in fields[2:])
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "
        f"SELECT {columns} FROM jsonb_to_recordset(%s::jsonb) AS r({types}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows, separators=(",", ":"))])


def _as_json(value):
    # Decimals and datetimes as text, which PostgreSQL casts exactly.
    return str(value) if isinstance(value, Decimal | datetime) else value


def _sql_type(model_field) -> str:
    if model_field.get_internal_type() == "JSONField":
        return "jsonb"
    target = model_field.target_field if model_field.is_relation else model_field
    # Without length or precision: the table's own columns apply them.
    return target.db_type(connection).split("(")[0]
