"""Index snapshots: the levels of a period on one basis, gathered in one
query, hashed, and computed with the exact engine.

The pure part (`evaluate`, `inputs_sha256`) knows nothing of the ORM; the
service `snapshot_compute` stores the outcome and rewrites nothing when the
inputs hash is unchanged, so it may run as often as answers change.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from django.db import connection, transaction
from django.utils import timezone

from assessments.models import Answer, EvaluationPeriod
from indicators import scoring
from indicators.bases import BASES, LEVEL_FIELD
from indicators.models import FrameworkVersion
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
    that a reloaded framework (changed weights) counts as changed input.
    The text hashed is json.dumps({"framework": …, "framework_sha256": …,
    "levels": sorted pairs}, separators=(",", ":"), sort_keys=True); the
    part before the levels is the same for every period of a framework, so
    it is written once (tests/test_snapshots.py holds the two together)."""
    canonical = f"{_digest_head(framework_code, framework_sha256)}{levels_json(levels)}}}"
    return hashlib.sha256(canonical.encode()).hexdigest()


# json.dumps(…, separators=(",", ":")) without building an encoder per call.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":")).encode


def levels_json(levels: Mapping[str, int]) -> str:
    """_COMPACT_JSON(sorted(levels.items())), the same text: written here
    for whole-number levels, each code's JSON text kept, at half the cost of
    encoding the pairs (a national year hashes 2,000 level sets)."""
    pairs = sorted(levels.items())
    parts = []
    for code, level in pairs:
        if type(level) is not int:
            return _COMPACT_JSON(pairs)
        parts.append(f"[{_code_json(code)},{level}]")
    return f"[{','.join(parts)}]"


@functools.lru_cache(maxsize=4096)
def _code_json(code: str) -> str:
    return json.dumps(code)


@functools.lru_cache(maxsize=64)
def _digest_head(framework_code: str, framework_sha256: str) -> str:
    # The keys in sorted order, as sort_keys=True writes them.
    return (
        f'{{"framework":{json.dumps(framework_code)},'
        f'"framework_sha256":{json.dumps(framework_sha256)},"levels":'
    )


def evaluate(spec: scoring.FrameworkSpec, levels: Mapping[str, int]) -> Evaluation:
    """Only levels of the framework's indicators within its range count;
    anything else is reported as missing rather than guessed."""
    usable = scoring.usable_levels(spec, levels)
    result = scoring.compute_complete(spec, usable)
    if result is None:
        missing = [code for code in spec.indicator_codes if code not in usable]
        return Evaluation(levels=usable, missing=missing)
    return Evaluation(levels=usable, result=result)


def score_as_json(score: scoring.Score) -> dict[str, str]:
    exact, shown = _score_texts(score.value.numerator, score.value.denominator)
    return {"exact": exact, "display": shown, "predicate": score.predicate or ""}


@functools.lru_cache(maxsize=8192)
def _score_texts(numerator: int, denominator: int) -> tuple[str, str]:
    """The exact and displayed text of a value, written once per value: a
    year's aspects and domains take a few hundred distinct values over
    thousands of snapshots. Keyed by integers, which hash cheaply (a
    Fraction's hash needs a modular inverse)."""
    value = Fraction(numerator, denominator)
    return scoring.exact_string(value), scoring.display(value)


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
    queries however many periods there are: one to lock the periods, one for
    their frameworks and a few per framework for its spec, one for all
    levels, one for the stored hashes and one upsert of what changed.
    Unchanged inputs write nothing, as with snapshot_compute. Returns the
    number of snapshots written."""
    names = list(BASES if basis is None else (Basis(basis).value,))
    # Same lock as snapshot_compute takes per period, in one statement; only
    # the two columns used (model instances cost more than computing).
    periods = list(
        EvaluationPeriod.objects.select_for_update(of=("self",))
        .filter(year=year)
        .order_by("pk")
        .values_list("pk", "framework_id")
    )
    if not periods:
        return 0
    frameworks = {
        f.pk: (f, f.to_spec())
        for f in FrameworkVersion.objects.filter(pk__in={fw for _p, fw in periods})
    }
    levels = _year_levels(year, periods, names)
    stored = {
        (period_id, b): (digest, framework_id)
        for period_id, b, digest, framework_id in IndexSnapshot.objects.filter(
            period__year=year, basis__in=names
        )
        .order_by()  # the default ordering would join the instansi for nothing
        .values_list("period_id", "basis", "inputs_sha256", "framework_id")
    }
    now = timezone.now()
    changed, computed = [], {}
    for period_id, framework_id in periods:
        framework, spec = frameworks[framework_id]
        for name in names:
            digest = inputs_sha256(
                framework.code, framework.source_sha256, levels[(period_id, name)]
            )
            if stored.get((period_id, name)) == (digest, framework_id):
                continue
            # Equal digests mean equal framework and levels, hence equal
            # figures: a basis that repeats another (final = validated, as is
            # common once a round is closed) is computed once.
            if digest not in computed:
                computed[digest] = snapshot_fields(evaluate(spec, levels[(period_id, name)]))
            changed.append(
                {
                    "period_id": period_id,
                    "basis": name,
                    "framework_id": framework_id,
                    "computed_at": now,
                    "inputs_sha256": digest,
                    **computed[digest],
                }
            )
    if changed:
        _snapshots_upsert(changed)
    logger.info("Snapshots of %s recomputed: %s changed", year, len(changed))
    return len(changed)


def _year_levels(
    year: int, periods: list[tuple[int, int]], names: list[str]
) -> dict[tuple[int, str], dict[str, int]]:
    """{(period id, basis): {indicator code: level}} for every period of the
    year, in one query without ordering (a sort PostgreSQL need not do)."""
    levels: dict[tuple[int, str], dict[str, int]] = {
        (period_id, name): {} for period_id, _fw in periods for name in names
    }
    rows = (
        Answer.objects.filter(period__year=year)
        .order_by()
        .values_list("period_id", "indicator__code", *(LEVEL_FIELD[b] for b in names))
    )
    # Each period's dicts in basis order, looked up once per row: 30,000
    # rows per national year, so a tuple key per level would cost more.
    targets = {
        period_id: [levels[(period_id, name)] for name in names] for period_id, _fw in periods
    }
    for period_id, code, *values in rows:
        for target, level in zip(targets[period_id], values, strict=True):
            if level is not None:
                target[code] = level
    return levels


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


def _snapshots_upsert(rows: list[dict]) -> None:
    """One INSERT ... ON CONFLICT for all rows (dicts by attribute name). On
    PostgreSQL the rows travel as one JSON document expanded by
    jsonb_to_recordset: bulk_create's array parameters escape every quote of
    the JSON columns in Python, which cost more CPU than computing the
    snapshots (docs/PERFORMANCE.md)."""
    if connection.vendor != "postgresql":
        IndexSnapshot.objects.bulk_create(
            [IndexSnapshot(**row) for row in rows],
            update_conflicts=True,
            unique_fields=["period", "basis"],
            update_fields=list(UPSERT_FIELDS),
        )
        return
    meta = IndexSnapshot._meta
    fields = [meta.get_field(name) for name in ("period", "basis", *UPSERT_FIELDS)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    # The record's columns are the rows' keys, the attribute names.
    keys = ", ".join(quote(f.attname) for f in fields)
    types = ", ".join(f"{quote(f.attname)} {_sql_type(f)}" for f in fields)
    key = ", ".join(quote(f.column) for f in fields[:2])
    updates = ", ".join(f"{quote(f.column)} = EXCLUDED.{quote(f.column)}" for f in fields[2:])
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "
        f"SELECT {keys} FROM jsonb_to_recordset(%s::jsonb) AS r({types}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows, separators=(",", ":"), default=_as_json)])


def _as_json(value):
    # Decimals and datetimes as text, which PostgreSQL casts exactly; the
    # encoder asks only for what JSON has no form of.
    if isinstance(value, Decimal | datetime):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _sql_type(model_field) -> str:
    if model_field.get_internal_type() == "JSONField":
        return "jsonb"
    target = model_field.target_field if model_field.is_relation else model_field
    # Without length or precision: the table's own columns apply them.
    return target.db_type(connection).split("(")[0]
