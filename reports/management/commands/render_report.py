"""`manage.py render_report`: renders one report synchronously, in this
process, to a file. Exit 0 on success, 2 for input that names nothing known
(and for argument errors, as argparse does)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments.models import OPD, EvaluationPeriod, Instansi
from reports.models import Basis, ReportFormat, ReportKind
from reports.rendering import render_report
from spbe_portal.errors import Invalid


def refuse(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = _("Membuat laporan PDF atau Excel satu periode dan menuliskannya ke berkas.")

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, metavar="YEAR")
        parser.add_argument("--instansi", required=True, metavar="CODE")
        parser.add_argument("--basis", required=True, choices=Basis.values)
        parser.add_argument("--kind", required=True, choices=ReportKind.values)
        parser.add_argument("--opd", metavar="CODE")
        parser.add_argument("--format", required=True, choices=ReportFormat.values, dest="fmt")
        parser.add_argument("--output", required=True, metavar="FILE", type=Path)

    def handle(self, *args, period, instansi, basis, kind, opd, fmt, output, **options):
        found = Instansi.objects.filter(code=instansi).first()
        if found is None:
            raise refuse(_("Instansi %(code)s tidak dikenal.") % {"code": instansi})
        evaluation = (
            EvaluationPeriod.objects.select_related("instansi", "framework")
            .filter(instansi=found, year=period)
            .first()
        )
        if evaluation is None:
            raise refuse(
                _("Periode %(year)s untuk instansi %(code)s tidak ada.")
                % {"year": period, "code": instansi}
            )
        unit = None
        if kind == ReportKind.OPD:
            if not opd:
                raise refuse(_("Laporan OPD memerlukan --opd KODE."))
            unit = OPD.objects.filter(instansi=found, code=opd).first()
            if unit is None:
                raise refuse(
                    _("OPD %(opd)s tidak ada pada instansi %(code)s.")
                    % {"opd": opd, "code": instansi}
                )
        elif opd:
            raise refuse(_("--opd hanya berlaku untuk --kind opd."))
        if output.parent and not output.parent.is_dir():
            raise refuse(_("Folder %(dir)s tidak ada.") % {"dir": output.parent})

        try:
            content = render_report(period=evaluation, basis=basis, kind=kind, opd=unit, fmt=fmt)
        except Invalid as error:
            raise refuse(error.message) from None
        output.write_bytes(content)
        self.stdout.write(
            _("Laporan ditulis ke %(file)s (%(size)s bajt).")
            % {"file": output, "size": len(content)}
        )
