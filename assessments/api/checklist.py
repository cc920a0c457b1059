"""An answer's checklist through the API: the proposed level's evidence
criteria (Kriteria Bukti Dukung), which live files and links are tagged with
each, and every file's and link's tags; what the reviewer's page shows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.api import serializers as s
from assessments.api.evidence import TAG_EVIDENCE
from assessments.api.versions import answer_or_404
from assessments.evidence import tags
from spbe_portal.api import COMMON_ERRORS, errors


def _name(row) -> str:
    return getattr(row, "original_name", None) or row.url


class AnswerChecklist(APIView):
    @extend_schema(
        tags=[TAG_EVIDENCE],
        summary=gettext_lazy("Daftar periksa bukti dukung tingkat usulan sebuah jawaban"),
        responses={200: s.ChecklistSerializer, **errors(*COMMON_ERRORS, 404)},
    )
    def get(self, request, public_id):
        answer = answer_or_404(request.user, public_id)
        guide = tags.guideline(answer, level=answer.proposed_level)
        body = {
            "answer": answer.public_id,
            "framework": answer.period.framework.code,
            "level": answer.proposed_level,
            "items": [
                {
                    "key": item.criterion.key,
                    "number": item.criterion.number,
                    "text": item.criterion.text,
                    "covered": item.covered,
                    "evidence": [row.public_id for row in item.evidence],
                }
                for item in guide.checklist
            ],
            "evidence": [
                {
                    "kind": kind,
                    "id": row.public_id,
                    "name": _name(row),
                    "criteria": [c.key for c in criteria],
                }
                for kind, row, criteria in guide.evidence
            ],
        }
        return Response(s.ChecklistSerializer(body).data)
