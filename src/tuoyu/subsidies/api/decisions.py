"""The API of subsidy decisions: ``subsidies/decisions/`` (the actor's, latest first), ``.../{code}/`` one
with its lines, basis and instalments, and ``.../{code}/pdf/`` its letter. For the institution's director
and the district's regulator; others get 404."""

from typing import Any

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from tuoyu.accounts.access import get_visible_or_404
from tuoyu.subsidies.letters import decision_letter_response
from tuoyu.subsidies.models import Decision, DecisionLine
from tuoyu.subsidies.selectors.decisions import decision_lines, decisions_visible_to, instalments_of


class SubsidyDecisionLineSerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="child.code", allow_null=True, default=None)
    child_name = serializers.CharField(source="child.name", allow_null=True, default=None)

    class Meta:
        model = DecisionLine
        fields = [
            "child",
            "child_name",
            "places",
            "attendance_days",
            "days",
            "counted",
            "reason",
            "reason_detail",
            "amount_yuan",
            "previous_amount_yuan",
        ]


class InstalmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    percent = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    due_on = serializers.DateField()


class SubsidyDecisionSerializer(serializers.ModelSerializer):
    claim = serializers.UUIDField(source="claim.code")
    institution = serializers.UUIDField(source="claim.institution.code")
    corrects = serializers.CharField(source="corrects.number", allow_null=True, default=None)
    instalments = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "code",
            "number",
            "kind",
            "claim",
            "institution",
            "corrects",
            "amount_yuan",
            "basis",
            "reason",
            "decided_at",
            "payment_due_on",
            "instalments",
        ]

    @extend_schema(responses=InstalmentSerializer(many=True))
    def get_instalments(self, decision: Decision) -> Any:
        return InstalmentSerializer(instalments_of(decision), many=True).data


class SubsidyDecisionDetailSerializer(SubsidyDecisionSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(SubsidyDecisionSerializer.Meta):
        fields = [*SubsidyDecisionSerializer.Meta.fields, "lines"]

    @extend_schema(responses=SubsidyDecisionLineSerializer(many=True))
    def get_lines(self, decision: Decision) -> Any:
        return SubsidyDecisionLineSerializer(decision_lines(decision), many=True).data


class DecisionListView(GenericAPIView):
    """The decisions on the actor's claims, latest first."""

    queryset = Decision.objects.none()
    serializer_class = SubsidyDecisionSerializer

    @extend_schema(responses=SubsidyDecisionSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(decisions_visible_to(request.user)) or []
        return self.get_paginated_response(SubsidyDecisionSerializer(page, many=True).data)


class DecisionView(GenericAPIView):
    queryset = Decision.objects.none()
    serializer_class = SubsidyDecisionDetailSerializer

    @extend_schema(responses=SubsidyDecisionDetailSerializer)
    def get(self, request: Request, code: str) -> Response:
        decision = get_visible_or_404(decisions_visible_to(request.user), code=code)
        return Response(SubsidyDecisionDetailSerializer(decision).data)


class DecisionPdfView(GenericAPIView):
    """The decision letter (托育补助资金核定决定书) as a PDF."""

    queryset = Decision.objects.none()

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, code: str) -> HttpResponse:
        decision = get_visible_or_404(decisions_visible_to(request.user), code=code)
        return decision_letter_response(decision)


urlpatterns = [
    path("subsidies/decisions/", DecisionListView.as_view(), name="api-subsidy-decisions"),
    path("subsidies/decisions/<uuid:code>/", DecisionView.as_view(), name="api-subsidy-decision"),
    path("subsidies/decisions/<uuid:code>/pdf/", DecisionPdfView.as_view(), name="api-subsidy-decision-pdf"),
]
