"""The growth API: the batch z-score calculator for hospital and survey systems, and a child's measurements.

``POST growth/zscores/`` computes the z-scores of up to 10,000 items in one request, exactly as the
measurement service does (``growth.batch.assess``): each item gets its result or its own error in place,
in the same order; nothing is stored. ``"standard"`` picks the standard: ``who2006`` (the default) or
``wst423_2022``, whose values are interpolated between its SD lines and come with their ``bands`` and the
``nutrition`` categories that apply. Health workers, directors, doctors and regulators may use it
(``view_health``, ``record_medical`` or ``supervise_region``); others 403, anonymous 401.

``GET/POST health/children/<code>/measurements/``: a child's measurements with z-scores, flags and
classification, for those who may read the child's health record (each call is logged in the access log,
channel "api"); guardians, the institution's director and health worker and the partner hospital's
doctor add measurements. Anyone else gets 404.
"""

import uuid
from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, has_perm, signed_in_user
from tuoyu.enrolment.models import AccessChannel
from tuoyu.health.growth.batch import (
    EXPLANATIONS_BY_STANDARD,
    assess,
    classification_words,
    flag_explanations,
)
from tuoyu.health.growth.classification import Band, nutrition
from tuoyu.health.growth.standards import is_standard_code, standard_of
from tuoyu.health.models import Measurement, Position
from tuoyu.health.selectors.growth import measurements_of
from tuoyu.health.services.access import health_record_open
from tuoyu.health.services.growth import measurement_record
from tuoyu.parsers import DepthSafeJSONParser, validated
from tuoyu.refusals import ErrorSerializer, Refusal
from tuoyu.regions.choices import GrowthStandardCode

MAX_ITEMS = 10_000
CALCULATOR_PERMS = (Perm.VIEW_HEALTH, Perm.RECORD_MEDICAL, Perm.SUPERVISE_REGION)
VIEW = "growth"


DEFICIT_STATUSES = ["normal", "moderate", "severe"]
EXCESS_STATUSES = ["normal", "overweight", "obesity"]


class GrowthClassificationSerializer(serializers.Serializer):
    """WHO cut-offs on the z-scores rounded to 2 decimals; null where not computable or implausible."""

    underweight = serializers.ChoiceField(
        choices=DEFICIT_STATUSES, allow_null=True, help_text="On weight-for-age."
    )
    stunting = serializers.ChoiceField(
        choices=DEFICIT_STATUSES, allow_null=True, help_text="On length/height-for-age."
    )
    wasting = serializers.ChoiceField(
        choices=DEFICIT_STATUSES, allow_null=True, help_text="On weight-for-length/height; oedema is severe."
    )
    overweight = serializers.ChoiceField(
        choices=EXCESS_STATUSES, allow_null=True, help_text="On weight-for-length/height."
    )


def _z_field(name: str) -> serializers.FloatField:
    return serializers.FloatField(
        allow_null=True, help_text=f"{name} z-score, 2 decimals; null if not computable."
    )


FLAG_HELP = "Stable codes: " + ", ".join(EXPLANATIONS_BY_STANDARD[GrowthStandardCode.WST_423_2022]) + "."
STANDARD_HELP = (
    "who2006: WHO Child Growth Standards (2006); wst423_2022: WS/T 423—2022《7岁以下儿童生长标准》, whose "
    "z-scores are values interpolated linearly between its SD lines."
)
NUTRITION_CATEGORIES = ["低体重", "生长迟缓", "消瘦", "超重", "肥胖"]
BANDS = [band.value for band in Band]
STANDARD_CODES = GrowthStandardCode.values


class GrowthBandsSerializer(serializers.Serializer):
    """WS/T 423—2022's band of each value: 下 < −2SD ≤ 中下 < −1SD ≤ 中 ≤ +1SD < 中上 ≤ +2SD < 上; null where
    there is no value or it is implausible."""

    zwei = serializers.ChoiceField(choices=BANDS, allow_null=True)
    zlen = serializers.ChoiceField(choices=BANDS, allow_null=True)
    zwfl = serializers.ChoiceField(choices=BANDS, allow_null=True)
    zbmi = serializers.ChoiceField(choices=BANDS, allow_null=True)
    zhc = serializers.ChoiceField(choices=BANDS, allow_null=True)


def _nutrition_field(*, required: bool = True) -> serializers.ListField:
    return serializers.ListField(
        required=required,
        child=serializers.ChoiceField(choices=NUTRITION_CATEGORIES),
        help_text="The nutrition categories of WS/T 423—2022 that apply (only for wst423_2022).",
    )


# The batch calculator ------------------------------------------------------------------------------------


class GrowthZScoreItemInputSerializer(serializers.Serializer):
    """One measurement. Give the age as age_days or as birth_date and measured_on (without an age only
    weight-for-length/height is computed)."""

    sex = serializers.ChoiceField(choices=[1, 2], help_text="1 boy, 2 girl.")
    age_days = serializers.FloatField(
        required=False,
        min_value=0,
        help_text="WHO uses the completed days; WS/T the days as given / 30.4375.",
    )
    age_months = serializers.FloatField(
        required=False,
        min_value=0,
        help_text="Instead of age_days or the dates: the age in months (× 30.4375 days).",
    )
    birth_date = serializers.DateField(required=False)
    measured_on = serializers.DateField(required=False, help_text="Not in the future.")
    weight_kg = serializers.FloatField(required=False)
    length_cm = serializers.FloatField(required=False)
    position = serializers.ChoiceField(
        choices=Position.choices, required=False, help_text="l: lying (length), h: standing (height)."
    )
    head_cm = serializers.FloatField(required=False)
    oedema = serializers.BooleanField(required=False, default=False)


class GrowthZScoresInputSerializer(serializers.Serializer):
    standard = serializers.ChoiceField(
        choices=STANDARD_CODES, default=GrowthStandardCode.WHO_2006, help_text=STANDARD_HELP
    )
    items = serializers.ListField(
        child=GrowthZScoreItemInputSerializer(),
        max_length=MAX_ITEMS,
        help_text=f"At most {MAX_ITEMS:,} items.",
    )


class GrowthZScoreResultSerializer(serializers.Serializer):
    zwei = _z_field("Weight-for-age")
    zlen = _z_field("Length/height-for-age")
    zwfl = _z_field("Weight-for-length/height")
    zbmi = _z_field("BMI-for-age")
    zhc = _z_field("Head circumference-for-age")
    flags = serializers.ListField(child=serializers.CharField(), help_text=FLAG_HELP)
    classification = GrowthClassificationSerializer()
    bands = GrowthBandsSerializer(required=False, help_text="Only for wst423_2022.")
    nutrition = _nutrition_field(required=False)


class GrowthZScoreErrorDetailSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field at fault (item: the item itself).")
    code = serializers.CharField(help_text="e.g. sex_invalid, measured_in_future, not_a_number.")
    detail = serializers.CharField()


class GrowthZScoreErrorSerializer(serializers.Serializer):
    error = GrowthZScoreErrorDetailSerializer()


class GrowthZScoresResponseSerializer(serializers.Serializer):
    standard = serializers.ChoiceField(choices=STANDARD_CODES, help_text=STANDARD_HELP)
    items = serializers.ListField(
        child=PolymorphicProxySerializer(
            component_name="GrowthZScoreOutcome",
            serializers=[GrowthZScoreResultSerializer, GrowthZScoreErrorSerializer],
            resource_type_field_name=None,
        ),
        help_text="One per item, in the same order: its result, or its error.",
    )


class MayUseGrowthCalculator(BasePermission):
    """Health workers, doctors and regulators; for anyone else signed in the calculator does not exist."""

    def has_permission(self, request: Request, view: object) -> bool:
        if not request.user.is_authenticated:
            return False  # 401: sign in first
        if not any(has_perm(request.user, perm) for perm in CALCULATOR_PERMS):
            raise NotFound
        return True


def _items(data: Any) -> list[Any]:
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise Refusal(_('Send {"items": [...]}: a list of measurements.'), "items_missing")
    if len(items) > MAX_ITEMS:
        raise Refusal(
            _("At most %(max)s items per request; this one has %(count)s.")
            % {"max": f"{MAX_ITEMS:,}", "count": f"{len(items):,}"},
            "too_many_items",
        )
    return items


def _standard(data: Any) -> str:
    code = (
        data.get("standard", GrowthStandardCode.WHO_2006)
        if isinstance(data, dict)
        else GrowthStandardCode.WHO_2006
    )
    if not is_standard_code(code):
        raise Refusal(
            _('"standard" must be one of: %(codes)s.')
            % {"codes": ", ".join(sorted(GrowthStandardCode.values))},
            "standard_unknown",
        )
    return code


class ZScoresView(APIView):
    """Growth z-scores of up to 10,000 measurements: WHO Child Growth Standards (2006) as WHO's software
    computes them, or WS/T 423—2022 as values interpolated between its SD lines with their bands."""

    permission_classes = [IsAuthenticated, MayUseGrowthCalculator]
    parser_classes = [DepthSafeJSONParser]

    @extend_schema(
        request=GrowthZScoresInputSerializer,
        responses={
            200: GrowthZScoresResponseSerializer,
            400: OpenApiResponse(ErrorSerializer, description="No list of items, or too many."),
        },
    )
    def post(self, request: Request) -> Response:
        standard = _standard(request.data)
        results = assess(_items(request.data), standard=standard_of(standard))
        return Response({"standard": standard, "items": [result.as_json() for result in results]})


# A child's measurements ----------------------------------------------------------------------------------


class GrowthMeasurementSerializer(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display")
    institution = serializers.CharField(source="institution.name", default=None)
    measured_by = serializers.CharField(source="measured_by.display_name", default=None)
    classification = GrowthClassificationSerializer()
    classification_label = serializers.SerializerMethodField()
    standard = serializers.ChoiceField(choices=STANDARD_CODES, help_text=STANDARD_HELP)
    standard_label = serializers.CharField(source="get_standard_display")
    bands = GrowthBandsSerializer(help_text="Only for wst423_2022: under who2006 every band is null.")
    nutrition = serializers.SerializerMethodField()
    flags = serializers.ListField(child=serializers.CharField(), help_text=FLAG_HELP)
    flag_explanations = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = [
            "id",
            "measured_on",
            "age_days",
            "weight_kg",
            "length_cm",
            "position",
            "head_cm",
            "oedema",
            "source",
            "source_label",
            "institution",
            "measured_by",
            "recorded_at",
            "zwei",
            "zlen",
            "zwfl",
            "zbmi",
            "zhc",
            "standard",
            "standard_label",
            "bands",
            "nutrition",
            "flags",
            "flag_explanations",
            "classification",
            "classification_label",
        ]

    def get_classification_label(self, measurement: Measurement) -> str:
        return classification_words(measurement.classification)

    def get_flag_explanations(self, measurement: Measurement) -> list[str]:
        return [
            explanation for _code, explanation in flag_explanations(measurement.flags, measurement.standard)
        ]

    @extend_schema_field(_nutrition_field())
    def get_nutrition(self, measurement: Measurement) -> list[str]:
        return (
            nutrition(measurement.classification)
            if measurement.standard == GrowthStandardCode.WST_423_2022
            else []
        )


class GrowthMeasurementInputSerializer(serializers.Serializer):
    measured_on = serializers.DateField(help_text="Not in the future, not before the birth.")
    weight_kg = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    length_cm = serializers.DecimalField(
        max_digits=5, decimal_places=1, required=False, allow_null=True, help_text="Needs the position."
    )
    position = serializers.ChoiceField(choices=Position.choices, required=False, allow_blank=True, default="")
    head_cm = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)
    oedema = serializers.BooleanField(required=False, default=False)


class ChildMeasurementsView(APIView):
    """A child's growth measurements, newest first; POST adds one (source from who records it)."""

    @extend_schema(responses=GrowthMeasurementSerializer(many=True))
    def get(self, request: Request, code: uuid.UUID) -> Response:
        child = health_record_open(request.user, code, view=VIEW, channel=AccessChannel.API)
        return Response(GrowthMeasurementSerializer(measurements_of(child), many=True).data)

    @extend_schema(
        request=GrowthMeasurementInputSerializer,
        responses={
            201: GrowthMeasurementSerializer,
            400: OpenApiResponse(ErrorSerializer, description="e.g. measured_in_future."),
        },
    )
    def post(self, request: Request, code: uuid.UUID) -> Response:
        child = health_record_open(request.user, code, view=VIEW, channel=AccessChannel.API)
        data = validated(GrowthMeasurementInputSerializer, request.data)
        measurement = measurement_record(actor=signed_in_user(request), child=child, **data)
        return Response(GrowthMeasurementSerializer(measurement).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("growth/zscores/", ZScoresView.as_view(), name="api-growth-zscores"),
    path(
        "health/children/<uuid:code>/measurements/",
        ChildMeasurementsView.as_view(),
        name="api-health-child-measurements",
    ),
]
