"""Read-only API over the framework catalogue, and the stateless calculator."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators import scoring
from indicators.calculator import UnknownFramework, framework_spec, result_as_dict
from indicators.models import (
    Aspect,
    Domain,
    EvidenceCriterion,
    FrameworkVersion,
    Indicator,
    LevelCriterion,
)
from spbe_portal.api import ErrorSerializer


class EvidenceCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceCriterion
        fields = ["key", "number", "text"]


class LevelSerializer(serializers.ModelSerializer):
    """A level with the guideline's fulfilment and evidence criteria (empty
    for a framework file without them)."""

    evidence_criteria = EvidenceCriterionSerializer(many=True)

    class Meta:
        model = LevelCriterion
        fields = ["level", "text", "fulfilment", "evidence_criteria"]


class IndicatorSerializer(serializers.ModelSerializer):
    aspect = serializers.CharField(source="aspect.code")
    criteria = serializers.SerializerMethodField()
    levels = LevelSerializer(many=True, source="criteria")

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "question",
            "capability",
            "weight",
            "aspect",
            "criteria",
            "description",
            "assessment_rule",
            "evidence_examples",
            "levels",
        ]

    def get_criteria(self, indicator) -> dict[str, str]:
        return {str(c.level): c.text for c in indicator.criteria.all()}


class AspectSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(source="domain.code", allow_null=True, default=None)

    class Meta:
        model = Aspect
        fields = ["code", "name", "weight", "domain"]


class DomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Domain
        fields = ["code", "name", "weight"]


class BandSerializer(serializers.Serializer):
    lower_bound = serializers.DecimalField(max_digits=6, decimal_places=4)
    # False: the band starts just above the bound (a reading such as 1,51-2,50).
    lower_inclusive = serializers.BooleanField()
    label = serializers.CharField()


class FrameworkSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = FrameworkVersion
        fields = ["code", "name", "regulation", "level_min", "level_max"]


class FrameworkDetailSerializer(FrameworkSummarySerializer):
    instrument = serializers.CharField(
        read_only=True, help_text="Versions with the same instrument are compared directly."
    )
    domains = DomainSerializer(many=True)
    aspects = AspectSerializer(many=True)
    indicators = IndicatorSerializer(many=True)
    bands = BandSerializer(many=True)

    class Meta(FrameworkSummarySerializer.Meta):
        fields = [
            *FrameworkSummarySerializer.Meta.fields,
            "comparable_with",
            "instrument",
            "predicate_note",
            "domains",
            "aspects",
            "indicators",
            "bands",
        ]


class FrameworkList(generics.ListAPIView):
    """Framework versions loaded in this portal."""

    serializer_class = FrameworkSummarySerializer
    queryset = FrameworkVersion.objects.order_by("code")


class FrameworkDetail(generics.RetrieveAPIView):
    """One framework version with its domains, aspects, indicators and criteria."""

    serializer_class = FrameworkDetailSerializer
    lookup_field = "code"
    queryset = FrameworkVersion.objects.prefetch_related(
        "domains",
        "aspects__domain",
        "bands",
        "indicators__aspect",
        "indicators__criteria__evidence_criteria",
    )


class CalculatorRequest(serializers.Serializer):
    framework = serializers.SlugField()
    levels = serializers.DictField(child=serializers.IntegerField())


class CalculatorResponse(serializers.Serializer):
    index = serializers.CharField()
    index_exact = serializers.CharField()
    predicate = serializers.CharField(allow_null=True)
    domains = serializers.DictField(child=serializers.CharField())
    aspects = serializers.DictField(child=serializers.CharField())


class Calculator(APIView):
    """Computes the index for a set of levels. Writes nothing."""

    @extend_schema(
        request=CalculatorRequest,
        responses={200: CalculatorResponse, 400: ErrorSerializer},
    )
    def post(self, request):
        payload = CalculatorRequest(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            spec = framework_spec(payload.validated_data["framework"])
        except UnknownFramework as exc:
            raise serializers.ValidationError({"framework": [str(exc)]}) from None
        try:
            result = scoring.compute(spec, payload.validated_data["levels"])
        except scoring.ScoringError as exc:
            key = f"levels.{exc.indicator}" if exc.indicator else "levels"
            raise serializers.ValidationError({key: [str(exc)]}) from None
        return Response(result_as_dict(result))
