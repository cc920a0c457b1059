"""The optional guideline texts of a framework file: what an indicator means,
how it is assessed, and per level what fulfils it and which evidence proves
it (Pedoman MenPANRB 3/2024 for `spbe-2024`). Checked here so that
framework_file.py stays about structure and weights."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

GUIDELINE_KEYS = {"fulfilment", "evidence_criteria"}


@dataclass(frozen=True)
class LevelGuidanceDef:
    # Kriteria pemenuhan level.
    fulfilment: str
    # Kriteria bukti dukung, one entry per numbered item (number = position).
    evidence_criteria: tuple[str, ...]


@dataclass(frozen=True)
class GuidelineDef:
    description: str = ""
    assessment_rule: str = ""
    evidence_examples: str = ""
    levels: tuple[LevelGuidanceDef, ...] = ()


class GuidelineChecks:
    """Mixed into the framework file checker, which provides problem(),
    text() and optional_text()."""

    def guideline(self, raw: dict, level_min: int, level_max: int, where: str) -> GuidelineDef:
        return GuidelineDef(
            description=self.optional_text(raw, "description", where),
            assessment_rule=self.optional_text(raw, "assessment_rule", where),
            evidence_examples=self.optional_text(raw, "evidence_examples", where),
            levels=self.level_guidance(raw.get("level_guidance"), level_min, level_max, where),
        )

    def level_guidance(self, entries, level_min, level_max, where) -> tuple[LevelGuidanceDef, ...]:
        if entries is None:
            return ()
        expected = level_max - level_min + 1
        if not isinstance(entries, list) or len(entries) != expected:
            self.problem(
                where,
                _("'level_guidance' harus memuat tepat %(expected)s entri, satu per tingkat.")
                % {"expected": expected},
            )
            return ()
        levels = []
        for level, entry in enumerate(entries, start=level_min):
            level_where = _("%(where)s, panduan tingkat %(level)s") % {
                "where": where,
                "level": level,
            }
            if not isinstance(entry, dict):
                self.problem(level_where, _("harus berupa objek."))
                continue
            self.known_keys(entry, "level_guidance", level_where)
            fulfilment = self.text(entry, "fulfilment", level_where)
            criteria = entry.get("evidence_criteria")
            if (
                not isinstance(criteria, list)
                or not criteria
                or not all(isinstance(c, str) and c.strip() for c in criteria)
            ):
                self.problem(
                    level_where,
                    _("'evidence_criteria' harus berupa daftar teks yang tidak kosong."),
                )
                criteria = []
            levels.append(
                LevelGuidanceDef(
                    fulfilment=fulfilment, evidence_criteria=tuple(c.strip() for c in criteria)
                )
            )
        return tuple(levels) if len(levels) == expected else ()

    def comparable_with(self, data: dict, code: str, where: str) -> str:
        value = self.optional_text(data, "comparable_with", where, 40)
        if value and value == code:
            self.problem(where, _("'comparable_with' tidak boleh menunjuk kerangka itu sendiri."))
            return ""
        return value
