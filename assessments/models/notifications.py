"""Messages to one user, shown in the portal and sent by e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.answers import Answer


class NotificationKind(models.TextChoices):
    ANSWER_RETURNED = "answer_returned", _("Jawaban dikembalikan untuk perbaikan")
    OPD_VALIDATED = "opd_validated", _("Semua jawaban OPD tervalidasi")
    DEADLINE_REMINDER = "deadline_reminder", _("Pengingat batas pengisian")
    ANSWER_ADJUSTED = "answer_adjusted", _("Tingkat jawaban disesuaikan asesor")
    ANSWER_REOPENED = "answer_reopened", _("Jawaban tervalidasi dibuka kembali")
    ANSWERS_SUBMITTED = "answers_submitted", _("Jawaban baru menunggu verifikasi")
    ANSWER_REPLIED = "answer_replied", _("Tanggapan baru pada percakapan jawaban")


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
