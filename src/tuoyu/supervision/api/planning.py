"""The API of risk and planning: a region's risk ranking, inspection plans drawn from a published seed.

``GET regions/{code}/risk/`` answers a regulator whose scope contains the region (others: 404), a page at a
time, highest score first. ``inspection-plans/`` lists and draws plans (POST with a seed: the same seed and
inputs give the same ``drawn``, byte for byte), ``inspection-plans/{id}/`` reads one with its inputs and
``.../approve/`` approves (publishes) it. Refusals answer 400/409 with ``{"code", "detail"}``.
"""

import hashlib
import json
from typing import Any

from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from tuoyu.accounts.access import Perm, get_visible_or_404, has_perm, signed_in_user
from tuoyu.parsers import validated
from tuoyu.refusals import refused
from tuoyu.supervision.models import InspectionPlan
from tuoyu.supervision.selectors.planning import plans_visible_to
from tuoyu.supervision.selectors.risk import Risk, regions_supervised_by, risk_of_region
from tuoyu.supervision.services.planning import MAX_SEED_LENGTH, canonical, plan_approve, plan_draw

# A region's risk ranking --------------------------------------------------------------------------------


class RiskInstitutionSerializer(serializers.Serializer):
    code = serializers.UUIDField()
    name = serializers.CharField()


class RiskPartSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="finding.block, rectification_overdue, grade.D, outbreak...")
    label = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.label
        help_text="The part in words, in the request's language."
    )
    count = serializers.IntegerField()
    points = serializers.IntegerField(help_text="count × the part's weight (policy value risk.*).")


class RiskSerializer(serializers.Serializer):
    institution = RiskInstitutionSerializer()
    score = serializers.IntegerField()
    group = serializers.ChoiceField(choices=["high", "medium", "low"])
    parts = RiskPartSerializer(many=True)


class RegionRiskView(GenericAPIView):
    """The risk score of every operating institution of the region, with its parts, highest first, a page at
    a time (``?page=``). For a regulator whose scope contains the region; others get 404."""

    queryset = InspectionPlan.objects.none()  # for the schema; get reads the region's institutions
    filter_backends: list[Any] = []
    serializer_class = RiskSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int, description="A page number within the paginated result set.")
        ],
        responses=RiskSerializer(many=True),
    )
    def get(self, request: Request, code: str) -> Response:
        region = get_visible_or_404(regions_supervised_by(request.user), code=code)
        risks: list[Risk] = risk_of_region(request.user, region, timezone.localdate())
        page = self.paginate_queryset(risks) or []
        return self.get_paginated_response(RiskSerializer(page, many=True).data)


# Inspection plans ------------------------------------------------------------------------------------------


class RatesSerializer(serializers.Serializer):
    high = serializers.IntegerField(min_value=0, max_value=100, required=False, default=100)
    medium = serializers.IntegerField(min_value=0, max_value=100, required=False, default=30)
    low = serializers.IntegerField(min_value=0, max_value=100, required=False, default=10)


class PlanDrawSerializer(serializers.Serializer):
    region = serializers.CharField(max_length=12, help_text="The region's division code.")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    seed = serializers.CharField(
        max_length=MAX_SEED_LENGTH,
        help_text="The published seed, e.g. the day and a public lottery number: 20261201-3D-2026320-518.",
    )
    rates = RatesSerializer(required=False, help_text="Share drawn per risk group, in %.")


class DrawnSerializer(serializers.Serializer):
    code = serializers.UUIDField()
    name = serializers.CharField()
    group = serializers.CharField()
    inspector_id = serializers.IntegerField()
    inspector_name = serializers.CharField()


def _sorted_json(value: Any) -> Any:
    """``value`` with every object's keys in order, as in its canonical JSON."""
    return json.loads(canonical(value))


class PlanSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    drawn = serializers.SerializerMethodField()
    drawn_sha256 = serializers.SerializerMethodField(help_text="SHA-256 of the canonical JSON of drawn.")
    inputs_sha256 = serializers.SerializerMethodField(help_text="SHA-256 of the canonical JSON of inputs.")
    approved = serializers.SerializerMethodField()

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "title",
            "region",
            "period_start",
            "period_end",
            "seed",
            "rates",
            "drawn",
            "drawn_sha256",
            "inputs_sha256",
            "drawn_at",
            "approved",
            "approved_at",
        ]

    @extend_schema_field(DrawnSerializer(many=True))
    def get_drawn(self, plan: InspectionPlan) -> Any:
        return _sorted_json(plan.drawn)

    def get_drawn_sha256(self, plan: InspectionPlan) -> str:
        return hashlib.sha256(canonical(plan.drawn)).hexdigest()

    def get_inputs_sha256(self, plan: InspectionPlan) -> str:
        return hashlib.sha256(canonical(plan.inputs)).hexdigest()

    def get_approved(self, plan: InspectionPlan) -> bool:
        return plan.approved_at is not None


class PlanDetailSerializer(PlanSerializer):
    inputs = serializers.SerializerMethodField(
        help_text="What the draw read: region, period, rates, institutions (code, name, group, score, "
        "last_inspector) and inspectors (id, name). The draw seeds random.Random with the SHA-256 of the "
        "seed, a line feed and the canonical JSON of these inputs."
    )

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "inputs"]

    def get_inputs(self, plan: InspectionPlan) -> dict[str, Any]:
        inputs: dict[str, Any] = _sorted_json(plan.inputs)
        return inputs


def _supervisor_or_404(request: Request) -> None:
    if not has_perm(request.user, Perm.SUPERVISE_REGION):
        raise Http404


class PlanListView(GenericAPIView):
    """GET: the inspection plans of the regions the regulator supervises, the latest period first. POST: draw
    a plan from a seed; the same seed and inputs give the same ``drawn``, byte for byte."""

    queryset = InspectionPlan.objects.none()
    filter_backends: list[Any] = []
    serializer_class = PlanSerializer

    @extend_schema(responses=PlanSerializer(many=True))
    def get(self, request: Request) -> Response:
        _supervisor_or_404(request)
        page = self.paginate_queryset(plans_visible_to(request.user)) or []
        return self.get_paginated_response(PlanSerializer(page, many=True).data)

    @extend_schema(
        request=PlanDrawSerializer,
        responses={
            201: PlanDetailSerializer,
            **refused("period_reversed, seed_invalid", "no_inspectors, no_inspector_left"),
        },
    )
    def post(self, request: Request) -> Response:
        _supervisor_or_404(request)
        data = validated(PlanDrawSerializer, request.data)
        region = get_visible_or_404(regions_supervised_by(request.user), code=data["region"])
        plan = plan_draw(
            region=region,
            period_start=data["period_start"],
            period_end=data["period_end"],
            seed=data["seed"],
            rates=dict(data["rates"]) if "rates" in data else None,
            actor=signed_in_user(request),
        )
        return Response(PlanDetailSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanView(GenericAPIView):
    """One inspection plan with the inputs of its draw."""

    queryset = InspectionPlan.objects.none()
    serializer_class = PlanDetailSerializer

    @extend_schema(responses=PlanDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(PlanDetailSerializer(get_visible_or_404(plans_visible_to(request.user), pk=pk)).data)


class PlanApproveView(GenericAPIView):
    """Approve a plan: it is published (一公开) and the inspectors drawn are told."""

    queryset = InspectionPlan.objects.none()
    serializer_class = PlanDetailSerializer

    @extend_schema(
        request=None,
        responses={200: PlanDetailSerializer, **refused("", "plan_already_approved, plan_mismatch")},
    )
    def post(self, request: Request, pk: int) -> Response:
        plan = get_visible_or_404(plans_visible_to(request.user), pk=pk)
        plan = plan_approve(plan=plan, actor=signed_in_user(request))
        return Response(PlanDetailSerializer(plan).data)


urlpatterns = [
    path("regions/<str:code>/risk/", RegionRiskView.as_view(), name="api-region-risk"),
    path("inspection-plans/", PlanListView.as_view(), name="api-inspection-plans"),
    path("inspection-plans/<int:pk>/", PlanView.as_view(), name="api-inspection-plan"),
    path("inspection-plans/<int:pk>/approve/", PlanApproveView.as_view(), name="api-inspection-plan-approve"),
]
