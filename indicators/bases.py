"""The three bases an index is computed on, and which level of an answer each
one reads. Defined once here, low in the import graph, so that the snapshots,
the reports, the dashboard and the level import (assessments) share one map
without importing each other. The keys are the values of `reports.models.Basis`."""

from __future__ import annotations

LEVEL_FIELD = {
    "self": "proposed_level",
    "validated": "validated_level",
    "final": "final_level",
}
BASES = tuple(LEVEL_FIELD)
