"""The reports API: stored index snapshots (read, request a recomputation)
and report jobs (request with an Idempotency-Key, poll, download).

Results are read by the instansi-wide roles, exactly as on the dashboard;
report jobs follow reports.jobs (officers: their OPDs' reports)."""

from __future__ import annotations

import django_filters
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from kombu.exceptions import OperationalError as BrokerError
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import access
from assessments.api.serializers import MessageSerializer
from reports.jobs import report_job_request, visible_report_jobs
from reports.models import (
    Basis,
    IndexSnapshot,
    IssuedDocument,
    JobState,
    ReportFormat,
    ReportJob,
    ReportKind,
)
from reports.rendering import CONTENT_TYPES, report_filename
from reports.tasks import snapshot_enqueue_now
from spbe_portal.api import COMMON_ERRORS, errors

TAG_RESULTS = "hasil"
TAG_REPORTS = "laporan"
IDEMPOTENCY_KEY_MAX = 100


def readable_instansi_ids(user) -> list[int]:
    """The instansi whose results the user may read (as the dashboard)."""
    return [
        iid
        for iid in access.visible_instansi(user).values_list("id", flat=True)
        if access.can_read_results(user, iid)
    ]


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = gettext_lazy(
        "Antrean perhitungan sedang tidak tersedia. Coba lagi beberapa saat lagi."
    )


class ReportNotReady(exceptions.APIException):
    status_code = 409
    default_detail = gettext_lazy("Laporan belum selesai dibuat; periksa status pekerjaannya.")


# --- snapshots ---------------------------------------------------------------------


class SnapshotSerializer(serializers.ModelSerializer):
    instansi = serializers.CharField(source="period.instansi.code", read_only=True)
    year = serializers.IntegerField(source="period.year", read_only=True)
    framework = serializers.SlugRelatedField(slug_field="code", read_only=True)
    index_exact = serializers.DecimalField(
        max_digits=12, decimal_places=10, coerce_to_string=True, allow_null=True, read_only=True
    )
    missing = serializers.ListField(child=serializers.CharField(), read_only=True)
    domains = serializers.DictField(child=serializers.DictField(), read_only=True)
    aspects = serializers.DictField(child=serializers.DictField(), read_only=True)
    levels = serializers.DictField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = IndexSnapshot
        fields = [
            "id",
            "period",
            "instansi",
            "year",
            "basis",
            "framework",
            "computed_at",
            "complete",
            "missing",
            "index_exact",
            "index_display",
            "predicate",
            "domains",
            "aspects",
            "levels",
            "inputs_sha256",
        ]


class SnapshotFilter(django_filters.FilterSet):
    instansi = django_filters.CharFilter(field_name="period__instansi__code")
    year = django_filters.NumberFilter(field_name="period__year")
    basis = django_filters.ChoiceFilter(choices=Basis.choices)

    class Meta:
        model = IndexSnapshot
        fields = ["period", "instansi", "year", "basis", "complete"]


def _snapshots(user):
    return IndexSnapshot.objects.filter(
        period__instansi_id__in=readable_instansi_ids(user)
    ).select_related("period__instansi", "framework")


@extend_schema(
    tags=[TAG_RESULTS], responses={200: SnapshotSerializer, **errors(*COMMON_ERRORS, 400, 404)}
)
class SnapshotList(generics.ListAPIView):
    """Stored indices per period and basis (self, validated, final). A
    snapshot is refreshed in the background after answers change."""

    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilter

    def get_queryset(self):
        return _snapshots(self.request.user).order_by(
            "period__instansi__code", "-period__year", "basis"
        )


@extend_schema(
    tags=[TAG_RESULTS], responses={200: SnapshotSerializer, **errors(*COMMON_ERRORS, 404)}
)
class SnapshotDetail(generics.RetrieveAPIView):
    serializer_class = SnapshotSerializer

    def get_queryset(self):
        return _snapshots(self.request.user)


class PeriodRecompute(APIView):
    @extend_schema(
        tags=[TAG_RESULTS],
        summary=gettext_lazy("Minta perhitungan ulang potret indeks periode"),
        request=None,
        responses={202: MessageSerializer, **errors(*COMMON_ERRORS, 404, 503)},
    )
    def post(self, request, pk):
        period = access.get_visible_or_404(access.visible_periods(request.user), pk=pk)
        if not access.can_read_results(request.user, period.instansi_id):
            raise exceptions.PermissionDenied
        try:
            snapshot_enqueue_now(period_id=period.pk)
        except BrokerError:
            raise ServiceUnavailable() from None
        return Response(
            {"detail": _("Perhitungan ulang indeks dijadwalkan.")}, status=status.HTTP_202_ACCEPTED
        )


# --- report jobs -------------------------------------------------------------------


class IssuedDocumentSerializer(serializers.ModelSerializer):
    """What an issued document prints about itself."""

    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = ["number", "code", "issued_at", "sha256", "verification_url"]

    def get_verification_url(self, document) -> str:
        return reverse("documents:verify", kwargs={"code": document.code})


class ReportJobSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    download_url = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = [
            "id",
            "period",
            "basis",
            "kind",
            "opd",
            "format",
            "state",
            "message",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
            "document",
        ]

    def get_download_url(self, job) -> str | None:
        if job.state != JobState.DONE:
            return None
        return reverse("api:report-job-download", kwargs={"public_id": job.public_id})

    @extend_schema_field(IssuedDocumentSerializer(allow_null=True))
    def get_document(self, job) -> dict | None:
        """The issued document of a finished instansi report or Berita Acara
        in PDF (the latest, should the job have rendered twice); else null."""
        if job.state != JobState.DONE:
            return None
        issued = sorted(job.issued_documents.all(), key=lambda d: (d.issued_at, d.pk))
        return IssuedDocumentSerializer(issued[-1]).data if issued else None


class ReportJobRequestSerializer(serializers.Serializer):
    period = serializers.IntegerField(min_value=1)
    basis = serializers.ChoiceField(choices=Basis.choices)
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    opd = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    format = serializers.ChoiceField(choices=ReportFormat.choices)


class ReportJobFilter(django_filters.FilterSet):
    # Plain numbers, not choices of every period and OPD: an id that does not
    # exist and one that is not yours must both just match nothing.
    period = django_filters.NumberFilter(field_name="period_id")
    opd = django_filters.NumberFilter(field_name="opd_id")
    state = django_filters.ChoiceFilter(choices=JobState.choices)
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)

    class Meta:
        model = ReportJob
        fields = ["period", "opd", "state", "kind"]


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy(
        "Kunci unik pilihan klien (maks. 100 karakter): permintaan ulang dengan kunci yang sama "
        "mengembalikan pekerjaan yang sama (200), bukan membuat yang baru."
    ),
)


def _jobs(user):
    return visible_report_jobs(user).select_related("period").prefetch_related("issued_documents")


class ReportJobList(generics.ListAPIView):
    serializer_class = ReportJobSerializer
    filterset_class = ReportJobFilter

    def get_queryset(self):
        return _jobs(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        tags=[TAG_REPORTS],
        summary=gettext_lazy("Pekerjaan laporan yang dapat dilihat pengguna"),
        responses={200: ReportJobSerializer, **errors(*COMMON_ERRORS, 400, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG_REPORTS],
        summary=gettext_lazy("Minta laporan (PDF/XLSX); dibuat di latar belakang"),
        parameters=[IDEMPOTENCY_KEY],
        request=ReportJobRequestSerializer,
        responses={
            200: OpenApiResponse(
                ReportJobSerializer, description=gettext_lazy("Pekerjaan yang sudah ada")
            ),
            201: ReportJobSerializer,
            **errors(*COMMON_ERRORS, 400, 404),
        },
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("Maksimum 100 karakter yang dapat dicetak.")]}
            )
        payload = ReportJobRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        period = access.get_visible_or_404(
            access.visible_periods(request.user).select_related("instansi"), pk=data["period"]
        )
        opd = None
        if data.get("opd"):
            opd = access.get_visible_or_404(access.visible_opds(request.user), pk=data["opd"])
        before = (
            ReportJob.objects.filter(
                period=period, requested_by=request.user, idempotency_key=key
            ).exists()
            if key
            else False
        )
        job = report_job_request(
            user=request.user,
            period=period,
            basis=data["basis"],
            kind=data["kind"],
            opd=opd,
            fmt=data["format"],
            idempotency_key=key,
        )
        code = status.HTTP_200_OK if before else status.HTTP_201_CREATED
        response = Response(ReportJobSerializer(job).data, status=code)
        response["Location"] = reverse("api:report-job-detail", kwargs={"public_id": job.public_id})
        return response


@extend_schema(
    tags=[TAG_REPORTS], responses={200: ReportJobSerializer, **errors(*COMMON_ERRORS, 404)}
)
class ReportJobDetail(generics.RetrieveAPIView):
    serializer_class = ReportJobSerializer
    lookup_field = "public_id"

    def get_queryset(self):
        return _jobs(self.request.user)


class ReportJobDownload(APIView):
    @extend_schema(
        tags=[TAG_REPORTS],
        summary=gettext_lazy("Unduh berkas laporan yang sudah selesai"),
        responses={
            (200, CONTENT_TYPES[ReportFormat.PDF]): OpenApiResponse(
                OpenApiTypes.BINARY, description=gettext_lazy("Berkas PDF.")
            ),
            (200, CONTENT_TYPES[ReportFormat.XLSX]): OpenApiResponse(
                OpenApiTypes.BINARY, description=gettext_lazy("Berkas XLSX.")
            ),
            **errors(*COMMON_ERRORS, 404, 409),
        },
    )
    def get(self, request, public_id):
        job = access.get_visible_or_404(
            _jobs(request.user).select_related("period__instansi", "opd"), public_id=public_id
        )
        if job.state != JobState.DONE or not job.file:
            raise ReportNotReady()
        try:
            handle = job.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        filename = report_filename(
            period=job.period, basis=job.basis, kind=job.kind, opd=job.opd, fmt=job.format
        )
        return FileResponse(
            handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[job.format]
        )
