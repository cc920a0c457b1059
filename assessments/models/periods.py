"""Evaluation periods with their windows, and which OPD answers which indicator."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.organisations import OPD, Instansi
from indicators.models import FrameworkVersion, Indicator


class PeriodState(models.TextChoices):
    DRAFT = "draft", _("Draf")
    OPEN = "open", _("Dibuka untuk pengisian")
    IN_REVIEW = "in_review", _("Dalam penilaian")
    CLOSED = "closed", _("Ditutup")
    PUBLISHED = "published", _("Hasil diumumkan")


class EvaluationPeriod(models.Model):
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="periods")
    year = models.PositiveSmallIntegerField(_("tahun"))
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="periods"
    )
    state = models.CharField(
        _("status"), max_length=20, choices=PeriodState.choices, default=PeriodState.DRAFT
    )
    fill_opens_at = models.DateTimeField(_("pengisian dibuka"))
    fill_closes_at = models.DateTimeField(_("batas pengisian"))
    review_closes_at = models.DateTimeField(_("batas penilaian"))
    target_index = models.DecimalField(
        _("target indeks"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # An answer goes to the reviewers only with evidence (per item in Pemdi's
    # item mode); on by default, as the evaluation guideline expects.
    evidence_required = models.BooleanField(
        _("data dukung wajib sebelum pengajuan"),
        default=True,
        help_text=_(
            "Jawaban hanya dapat diajukan bila memiliki minimal satu berkas atau tautan "
            "data dukung."
        ),
    )

    class Meta:
        verbose_name = _("periode evaluasi")
        verbose_name_plural = _("periode evaluasi")
        ordering = ["instansi", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "year"], name="period_year_unique")
        ]

    def __str__(self):
        return f"{self.instansi} {self.year}"

    def accepts_answers(self, at=None) -> bool:
        """The server-side deadline: answers change only while the period is
        open and the fill window has not closed."""
        at = at or timezone.now()
        return self.state == PeriodState.OPEN and self.fill_opens_at <= at < self.fill_closes_at

    def accepts_reviews(self, at=None) -> bool:
        at = at or timezone.now()
        return (
            self.state in (PeriodState.OPEN, PeriodState.IN_REVIEW) and at < self.review_closes_at
        )


class Assignment(models.Model):
    """Which OPD answers an indicator in a period; contributors may add evidence."""

    period = models.ForeignKey(
        EvaluationPeriod, on_delete=models.CASCADE, related_name="assignments"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    responsible_opd = models.ForeignKey(OPD, on_delete=models.PROTECT, related_name="assignments")
    contributors = models.ManyToManyField(OPD, blank=True, related_name="contributions")

    class Meta:
        verbose_name = _("penugasan indikator")
        verbose_name_plural = _("penugasan indikator")
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator"], name="assignment_unique")
        ]

    def __str__(self):
        return f"{self.period} · {self.indicator.code} → {self.responsible_opd}"
