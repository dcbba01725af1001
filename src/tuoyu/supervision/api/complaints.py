"""Complaints: the public submission and status by ticket (throttled), and the regulator's list, complaint,
start and conclusion. Who complained is in the regulator's complaint for its handler only; never in a
public answer."""

from typing import Any

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404, has_perm, signed_in_user
from tuoyu.accounts.models import User
from tuoyu.refusals import ErrorSerializer, refused
from tuoyu.supervision.models import Complaint, ComplaintCategory, ComplaintOutcome
from tuoyu.supervision.selectors.complaints import (
    complainant_identity,
    complaint_by_ticket,
    complaints_to_handle,
    complaints_visible_to,
    public_status,
    rectifications_of,
)
from tuoyu.supervision.services.complaints import (
    MAX_CONTENT,
    MAX_NAME,
    MAX_PROGRESS,
    MAX_REASONS,
    complaint_conclude,
    complaint_start,
    complaint_submit,
    started_late,
)
from tuoyu.supervision.services.rectification import MAX_DEADLINE_DAYS
from tuoyu.supervision.throttles import ComplaintStatusThrottle, ComplaintThrottle
from tuoyu.supervision.views.complaints import body_too_large

# Public ------------------------------------------------------------------------------------------------


class ComplaintSubmitSerializer(serializers.Serializer):
    institution = serializers.UUIDField(help_text="The code of an institution of the public directory.")
    category = serializers.ChoiceField(choices=ComplaintCategory.choices)
    content = serializers.CharField(
        max_length=MAX_CONTENT, help_text="What happened (at most 2,000 characters)."
    )
    happened_on = serializers.DateField(required=False, allow_null=True, default=None)
    anonymous = serializers.BooleanField(default=False, help_text="Nothing of the complainant is kept.")
    name = serializers.CharField(max_length=MAX_NAME, required=False, allow_blank=True, default="")
    phone = serializers.CharField(
        max_length=11,
        required=False,
        allow_blank=True,
        default="",
        help_text="A mainland mobile number; with the name, required unless anonymous (a signed-in account "
        "gives its own when left empty). Read only by the regulator handling the complaint.",
    )


class TicketSerializer(serializers.Serializer):
    ticket = serializers.CharField(help_text="The only way to follow the complaint: TS and 10 characters.")


class ComplaintSubmitView(APIView):
    """Make a complaint about an institution of the public directory: no sign-in needed (a signed-in
    account is kept unless anonymous). Answers the ticket. Throttled per client with the public form."""

    permission_classes = [AllowAny]
    throttle_classes = [ComplaintThrottle]

    @extend_schema(
        request=ComplaintSubmitSerializer,
        responses={
            201: TicketSerializer,
            413: OpenApiResponse(ErrorSerializer, description="The request body is too large."),
            **refused("complaint_institution_unknown, complaint_identity_required, complaint_date_in_future"),
        },
    )
    def post(self, request: Request) -> Response:
        if body_too_large(request._request):
            return Response(
                {"code": "too_large", "detail": _("The complaint is too long to be received.")},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        serializer = ComplaintSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        complaint = complaint_submit(
            institution_code=str(data["institution"]),
            category=data["category"],
            content=data["content"],
            happened_on=data["happened_on"],
            anonymous=data["anonymous"],
            name=data["name"],
            phone=data["phone"],
            account=request.user if isinstance(request.user, User) else None,
        )
        return Response({"ticket": complaint.ticket}, status=status.HTTP_201_CREATED)


class ComplaintStatusSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="received, handling or concluded.")
    updated = serializers.DateTimeField()
    progress = serializers.CharField(help_text="The line of progress for the complainant.")


class ComplaintStatusView(APIView):
    """A complaint's status by its ticket: status, last updated and progress; nothing of who complained.
    An unknown ticket is a 404. Throttled per client with the status page."""

    permission_classes = [AllowAny]
    throttle_classes = [ComplaintStatusThrottle]

    @extend_schema(responses={200: ComplaintStatusSerializer})
    def get(self, request: Request, ticket: str) -> Response:
        complaint = complaint_by_ticket(ticket)
        if complaint is None:
            raise Http404
        found = public_status(complaint)
        return Response(
            ComplaintStatusSerializer(
                {"status": found.status, "updated": found.updated, "progress": found.progress}
            ).data
        )


# The regulator's -----------------------------------------------------------------------------------------


class ComplaintRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField(source="case.number")
    institution = serializers.UUIDField(source="case.institution.code")
    institution_name = serializers.CharField(source="case.institution.name")
    category = serializers.CharField()
    received_at = serializers.DateTimeField()
    start_by = serializers.DateField(allow_null=True)
    start_by_unknown_year = serializers.IntegerField(
        source="case.deadline_year_unknown",
        allow_null=True,
        help_text="When the start-by day falls in a year whose holidays are not published yet: that year "
        "(start_by is then null).",
    )
    late = serializers.SerializerMethodField(
        help_text="Not started after its start-by day, or started after it."
    )
    status = serializers.CharField(source="case.status")
    status_label = serializers.CharField(source="case.status_label")
    handler = serializers.CharField(source="case.assignee.display_name", default=None, allow_null=True)
    outcome = serializers.CharField(source="case.outcome")

    def get_late(self, complaint: Complaint) -> bool:
        return started_late(complaint)


class IdentitySerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    account = serializers.CharField()


class ComplaintDetailSerializer(ComplaintRowSerializer):
    content = serializers.CharField()
    happened_on = serializers.DateField(allow_null=True)
    anonymous = serializers.BooleanField()
    complainant = serializers.SerializerMethodField(
        help_text="Who complained: for the regulator handling the complaint only; null for anyone else."
    )
    started_at = serializers.DateTimeField(allow_null=True)
    outcome_reason = serializers.CharField()
    public_progress = serializers.CharField()
    rectifications = serializers.SerializerMethodField(help_text="Numbers of the orders it opened.")

    @extend_schema_field(IdentitySerializer(allow_null=True))
    def get_complainant(self, complaint: Complaint) -> dict[str, str] | None:
        identity = complainant_identity(complaint, self.context["actor"])
        return IdentitySerializer(identity).data if identity else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_rectifications(self, complaint: Complaint) -> list[str]:
        return [case.number for case in rectifications_of(complaint, self.context["actor"])]


def _regulator_complaints(request: Request) -> Any:
    actor = signed_in_user(request)
    if not has_perm(actor, Perm.SUPERVISE_REGION):
        raise Http404
    return complaints_to_handle(actor)


class ComplaintListView(generics.ListAPIView):
    """The complaints about the institutions the regulator supervises, those to start first. No identity."""

    serializer_class = ComplaintRowSerializer
    queryset = Complaint.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return _regulator_complaints(self.request)


def _detail(request: Request, pk: int) -> Complaint:
    return get_visible_or_404(complaints_visible_to(signed_in_user(request)), pk=pk)


def _answer(request: Request, complaint: Complaint) -> Response:
    complaint = _detail(request, complaint.pk)  # read again: the handler may have changed
    return Response(ComplaintDetailSerializer(complaint, context={"actor": request.user}).data)


class ComplaintDetailView(APIView):
    """One complaint for a regulator of its region; who complained for its handler only."""

    @extend_schema(responses=ComplaintDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _answer(request, _detail(request, pk))


class ComplaintStartSerializer(serializers.Serializer):
    progress = serializers.CharField(max_length=MAX_PROGRESS, required=False, allow_blank=True, default="")


class ComplaintStartView(APIView):
    """Start handling: the regulator becomes the complaint's handler (a start after the start-by day is
    recorded as late)."""

    @extend_schema(
        request=ComplaintStartSerializer,
        responses={200: ComplaintDetailSerializer, **refused("invalid", "case_wrong_status")},
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = _detail(request, pk)
        serializer = ComplaintStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint_start(
            complaint=complaint, actor=signed_in_user(request), progress=serializer.validated_data["progress"]
        )
        return _answer(request, complaint)


class ComplaintConcludeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ComplaintOutcome.choices)
    reasons = serializers.CharField(max_length=MAX_REASONS)
    progress = serializers.CharField(
        max_length=MAX_PROGRESS,
        required=False,
        allow_blank=True,
        default="",
        help_text="Shown to the complainant on the status page.",
    )
    rectification_subject = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when substantiated: what the institution is to rectify (it reads this).",
    )
    rectification_requirement = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    rectification_days = serializers.IntegerField(
        min_value=1, max_value=MAX_DEADLINE_DAYS, required=False, allow_null=True, default=None
    )


class ComplaintConcludeView(APIView):
    """Conclude, by the handler only: outcome with reasons; a substantiated complaint opens a rectification
    order with the subject and requirement given."""

    @extend_schema(
        request=ComplaintConcludeSerializer,
        responses={
            200: ComplaintDetailSerializer,
            **refused("complaint_reasons_required, rectification_subject_required", "complaint_not_handler"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = _detail(request, pk)
        serializer = ComplaintConcludeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint_conclude(complaint=complaint, actor=signed_in_user(request), **serializer.validated_data)
        return _answer(request, complaint)


urlpatterns = [
    path("complaints/", ComplaintSubmitView.as_view(), name="api-complaints"),
    path("complaints/<str:ticket>/", ComplaintStatusView.as_view(), name="api-complaint-status"),
    path("supervision/complaints/", ComplaintListView.as_view(), name="api-supervision-complaints"),
    path("supervision/complaints/<int:pk>/", ComplaintDetailView.as_view(), name="api-supervision-complaint"),
    path(
        "supervision/complaints/<int:pk>/start/",
        ComplaintStartView.as_view(),
        name="api-supervision-complaint-start",
    ),
    path(
        "supervision/complaints/<int:pk>/conclude/",
        ComplaintConcludeView.as_view(),
        name="api-supervision-complaint-conclude",
    ),
]
