"""Who answers and validates what: organisations, people and their roles,
evaluation periods, indicator assignments, answers with their evidence, and
the event thread that records every change."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.default_assignment import FunctionKey
from indicators.models import FrameworkVersion, Indicator


class User(AbstractUser):
    """The portal's own user model, in place from the first migration so that
    roles and memberships can hang off it without a painful swap later."""

    class Meta(AbstractUser.Meta):
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")


class Instansi(models.Model):
    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Pemerintah provinsi")
        KABUPATEN = "kabupaten", _("Pemerintah kabupaten")
        KOTA = "kota", _("Pemerintah kota")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("provinsi induk"),
    )

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OPD(models.Model):
    """Organisasi Perangkat Daerah: a regional agency of an instansi."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="opds")
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=250)
    short_name = models.CharField(_("singkatan"), max_length=60)
    active = models.BooleanField(_("aktif"), default=True)
    # Ties the OPD to a role in the default assignment map (default_assignment.py).
    function_key = models.CharField(
        _("fungsi"), max_length=20, choices=FunctionKey.choices, blank=True
    )

    class Meta:
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        ordering = ["instansi", "short_name"]
        constraints = [models.UniqueConstraint(fields=["instansi", "code"], name="opd_code_unique")]

    def __str__(self):
        return self.short_name


class Role(models.TextChoices):
    OFFICER = "officer", _("Petugas OPD")
    REVIEWER = "reviewer", _("Asesor internal (Diskominfo)")
    LEADERSHIP = "leadership", _("Pimpinan (Bappeda/Sekda)")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(models.Model):
    """A role a user holds in one instansi; officers hold it for one OPD."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    opd = models.ForeignKey(
        OPD, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "instansi", "role", "opd"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(role="officer", opd__isnull=False) | ~Q(role="officer"),
                name="officer_has_opd",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.opd or self.instansi}"


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

    class Meta:
        verbose_name = _("tautan data dukung")
        verbose_name_plural = _("tautan data dukung")
        ordering = ["added_at"]

    def __str__(self):
        return self.url


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
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("riwayat jawaban")
        verbose_name_plural = _("riwayat jawaban")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["answer", "created_at"])]

    def __str__(self):
        return f"{self.answer} · {self.get_kind_display()}"


class NotificationKind(models.TextChoices):
    ANSWER_RETURNED = "answer_returned", _("Jawaban dikembalikan untuk perbaikan")
    OPD_VALIDATED = "opd_validated", _("Semua jawaban OPD tervalidasi")
    DEADLINE_REMINDER = "deadline_reminder", _("Pengingat batas pengisian")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one user, shown in the portal and also sent by e-mail."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("jenis"), max_length=30, choices=NotificationKind.choices)
    message = models.TextField(_("pesan"))
    link = models.CharField(_("tautan"), max_length=500, blank=True)
    answer = models.ForeignKey(
        Answer, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    # Makes one-off notices (a reminder per period, OPD and threshold) safe to
    # send from a task that may run twice: the unique constraint refuses the copy.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe_unique",
            )
        ]

    def __str__(self):
        return f"{self.recipient} · {self.get_kind_display()}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 of the secret is stored; the
    full token is shown once, when it is created. The prefix (the token's
    first characters) is what the user sees afterwards to tell tokens apart
    and what the authentication looks rows up by."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nama"), max_length=100)
    key_prefix = models.CharField(_("awalan"), max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


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
