"""Reading and checking a framework data file before anything is written.

A framework file is JSON (see indicators/frameworks/). `parse_framework_file`
returns a FrameworkDefinition or raises FrameworkFileError listing every
problem, each naming the offending entry, so an official fixing a file sees
all mistakes at once.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from indicators import scoring
from indicators.framework_definition import (
    AspectDef,
    DomainDef,
    FrameworkDefinition,
    IndicatorDef,
)
from indicators.framework_guideline import GUIDELINE_KEYS, GuidelineChecks
from indicators.framework_valuation import ValuationChecks

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
CAPABILITIES = ("process", "service")
HUNDRED = Decimal(100)

# Every key a file may use, per entry; anything else is refused so that a
# misspelt optional key ("value_mn") cannot be silently ignored.
ALLOWED_KEYS = {
    "framework": {
        "format",
        "code",
        "name",
        "regulation",
        "levels",
        "level_names",
        "predicate_bands",
        "domains",
        "aspects",
        "value_min",
        "below_scale_label",
        "predicate_reading",
        "notes",
        "comparable_with",
    },
    "band": {"lower", "label", "lower_inclusive"},
    "domain": {"code", "name", "weight", "aspects"},
    "aspect": {"code", "name", "weight", "indicators"},
    "indicator": {
        "code",
        "name",
        "question",
        "capability",
        "weight",
        "criteria",
        "evidence_items",
        "external",
        "description",
        "assessment_rule",
        "evidence_examples",
        "level_guidance",
    },
    "level_guidance": GUIDELINE_KEYS,
    "evidence_item": {"level", "text", "kind", "generic"},
    "external": {"source", "upper_bounds"},
}


class FrameworkFileError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def shipped_path(code: str) -> Path:
    return FRAMEWORKS_DIR / f"{code}.json"


def shipped_codes() -> list[str]:
    return sorted(p.stem for p in FRAMEWORKS_DIR.glob("*.json"))


def parse_framework_file(path: Path) -> FrameworkDefinition:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FrameworkFileError(
            [
                _("Berkas %(path)s tidak dapat dibaca: %(error)s")
                % {"path": path, "error": exc.strerror}
            ]
        ) from None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FrameworkFileError(
            [_("Berkas %(path)s bukan JSON yang sah: %(error)s") % {"path": path, "error": exc}]
        ) from None
    return parse_framework(data, sha256=hashlib.sha256(raw).hexdigest())


def parse_framework(data: object, *, sha256: str = "") -> FrameworkDefinition:
    checker = _Checker()
    definition = checker.framework(data, sha256)
    if checker.problems:
        raise FrameworkFileError(checker.problems)
    return definition


class _Checker(GuidelineChecks, ValuationChecks):
    """Collects problems instead of stopping at the first one."""

    def __init__(self):
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def text(self, entry: dict, key: str, where: str) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(where, _("'%(key)s' wajib diisi dengan teks.") % {"key": key})
            return ""
        return value.strip()

    def weight(self, entry: dict, where: str) -> Decimal:
        raw = entry.get("weight")
        try:
            if isinstance(raw, bool) or not isinstance(raw, str | int):
                raise InvalidOperation
            value = Decimal(str(raw))
            if not value.is_finite() or value <= 0:
                raise InvalidOperation
        except InvalidOperation:
            self.problem(
                where,
                _('bobot %(value)r tidak sah (tulis sebagai teks desimal positif, mis. "1.30").')
                % {"value": raw},
            )
            return Decimal(0)
        return value

    def known_keys(self, entry: dict, kind: str, where: str) -> None:
        unknown = sorted(str(key) for key in entry if key not in ALLOWED_KEYS[kind])
        if unknown:
            self.problem(
                where,
                _("kunci tidak dikenal: %(keys)s (yang boleh: %(allowed)s).")
                % {"keys": ", ".join(unknown), "allowed": ", ".join(sorted(ALLOWED_KEYS[kind]))},
            )

    def optional_text(self, entry: dict, key: str, where: str, max_length: int = 0) -> str:
        value = entry.get(key, "")
        if not isinstance(value, str):
            self.problem(where, _("'%(key)s' harus berupa teks.") % {"key": key})
            return ""
        if max_length and len(value.strip()) > max_length:
            self.problem(
                where,
                _("'%(key)s' paling panjang %(max)s karakter.") % {"key": key, "max": max_length},
            )
        return value.strip()

    def framework(self, data: object, sha256: str) -> FrameworkDefinition:
        if not isinstance(data, dict):
            self.problem(_("berkas"), _("isi berkas harus berupa objek JSON."))
            data = {}
        code = self.text(data, "code", _("kerangka"))
        where = _("kerangka %(code)s") % {"code": code or "?"}
        self.known_keys(data, "framework", where)
        name = self.text(data, "name", where)
        regulation = data.get("regulation", "") if isinstance(data.get("regulation"), str) else ""
        level_min, level_max = self.levels(data.get("levels"), where)
        value_min = self.value_min(data, level_min, where)
        below_scale_label = self.optional_text(data, "below_scale_label", where, 100)
        if value_min is not None and value_min < level_min and not below_scale_label:
            self.problem(
                where,
                _("'below_scale_label' wajib diisi bila 'value_min' di bawah tingkat terendah."),
            )
        predicate_reading = self.optional_text(data, "predicate_reading", where)
        notes = self.notes(data.get("notes", []), where)
        comparable_with = self.comparable_with(data, code, where)
        level_names = self.level_names(data.get("level_names"), level_min, level_max, where)
        bands = self.bands(data.get("predicate_bands"), level_min, level_max, where)

        domains: list[DomainDef] = []
        aspects: list[AspectDef] = []
        raw_domains = data.get("domains")
        raw_aspects = data.get("aspects")
        if raw_domains is not None and raw_aspects is not None:
            self.problem(where, _("isi 'domains' atau 'aspects', tidak keduanya."))
        elif raw_domains is not None:
            if not isinstance(raw_domains, list) or not raw_domains:
                self.problem(where, _("'domains' harus berupa daftar yang tidak kosong."))
                raw_domains = []
            for raw_domain in raw_domains:
                domain, domain_aspects = self.domain(raw_domain, level_names, level_min, level_max)
                domains.append(domain)
                aspects.extend(domain_aspects)
        elif isinstance(raw_aspects, list) and raw_aspects:
            for raw_aspect in raw_aspects:
                aspects.append(self.aspect(raw_aspect, None, level_names, level_min, level_max))
        else:
            self.problem(where, _("kerangka harus memuat 'domains' atau 'aspects'."))

        self.unique([d.code for d in domains], _("domain"))
        self.unique([a.code for a in aspects], _("aspek"))
        self.unique([i.code for a in aspects for i in a.indicators], _("indikator"))
        top = domains or aspects
        total = sum((item.weight for item in top), Decimal(0))
        if top and total != HUNDRED:
            self.problem(
                where,
                _("jumlah bobot %(total)s, seharusnya 100.") % {"total": _plain(total)},
            )
        return FrameworkDefinition(
            code=code,
            name=name,
            regulation=regulation,
            level_min=level_min,
            level_max=level_max,
            level_names=level_names,
            bands=bands,
            domains=tuple(domains),
            aspects=tuple(aspects),
            sha256=sha256,
            value_min=value_min,
            below_scale_label=below_scale_label,
            predicate_reading=predicate_reading,
            notes=notes,
            comparable_with=comparable_with,
        )

    def value_min(self, data: dict, level_min: int, where: str) -> int | None:
        if "value_min" not in data:
            return None
        raw = data["value_min"]
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= level_min:
            self.problem(
                where,
                _("'value_min' harus bilangan bulat antara 0 dan tingkat terendah %(min)s.")
                % {"min": level_min},
            )
            return None
        return raw

    def notes(self, raw: object, where: str) -> tuple[str, ...]:
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
            self.problem(where, _("'notes' harus berupa teks atau daftar teks."))
            return ()
        return tuple(n.strip() for n in raw if n.strip())

    def levels(self, raw: object, where: str) -> tuple[int, int]:
        if (
            isinstance(raw, dict)
            and isinstance(raw.get("min"), int)
            and isinstance(raw.get("max"), int)
            and 0 <= raw["min"] < raw["max"] <= 10
        ):
            return raw["min"], raw["max"]
        self.problem(where, _("'levels' harus berisi 'min' dan 'max' bilangan bulat, min < max."))
        return 1, 5

    def level_names(self, raw: object, level_min: int, level_max: int, where: str):
        names: dict[str, dict[int, str]] = {}
        if not isinstance(raw, dict) or not raw:
            self.problem(where, _("'level_names' wajib diisi per jenis kapabilitas."))
            return names
        expected = {str(level) for level in range(level_min, level_max + 1)}
        for capability, by_level in raw.items():
            if capability not in CAPABILITIES:
                self.problem(
                    where, _("jenis kapabilitas tidak dikenal: %(cap)r.") % {"cap": capability}
                )
                continue
            if (
                not isinstance(by_level, dict)
                or set(by_level) != expected
                or not all(isinstance(v, str) and v.strip() for v in by_level.values())
            ):
                self.problem(
                    where,
                    _("nama tingkat untuk %(cap)s harus tepat untuk tingkat %(levels)s.")
                    % {"cap": capability, "levels": ", ".join(sorted(expected, key=int))},
                )
                continue
            names[capability] = {int(level): name.strip() for level, name in by_level.items()}
        return names

    def bands(self, raw: object, level_min: int, level_max: int, where: str):
        if not isinstance(raw, list) or not raw:
            self.problem(where, _("'predicate_bands' wajib diisi."))
            return ()
        bands = []
        for position, entry in enumerate(raw, start=1):
            band_where = _("rentang predikat ke-%(n)s") % {"n": position}
            if not isinstance(entry, dict):
                self.problem(band_where, _("harus berupa objek."))
                continue
            self.known_keys(entry, "band", band_where)
            label = self.text(entry, "label", band_where)
            inclusive = entry.get("lower_inclusive", True)
            if not isinstance(inclusive, bool):
                self.problem(band_where, _("'lower_inclusive' harus true atau false."))
                inclusive = True
            try:
                lower = Decimal(str(entry.get("lower")))
                if not lower.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                self.problem(
                    band_where,
                    _("batas bawah %(value)r tidak sah.") % {"value": entry.get("lower")},
                )
                continue
            bands.append(scoring.Band(lower=lower, label=label, inclusive=inclusive))
        lowers = [b.lower for b in bands]
        if lowers != sorted(set(lowers)):
            self.problem(where, _("rentang predikat harus urut naik dengan batas bawah berbeda."))
        elif bands:
            if lowers[-1] > level_max:
                self.problem(where, _("rentang predikat tertinggi melampaui skala."))
            # The bands must label every value of the scale's levels: a value
            # below the lowest band would get no predicate.
            scale_floor = max(level_min, 1)
            if lowers[0] > scale_floor:
                self.problem(
                    where,
                    _("rentang predikat tidak menutup skala: terendah %(lower)s > %(floor)s.")
                    % {"lower": _plain(lowers[0]), "floor": scale_floor},
                )
        labels = [b.label for b in bands]
        if len(set(labels)) != len(labels):
            self.problem(where, _("label predikat tidak boleh berulang."))
        return tuple(bands)

    def domain(self, raw: object, level_names, level_min, level_max):
        if not isinstance(raw, dict):
            self.problem(_("domain"), _("harus berupa objek."))
            raw = {}
        code = self.text(raw, "code", _("domain"))
        where = _("domain %(code)s") % {"code": code or "?"}
        self.known_keys(raw, "domain", where)
        domain = DomainDef(
            code=code, name=self.text(raw, "name", where), weight=self.weight(raw, where)
        )
        raw_aspects = raw.get("aspects")
        if not isinstance(raw_aspects, list) or not raw_aspects:
            self.problem(where, _("'aspects' harus berupa daftar yang tidak kosong."))
            raw_aspects = []
        aspects = [self.aspect(a, code, level_names, level_min, level_max) for a in raw_aspects]
        total = sum((a.weight for a in aspects), Decimal(0))
        if aspects and total != domain.weight:
            self.problem(
                where,
                _("bobot %(weight)s tidak sama dengan jumlah bobot aspeknya %(total)s.")
                % {"weight": _plain(domain.weight), "total": _plain(total)},
            )
        return domain, aspects

    def aspect(self, raw: object, domain_code, level_names, level_min, level_max) -> AspectDef:
        if not isinstance(raw, dict):
            self.problem(_("aspek"), _("harus berupa objek."))
            raw = {}
        code = self.text(raw, "code", _("aspek"))
        where = _("aspek %(code)s") % {"code": code or "?"}
        self.known_keys(raw, "aspect", where)
        name = self.text(raw, "name", where)
        weight = self.weight(raw, where)
        raw_indicators = raw.get("indicators")
        if not isinstance(raw_indicators, list) or not raw_indicators:
            self.problem(where, _("'indicators' harus berupa daftar yang tidak kosong."))
            raw_indicators = []
        indicators = tuple(
            self.indicator(i, level_names, level_min, level_max) for i in raw_indicators
        )
        total = sum((i.weight for i in indicators), Decimal(0))
        if indicators and total != weight:
            self.problem(
                where,
                _("bobot %(weight)s tidak sama dengan jumlah bobot indikatornya %(total)s.")
                % {"weight": _plain(weight), "total": _plain(total)},
            )
        return AspectDef(
            code=code, name=name, weight=weight, domain=domain_code, indicators=indicators
        )

    def indicator(self, raw: object, level_names, level_min, level_max) -> IndicatorDef:
        if not isinstance(raw, dict):
            self.problem(_("indikator"), _("harus berupa objek."))
            raw = {}
        code = self.text(raw, "code", _("indikator"))
        where = _("indikator %(code)s") % {"code": code or "?"}
        self.known_keys(raw, "indicator", where)
        capability = raw.get("capability")
        if capability not in level_names:
            self.problem(
                where,
                _("jenis kapabilitas %(cap)r tidak punya nama tingkat di 'level_names'.")
                % {"cap": capability},
            )
        criteria = raw.get("criteria")
        expected = level_max - level_min + 1
        if (
            not isinstance(criteria, list)
            or len(criteria) != expected
            or not all(isinstance(c, str) and c.strip() for c in criteria)
        ):
            count = len(criteria) if isinstance(criteria, list) else 0
            self.problem(
                where,
                _("harus memuat tepat %(expected)s teks kriteria tingkat (ada %(count)s).")
                % {"expected": expected, "count": count},
            )
            criteria = []
        return IndicatorDef(
            code=code,
            name=self.text(raw, "name", where),
            question=self.text(raw, "question", where),
            capability=capability if isinstance(capability, str) else "",
            weight=self.weight(raw, where),
            criteria=tuple(c.strip() for c in criteria),
            evidence_items=self.evidence_items(raw, level_min, level_max, where),
            external=self.external(raw, level_min, level_max, where),
            guideline=self.guideline(raw, level_min, level_max, where),
        )

    def unique(self, codes: list[str], kind: str) -> None:
        seen = set()
        for code in codes:
            if code and code in seen:
                self.problem(
                    _("kode %(kind)s %(code)s") % {"kind": kind, "code": code},
                    _("digunakan lebih dari sekali."),
                )
            seen.add(code)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
