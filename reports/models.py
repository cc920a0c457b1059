"""Stored results: index snapshots per period and basis, and report jobs
whose rendered files are kept per period."""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import OPD, EvaluationPeriod, Instansi
from indicators.models import FrameworkVersion


class Basis(models.TextChoices):
    SELF = "self", _("Penilaian mandiri (usulan OPD)")
    VALIDATED = "validated", _("Hasil validasi asesor internal")
    FINAL = "final", _("Nilai akhir")


class IndexSnapshotQuerySet(models.QuerySet):
    def for_period(self, period_id: int):
        return self.filter(period_id=period_id)


class IndexSnapshot(models.Model):
    """The index of one period on one basis, exactly as computed from the
    levels whose hash is `inputs_sha256`. Incomplete inputs give a snapshot
    with `complete=False`, the missing codes, and no index."""

    # No index of its own: the unique (period, basis) index starts with it,
    # and a year's recomputation writes two thousand rows into every index.
    period = models.ForeignKey(
        EvaluationPeriod, on_delete=models.CASCADE, related_name="snapshots", db_index=False
    )
    basis = models.CharField(_("dasar"), max_length=20, choices=Basis.choices)
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="snapshots"
    )
    computed_at = models.DateTimeField(_("dihitung pada"))
    inputs_sha256 = models.CharField(_("sidik masukan"), max_length=64)
    complete = models.BooleanField(_("lengkap"), default=False)
    missing = models.JSONField(_("indikator belum terisi"), default=list, blank=True)
    index_exact = models.DecimalField(
        _("indeks (eksak)"), max_digits=12, decimal_places=10, null=True, blank=True
    )
    index_display = models.CharField(_("indeks"), max_length=10, blank=True)
    predicate = models.CharField(_("predikat"), max_length=50, blank=True)
    # {code: {"exact": str, "display": str, "predicate": str}}
    aspects = models.JSONField(_("aspek"), default=dict, blank=True)
    domains = models.JSONField(_("domain"), default=dict, blank=True)
    # {indicator code: level} as used for the computation (absent = missing).
    levels = models.JSONField(_("tingkat"), default=dict, blank=True)

    objects = IndexSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("potret indeks")
        verbose_name_plural = _("potret indeks")
        ordering = ["period", "basis"]
        constraints = [
            models.UniqueConstraint(fields=["period", "basis"], name="snapshot_period_basis_unique")
        ]

    def __str__(self):
        return f"{self.period} · {self.get_basis_display()} · {self.index_display or '—'}"


class ReportKind(models.TextChoices):
    INSTANSI = "instansi", _("Laporan instansi")
    OPD = "opd", _("Laporan OPD")
    BERITA_ACARA = "berita-acara", _("Berita Acara penilaian mandiri")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel (XLSX)"


class JobState(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    RUNNING = "running", _("Sedang diproses")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


def report_upload_to(instance, filename):
    # Never the requester's or a guessable name: files are served only by views.
    return f"reports/{instance.period_id}/{uuid.uuid4().hex}"


class ReportJob(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period = models.ForeignKey(
        EvaluationPeriod, on_delete=models.CASCADE, related_name="report_jobs"
    )
    basis = models.CharField(_("dasar"), max_length=20, choices=Basis.choices)
    kind = models.CharField(_("jenis laporan"), max_length=20, choices=ReportKind.choices)
    opd = models.ForeignKey(
        OPD, on_delete=models.PROTECT, null=True, blank=True, related_name="report_jobs"
    )
    format = models.CharField(_("format"), max_length=10, choices=ReportFormat.choices)
    state = models.CharField(
        _("status"), max_length=20, choices=JobState.choices, default=JobState.QUEUED
    )
    message = models.TextField(_("pesan"), blank=True)
    # Default storage is the private files root (no MEDIA_URL): served by views only.
    file = models.FileField(upload_to=report_upload_to, max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        verbose_name = _("pekerjaan laporan")
        verbose_name_plural = _("pekerjaan laporan")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["period", "created_at"])]

    def __str__(self):
        return f"{self.period} · {self.get_kind_display()} · {self.get_format_display()}"


# --- documents fit to sign: letterhead, signatories, numbering, registry -------------

NIP_VALIDATOR = RegexValidator(r"^\d{18}$", _("NIP terdiri atas 18 angka tanpa spasi."), code="nip")
DEFAULT_NUMBER_PATTERN = "000.8/{nomor}/SPBE/{tahun}"


class Letterhead(models.Model):
    """The kop surat of one instansi and how its documents are numbered."""

    instansi = models.OneToOneField(Instansi, on_delete=models.CASCADE, related_name="letterhead")
    # The kop surat's heading lines, top to bottom (e.g. PEMERINTAH PROVINSI ...).
    heading = models.TextField(_("baris kop surat"), help_text=_("Satu baris per baris kop."))
    address = models.TextField(_("alamat"), blank=True)
    place = models.CharField(_("tempat penerbitan"), max_length=80)
    number_pattern = models.CharField(
        _("pola nomor dokumen"),
        max_length=120,
        default=DEFAULT_NUMBER_PATTERN,
        help_text=_("Memuat {nomor}; boleh memuat {tahun}, mis. 000.8/{nomor}/Diskominfo/{tahun}."),
    )
    portal_url = models.URLField(
        _("alamat portal"),
        blank=True,
        help_text=_("Alamat publik portal ini, dicetak pada dokumen untuk verifikasi."),
    )
    # Small and read only when a PDF is rendered: kept with the row, so the
    # documents need no file storage (PNG or JPEG, checked by content).
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=True)
    logo_type = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("kop surat")
        verbose_name_plural = _("kop surat")

    def __str__(self):
        return str(self.instansi)

    @property
    def heading_lines(self) -> list[str]:
        return [line.strip() for line in self.heading.splitlines() if line.strip()]


class Signatories(models.Model):
    """Who signs the period's Berita Acara: the SPBE coordinator (Sekda) and
    the head of the internal assessor team."""

    period = models.OneToOneField(
        EvaluationPeriod, on_delete=models.CASCADE, related_name="signatories"
    )
    coordinator_name = models.CharField(_("nama koordinator SPBE"), max_length=150)
    coordinator_nip = models.CharField(
        _("NIP koordinator"), max_length=18, validators=[NIP_VALIDATOR]
    )
    coordinator_rank = models.CharField(_("pangkat/golongan koordinator"), max_length=100)
    coordinator_position = models.CharField(_("jabatan koordinator"), max_length=150)
    assessor_name = models.CharField(_("nama ketua tim asesor internal"), max_length=150)
    assessor_nip = models.CharField(
        _("NIP ketua tim asesor"), max_length=18, validators=[NIP_VALIDATOR]
    )
    assessor_rank = models.CharField(_("pangkat/golongan ketua tim asesor"), max_length=100)
    assessor_position = models.CharField(_("jabatan ketua tim asesor"), max_length=150)

    class Meta:
        verbose_name = _("penandatangan")
        verbose_name_plural = _("penandatangan")

    def __str__(self):
        return str(self.period)


class DocumentCounter(models.Model):
    """The last number given to a document of one instansi in one year; its
    row is locked while a number is taken, so numbers have no gaps or twins."""

    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instansi", "year"], name="document_counter_unique")
        ]

    def __str__(self):
        return f"{self.instansi_id} · {self.year} · {self.last}"


class IssuedDocument(models.Model):
    """One issued PDF: its number, the code printed on it for the public
    verification page, and the SHA-256 of the very file handed out."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(
        EvaluationPeriod, on_delete=models.PROTECT, related_name="issued_documents"
    )
    kind = models.CharField(_("jenis laporan"), max_length=20, choices=ReportKind.choices)
    basis = models.CharField(_("dasar"), max_length=20, choices=Basis.choices)
    sequence = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField()
    number = models.CharField(_("nomor dokumen"), max_length=160)
    code = models.CharField(_("kode verifikasi"), max_length=16, unique=True)
    index_display = models.CharField(_("indeks"), max_length=10, blank=True)
    issued_at = models.DateTimeField(_("diterbitkan pada"))
    sha256 = models.CharField(_("SHA-256 berkas"), max_length=64, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The job that issued it, when a worker did (not render_report). A job
    # caught half way and rendered again issues again: its latest counts.
    job = models.ForeignKey(
        ReportJob,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issued_documents",
    )

    class Meta:
        verbose_name = _("dokumen terbit")
        verbose_name_plural = _("dokumen terbit")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "year", "sequence"], name="issued_document_sequence_unique"
            )
        ]

    def __str__(self):
        return self.number
