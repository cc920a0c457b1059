"""Evidence through the API: files (upload with the portal's own content
checks, list, download, withdraw) and links. Objects come through
assessments.access; changes go through assessments.evidence.attach."""

from __future__ import annotations

import django_filters
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import access
from assessments.api import serializers as s
from assessments.api.versions import answer_or_404
from assessments.evidence import attach, tags
from assessments.evidence.checks import EvidenceSizeLimitHandler, safe_display_name, too_big_message
from assessments.models import EvidenceFile, EvidenceLink
from spbe_portal.api import COMMON_ERRORS, errors

TAG_EVIDENCE = "data dukung"


class EvidenceFilter(django_filters.FilterSet):
    answer = django_filters.UUIDFilter(field_name="answer__public_id")
    period = django_filters.NumberFilter(field_name="answer__period_id")
    opd = django_filters.NumberFilter(field_name="answer__opd_id")
    indicator = django_filters.CharFilter(field_name="answer__indicator__code")
    withdrawn = django_filters.BooleanFilter(
        field_name="withdrawn_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = EvidenceFile
        fields = ["answer", "period", "opd", "indicator", "withdrawn"]


# --- files -------------------------------------------------------------------------


class EvidenceList(generics.ListAPIView):
    """Evidence files of the answers the user can see; upload adds one file
    to an answer with the same checks as the portal's upload form."""

    serializer_class = s.EvidenceSerializer
    filterset_class = EvidenceFilter

    def get_queryset(self):
        return (
            access.visible_evidence(self.request.user)
            .select_related("answer")
            .prefetch_related("criteria")
            .order_by("uploaded_at", "id")
        )

    def get_parsers(self):
        if getattr(self, "request", None) is not None and self.request.method == "POST":
            return [MultiPartParser()]
        return super().get_parsers()

    def initialize_request(self, request, *args, **kwargs):
        # The size limit must be the first upload handler, before anything
        # (authentication's CSRF check included) reads the body.
        if request.method == "POST":
            request.upload_handlers.insert(0, EvidenceSizeLimitHandler(request))
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG_EVIDENCE],
        responses={200: s.EvidenceSerializer, **errors(*COMMON_ERRORS, 400, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG_EVIDENCE],
        summary=gettext_lazy("Unggah satu berkas data dukung untuk sebuah jawaban"),
        request={"multipart/form-data": s.EvidenceUploadSerializer},
        responses={201: s.EvidenceSerializer, **errors(*COMMON_ERRORS, 400, 404, 409, 415)},
    )
    def post(self, request):
        data = request.data  # parses the body, through the size-limit handler
        if getattr(request._request, "evidence_too_big", []):
            raise exceptions.ValidationError({"file": [too_big_message()]})
        payload = s.EvidenceUploadSerializer(data=data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        answer = answer_or_404(request.user, data["answer"])
        if data.get("item"):
            evidence = attach.item_evidence_add(
                answer=answer, user=request.user, item_id=data["item"], uploaded_file=data["file"]
            )
        else:
            evidence = attach.evidence_add(
                answer=answer, user=request.user, uploaded_file=data["file"]
            )
        evidence.answer = answer
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceDownload(APIView):
    @extend_schema(
        tags=[TAG_EVIDENCE],
        summary=gettext_lazy("Unduh berkas data dukung"),
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description=gettext_lazy("Isi berkas, dengan tipe aslinya.")
            ),
            **errors(*COMMON_ERRORS, 404),
        },
    )
    def get(self, request, public_id):
        evidence = access.get_visible_or_404(
            access.visible_evidence(request.user), public_id=public_id
        )
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=safe_display_name(evidence.original_name),
            content_type=evidence.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        # Always an attachment through the API; nothing in it may ever run.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


# --- withdrawing a file ------------------------------------------------------------


class EvidenceDetail(generics.RetrieveAPIView):
    serializer_class = s.EvidenceSerializer
    lookup_field = "public_id"

    def get_queryset(self):
        return (
            access.visible_evidence(self.request.user)
            .select_related("answer")
            .prefetch_related("criteria")
        )

    @extend_schema(
        tags=[TAG_EVIDENCE], responses={200: s.EvidenceSerializer, **errors(*COMMON_ERRORS, 404)}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG_EVIDENCE],
        summary=gettext_lazy("Tarik berkas data dukung (tetap tersimpan untuk riwayat)"),
        responses={200: s.EvidenceSerializer, **errors(*COMMON_ERRORS, 400, 404, 409)},
    )
    def delete(self, request, public_id):
        evidence = self.get_object()
        attach.evidence_withdraw(evidence=evidence, user=request.user)
        return Response(s.EvidenceSerializer(evidence).data)


# --- links -------------------------------------------------------------------------


class EvidenceLinkFilter(django_filters.FilterSet):
    answer = django_filters.UUIDFilter(field_name="answer__public_id")
    period = django_filters.NumberFilter(field_name="answer__period_id")
    opd = django_filters.NumberFilter(field_name="answer__opd_id")
    indicator = django_filters.CharFilter(field_name="answer__indicator__code")
    withdrawn = django_filters.BooleanFilter(
        field_name="withdrawn_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = EvidenceLink
        fields = ["answer", "period", "opd", "indicator", "withdrawn"]


def _links(user):
    return (
        EvidenceLink.objects.filter(answer__in=access.visible_answers(user))
        .select_related("answer")
        .prefetch_related("criteria")
    )


class EvidenceLinkList(generics.ListAPIView):
    """Links of the answers the user can see (a service's address, with the
    test account in the note)."""

    serializer_class = s.EvidenceLinkSerializer
    filterset_class = EvidenceLinkFilter

    def get_queryset(self):
        return _links(self.request.user).order_by("added_at", "id")

    @extend_schema(
        tags=[TAG_EVIDENCE],
        responses={200: s.EvidenceLinkSerializer, **errors(*COMMON_ERRORS, 400, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG_EVIDENCE],
        summary=gettext_lazy("Tambah tautan data dukung"),
        request=s.EvidenceLinkAddSerializer,
        responses={201: s.EvidenceLinkSerializer, **errors(*COMMON_ERRORS, 400, 404, 409)},
    )
    def post(self, request):
        payload = s.EvidenceLinkAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        answer = answer_or_404(request.user, data["answer"])
        link = attach.evidence_link_add(
            answer=answer, user=request.user, url=data["url"], note=data["note"]
        )
        link.answer = answer
        return Response(s.EvidenceLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class EvidenceLinkDetail(generics.RetrieveAPIView):
    serializer_class = s.EvidenceLinkSerializer
    lookup_field = "public_id"

    def get_queryset(self):
        return _links(self.request.user)

    @extend_schema(
        tags=[TAG_EVIDENCE],
        responses={200: s.EvidenceLinkSerializer, **errors(*COMMON_ERRORS, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG_EVIDENCE],
        summary=gettext_lazy("Tarik tautan data dukung"),
        responses={200: s.EvidenceLinkSerializer, **errors(*COMMON_ERRORS, 400, 404, 409)},
    )
    def delete(self, request, public_id):
        link = self.get_object()
        attach.evidence_link_withdraw(link=link, user=request.user)
        return Response(s.EvidenceLinkSerializer(link).data)


# --- tagging with the guideline's evidence criteria --------------------------------


class EvidenceCriteria(APIView):
    """Which of the guideline's evidence criteria (Kriteria Bukti Dukung) a
    file proves; the keys are those of GET /api/v1/frameworks/{code}/."""

    @extend_schema(
        tags=[TAG_EVIDENCE],
        summary=gettext_lazy("Tandai berkas dengan kriteria bukti dukung yang dibuktikannya"),
        request=s.EvidenceTagSerializer,
        responses={200: s.EvidenceSerializer, **errors(*COMMON_ERRORS, 400, 404, 409)},
    )
    def put(self, request, public_id):
        evidence = access.get_visible_or_404(
            access.visible_evidence(request.user).select_related("answer"), public_id=public_id
        )
        payload = s.EvidenceTagSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        tags.evidence_tag(
            evidence=evidence, user=request.user, keys=payload.validated_data["criteria"]
        )
        return Response(s.EvidenceSerializer(evidence).data)


class EvidenceLinkCriteria(APIView):
    """Which of the guideline's evidence criteria a link proves."""

    @extend_schema(
        tags=[TAG_EVIDENCE],
        summary=gettext_lazy("Tandai tautan dengan kriteria bukti dukung yang dibuktikannya"),
        request=s.EvidenceTagSerializer,
        responses={200: s.EvidenceLinkSerializer, **errors(*COMMON_ERRORS, 400, 404, 409)},
    )
    def put(self, request, public_id):
        link = access.get_visible_or_404(_links(request.user), public_id=public_id)
        payload = s.EvidenceTagSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        tags.evidence_tag(evidence=link, user=request.user, keys=payload.validated_data["criteria"])
        return Response(s.EvidenceLinkSerializer(link).data)
