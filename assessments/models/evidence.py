"""Evidence (data dukung): files, checked and hashed, and links; never hard-deleted."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.answers import Answer


def evidence_upload_to(instance, filename):
    # The stored name never uses the uploader's file name (traversal, clashes).
    return f"evidence/{instance.answer.period_id}/{uuid.uuid4().hex}"


class EvidenceFile(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="evidence_files")
    file = models.FileField(upload_to=evidence_upload_to, max_length=300)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Evidence is never hard-deleted while an answer references it.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Set in evidence-item mode (Pemdi): the item this file supports.
    item = models.ForeignKey(
        "indicators.EvidenceItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("butir bukti"),
    )
    # The guideline's evidence criteria this file proves (assessments.evidence.tags).
    criteria = models.ManyToManyField(
        "indicators.EvidenceCriterion",
        blank=True,
        related_name="+",
        verbose_name=_("kriteria bukti dukung"),
    )
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("berkas data dukung")
        verbose_name_plural = _("berkas data dukung")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name


class EvidenceLink(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence_links")
    url = models.URLField(_("tautan"), max_length=500)
    note = models.CharField(_("keterangan"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    criteria = models.ManyToManyField(
        "indicators.EvidenceCriterion",
        blank=True,
        related_name="+",
        verbose_name=_("kriteria bukti dukung"),
    )
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tautan data dukung")
        verbose_name_plural = _("tautan data dukung")
        ordering = ["added_at"]

    def __str__(self):
        return self.url
