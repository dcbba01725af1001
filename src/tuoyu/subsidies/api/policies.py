"""The API of subsidy policies: list and create (``subsidies/policies/``), read and change one no claim
uses (``subsidies/policies/{code}/``), end one (``.../end/``). For the district's regulator
(Perm.DECIDE_SUBSIDIES); others get 404. Refusals answer 400/409 with ``{"code", "detail"}``."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from tuoyu.accounts.access import get_visible_or_404, signed_in_user
from tuoyu.parsers import validated
from tuoyu.refusals import refused
from tuoyu.rules import Severity
from tuoyu.subsidies.forms.policies import MAX_INSTALMENTS, MAX_PREFIXES
from tuoyu.subsidies.models import Basis, SubsidyPolicy
from tuoyu.subsidies.selectors.policies import policies_visible_to, policy_regions_of
from tuoyu.subsidies.services.policies import EDITABLE_FIELDS, policy_create, policy_end, policy_update


class PolicySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")

    class Meta:
        model = SubsidyPolicy
        fields = ["code", "region", *EDITABLE_FIELDS]


class PolicyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    basis = serializers.ChoiceField(choices=Basis.choices)
    rate_yuan = serializers.DecimalField(max_digits=14, decimal_places=2)
    cap_per_institution_year_yuan = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    min_attendance_days = serializers.IntegerField(min_value=1, max_value=31, default=10)
    requires_inclusive = serializers.BooleanField(default=True)
    requires_filed = serializers.BooleanField(default=True)
    requires_guided_price = serializers.BooleanField(default=True)
    holding_severities = serializers.ListField(
        child=serializers.ChoiceField(choices=Severity.choices), max_length=len(Severity.values), default=list
    )
    holding_rule_prefixes = serializers.ListField(
        child=serializers.CharField(max_length=20), max_length=MAX_PREFIXES, default=list
    )
    instalments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=100),
        max_length=MAX_INSTALMENTS,
        default=list,
        help_text="Construction: the share of each instalment in percent, adding up to 100 (e.g. [60, 40]).",
    )
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(required=False, allow_null=True, default=None)
    source_document = serializers.CharField(max_length=200)
    article = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    is_demo_value = serializers.BooleanField(default=False)


class PolicyCreateSerializer(PolicyInputSerializer):
    region = serializers.CharField(max_length=12, help_text="The district's division code.")


class PolicyEndSerializer(serializers.Serializer):
    effective_to = serializers.DateField(help_text="The last day the policy is in force.")


def _keeper_or_404(request: Request) -> None:
    if not policy_regions_of(request.user).exists():
        raise Http404


class PolicyListView(GenericAPIView):
    """GET: the policies of the regulator's districts. POST: add one (refused when another of the same basis
    is in force on a day of it, ``policy_overlap``)."""

    queryset = SubsidyPolicy.objects.none()
    filter_backends: list[Any] = []
    serializer_class = PolicySerializer

    @extend_schema(responses=PolicySerializer(many=True))
    def get(self, request: Request) -> Response:
        _keeper_or_404(request)
        policies = policies_visible_to(request.user).order_by(
            "region__code", "basis", "-effective_from", "pk"
        )
        page = self.paginate_queryset(policies) or []
        return self.get_paginated_response(PolicySerializer(page, many=True).data)

    @extend_schema(
        request=PolicyCreateSerializer,
        responses={
            201: PolicySerializer,
            **refused("policy_rate_invalid, policy_instalments_invalid", "policy_overlap"),
        },
    )
    def post(self, request: Request) -> Response:
        _keeper_or_404(request)
        data = dict(validated(PolicyCreateSerializer, request.data))
        region = get_visible_or_404(policy_regions_of(request.user), code=data.pop("region"))
        policy = policy_create(region=region, actor=signed_in_user(request), **data)
        return Response(PolicySerializer(policy).data, status=status.HTTP_201_CREATED)


class PolicyView(GenericAPIView):
    """GET: one policy. PUT: change it while no claim uses it (else ``policy_in_use``: end it, add one)."""

    serializer_class = PolicySerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[SubsidyPolicy]:
        return policies_visible_to(self.request.user)

    @extend_schema(responses=PolicySerializer)
    def get(self, request: Request, code: str) -> Response:
        return Response(PolicySerializer(get_visible_or_404(self.get_queryset(), code=code)).data)

    @extend_schema(
        request=PolicyInputSerializer,
        responses={200: PolicySerializer, **refused("policy_rate_invalid", "policy_in_use, policy_overlap")},
    )
    def put(self, request: Request, code: str) -> Response:
        policy = get_visible_or_404(self.get_queryset(), code=code)
        data = validated(PolicyInputSerializer, request.data)
        policy = policy_update(policy=policy, actor=signed_in_user(request), **data)
        return Response(PolicySerializer(policy).data)


class PolicyEndView(GenericAPIView):
    """End a policy on ``effective_to`` (not before it starts, nor before the last month claimed under it)."""

    queryset = SubsidyPolicy.objects.none()
    serializer_class = PolicySerializer

    @extend_schema(
        request=PolicyEndSerializer,
        responses={
            200: PolicySerializer,
            **refused("policy_end_before_start", "policy_end_before_claims, policy_overlap"),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        policy = get_visible_or_404(policies_visible_to(request.user), code=code)
        data = validated(PolicyEndSerializer, request.data)
        policy = policy_end(policy=policy, effective_to=data["effective_to"], actor=signed_in_user(request))
        return Response(PolicySerializer(policy).data)


urlpatterns = [
    path("subsidies/policies/", PolicyListView.as_view(), name="api-subsidy-policies"),
    path("subsidies/policies/<str:code>/", PolicyView.as_view(), name="api-subsidy-policy"),
    path("subsidies/policies/<str:code>/end/", PolicyEndView.as_view(), name="api-subsidy-policy-end"),
]
