import json

from django.core.management.base import BaseCommand, CommandError

from assessments.models import EvaluationPeriod
from indicators.calculator import result_as_dict
from reports.models import Basis
from reports.snapshots import provisional_as_json, snapshot_compute


class Command(BaseCommand):
    help = (
        "Computes the SPBE index of one evaluation period on one basis (self = levels proposed "
        "by the OPDs, validated = levels validated by the internal assessors, final = the "
        "published final levels), stores it as the period's snapshot (unchanged inputs rewrite "
        "nothing) and prints one JSON object: index, index_exact, predicate, domains, aspects. "
        "When a level is missing the object has index, index_exact and predicate null, empty "
        'domains and aspects, and "missing": [indicator codes]; the exit status is then 1. '
        "Exit status 2: unknown period or instansi."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="year, e.g. 2024")
        parser.add_argument("--instansi", required=True, help="instansi code, e.g. kaltim")
        parser.add_argument("--basis", required=True, choices=Basis.values)
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, period, instansi, basis, **options):
        found = (
            EvaluationPeriod.objects.filter(year=period, instansi__code=instansi)
            .values_list("pk", flat=True)
            .first()
        )
        if found is None:
            raise CommandError(
                f"No evaluation period {period} for instansi {instansi!r}.", returncode=2
            )
        outcome = snapshot_compute(period_id=found, basis=basis)
        evaluation = outcome.evaluation
        if evaluation.complete:
            record = result_as_dict(evaluation.result)
        else:
            record = {
                "index": None,
                "index_exact": None,
                "predicate": None,
                "domains": {},
                "aspects": {},
                "missing": evaluation.missing,
                "provisional": provisional_as_json(
                    outcome.snapshot.framework.to_spec(), evaluation.levels
                ),
            }
        self.stdout.write(json.dumps(record, ensure_ascii=False))
        if not evaluation.complete:
            raise CommandError(
                f"{len(evaluation.missing)} indicator(s) have no {basis} level.", returncode=1
            )
