"""Optimistic concurrency in the API: an answer's version is its ETag, and
changes name the version they were made against in If-Match (428 when it is
missing where required, 412 when it is stale)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.response import Response

from assessments import access
from assessments.models import (
    Answer,
)

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
