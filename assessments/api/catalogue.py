"""The catalogue of the assessments API: instansi, OPDs, periods and
assignments, each listed through assessments.access (404 for what the user
may not see)."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef
from drf_spectacular.utils import extend_schema
from rest_framework import generics

from assessments import access
from assessments.api import serializers as s
from assessments.models import (
    OPD,
    Assignment,
    EvaluationPeriod,
    PeriodState,
)
from spbe_portal.api import COMMON_ERRORS, errors

TAG_ORG = "organisasi"


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
