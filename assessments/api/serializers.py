"""Explicit request and response shapes of the assessments API. Responses
name organisations by id and code, answers, evidence and jobs by their
public UUID (never the internal row id)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from assessments import access
from assessments.models import (
    OPD,
    Answer,
    AnswerEvent,
    AnswerState,
    Assignment,
    EvaluationPeriod,
    EvidenceFile,
    EvidenceLink,
    Instansi,
    ItemState,
    ReturnReason,
)


class InstansiSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Instansi
        fields = ["code", "name", "kind", "parent"]


class OPDSerializer(serializers.ModelSerializer):
    instansi = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = OPD
        fields = ["id", "instansi", "code", "name", "short_name", "active"]


class PeriodSerializer(serializers.ModelSerializer):
    instansi = serializers.SlugRelatedField(slug_field="code", read_only=True)
    framework = serializers.SlugRelatedField(slug_field="code", read_only=True)
    accepts_answers = serializers.SerializerMethodField()
    accepts_reviews = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationPeriod
        fields = [
            "id",
            "instansi",
            "year",
            "framework",
            "state",
            "fill_opens_at",
            "fill_closes_at",
            "review_closes_at",
            "target_index",
            "accepts_answers",
            "accepts_reviews",
        ]

    def get_accepts_answers(self, period) -> bool:
        return period.accepts_answers()

    def get_accepts_reviews(self, period) -> bool:
        return period.accepts_reviews()


class AssignmentSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    contributors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "period", "indicator", "responsible_opd", "contributors"]


class AnswerSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    editable = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = [
            "id",
            "period",
            "indicator",
            "opd",
            "state",
            "proposed_level",
            "explanation",
            "validated_level",
            "final_level",
            "version",
            "submitted_at",
            "updated_at",
            "editable",
        ]

    def get_editable(self, answer) -> bool:
        """Whether this user may save the level and explanation now."""
        request = self.context.get("request")
        return bool(
            request
            and access.can_edit_answer(request.user, answer)
            and answer.state in (AnswerState.DRAFT, AnswerState.RETURNED)
            and answer.period.accepts_answers()
        )


class AnswerUpdateSerializer(serializers.Serializer):
    """A field left out keeps its stored value."""

    proposed_level = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    explanation = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=20_000
    )


class AcceptSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class AdjustSerializer(serializers.Serializer):
    level = serializers.IntegerField(min_value=0, max_value=100)
    justification = serializers.CharField(max_length=5000)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    comment = serializers.CharField(max_length=5000)


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class BulkAcceptSerializer(serializers.Serializer):
    answers = serializers.ListField(
        child=serializers.UUIDField(), min_length=1, max_length=200, allow_empty=False
    )


class BulkAcceptResponse(serializers.Serializer):
    accepted = AnswerSerializer(many=True)


class EvidenceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    answer = serializers.UUIDField(source="answer.public_id", read_only=True)
    download_url = serializers.SerializerMethodField()
    # Keys of the guideline's evidence criteria the file proves (e.g. "1.4.2").
    criteria = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "answer",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "item",
            "criteria",
            "tagged_at",
            "uploaded_at",
            "withdrawn_at",
            "download_url",
        ]

    def get_download_url(self, evidence) -> str:
        return reverse("api:evidence-download", kwargs={"public_id": evidence.public_id})


class EvidenceUploadSerializer(serializers.Serializer):
    answer = serializers.UUIDField()
    file = serializers.FileField(allow_empty_file=False, max_length=1000)
    # Evidence-item mode (Pemdi 2026): the item of the indicator the file proves.
    item = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class ItemDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[ItemState.ACCEPTED, ItemState.RETURNED])
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class MessageSerializer(serializers.Serializer):
    detail = serializers.CharField()


class EvidenceLinkSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    answer = serializers.UUIDField(source="answer.public_id", read_only=True)
    criteria = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)

    class Meta:
        model = EvidenceLink
        fields = [
            "id",
            "answer",
            "url",
            "note",
            "criteria",
            "tagged_at",
            "added_at",
            "withdrawn_at",
        ]


class EvidenceTagSerializer(serializers.Serializer):
    # The full set: what is not named is untagged. Keys of the answer's own
    # indicator only (checked by assessments.evidence.tags).
    criteria = serializers.ListField(
        child=serializers.CharField(max_length=50), allow_empty=True, max_length=200
    )


class EvidenceLinkAddSerializer(serializers.Serializer):
    answer = serializers.UUIDField()
    # The service validates the URL (http/https only) and the lengths.
    url = serializers.CharField(max_length=500)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AnswerEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = AnswerEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "kind",
            "state_before",
            "state_after",
            "field",
            "value_before",
            "value_after",
            "reason",
            "comment",
        ]


class SubmitAllSerializer(serializers.Serializer):
    period = serializers.IntegerField(min_value=1)


class SubmitAllFailure(serializers.Serializer):
    id = serializers.UUIDField()
    detail = serializers.CharField()


class SubmitAllResponse(serializers.Serializer):
    submitted = serializers.ListField(child=serializers.UUIDField())
    not_ready = serializers.ListField(child=serializers.UUIDField())
    failed = SubmitAllFailure(many=True)


# --- the guideline's checklist of an answer (assessments.evidence.tags) --------------


class ChecklistEvidenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["file", "link"])
    id = serializers.UUIDField()
    name = serializers.CharField(help_text="The file's name or the link's address.")
    criteria = serializers.ListField(child=serializers.CharField())


class ChecklistItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    number = serializers.IntegerField()
    text = serializers.CharField()
    covered = serializers.BooleanField()
    evidence = serializers.ListField(child=serializers.UUIDField())


class ChecklistSerializer(serializers.Serializer):
    answer = serializers.UUIDField()
    framework = serializers.CharField()
    level = serializers.IntegerField(allow_null=True)
    items = ChecklistItemSerializer(many=True)
    evidence = ChecklistEvidenceSerializer(many=True)
