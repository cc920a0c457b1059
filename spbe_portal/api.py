"""Project-wide API conventions: one error body shape for every endpoint,
`{"detail": "...", "errors": {field: [messages]}}`."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.views import exception_handler

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        body = {"detail": str(data["detail"]), "errors": {}}
    elif isinstance(data, dict):
        body = {
            "detail": _("Data yang dikirim tidak valid."),
            "errors": {field: _as_messages(value) for field, value in data.items()},
        }
    else:
        body = {"detail": _("Data yang dikirim tidak valid."), "errors": {"": _as_messages(data)}}
    response.data = body
    return response


def _as_messages(value) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, dict):
        return [
            f"{key}: {message}" for key, msgs in value.items() for message in _as_messages(msgs)
        ]
    return [str(value)]
