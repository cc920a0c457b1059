"""Turning a report's data into a file: PDF (WeasyPrint) or XLSX (openpyxl).
Used by the worker's task and by `manage.py render_report` alike."""

from __future__ import annotations

import logging

from django.utils.text import slugify

from reports.models import ReportFormat, ReportKind

# WeasyPrint reports every layout step (even of its import) at INFO; in a
# worker's log that buries the one line that matters, the task's outcome.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render_report(
    *, period, basis: str, kind: str, opd=None, fmt: str, user=None, job=None
) -> bytes:
    """The finished file's bytes. An instansi report or Berita Acara in PDF
    is issued: numbered and registered (reports.documents); a Berita Acara
    on any basis but the validated one is refused (spbe_portal.errors.Invalid).
    Imports are local: WeasyPrint and pandas are heavy, and only the worker
    (or the command) ever needs them."""
    from reports import documents
    from reports.report_data import report_data

    kind = ReportKind(kind)
    documents.issuable_check(period, kind, basis)
    data = report_data(period=period, basis=basis, opd=opd if kind == ReportKind.OPD else None)
    if ReportFormat(fmt) == ReportFormat.PDF:
        from reports.rendering.pdf import render_pdf

        if kind not in documents.ISSUED_KINDS:
            return render_pdf(data, kind)
        return documents.issue(
            period=period,
            basis=basis,
            kind=kind,
            index_display=data.index_display,
            render=lambda printed: render_pdf(data, kind, issue=printed),
            user=user,
            job=job,
        )
    from reports.rendering.excel import render_xlsx

    return render_xlsx(data)


def report_filename(*, period, basis: str, kind: str, opd=None, fmt: str) -> str:
    """A readable download name, e.g. laporan-instansi-kaltim-2024-final.pdf."""
    parts = [kind, period.instansi.code, str(period.year)]
    if opd is not None:
        parts.append(opd.code)
    parts.append(basis)
    return f"spbe-{slugify('-'.join(parts))}.{ReportFormat(fmt).value}"
