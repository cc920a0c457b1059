"""Answers in the API: reading, the officer's changes (save, submit,
withdraw) and the history. Every change goes through the same functions as
the HTML views (assessments.answering); their refusals are domain errors
that spbe_portal.api maps to the common error body (a conflict on the
version is 412 here, as If-Match asks)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import access, answering
from assessments.api import serializers as s
from assessments.api.versions import (
    ETAG_HEADER,
    IF_MATCH,
    IF_MATCH_OPTIONAL,
    answer_or_404,
    expected_version,
    with_etag,
)
from assessments.models import (
    Answer,
    AnswerEvent,
    AnswerState,
)
from spbe_portal.api import COMMON_ERRORS, errors
from spbe_portal.errors import NotAllowed

TAG_ANSWERS = "jawaban"


class AnswerFilter(django_filters.FilterSet):
    instansi = django_filters.CharFilter(field_name="period__instansi__code")
    year = django_filters.NumberFilter(field_name="period__year")
    indicator = django_filters.CharFilter(field_name="indicator__code")
    state = django_filters.ChoiceFilter(choices=AnswerState.choices)

    class Meta:
        model = Answer
        fields = ["period", "opd", "indicator", "state", "instansi", "year"]


@extend_schema(
    tags=[TAG_ANSWERS], responses={200: s.AnswerSerializer, **errors(*COMMON_ERRORS, 400, 404)}
)
class AnswerList(generics.ListAPIView):
    """Answers the user can see: officers those of their OPDs (and those they
    contribute evidence to), instansi-wide roles all of their instansi."""

    serializer_class = s.AnswerSerializer
    filterset_class = AnswerFilter

    def get_queryset(self):
        return (
            access.visible_answers(self.request.user)
            .select_related("indicator", "period")
            .order_by("period_id", "indicator__position")
        )


class AnswerDetail(APIView):
    @extend_schema(
        tags=[TAG_ANSWERS],
        parameters=[ETAG_HEADER],
        responses={
            200: s.AnswerSerializer,
            **errors(*COMMON_ERRORS, 404),
        },
    )
    def get(self, request, public_id):
        answer = answer_or_404(request.user, public_id)
        data = s.AnswerSerializer(answer, context={"request": request}).data
        return with_etag(Response(data), answer)

    @extend_schema(
        tags=[TAG_ANSWERS],
        summary=gettext_lazy("Simpan tingkat usulan dan penjelasan (draf)"),
        parameters=[IF_MATCH, ETAG_HEADER],
        request=s.AnswerUpdateSerializer,
        responses={
            200: s.AnswerSerializer,
            **errors(*COMMON_ERRORS, 400, 404, 409, 412, 428),
        },
    )
    def patch(self, request, public_id):
        answer = answer_or_404(request.user, public_id)
        if not access.can_edit_answer(request.user, answer):
            raise NotAllowed(_("Anda tidak berwenang mengubah jawaban ini."))
        version = expected_version(request, answer)
        payload = s.AnswerUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        saved = answering.answer_save(
            answer=answer,
            user=request.user,
            level=data.get("proposed_level", answer.proposed_level),
            explanation=data.get("explanation", answer.explanation),
            expected_version=version,
        )
        saved = answer_or_404(request.user, saved.public_id)
        return with_etag(
            Response(s.AnswerSerializer(saved, context={"request": request}).data), saved
        )


class AnswerSubmit(APIView):
    @extend_schema(
        tags=[TAG_ANSWERS],
        summary=gettext_lazy("Ajukan jawaban untuk diverifikasi"),
        parameters=[IF_MATCH, ETAG_HEADER],
        request=None,
        responses={
            200: s.AnswerSerializer,
            **errors(*COMMON_ERRORS, 400, 404, 409, 412, 428),
        },
    )
    def post(self, request, public_id):
        answer = answer_or_404(request.user, public_id)
        if not access.can_edit_answer(request.user, answer):
            raise NotAllowed(_("Anda tidak berwenang mengubah jawaban ini."))
        version = expected_version(request, answer)
        done = answering.answer_submit(answer=answer, user=request.user, expected_version=version)
        done = answer_or_404(request.user, done.public_id)
        return with_etag(
            Response(s.AnswerSerializer(done, context={"request": request}).data), done
        )


class AnswerWithdraw(APIView):
    @extend_schema(
        tags=[TAG_ANSWERS],
        summary=gettext_lazy("Tarik pengajuan yang belum diputuskan asesor (kembali menjadi draf)"),
        parameters=[IF_MATCH_OPTIONAL, ETAG_HEADER],
        request=None,
        responses={200: s.AnswerSerializer, **errors(*COMMON_ERRORS, 400, 404, 409, 412)},
    )
    def post(self, request, public_id):
        answer = answer_or_404(request.user, public_id)
        version = expected_version(request, answer, required=False)
        done = answering.answer_withdraw(answer=answer, user=request.user, expected_version=version)
        done = answer_or_404(request.user, done.public_id)
        return with_etag(
            Response(s.AnswerSerializer(done, context={"request": request}).data), done
        )


class AnswersSubmitAll(APIView):
    @extend_schema(
        tags=[TAG_ANSWERS],
        operation_id="answers_submit_all",
        summary=gettext_lazy("Ajukan semua jawaban OPD Anda yang siap dalam satu periode"),
        request=s.SubmitAllSerializer,
        responses={200: s.SubmitAllResponse, **errors(*COMMON_ERRORS, 400, 404)},
    )
    def post(self, request):
        payload = s.SubmitAllSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        period = access.get_visible_or_404(
            access.visible_periods(request.user), pk=payload.validated_data["period"]
        )
        if not access.scope_for(request.user).officer_opds:
            raise NotAllowed(_("Anda tidak berwenang mengubah jawaban ini."))
        result = answering.answers_submit_all(user=request.user, period=period)
        return Response(
            {
                "submitted": [a.public_id for a in result.submitted],
                "not_ready": [a.public_id for a in result.not_ready],
                "failed": [{"id": a.public_id, "detail": m} for a, m in result.failed],
            }
        )


@extend_schema(
    tags=[TAG_ANSWERS],
    summary=gettext_lazy("Riwayat dan percakapan sebuah jawaban"),
    responses={200: s.AnswerEventSerializer, **errors(*COMMON_ERRORS, 404)},
)
class AnswerEvents(generics.ListAPIView):
    serializer_class = s.AnswerEventSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return AnswerEvent.objects.none()
        answer = answer_or_404(self.request.user, self.kwargs["public_id"])
        return answer.events.select_related("actor").order_by("created_at", "id")
