"""The index calculator shared by `manage.py spbe_index` and the API: turns
rows of raw cells into results shaped as the published figures are."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import DatabaseError
from django.utils.translation import gettext as _

from indicators import scoring
from indicators.framework_file import parse_framework_file, shipped_path
from indicators.models import FrameworkVersion


class UnknownFramework(LookupError):
    pass


def framework_spec(code: str) -> scoring.FrameworkSpec:
    """The loaded version if there is one, else the file the portal ships."""
    try:
        framework = FrameworkVersion.objects.filter(code=code).first()
    except DatabaseError:
        # The calculator must work on a machine whose database is not set up.
        framework = None
    if framework is not None:
        return framework.to_spec()
    path = shipped_path(code)
    if path.exists():
        return parse_framework_file(path).to_spec()
    raise UnknownFramework(_("Kerangka %(code)s tidak dikenal.") % {"code": code})


def parse_level(column: str, raw: object) -> int:
    """A cell as an integer level, or ScoringError naming column and value."""
    if raw is None:
        raise scoring.MissingLevel(
            _("kolom %(column)s tidak ada pada baris ini") % {"column": column}, indicator=column
        )
    text = str(raw).strip()
    if text == "":
        raise scoring.MissingLevel(
            _("kolom %(column)s kosong") % {"column": column}, indicator=column
        )
    try:
        return int(text)
    except ValueError:
        raise scoring.LevelOutOfRange(
            _("kolom %(column)s: %(value)r bukan bilangan bulat")
            % {"column": column, "value": text},
            indicator=column,
        ) from None


def compute_cells(spec: scoring.FrameworkSpec, cells: Mapping[str, object]) -> scoring.IndexResult:
    levels = {}
    for code in spec.indicator_codes:
        level = parse_level(code, cells.get(code))
        if not spec.admits(level):
            raise scoring.LevelOutOfRange(
                _("kolom %(column)s: tingkat %(value)s di luar rentang %(low)s–%(high)s")
                % {"column": code, "value": level, "low": spec.value_floor, "high": spec.level_max},
                indicator=code,
            )
        levels[code] = level
    return scoring.compute(spec, levels)


def result_as_dict(result: scoring.IndexResult) -> dict:
    return {
        "index": result.index.display,
        "index_exact": result.index.exact_str,
        "predicate": result.index.predicate,
        "domains": {code: score.display for code, score in result.domains.items()},
        "aspects": {code: score.display for code, score in result.aspects.items()},
    }
