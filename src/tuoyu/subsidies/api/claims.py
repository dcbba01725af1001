"""The API of subsidy claims, with the pages' services and scoping: ``subsidies/claims/`` lists the actor's
claims (the regulator's queue order) and prepares a month's claim (the director), ``.../{code}/`` reads one
line by line, and ``submit/``, ``lines/{id}/exclude/``, ``return/``, ``decide/``, ``reassess/`` act on it.
Refusals answer 400/409 with ``{"code", "detail"}``; outsiders get 404."""

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from tuoyu.accounts.access import get_visible_or_404, signed_in_user
from tuoyu.api_schema import MonthField
from tuoyu.parsers import validated
from tuoyu.refusals import NotPermitted, refused
from tuoyu.subsidies.api.decisions import SubsidyDecisionSerializer
from tuoyu.subsidies.forms.claims import NOTE_LENGTH
from tuoyu.subsidies.models import Claim, ClaimLine
from tuoyu.subsidies.selectors.claims import (
    claim_lines,
    claiming_institutions,
    claims_queue,
    claims_visible_to,
    may_decide,
    operating_policy_for,
)
from tuoyu.subsidies.selectors.decisions import LineDelta, claim_reassess_preview
from tuoyu.subsidies.services.claims import (
    claim_line_exclude,
    claim_prepare,
    claim_return,
    claim_submit,
)
from tuoyu.subsidies.services.decisions import claim_decide, claim_reassess


class ClaimLineSerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="child.code", allow_null=True, default=None)
    child_name = serializers.CharField(source="child.name", allow_null=True, default=None)

    class Meta:
        model = ClaimLine
        fields = [
            "id",
            "child",
            "child_name",
            "places",
            "attendance_days",
            "days",
            "counted",
            "reason",
            "reason_detail",
            "amount_yuan",
        ]


class ClaimSerializer(serializers.ModelSerializer):
    institution = serializers.UUIDField(source="institution.code")
    institution_name = serializers.CharField(source="institution.name")
    policy = serializers.UUIDField(source="policy.code")
    policy_name = serializers.CharField(source="policy.name")
    month = MonthField(allow_null=True)
    filing = serializers.UUIDField(source="filing.code", allow_null=True, default=None)

    class Meta:
        model = Claim
        fields = [
            "code",
            "institution",
            "institution_name",
            "policy",
            "policy_name",
            "month",
            "filing",
            "state",
            "amount_yuan",
            "holds",
            "remarks",
            "review_note",
            "prepared_at",
            "submitted_at",
        ]


class ClaimDetailSerializer(ClaimSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "lines"]

    @extend_schema(responses=ClaimLineSerializer(many=True))
    def get_lines(self, claim: Claim) -> list[dict[str, Any]]:
        return ClaimLineSerializer(claim_lines(claim), many=True).data  # type: ignore[return-value]


class PrepareSerializer(serializers.Serializer):
    institution = serializers.UUIDField()
    month = MonthField()


class SubmitSerializer(serializers.Serializer):
    remarks = serializers.CharField(max_length=NOTE_LENGTH, required=False, allow_blank=True, default="")


class ReviewNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_LENGTH, required=False, allow_blank=True, default="")


class ReassessSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_LENGTH)


class LineDeltaSerializer(serializers.Serializer):
    child = serializers.UUIDField(source="child.code", allow_null=True, default=None)
    places = serializers.IntegerField(allow_null=True)
    attendance_days = serializers.IntegerField()
    counted = serializers.BooleanField()
    reason = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    previous = serializers.DecimalField(max_digits=14, decimal_places=2)
    change = serializers.DecimalField(max_digits=14, decimal_places=2)


def _claim(request: Request, code: str) -> Claim:
    return get_visible_or_404(claims_visible_to(request.user), code=code)


class ClaimListView(GenericAPIView):
    """GET: the actor's claims, submitted first (held ones first among them). POST: the director prepares
    (or recomputes) a month's operating claim of their institution."""

    queryset = Claim.objects.none()
    serializer_class = ClaimSerializer

    @extend_schema(responses=ClaimSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(claims_queue(request.user)) or []
        return self.get_paginated_response(ClaimSerializer(page, many=True).data)

    @extend_schema(
        request=PrepareSerializer,
        responses={
            201: ClaimDetailSerializer,
            **refused("policy_not_in_force", "month_not_ended, claim_not_eligible"),
        },
    )
    def post(self, request: Request) -> Response:
        data = validated(PrepareSerializer, request.data)
        institution = get_visible_or_404(claiming_institutions(request.user), code=data["institution"])
        policy = operating_policy_for(institution, data["month"])
        if policy is None:
            raise NotPermitted("no operating policy in force")
        claim = claim_prepare(institution=institution, policy=policy, month=data["month"])
        return Response(ClaimDetailSerializer(claim).data, status=status.HTTP_201_CREATED)


class ClaimView(GenericAPIView):
    """One claim, line by line: each child's attendance days and dates, counted or why not."""

    queryset = Claim.objects.none()
    serializer_class = ClaimDetailSerializer

    @extend_schema(responses=ClaimDetailSerializer)
    def get(self, request: Request, code: str) -> Response:
        return Response(ClaimDetailSerializer(_claim(request, code)).data)


class ClaimSubmitView(GenericAPIView):
    """The director submits a draft or returned claim, with remarks."""

    queryset = Claim.objects.none()
    serializer_class = ClaimDetailSerializer

    @extend_schema(
        request=SubmitSerializer,
        responses={200: ClaimDetailSerializer, **refused("", "claim_not_open, claim_empty")},
    )
    def post(self, request: Request, code: str) -> Response:
        claim = _claim(request, code)
        data = validated(SubmitSerializer, request.data)
        claim = claim_submit(claim=claim, actor=signed_in_user(request), remarks=data["remarks"])
        return Response(ClaimDetailSerializer(claim).data)


class ClaimLineExcludeView(GenericAPIView):
    """The reviewer excludes a line of a submitted claim, with a note."""

    queryset = Claim.objects.none()
    serializer_class = ClaimDetailSerializer

    @extend_schema(
        request=ReviewNoteSerializer,
        responses={200: ClaimDetailSerializer, **refused("note_required", "claim_not_submitted")},
    )
    def post(self, request: Request, code: str, line: int) -> Response:
        claim = _claim(request, code)
        target = get_visible_or_404(claim.lines.all(), pk=line)
        data = validated(ReviewNoteSerializer, request.data)
        claim_line_exclude(line=target, actor=signed_in_user(request), note=data["note"])
        return Response(ClaimDetailSerializer(_claim(request, code)).data)


class ClaimReturnView(GenericAPIView):
    """The reviewer returns a submitted claim to the institution, with a note."""

    queryset = Claim.objects.none()
    serializer_class = ClaimDetailSerializer

    @extend_schema(
        request=ReviewNoteSerializer,
        responses={200: ClaimDetailSerializer, **refused("note_required", "claim_not_submitted")},
    )
    def post(self, request: Request, code: str) -> Response:
        claim = _claim(request, code)
        data = validated(ReviewNoteSerializer, request.data)
        claim = claim_return(claim=claim, actor=signed_in_user(request), note=data["note"])
        return Response(ClaimDetailSerializer(claim).data)


class ClaimDecideView(GenericAPIView):
    """The reviewer decides a submitted claim (a held one with a note): a numbered decision, committed."""

    queryset = Claim.objects.none()
    serializer_class = SubsidyDecisionSerializer

    @extend_schema(
        request=ReviewNoteSerializer,
        responses={
            201: SubsidyDecisionSerializer,
            **refused("review_note_required", "claim_already_decided, claim_not_submitted, budget_exceeded"),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        claim = _claim(request, code)
        data = validated(ReviewNoteSerializer, request.data)
        decision = claim_decide(claim=claim, actor=signed_in_user(request), note=data["note"])
        return Response(SubsidyDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class ClaimReassessView(GenericAPIView):
    """GET: what a difference decision would carry (the lines whose amount changed since the decisions).
    POST: make it, with the reason."""

    queryset = Claim.objects.none()
    serializer_class = SubsidyDecisionSerializer

    @extend_schema(responses=LineDeltaSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        claim = _claim(request, code)
        if not may_decide(request.user, claim):
            raise NotPermitted("not the claim's regulator")
        deltas: list[LineDelta] = claim_reassess_preview(claim)
        return Response(LineDeltaSerializer(deltas, many=True).data)

    @extend_schema(
        request=ReassessSerializer,
        responses={
            201: SubsidyDecisionSerializer,
            **refused("reason_required", "no_difference, claim_not_decided"),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        claim = _claim(request, code)
        if not may_decide(request.user, claim):
            raise NotPermitted("not the claim's regulator")
        data = validated(ReassessSerializer, request.data)
        decision = claim_reassess(claim=claim, actor=signed_in_user(request), reason=data["reason"])
        return Response(SubsidyDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("subsidies/claims/", ClaimListView.as_view(), name="api-subsidy-claims"),
    path("subsidies/claims/<uuid:code>/", ClaimView.as_view(), name="api-subsidy-claim"),
    path("subsidies/claims/<uuid:code>/submit/", ClaimSubmitView.as_view(), name="api-subsidy-claim-submit"),
    path(
        "subsidies/claims/<uuid:code>/lines/<int:line>/exclude/",
        ClaimLineExcludeView.as_view(),
        name="api-subsidy-claim-line-exclude",
    ),
    path("subsidies/claims/<uuid:code>/return/", ClaimReturnView.as_view(), name="api-subsidy-claim-return"),
    path("subsidies/claims/<uuid:code>/decide/", ClaimDecideView.as_view(), name="api-subsidy-claim-decide"),
    path(
        "subsidies/claims/<uuid:code>/reassess/",
        ClaimReassessView.as_view(),
        name="api-subsidy-claim-reassess",
    ),
]
