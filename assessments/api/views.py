"""The assessments API: organisations, periods, assignments, answers,
reviewer decisions and evidence.

Every object comes through assessments.access (404 for what the user may not
see) and every change through the same functions as the HTML views
(assessments.answering, assessments.review, assessments.items), whose
refusals are domain errors without an HTTP status; spbe_portal.api maps them
to the common error body (a conflict on the version is 412 here, as If-Match
asks).
"""

from __future__ import annotations

import re

import django_filters
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import access, answering, items
from assessments import review as reviewing
from assessments.api import serializers as s
from assessments.models import (
    OPD,
    Answer,
    AnswerEvent,
    AnswerState,
    Assignment,
    EvaluationPeriod,
    PeriodState,
)
from spbe_portal.api import COMMON_ERRORS, errors
from spbe_portal.errors import NotAllowed

TAG_ORG = "organisasi"
TAG_ANSWERS = "jawaban"
TAG_REVIEW = "verifikasi"


# --- filters -----------------------------------------------------------------------


class PeriodFilter(django_filters.FilterSet):
    instansi = django_filters.CharFilter(field_name="instansi__code")
    year = django_filters.NumberFilter()
    state = django_filters.ChoiceFilter(choices=PeriodState.choices)

    class Meta:
        model = EvaluationPeriod
        fields = ["instansi", "year", "state"]


class OPDFilter(django_filters.FilterSet):
    instansi = django_filters.CharFilter(field_name="instansi__code")

    class Meta:
        model = OPD
        fields = ["instansi", "active"]


class AssignmentFilter(django_filters.FilterSet):
    opd = django_filters.NumberFilter(field_name="responsible_opd_id")
    indicator = django_filters.CharFilter(field_name="indicator__code")

    class Meta:
        model = Assignment
        fields = ["period", "opd", "indicator"]


class AnswerFilter(django_filters.FilterSet):
    instansi = django_filters.CharFilter(field_name="period__instansi__code")
    year = django_filters.NumberFilter(field_name="period__year")
    indicator = django_filters.CharFilter(field_name="indicator__code")
    state = django_filters.ChoiceFilter(choices=AnswerState.choices)

    class Meta:
        model = Answer
        fields = ["period", "opd", "indicator", "state", "instansi", "year"]


# --- organisations and periods -----------------------------------------------------


@extend_schema(tags=[TAG_ORG], responses={200: s.InstansiSerializer, **errors(*COMMON_ERRORS)})
class InstansiList(generics.ListAPIView):
    """The instansi the user holds a role in."""

    serializer_class = s.InstansiSerializer

    def get_queryset(self):
        return access.visible_instansi(self.request.user).select_related("parent").order_by("code")


@extend_schema(tags=[TAG_ORG], responses={200: s.InstansiSerializer, **errors(*COMMON_ERRORS, 404)})
class InstansiDetail(generics.RetrieveAPIView):
    serializer_class = s.InstansiSerializer
    lookup_field = "code"

    def get_queryset(self):
        return access.visible_instansi(self.request.user).select_related("parent")


@extend_schema(tags=[TAG_ORG], responses={200: s.OPDSerializer, **errors(*COMMON_ERRORS, 400, 404)})
class OPDList(generics.ListAPIView):
    """OPDs of the user's instansi (officers: their own OPDs)."""

    serializer_class = s.OPDSerializer
    filterset_class = OPDFilter

    def get_queryset(self):
        return (
            access.visible_opds(self.request.user)
            .select_related("instansi")
            .order_by("instansi__code", "short_name", "id")
        )


@extend_schema(tags=[TAG_ORG], responses={200: s.OPDSerializer, **errors(*COMMON_ERRORS, 404)})
class OPDDetail(generics.RetrieveAPIView):
    serializer_class = s.OPDSerializer

    def get_queryset(self):
        return access.visible_opds(self.request.user).select_related("instansi")


def _periods(user):
    return access.visible_periods(user).select_related("instansi", "framework")


@extend_schema(
    tags=[TAG_ORG], responses={200: s.PeriodSerializer, **errors(*COMMON_ERRORS, 400, 404)}
)
class PeriodList(generics.ListAPIView):
    """Evaluation periods of the user's instansi, newest first."""

    serializer_class = s.PeriodSerializer
    filterset_class = PeriodFilter

    def get_queryset(self):
        return _periods(self.request.user).order_by("instansi__code", "-year")


@extend_schema(tags=[TAG_ORG], responses={200: s.PeriodSerializer, **errors(*COMMON_ERRORS, 404)})
class PeriodDetail(generics.RetrieveAPIView):
    serializer_class = s.PeriodSerializer

    def get_queryset(self):
        return _periods(self.request.user)


@extend_schema(
    tags=[TAG_ORG], responses={200: s.AssignmentSerializer, **errors(*COMMON_ERRORS, 400, 404)}
)
class AssignmentList(generics.ListAPIView):
    """Which OPD answers which indicator. Officers see the assignments of the
    answers they can see (their own and those they contribute to)."""

    serializer_class = s.AssignmentSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self):
        user = self.request.user
        visible = access.visible_answers(user).values("period_id", "indicator_id")
        return (
            Assignment.objects.filter(
                Exists(
                    visible.filter(
                        period_id=OuterRef("period_id"), indicator_id=OuterRef("indicator_id")
                    )
                )
            )
            .select_related("indicator")
            .prefetch_related("contributors")
            .order_by("period_id", "indicator__position")
        )


# --- answers -----------------------------------------------------------------------

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=gettext_lazy(
        'ETag jawaban yang terakhir dibaca (mis. "3"); wajib untuk perubahan.'
    ),
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy(
        "ETag jawaban yang dinilai; keputusan ditolak (412) bila jawaban telah berubah."
    ),
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description=gettext_lazy("Versi jawaban, untuk header If-Match pada perubahan berikutnya."),
)
_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def etag_of(answer: Answer) -> str:
    return f'"{answer.version}"'


def with_etag(response: Response, answer: Answer) -> Response:
    response["ETag"] = etag_of(answer)
    return response


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "If-Match"
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "If-Match"
    default_code = "precondition_failed"


def expected_version(request, answer: Answer, *, required: bool = True) -> int:
    """The version named by If-Match: 428 when it is missing (and required),
    412 when it is not the answer's current version."""
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise PreconditionRequired(
                _("Sertakan header If-Match berisi ETag jawaban (baca jawaban terlebih dahulu).")
            )
        return answer.version
    match = _ETAG.match(header)
    if header.strip() != "*" and (match is None or int(match.group(1)) != answer.version):
        raise PreconditionFailed(
            _("Jawaban telah berubah sejak dibaca (versi sekarang %(version)s); baca ulang.")
            % {"version": answer.version}
        )
    return answer.version


def answer_or_404(user, public_id) -> Answer:
    return access.get_visible_or_404(
        access.visible_answers(user).select_related(
            "indicator", "period__framework", "period__instansi", "opd"
        ),
        public_id=public_id,
    )


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


# --- reviewer decisions ------------------------------------------------------------


def _decision_schema(summary, request_serializer):
    return extend_schema(
        tags=[TAG_REVIEW],
        summary=summary,
        parameters=[IF_MATCH_OPTIONAL, ETAG_HEADER],
        request=request_serializer,
        responses={
            200: s.AnswerSerializer,
            **errors(*COMMON_ERRORS, 400, 404, 409, 412),
        },
    )


class _Decision(APIView):
    """Accept, adjust or return one submitted answer (internal assessors)."""

    payload_class = None

    def post(self, request, public_id):
        answer = answer_or_404(request.user, public_id)
        if not access.can_review(request.user, answer.period):
            raise NotAllowed(_("Anda bukan asesor internal untuk instansi ini."))
        expected_version(request, answer, required=False)
        payload = self.payload_class(data=request.data)
        payload.is_valid(raise_exception=True)
        decided = self.decide(answer, request.user, payload.validated_data)
        decided = answer_or_404(request.user, decided.public_id)
        body = s.AnswerSerializer(decided, context={"request": request}).data
        return with_etag(Response(body), decided)


class AnswerAccept(_Decision):
    payload_class = s.AcceptSerializer

    @_decision_schema(gettext_lazy("Terima tingkat usulan"), s.AcceptSerializer)
    def post(self, request, public_id):
        return super().post(request, public_id)

    def decide(self, answer, user, data):
        return reviewing.answer_accept(answer=answer, user=user, comment=data["comment"])


class AnswerAdjust(_Decision):
    payload_class = s.AdjustSerializer

    @_decision_schema(
        gettext_lazy("Validasi pada tingkat lain, dengan justifikasi"), s.AdjustSerializer
    )
    def post(self, request, public_id):
        return super().post(request, public_id)

    def decide(self, answer, user, data):
        return reviewing.answer_adjust(
            answer=answer, user=user, level=data["level"], justification=data["justification"]
        )


class AnswerReturn(_Decision):
    payload_class = s.ReturnSerializer

    @_decision_schema(gettext_lazy("Kembalikan untuk perbaikan, dengan alasan"), s.ReturnSerializer)
    def post(self, request, public_id):
        return super().post(request, public_id)

    def decide(self, answer, user, data):
        return reviewing.answer_return(
            answer=answer, user=user, reason=data["reason"], comment=data["comment"]
        )


class AnswerItemDecision(APIView):
    @extend_schema(
        tags=[TAG_REVIEW],
        summary=gettext_lazy("Terima atau kembalikan satu butir bukti (mode butir, Pemdi 2026)"),
        parameters=[ETAG_HEADER],
        request=s.ItemDecisionSerializer,
        responses={200: s.AnswerSerializer, **errors(*COMMON_ERRORS, 400, 404, 409)},
    )
    def post(self, request, public_id, item_id):
        answer = answer_or_404(request.user, public_id)
        if not access.can_review(request.user, answer.period):
            raise NotAllowed(_("Anda bukan asesor internal untuk instansi ini."))
        payload = s.ItemDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        items.item_decide(
            answer=answer,
            user=request.user,
            item_id=item_id,
            decision=payload.validated_data["decision"],
            comment=payload.validated_data["comment"],
        )
        decided = answer_or_404(request.user, public_id)
        body = s.AnswerSerializer(decided, context={"request": request}).data
        return with_etag(Response(body), decided)


class AnswersAcceptBulk(APIView):
    @extend_schema(
        tags=[TAG_REVIEW],
        operation_id="answers_accept_bulk",
        summary=gettext_lazy("Terima beberapa jawaban sekaligus (semua atau tidak sama sekali)"),
        request=s.BulkAcceptSerializer,
        responses={200: s.BulkAcceptResponse, **errors(*COMMON_ERRORS, 400, 404, 409)},
    )
    def post(self, request):
        payload = s.BulkAcceptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(payload.validated_data["answers"]))
        found = {
            a.public_id: a
            for a in access.visible_answers(request.user)
            .filter(public_id__in=ids)
            .select_related("indicator", "period", "opd")
        }
        if len(found) != len(ids):
            raise Http404
        accepted = reviewing.answers_accept_bulk(answers=[found[i] for i in ids], user=request.user)
        body = s.AnswerSerializer(accepted, many=True, context={"request": request}).data
        return Response({"accepted": body})
