"""Project-wide API conventions: one error body shape for every endpoint,
`{"detail": "...", "errors": {field: [messages]}}`."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_filters import NumberFilter
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import inline_serializer
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from spbe_portal.errors import Conflict, DomainError, status_of

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)


def errors(*statuses: int) -> dict:
    """extend_schema `responses` entries for the error statuses an endpoint
    can answer with; every one has the same body."""
    return dict.fromkeys(statuses, ErrorSerializer)


# Every endpoint may answer these: no or a bad token, no permission, and a
# throttled client.
COMMON_ERRORS = (401, 403, 429)


def add_common_errors(result, generator, request, public):
    """Schema post-processing: every operation may answer 401 (no or a bad
    token) and 403 (no permission); lookups and paginated lists 404; lists
    and bodies 400; bodies 415 - all with the common error body, including
    views that do not list them themselves."""
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for path, item in result.get("paths", {}).items():
        for operation in item.values():
            responses = operation.get("responses")
            if responses is None:
                continue
            responses.setdefault("401", {**error, "description": "Unauthorized"})
            responses.setdefault("403", {**error, "description": "Forbidden"})
            names = {p.get("name") for p in operation.get("parameters", [])}
            # An unknown object, or a page number past the end (DRF's pagination).
            if "{" in path or "page" in names:
                responses.setdefault("404", {**error, "description": "Not Found"})
            # A filter value django-filter cannot use, or a body that is not valid.
            if "page" in names or "requestBody" in operation:
                responses.setdefault("400", {**error, "description": "Bad Request"})
            if "requestBody" in operation:
                responses.setdefault("415", {**error, "description": "Unsupported Media Type"})
    return result


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


# Every number a client sends lands in a 64-bit database column at most.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend with number filters bounded to 64 bits: a
    larger value is refused with 400 like any other invalid filter, rather
    than reaching the database (where SQLite raises OverflowError)."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            # The filters are the instance's own copies; the form is built later.
            for field in filterset.filters.values():
                if isinstance(field, NumberFilter):
                    field.extra["min_value"] = max(
                        field.extra.get("min_value", INT64_MIN), INT64_MIN
                    )
                    field.extra["max_value"] = min(
                        field.extra.get("max_value", INT64_MAX), INT64_MAX
                    )
        return filterset


class JSONParser(parsers.JSONParser):
    """A body nested deeper than Python's recursion limit ([[[[...]]]]) is a
    malformed request, not a server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("Data JSON bersarang terlalu dalam.")) from None


def api_exception_handler(exc, context):
    # The API edge of spbe_portal.errors. A conflict on the answer's version
    # is 412 here: the client's If-Match (or the version it read) is stale.
    if isinstance(exc, DomainError):
        status = 412 if isinstance(exc, Conflict) else status_of(exc)
        return Response({"detail": exc.message, "errors": {}}, status=status)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": " ".join(exc.messages), "errors": {}}, status=400)
    if isinstance(exc, OverflowError):
        # A number too large for the database (SQLite raises instead of
        # finding nothing): the request is at fault, not the server.
        return Response({"detail": _("Angka di luar jangkauan."), "errors": {}}, status=400)
    # Imported here: rest_framework.views reads REST_FRAMEWORK (which names
    # this module's parser and pagination) when it is first imported.
    from rest_framework.views import exception_handler

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
