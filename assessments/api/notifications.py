"""The signed-in user's own notifications: the list and marking read.

Notifications are private to their recipient (access.visible_notifications),
so another user's ids are silently not marked rather than refused: the caller
learns nothing about which ids exist."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import access
from assessments.models import Notification, NotificationKind
from assessments.notifications import notices
from spbe_portal.api import COMMON_ERRORS, errors

TAG_NOTIFICATIONS = "notifikasi"
MAX_IDS = 500


class NotificationSerializer(serializers.ModelSerializer):
    answer = serializers.UUIDField(source="answer.public_id", read_only=True, allow_null=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "link", "answer", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class NotificationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices)
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["kind", "unread"]


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=MAX_IDS
    )


class MarkReadResponse(serializers.Serializer):
    marked = serializers.IntegerField()


@extend_schema(
    tags=[TAG_NOTIFICATIONS],
    summary=gettext_lazy("Notifikasi pengguna yang sedang masuk, terbaru lebih dahulu"),
    responses={200: NotificationSerializer, **errors(*COMMON_ERRORS, 404)},
)
class NotificationList(generics.ListAPIView):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Notification.objects.none()
        return access.visible_notifications(self.request.user).select_related("answer")


class NotificationMarkRead(APIView):
    @extend_schema(
        tags=[TAG_NOTIFICATIONS],
        summary=gettext_lazy("Tandai notifikasi milik sendiri sebagai sudah dibaca"),
        request=MarkReadSerializer,
        responses={200: MarkReadResponse, **errors(*COMMON_ERRORS, 400)},
    )
    def post(self, request):
        payload = MarkReadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        marked = notices.notifications_mark_read(
            user=request.user, ids=payload.validated_data["ids"]
        )
        return Response({"marked": marked})
