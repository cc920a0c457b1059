from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments.level_import import (
    BASIS_FIELDS,
    LevelFileError,
    levels_import,
    levels_read_path,
)
from assessments.management.lookups import instansi_or_exit, user_or_exit
from assessments.models import EvaluationPeriod


class Command(BaseCommand):
    help = (
        "Imports indicator levels for one period from a CSV or XLSX file with the columns "
        "indicator, level and optionally explanation. All-or-nothing: one bad row refuses the "
        "file (exit status 1) and nothing is written. --basis self writes the proposed level "
        "(and the explanation), validated the validated level, final the final level."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, type=int, help="year, e.g. 2024")
        parser.add_argument("--instansi", required=True, help="instansi code, e.g. kaltim")
        parser.add_argument("--basis", required=True, choices=sorted(BASIS_FIELDS))
        parser.add_argument(
            "--user", help="username recorded as the actor of the import events (optional)"
        )
        parser.add_argument("file", type=Path, help="CSV or XLSX file")

    def handle(self, *args, period, instansi, basis, user, file, **options):
        target = self._period(instansi, period)
        actor = user_or_exit(user)
        try:
            rows = levels_read_path(file, framework=target.framework)
            outcome = levels_import(period=target, basis=basis, rows=rows, user=actor)
        except LevelFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"  - {error}")
            raise CommandError(
                _("%(file)s ditolak: %(count)s kesalahan; tidak ada yang ditulis.")
                % {"file": file, "count": len(exc.errors)},
                returncode=1,
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Impor %(basis)s untuk %(period)s selesai: %(rows)s baris, "
                    "%(changed)s jawaban berubah, %(unchanged)s tidak berubah, "
                    "%(created)s jawaban baru dibuat."
                )
                % {
                    "basis": basis,
                    "period": target,
                    "rows": outcome.rows,
                    "changed": outcome.changed,
                    "unchanged": outcome.unchanged,
                    "created": outcome.created,
                }
            )
        )

    def _period(self, instansi_code: str, year: int) -> EvaluationPeriod:
        instansi = instansi_or_exit(instansi_code)
        target = (
            EvaluationPeriod.objects.select_related("framework", "instansi")
            .filter(instansi=instansi, year=year)
            .first()
        )
        if target is None:
            years = instansi.periods.order_by("year").values_list("year", flat=True)
            raise CommandError(
                _(
                    "%(instansi)s tidak punya periode evaluasi %(year)s. "
                    "Periode yang ada: %(years)s."
                )
                % {
                    "instansi": instansi,
                    "year": year,
                    "years": ", ".join(str(y) for y in years) or "-",
                },
                returncode=2,
            )
        return target
