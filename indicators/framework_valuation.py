"""The optional keys that decide an indicator's value other than by an
officer's choice of level: evidence items for the berjenjang rule
(indicators/berjenjang.py) and a value taken from another agency's index
(indicators/external.py). Used by `pemdi-2026`; mixed into the framework
file checker, which provides problem(), text() and known_keys()."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators import external

EVIDENCE_KINDS = ("main", "supporting")


@dataclass(frozen=True)
class EvidenceItemDef:
    level: int
    text: str
    kind: str
    # True for items written from the common ladder, not the official list.
    generic: bool = False


@dataclass(frozen=True)
class ExternalDef:
    source: str
    upper_bounds: tuple[Decimal, ...]


class ValuationChecks:
    def evidence_items(self, raw: dict, level_min, level_max, where) -> tuple[EvidenceItemDef, ...]:
        entries = raw.get("evidence_items")
        if entries is None:
            return ()
        if not isinstance(entries, list) or not entries:
            self.problem(where, _("'evidence_items' harus berupa daftar yang tidak kosong."))
            return ()
        if "external" in raw:
            self.problem(
                where,
                _(
                    "indikator mengambil nilai dari butir bukti atau dari indeks eksternal, "
                    "tidak keduanya."
                ),
            )
        items = []
        for position, entry in enumerate(entries, start=1):
            item_where = _("%(where)s, butir bukti ke-%(n)s") % {"where": where, "n": position}
            if not isinstance(entry, dict):
                self.problem(item_where, _("harus berupa objek."))
                continue
            self.known_keys(entry, "evidence_item", item_where)
            level = entry.get("level")
            if isinstance(level, bool) or not isinstance(level, int):
                self.problem(item_where, _("'level' harus bilangan bulat."))
                continue
            if not level_min <= level <= level_max:
                self.problem(
                    item_where,
                    _("tingkat %(level)s di luar rentang %(low)s–%(high)s.")
                    % {"level": level, "low": level_min, "high": level_max},
                )
                continue
            kind = entry.get("kind")
            if kind not in EVIDENCE_KINDS:
                self.problem(
                    item_where,
                    _("'kind' harus %(kinds)s, bukan %(kind)r.")
                    % {"kinds": " atau ".join(EVIDENCE_KINDS), "kind": kind},
                )
                continue
            generic = entry.get("generic", False)
            if not isinstance(generic, bool):
                self.problem(item_where, _("'generic' harus true atau false."))
                generic = False
            text = self.text(entry, "text", item_where)
            items.append(EvidenceItemDef(level=level, text=text, kind=kind, generic=generic))
        # The berjenjang rule cannot pass a level that has nothing to accept.
        main_levels = {item.level for item in items if item.kind == "main"}
        missing = [str(lv) for lv in range(level_min, level_max + 1) if lv not in main_levels]
        if missing:
            self.problem(
                where,
                _('tingkat %(levels)s tidak punya butir bukti utama (kind "main").')
                % {"levels": ", ".join(missing)},
            )
        return tuple(items)

    def external(self, raw: dict, level_min, level_max, where) -> ExternalDef | None:
        entry = raw.get("external")
        if entry is None:
            return None
        if not isinstance(entry, dict):
            self.problem(where, _("'external' harus berupa objek."))
            return None
        self.known_keys(entry, "external", where)
        source = entry.get("source")
        if source not in external.SOURCES:
            self.problem(
                where,
                _("sumber eksternal %(source)r tidak dikenal (yang boleh: %(allowed)s).")
                % {"source": source, "allowed": ", ".join(external.SOURCES)},
            )
        expected = level_max - level_min + 1
        bounds_raw = entry.get("upper_bounds")
        bounds: tuple[Decimal, ...] = ()
        if (
            not isinstance(bounds_raw, list)
            or len(bounds_raw) != expected
            or not all(isinstance(b, str) for b in bounds_raw)
        ):
            self.problem(
                where,
                _("'upper_bounds' harus memuat tepat %(expected)s teks desimal.")
                % {"expected": expected},
            )
        else:
            try:
                bounds = external.parse_bounds(bounds_raw)
            except external.ExternalScoreError:
                self.problem(
                    where,
                    _("'upper_bounds' harus angka yang urut naik tanpa nilai yang sama: %(b)s.")
                    % {"b": ", ".join(bounds_raw)},
                )
        if bounds and bounds[0] < 0:
            self.problem(where, _("'upper_bounds' tidak boleh negatif."))
        return ExternalDef(source=source if isinstance(source, str) else "", upper_bounds=bounds)
