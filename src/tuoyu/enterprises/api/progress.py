"""The enterprise's progress link in the API: the public timeline of a request by its code and token, and the
enterprise's rating of a closure. No account needed; a wrong or missing token is the same 404 as an unknown
code; both are throttled per client, with the page's counts."""

from typing import Any

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.enterprises.forms.progress import MAX_COMMENT
from tuoyu.enterprises.models import RatingChannel, Satisfaction, ServiceRequest
from tuoyu.enterprises.selectors.timeline import progress_of, public_status_label, request_by_token
from tuoyu.enterprises.services.requests import request_rate
from tuoyu.enterprises.throttles import RequestProgressThrottle, RequestRatingThrottle
from tuoyu.enterprises.views.progress import rater_of
from tuoyu.parsers import validated
from tuoyu.refusals import refused

TOKEN = OpenApiParameter(
    "token", str, required=True, description="The token of the enterprise's progress link."
)
NOINDEX = {"X-Robots-Tag": "noindex, nofollow"}


class ServiceRequestPublicStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField(
        help_text="recorded, accepted, dispatched, extension_granted, closed, rated or reopened."
    )
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    note = serializers.CharField(
        help_text="The departments a dispatch went to, the new deadline of an extension, the answer of a "
        "closure, the rating and its comment; empty for the other steps."
    )


class ServiceRequestProgressSerializer(serializers.Serializer):
    number = serializers.CharField()
    enterprise = serializers.CharField(help_text="The enterprise's name.")
    category = serializers.CharField()
    category_label = serializers.CharField()
    problem = serializers.CharField()
    status = serializers.CharField(
        help_text="recorded, accepted, dispatched, closed (a rating is awaited), rated or reopened."
    )
    status_label = serializers.CharField(help_text="The status in plain words, for the enterprise.")
    recorded_at = serializers.DateTimeField()
    deadline = serializers.DateField(
        allow_null=True,
        help_text="Null before the request is accepted, or when the deadline falls in a year whose holidays "
        "are not published yet.",
    )
    answer = serializers.CharField(allow_null=True, help_text="The answer, once the request is closed.")
    rating_due = serializers.BooleanField(help_text="Closed and waiting for the enterprise's rating.")
    steps = ServiceRequestPublicStepSerializer(many=True)


def _request(request: Request, code: Any) -> ServiceRequest:
    found = request_by_token(code, request.query_params.get("token", ""))
    if found is None:
        raise Http404
    return found


class ServiceRequestProgressView(APIView):
    """A request as its enterprise follows it: status, deadline, every public step with its date, the
    answer once closed (never a department's reply, a reminder or an internal note)."""

    permission_classes = [AllowAny]
    throttle_classes = [RequestProgressThrottle]

    @extend_schema(parameters=[TOKEN], responses={200: ServiceRequestProgressSerializer})
    def get(self, request: Request, code: Any) -> Response:
        shown = progress_of(_request(request, code))
        return Response(ServiceRequestProgressSerializer(shown).data, headers=NOINDEX)


class ServiceRequestRatingInputSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(
        max_length=MAX_COMMENT,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when not satisfied: what is still not solved.",
    )


class ServiceRequestRatingSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    satisfaction = serializers.CharField()
    satisfaction_label = serializers.CharField(source="get_satisfaction_display")
    comment = serializers.CharField()
    status = serializers.CharField(
        source="request.case.status", help_text="rated, or reopened after not_satisfied."
    )
    status_label = serializers.SerializerMethodField()
    deadline = serializers.DateField(
        source="request.case.deadline", allow_null=True, help_text="The new deadline of a reopened request."
    )

    def get_status_label(self, rating: Any) -> str:
        return public_status_label(rating.request)


class ServiceRequestRatingView(APIView):
    """The enterprise rates the closure of its request: satisfied, fairly_satisfied or not_satisfied (with a
    comment), once per closure. not_satisfied reopens the request with a new deadline."""

    permission_classes = [AllowAny]
    throttle_classes = [RequestRatingThrottle]

    @extend_schema(
        parameters=[TOKEN],
        request=ServiceRequestRatingInputSerializer,
        responses={
            201: ServiceRequestRatingSerializer,
            **refused("rating_comment_required, rating_not_due"),
        },
    )
    def post(self, request: Request, code: Any) -> Response:
        service_request = _request(request, code)
        data = validated(ServiceRequestRatingInputSerializer, request.data)
        rating = request_rate(
            request=service_request,
            satisfaction=data["satisfaction"],
            channel=RatingChannel.ONLINE,
            comment=data["comment"],
            actor=rater_of(request.user, service_request),
        )
        service_request.case.refresh_from_db()
        rating.request = service_request
        return Response(
            ServiceRequestRatingSerializer(rating).data, status=status.HTTP_201_CREATED, headers=NOINDEX
        )


urlpatterns = [
    path(
        "service-requests/<uuid:code>/progress/",
        ServiceRequestProgressView.as_view(),
        name="api-service-request-progress",
    ),
    path(
        "service-requests/<uuid:code>/rating/",
        ServiceRequestRatingView.as_view(),
        name="api-service-request-rating",
    ),
]
