"""Reviewer decisions in the API: accept, adjust, return, per-item
decisions (Pemdi), bulk acceptance and reopening, through assessments.review
and assessments.items."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import access, items
from assessments import review as reviewing
from assessments.api import serializers as s
from assessments.api.versions import (
    ETAG_HEADER,
    IF_MATCH_OPTIONAL,
    answer_or_404,
    expected_version,
    with_etag,
)
from spbe_portal.api import COMMON_ERRORS, errors
from spbe_portal.errors import NotAllowed

TAG_REVIEW = "verifikasi"


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


class AnswerReopen(APIView):
    @extend_schema(
        tags=[TAG_REVIEW],
        summary=gettext_lazy(
            "Buka kembali jawaban tervalidasi selama masa penilaian (kembali menjadi diajukan)"
        ),
        parameters=[IF_MATCH_OPTIONAL, ETAG_HEADER],
        request=s.ReopenSerializer,
        responses={200: s.AnswerSerializer, **errors(*COMMON_ERRORS, 400, 404, 409, 412)},
    )
    def post(self, request, public_id):
        answer = answer_or_404(request.user, public_id)
        version = expected_version(request, answer, required=False)
        payload = s.ReopenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        reopened = reviewing.answer_reopen(
            answer=answer,
            user=request.user,
            reason=payload.validated_data["reason"],
            expected_version=version,
        )
        reopened = answer_or_404(request.user, reopened.public_id)
        body = s.AnswerSerializer(reopened, context={"request": request}).data
        return with_etag(Response(body), reopened)
