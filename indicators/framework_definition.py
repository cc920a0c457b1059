"""A checked framework file as plain values (indicators/framework_file.py
builds it; indicators/services.py writes it; to_spec() feeds the scoring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from indicators import scoring
from indicators.framework_guideline import GuidelineDef
from indicators.framework_valuation import EvidenceItemDef, ExternalDef


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    name: str
    question: str
    capability: str
    weight: Decimal
    criteria: tuple[str, ...]
    evidence_items: tuple[EvidenceItemDef, ...] = ()
    external: ExternalDef | None = None
    guideline: GuidelineDef = field(default_factory=GuidelineDef)


@dataclass(frozen=True)
class AspectDef:
    code: str
    name: str
    weight: Decimal
    domain: str | None
    indicators: tuple[IndicatorDef, ...]


@dataclass(frozen=True)
class DomainDef:
    code: str
    name: str
    weight: Decimal


@dataclass(frozen=True)
class FrameworkDefinition:
    code: str
    name: str
    regulation: str
    level_min: int
    level_max: int
    level_names: dict[str, dict[int, str]]
    bands: tuple[scoring.Band, ...]
    domains: tuple[DomainDef, ...]
    aspects: tuple[AspectDef, ...]
    sha256: str
    value_min: int | None = None
    below_scale_label: str = ""
    predicate_reading: str = ""
    notes: tuple[str, ...] = ()
    # The version whose measure this one repeats (same structure and weights).
    comparable_with: str = ""

    @property
    def indicators(self) -> tuple[IndicatorDef, ...]:
        return tuple(i for a in self.aspects for i in a.indicators)

    def to_spec(self) -> scoring.FrameworkSpec:
        return scoring.FrameworkSpec(
            code=self.code,
            level_min=self.level_min,
            level_max=self.level_max,
            domains=tuple(scoring.DomainSpec(d.code, d.weight) for d in self.domains),
            aspects=tuple(scoring.AspectSpec(a.code, a.weight, a.domain) for a in self.aspects),
            indicators=tuple(
                scoring.IndicatorSpec(i.code, i.weight, a.code)
                for a in self.aspects
                for i in a.indicators
            ),
            bands=self.bands,
            value_min=self.value_min,
        )
