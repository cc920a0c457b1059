"""The SPBE framework as versioned data: a framework version owns its
(optional) domains, aspects, indicators, level criteria, level names and
predicate bands. Nothing here knows how many of each there are."""

from dataclasses import replace

from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators import external, scoring


class CapabilityType(models.TextChoices):
    PROCESS = "process", _("Kapabilitas proses")
    SERVICE = "service", _("Kapabilitas layanan")


class EvidenceKind(models.TextChoices):
    MAIN = "main", _("Butir utama")
    SUPPORTING = "supporting", _("Butir pendukung")


class ExternalSource(models.TextChoices):
    SDI = "SDI", _("Satu Data Indonesia (SDI)")
    SJIG = "SJIG", _("Skor jaringan informasi geospasial (SJIG, BIG)")
    IPS = "IPS", _("Indeks Pembangunan Statistik (EPSS/IPS, BPS)")
    IKASANDI = "IKASANDI", _("IKASANDI (BSSN)")


# (FrameworkVersion pk, what) -> (revision, rows): what to_spec() and
# outline() read, kept per process while the version's revision stays.
_PER_REVISION: dict[tuple[int, str], tuple[int, object]] = {}


def forget_cached_spec(framework_id: int) -> None:
    """After an edit of a version's rows: this process may still hold an
    instance read before it, with the revision its cached rows carry."""
    for key in [key for key in _PER_REVISION if key[0] == framework_id]:
        _PER_REVISION.pop(key, None)


class FrameworkVersionQuerySet(models.QuerySet):
    def with_structure(self):
        return self.prefetch_related("domains", "aspects", "indicators", "bands", "level_names")


class FrameworkVersion(models.Model):
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    regulation = models.CharField(_("dasar hukum"), max_length=300, blank=True)
    level_min = models.PositiveSmallIntegerField(_("tingkat terendah"), default=1)
    level_max = models.PositiveSmallIntegerField(_("tingkat tertinggi"), default=5)
    # Null: no value below level_min exists (SPBE 2020). Pemdi allows 0.
    value_min = models.PositiveSmallIntegerField(_("nilai terendah"), null=True, blank=True)
    below_scale_label = models.CharField(
        _("sebutan nilai di bawah skala"), max_length=100, blank=True
    )
    predicate_note = models.TextField(_("catatan pembacaan predikat"), blank=True)
    # Code of the version whose measure this one repeats (same structure and
    # weights, checked on load), so their years are compared directly.
    comparable_with = models.SlugField(_("sebanding dengan"), max_length=40, blank=True)
    source_sha256 = models.CharField(_("sidik berkas sumber"), max_length=64)
    # Raised (indicators/signals.py) whenever a domain, aspect, indicator or
    # band of this version is saved or deleted, the admin's edits included:
    # the key of to_spec()'s per-process cache. The source file's hash is
    # not enough, since the admin changes weights without changing it.
    revision = models.PositiveIntegerField(_("revisi"), default=0, editable=False)
    loaded_at = models.DateTimeField(_("dimuat pada"), auto_now=True)

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("versi kerangka")
        verbose_name_plural = _("versi kerangka")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Never write back a revision read earlier: a stale instance saved
            # after an edit of its domains would take the counter back to a
            # value whose cached spec no longer matches the rows.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "revision"
            ]
        super().save(*args, **kwargs)

    @property
    def has_domains(self) -> bool:
        # From the outline, cached per revision: no query once it is read.
        return bool(self.outline()[0])

    @property
    def instrument(self) -> str:
        """Versions with the same instrument measure the same thing."""
        return self.comparable_with or self.code

    @property
    def value_floor(self) -> int:
        """Lowest value an indicator may take: 0 in Pemdi, level_min otherwise."""
        return self.level_min if self.value_min is None else self.value_min

    def admits(self, level: object) -> bool:
        """Whether `level` is on this framework's scale (see scoring.on_scale)."""
        return scoring.on_scale(level, self.value_floor, self.level_max)

    def is_in_use(self) -> bool:
        """True when any record outside the catalogue (an evaluation period,
        a snapshot, ...) points at this version, which freezes it."""
        for relation in self._meta.related_objects:
            if relation.related_model._meta.app_label == self._meta.app_label:
                continue
            if relation.related_model._default_manager.filter(
                **{relation.field.name: self}
            ).exists():
                return True
        return False

    def to_spec(self) -> scoring.FrameworkSpec:
        """The pure structure the scoring engine works on, built (4 queries)
        once per process and revision of this version, which every change of
        its rows raises: a request that already has the version gets it
        without a query, and the spec's own caches (the engine's plan, the
        weights as fractions) are kept with it. Immutable, so shared."""
        spec = self.per_revision("spec", self._read_spec)
        own = (self.code, self.level_min, self.level_max, self.value_min)
        if (spec.code, spec.level_min, spec.level_max, spec.value_min) != own:
            # The version's own fields (the revision does not count them)
            # were changed since the spec was built: keep its rows only.
            spec = replace(
                spec,
                code=self.code,
                level_min=self.level_min,
                level_max=self.level_max,
                value_min=self.value_min,
            )
            _PER_REVISION[self.pk, "spec"] = (self.revision, spec)
        return spec

    def outline(self) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
        """(code, name) of the domains and of the aspects, in order: all a
        dashboard shows of them. Cached like to_spec()."""

        def rows():
            return (
                tuple(self.domains.values_list("code", "name")),
                tuple(self.aspects.values_list("code", "name")),
            )

        return self.per_revision("outline", rows)

    def external_codes(self) -> tuple[str, ...]:
        """Codes of the indicators whose value comes from another agency's
        index, in order; cached like to_spec(). Most versions have none, and
        the pages that list the ones still waiting can then skip asking."""

        def rows():
            return tuple(
                self.indicators.exclude(external_source="")
                .order_by("position")
                .values_list("code", flat=True)
            )

        return self.per_revision("external", rows)

    def filter_choices(self) -> tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]]:
        """(pk, label as __str__ gives it) of the domains and of the aspects,
        in order: the review queue's filters list them on every request.
        Cached like to_spec()."""

        def rows():
            return tuple(
                tuple(
                    (pk, f"{code} {name}")
                    for pk, code, name in related.values_list("pk", "code", "name")
                )
                for related in (self.domains, self.aspects)
            )

        return self.per_revision("filter_choices", rows)

    def per_revision(self, what: str, read):
        """read()'s rows, read once per process and revision of this version
        (what to_spec(), outline() and indicators.framework_texts keep)."""
        key = (self.pk, what)
        entry = _PER_REVISION.get(key)
        if entry is None or entry[0] != self.revision:
            # One entry per version: an older revision is never read again.
            entry = _PER_REVISION[key] = (self.revision, read())
        return entry[1]

    def _read_spec(self) -> scoring.FrameworkSpec:
        """Plain rows, not model instances: the indicators' long texts
        (question, guideline) are not needed here, and building 47 indicators
        and their aspects took most of the time of every dashboard request."""
        return scoring.FrameworkSpec(
            code=self.code,
            level_min=self.level_min,
            level_max=self.level_max,
            domains=tuple(
                scoring.DomainSpec(code=code, weight=weight)
                for code, weight in self.domains.values_list("code", "weight")
            ),
            aspects=tuple(
                scoring.AspectSpec(code=code, weight=weight, domain=domain)
                for code, weight, domain in self.aspects.values_list(
                    "code", "weight", "domain__code"
                )
            ),
            indicators=tuple(
                scoring.IndicatorSpec(code=code, weight=weight, aspect=aspect)
                for code, weight, aspect in self.indicators.values_list(
                    "code", "weight", "aspect__code"
                )
            ),
            bands=tuple(
                scoring.Band(lower=lower, label=label, inclusive=inclusive)
                for lower, label, inclusive in self.bands.values_list(
                    "lower_bound", "label", "lower_inclusive"
                )
            ),
            value_min=self.value_min,
        )


class Domain(models.Model):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="domains"
    )
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("nama"), max_length=200)
    weight = models.DecimalField(_("bobot (%)"), max_digits=7, decimal_places=4)
    position = models.PositiveSmallIntegerField(_("urutan"))

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domain")
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="domain_code_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Aspect(models.Model):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="aspects"
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.CASCADE, related_name="aspects", null=True, blank=True
    )
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("nama"), max_length=200)
    weight = models.DecimalField(_("bobot (%)"), max_digits=7, decimal_places=4)
    position = models.PositiveSmallIntegerField(_("urutan"))

    class Meta:
        verbose_name = _("aspek")
        verbose_name_plural = _("aspek")
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="aspect_code_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class IndicatorQuerySet(models.QuerySet):
    def with_catalogue(self):
        return self.select_related("aspect__domain", "framework").prefetch_related("criteria")


class Indicator(models.Model):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="indicators"
    )
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("nama"), max_length=300)
    question = models.TextField(_("pertanyaan"))
    capability = models.CharField(
        _("jenis kapabilitas"), max_length=20, choices=CapabilityType.choices
    )
    weight = models.DecimalField(_("bobot (%)"), max_digits=7, decimal_places=4)
    position = models.PositiveSmallIntegerField(_("urutan"))
    external_source = models.CharField(
        _("sumber nilai eksternal"), max_length=20, choices=ExternalSource.choices, blank=True
    )
    # Upper bounds (inclusive) of levels level_min..level_max as decimal strings.
    external_upper_bounds = models.JSONField(_("batas atas per tingkat"), default=list, blank=True)
    description = models.TextField(_("deskripsi indikator"), blank=True)
    assessment_rule = models.TextField(_("ketentuan penilaian"), blank=True)
    evidence_examples = models.TextField(_("contoh bukti dukung"), blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_code_unique")
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    @property
    def is_external(self) -> bool:
        return bool(self.external_source)

    def external_level(self, score) -> external.ExternalLevel:
        """The level an entered external score gives (None: 1, waiting).
        Reads self.framework: use with_catalogue() when looping."""
        if not self.is_external:
            raise ValueError(f"Indikator {self.code} tidak bernilai eksternal.")
        return external.level_for(
            score, self.external_upper_bounds, first_level=self.framework.level_min
        )


class EvidenceItem(models.Model):
    """One item the berjenjang rule checks (indicators/berjenjang.py)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="evidence_items"
    )
    level = models.PositiveSmallIntegerField(_("tingkat"))
    text = models.TextField(_("butir bukti"))
    kind = models.CharField(_("jenis butir"), max_length=20, choices=EvidenceKind.choices)
    generic = models.BooleanField(
        _("butir umum"),
        default=False,
        help_text=_("Disusun dari tangga umum, bukan dari daftar resmi."),
    )
    position = models.PositiveSmallIntegerField(_("urutan"))

    class Meta:
        verbose_name = _("butir bukti")
        verbose_name_plural = _("butir bukti")
        ordering = ["indicator", "level", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "position"], name="evidence_item_position_unique"
            )
        ]

    def __str__(self):
        return f"{self.indicator.code} / {self.level} / {self.position}"


class LevelCriterion(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="criteria")
    level = models.PositiveSmallIntegerField(_("tingkat"))
    text = models.TextField(_("kriteria"))
    fulfilment = models.TextField(_("kriteria pemenuhan tingkat"), blank=True)

    class Meta:
        verbose_name = _("kriteria tingkat")
        verbose_name_plural = _("kriteria tingkat")
        ordering = ["indicator", "level"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "level"], name="criterion_level_unique")
        ]

    def __str__(self):
        return f"{self.indicator.code} / {self.level}"


class EvidenceCriterion(models.Model):
    """One numbered item of a level's Kriteria Bukti Dukung. The key
    (indicator.level.number) stays the same across reloads of a file, so
    evidence can be tagged with the items it proves."""

    criterion = models.ForeignKey(
        LevelCriterion, on_delete=models.CASCADE, related_name="evidence_criteria"
    )
    number = models.PositiveSmallIntegerField(_("nomor"))
    key = models.CharField(_("kunci"), max_length=50)
    text = models.TextField(_("kriteria bukti dukung"))

    class Meta:
        verbose_name = _("kriteria bukti dukung")
        verbose_name_plural = _("kriteria bukti dukung")
        ordering = ["criterion", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "number"], name="evidence_criterion_number_unique"
            )
        ]

    def __str__(self):
        return self.key


class LevelName(models.Model):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="level_names"
    )
    capability = models.CharField(_("jenis kapabilitas"), max_length=20)
    level = models.PositiveSmallIntegerField(_("tingkat"))
    name = models.CharField(_("nama tingkat"), max_length=100)

    class Meta:
        verbose_name = _("nama tingkat")
        verbose_name_plural = _("nama tingkat")
        ordering = ["framework", "capability", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "capability", "level"], name="level_name_unique"
            )
        ]

    def __str__(self):
        return f"{self.level} {self.name}"


class PredicateBand(models.Model):
    """A predicate applies from lower_bound (inclusive) up to the next band."""

    framework = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="bands")
    lower_bound = models.DecimalField(_("batas bawah (inklusif)"), max_digits=6, decimal_places=4)
    # False for readings such as "1.51–2.50": the band starts just above the bound.
    lower_inclusive = models.BooleanField(_("batas bawah inklusif"), default=True)
    label = models.CharField(_("predikat"), max_length=50)

    class Meta:
        verbose_name = _("rentang predikat")
        verbose_name_plural = _("rentang predikat")
        ordering = ["framework", "lower_bound"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "lower_bound"], name="band_lower_unique")
        ]

    def __str__(self):
        sign = "≥" if self.lower_inclusive else ">"
        return f"{sign} {self.lower_bound} {self.label}"
