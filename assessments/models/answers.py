"""Answers with their three levels, the event thread of every change, Pemdi's
per-item review states and external indicator values.

Only assessments.lifecycle writes an answer's state, levels and version."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.organisations import OPD
from assessments.models.periods import EvaluationPeriod
from indicators.models import Indicator


class AnswerState(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan untuk perbaikan")
    VALIDATED = "validated", _("Tervalidasi")


class Answer(models.Model):
    """An OPD's answer to one indicator in one period, with the three values
    the portal keeps apart: proposed (self), validated, and final (national)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period = models.ForeignKey(EvaluationPeriod, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(OPD, on_delete=models.PROTECT, related_name="answers")
    state = models.CharField(
        _("status"), max_length=20, choices=AnswerState.choices, default=AnswerState.DRAFT
    )
    proposed_level = models.PositiveSmallIntegerField(_("tingkat usulan"), null=True, blank=True)
    explanation = models.TextField(_("penjelasan"), blank=True)
    validated_level = models.PositiveSmallIntegerField(
        _("tingkat tervalidasi"), null=True, blank=True
    )
    final_level = models.PositiveSmallIntegerField(_("tingkat akhir"), null=True, blank=True)
    # Optimistic concurrency: every write bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")
        ordering = ["period", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator"], name="answer_unique")
        ]

    def __str__(self):
        return f"{self.period} · {self.indicator.code}"


class EventKind(models.TextChoices):
    SAVED = "saved", _("Disimpan")
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan")
    ACCEPTED = "accepted", _("Diterima")
    ADJUSTED = "adjusted", _("Tingkat disesuaikan")
    FINAL_SET = "final_set", _("Nilai akhir dicatat")
    EVIDENCE_ADDED = "evidence_added", _("Data dukung ditambahkan")
    EVIDENCE_WITHDRAWN = "evidence_withdrawn", _("Data dukung ditarik")
    IMPORTED = "imported", _("Diimpor")
    REASSIGNED = "reassigned", _("OPD penanggung jawab diubah")
    ITEM_DECIDED = "item_decided", _("Butir bukti dinilai")
    EXTERNAL_SET = "external_set", _("Nilai eksternal dicatat")
    WITHDRAWN = "withdrawn", _("Pengajuan ditarik")
    REOPENED = "reopened", _("Dibuka kembali")
    # A message in the answer's conversation; it changes nothing in the answer.
    COMMENTED = "commented", _("Tanggapan")


class ReturnReason(models.TextChoices):
    EVIDENCE_WRONG = "evidence_wrong", _("Data dukung tidak sesuai")
    EVIDENCE_MISSING = "evidence_missing", _("Data dukung belum ada")
    LEVEL_UNSUPPORTED = "level_unsupported", _("Tingkat tidak didukung data dukung")


class AnswerEvent(models.Model):
    """The audit trail and conversation of one answer: who changed what, when,
    from what to what, and why."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    state_before = models.CharField(max_length=20, blank=True)
    state_after = models.CharField(max_length=20, blank=True)
    field = models.CharField(max_length=40, blank=True)
    value_before = models.TextField(blank=True)
    value_after = models.TextField(blank=True)
    reason = models.CharField(max_length=30, choices=ReturnReason.choices, blank=True)
    comment = models.TextField(blank=True)
    # Every field the change wrote, as [field, before, after]; `field` and
    # the values above repeat the first, which lists and the API show.
    changes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("riwayat jawaban")
        verbose_name_plural = _("riwayat jawaban")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["answer", "created_at"])]

    def __str__(self):
        return f"{self.answer} · {self.get_kind_display()}"

    @property
    def field_changes(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for every field the change wrote."""
        if self.changes:
            return [tuple(change) for change in self.changes]
        if self.field:
            return [(self.field, self.value_before, self.value_after)]
        return []


class ItemState(models.TextChoices):
    """Mirrors indicators.berjenjang.ItemState, the rule's own vocabulary."""

    PENDING = "pending", _("Menunggu penilaian")
    ACCEPTED = "accepted", _("Diterima")
    RETURNED = "returned", _("Dikembalikan")
    AUTO_REJECTED = "auto_rejected", _("Otomatis ditolak")


class EvidenceItemAnswer(models.Model):
    """The review state of one evidence item of one answer (Pemdi's
    berjenjang mode). A missing row means pending."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="item_answers")
    item = models.ForeignKey("indicators.EvidenceItem", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("status butir"), max_length=20, choices=ItemState.choices, default=ItemState.PENDING
    )
    comment = models.TextField(_("catatan asesor"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("penilaian butir bukti")
        verbose_name_plural = _("penilaian butir bukti")
        constraints = [
            models.UniqueConstraint(fields=["answer", "item"], name="item_answer_unique")
        ]

    def __str__(self):
        return f"{self.answer} · {self.item_id} · {self.state}"


class ExternalValue(models.Model):
    """Another agency's index value (SDI, SJIG, IPS, ...) for an external
    indicator in one period; the level follows from the framework's bounds."""

    period = models.ForeignKey(
        EvaluationPeriod, on_delete=models.CASCADE, related_name="external_values"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("nilai"), max_digits=9, decimal_places=4)
    source = models.CharField(_("sumber"), max_length=300)
    measured_on = models.DateField(_("tanggal nilai"))
    level = models.PositiveSmallIntegerField(_("tingkat"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)

    class Meta:
        verbose_name = _("nilai eksternal")
        verbose_name_plural = _("nilai eksternal")
        ordering = ["period", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator"], name="external_value_unique")
        ]

    def __str__(self):
        return f"{self.period} · {self.indicator.code} = {self.value}"
