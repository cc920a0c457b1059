import csv
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators import scoring
from indicators.calculator import (
    UnknownFramework,
    compute_cells,
    framework_spec,
    result_as_dict,
)


class Command(BaseCommand):
    help = (
        "Computes the index for every row of a CSV file (header: id, then one column per "
        "indicator code). Prints JSON Lines (--format json) or a table."
    )

    def add_arguments(self, parser):
        parser.add_argument("--framework", required=True, help="framework code, e.g. spbe-2020")
        parser.add_argument("--input", required=True, help="CSV file, or - for standard input")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args, framework, input, format, **options):
        try:
            spec = framework_spec(framework)
        except UnknownFramework as exc:
            raise CommandError(str(exc), returncode=2) from None
        handle = self._open(input)
        try:
            failed = self._run(spec, handle, format)
        finally:
            if handle is not sys.stdin:
                handle.close()
        if failed:
            raise CommandError(f"{failed} row(s) could not be computed.", returncode=1)

    def _open(self, name):
        if name == "-":
            return sys.stdin
        try:
            return Path(name).open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror}", returncode=2) from None

    def _run(self, spec, handle, output_format) -> int:
        first_line = handle.readline().removeprefix("\ufeff")
        delimiter = max(",;\t", key=first_line.count)
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        header = [column.strip() for column in header]
        if not header or header[0] != "id":
            raise CommandError(
                "The first column of the header must be 'id'; nothing was computed.",
                returncode=2,
            )
        known = set(spec.indicator_codes)
        unknown = [column for column in header[1:] if column not in known]
        duplicated = sorted({c for c in header if header.count(c) > 1})
        if unknown or duplicated:
            problems = []
            if unknown:
                problems.append(f"unknown indicator column(s): {', '.join(unknown)}")
            if duplicated:
                problems.append(f"repeated column(s): {', '.join(duplicated)}")
            raise CommandError(
                f"File refused for framework {spec.code} ({'; '.join(problems)}). "
                f"Expected columns: id, {', '.join(spec.indicator_codes)}.",
                returncode=2,
            )

        table_rows = []
        failed = 0
        for cells in csv.reader(handle, delimiter=delimiter):
            if not any(cell.strip() for cell in cells):
                continue
            row = dict(zip(header, cells, strict=False))
            row_id = row.get("id", "").strip()
            try:
                result = result_as_dict(compute_cells(spec, row))
            except scoring.ScoringError as exc:
                failed += 1
                result = {"error": str(exc)}
            record = {"id": row_id, **result}
            if output_format == "json":
                self.stdout.write(json.dumps(record, ensure_ascii=False))
            else:
                table_rows.append(record)
        if output_format == "table":
            self._print_table(spec, table_rows)
        return failed

    def _print_table(self, spec, rows):
        domain_codes = [d.code for d in spec.domains]
        aspect_codes = [a.code for a in spec.aspects]
        columns = ["id", "index", "predicate", *domain_codes, *aspect_codes]
        lines = [columns]
        for record in rows:
            if "error" in record:
                lines.append([record["id"], "ERROR", record["error"]])
                continue
            lines.append(
                [record["id"], record["index"], record["predicate"] or "-"]
                + [record["domains"][c] for c in domain_codes]
                + [record["aspects"][c] for c in aspect_codes]
            )
        widths = [
            max(len(line[i]) for line in lines if i < len(line) and not _is_error(line))
            for i in range(len(columns))
        ]
        for line in lines:
            if _is_error(line):
                self.stdout.write("  ".join([line[0].ljust(widths[0]), *line[1:]]))
            else:
                self.stdout.write(
                    "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True))
                )


def _is_error(line):
    return len(line) > 1 and line[1] == "ERROR"
