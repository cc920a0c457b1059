from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.models import (
    Aspect,
    Domain,
    EvidenceCriterion,
    EvidenceItem,
    FrameworkVersion,
    Indicator,
    LevelCriterion,
    LevelName,
    PredicateBand,
)
from spbe_portal.formats import DECIMAL_ADMIN_FIELD, decimal_shown


@admin.display(description=_("bobot (%)"), ordering="weight")
def weight_shown(obj):
    # The admin keeps a field's four decimal places ("12,5000"); the pages write 12,5.
    return decimal_shown(obj.weight)


# Weights and band bounds are edited as they are written: "12,5", not "12.5000".
DECIMALS_SHOWN = {models.DecimalField: DECIMAL_ADMIN_FIELD}


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    formfield_overrides = DECIMALS_SHOWN


class BandInline(admin.TabularInline):
    model = PredicateBand
    extra = 0
    formfield_overrides = DECIMALS_SHOWN


class LevelNameInline(admin.TabularInline):
    model = LevelName
    extra = 0


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level_min", "level_max", "loaded_at"]
    readonly_fields = ["source_sha256", "loaded_at"]
    inlines = [DomainInline, BandInline, LevelNameInline]


@admin.register(Aspect)
class AspectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", weight_shown, "domain", "framework"]
    list_filter = ["framework"]
    formfield_overrides = DECIMALS_SHOWN


class CriterionInline(admin.TabularInline):
    model = LevelCriterion
    extra = 0


class EvidenceItemInline(admin.TabularInline):
    model = EvidenceItem
    extra = 0
    fields = ["level", "kind", "text", "generic", "position"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        weight_shown,
        "capability",
        "external_source",
        "aspect",
        "framework",
    ]
    list_filter = ["framework", "capability", "external_source", "aspect"]
    search_fields = ["code", "name", "question"]
    list_select_related = ["aspect", "framework"]
    inlines = [CriterionInline, EvidenceItemInline]
    formfield_overrides = DECIMALS_SHOWN


@admin.register(EvidenceCriterion)
class EvidenceCriterionAdmin(admin.ModelAdmin):
    """The guideline's evidence criteria per level (Kriteria Bukti Dukung)."""

    list_display = ["key", "text", "criterion"]
    list_filter = ["criterion__indicator__framework"]
    search_fields = ["key", "text"]
    list_select_related = ["criterion__indicator"]
