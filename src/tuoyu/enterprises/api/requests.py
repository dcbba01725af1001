"""Enterprises' requests in the API: the list (scoped, ``?status=``, ``?overdue=``), one recorded without a
visit, one request with its internal timeline, dispatches, extension and ratings, and every action of the
desk (accept, dispatch, close, follow-up, extension asked and decided, note); the department contact's inbox
and reply. The same services and scoping as the pages: a request outside the caller's reach is a 404, an
action of another side is a 404, a step the rules refuse answers ``{"code", "detail"}``."""

from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404, has_perm, signed_in_user
from tuoyu.cases.kinds import Side
from tuoyu.enterprises import kinds
from tuoyu.enterprises.api.register import desk_member
from tuoyu.enterprises.forms.progress import MAX_COMMENT
from tuoyu.enterprises.models import (
    Category,
    Dispatch,
    Extension,
    RatingChannel,
    Satisfaction,
    ServiceRequest,
    Urgency,
)
from tuoyu.enterprises.selectors.access import (
    departments_dispatchable_by,
    dispatches_to_answer_by,
    enterprises_visible_to,
    leads_team_of,
    requests_visible_to,
    side_of,
    teams_visible_to,
)
from tuoyu.enterprises.selectors.desk import own_department_ids
from tuoyu.enterprises.selectors.timeline import InternalStep, internal_timeline, public_timeline
from tuoyu.enterprises.services import requests as services
from tuoyu.parsers import query_flag, validated
from tuoyu.refusals import refused

MAX_TEXT = 4000
MAX_DEPARTMENTS = 20
FOLLOW_UP_CHANNELS = [
    (value, label) for value, label in RatingChannel.choices if value != RatingChannel.ONLINE
]


# Reading -------------------------------------------------------------------------------------------------


class ServiceRequestRowSerializer(serializers.Serializer):
    code = serializers.UUIDField()
    number = serializers.CharField(source="case.number")
    enterprise = serializers.UUIDField(source="enterprise.code")
    enterprise_name = serializers.CharField(source="enterprise.name")
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    urgency = serializers.CharField()
    urgency_label = serializers.CharField(source="get_urgency_display")
    problem = serializers.CharField(source="description")
    status = serializers.CharField(source="case.status")
    status_label = serializers.CharField(source="case.status_label")
    team = serializers.IntegerField(source="team_id")
    team_name = serializers.CharField(source="team.name")
    joint_team = serializers.IntegerField(source="joint_team_id", allow_null=True)
    recorded_at = serializers.DateTimeField()
    accept_by = serializers.DateTimeField(help_text="To be accepted by (office hours on working days).")
    accepted_at = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateField(source="case.deadline", allow_null=True)
    deadline_year_unknown = serializers.IntegerField(
        source="case.deadline_year_unknown",
        allow_null=True,
        help_text="When the deadline falls in a year whose holidays are not published yet: that year (and "
        "``deadline`` is null).",
    )
    overdue = serializers.SerializerMethodField(help_text="Being handled and past its deadline.")

    def get_overdue(self, request: ServiceRequest) -> bool:
        return services.is_overdue(request, timezone.localdate())


class ServiceRequestDispatchSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    lead = serializers.BooleanField(help_text="The first department it was sent to leads (首接负责).")
    dispatched_at = serializers.DateTimeField()
    instruction = serializers.CharField()
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)
    reminded_for = serializers.DateField(
        allow_null=True, help_text="The missed deadline it was reminded (催办) about."
    )


class ServiceRequestExtensionSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField(help_text="asked, granted or refused.")
    asked_at = serializers.DateTimeField()
    asked_by = serializers.CharField(source="asked_by.display_name")
    decided_at = serializers.DateTimeField(allow_null=True)
    deadline_before = serializers.DateField(allow_null=True)


class ServiceRequestRatingRowSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    satisfaction = serializers.CharField()
    satisfaction_label = serializers.CharField(source="get_satisfaction_display")
    channel = serializers.CharField(help_text="online (the enterprise), phone or visit (a follow-up).")
    comment = serializers.CharField()


class ServiceRequestStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    note = serializers.CharField()
    by = serializers.CharField(
        help_text="Who took the step; empty for Tuoyu itself or the enterprise online."
    )
    public = serializers.BooleanField(
        help_text="Whether the enterprise reads this step on its progress link."
    )


class ServiceRequestDetailSerializer(ServiceRequestRowSerializer):
    visit = serializers.IntegerField(source="visit_id", allow_null=True)
    answer = serializers.CharField(help_text="The answer to the enterprise, once closed.")
    resolved = serializers.BooleanField(allow_null=True)
    follow_up_by = serializers.DateField(allow_null=True, help_text="The follow-up (回访) is due by.")
    times_reopened = serializers.IntegerField()
    progress_link = serializers.SerializerMethodField(
        help_text="The enterprise's own link (absolute, with its token), for the desk to send; null for "
        "anyone else."
    )
    dispatches = serializers.SerializerMethodField(help_text="Empty for the enterprise's contact.")
    extension = serializers.SerializerMethodField(help_text="Null for the enterprise's contact.")
    ratings = ServiceRequestRatingRowSerializer(many=True, source="ratings.all")
    timeline = serializers.SerializerMethodField(
        help_text="Every step for the desk and the departments; the public steps only for the enterprise's "
        "contact."
    )

    def _side(self) -> Side | None:
        side: Side | None = self.context["side"]
        return side

    def _internal(self) -> bool:
        return self._side() in (Side.DESK, Side.DEPARTMENT)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_progress_link(self, request: ServiceRequest) -> str | None:
        if self._side() != Side.DESK:
            return None
        return settings.TUOYU_SITE_URL + services.progress_link(request)

    @extend_schema_field(ServiceRequestDispatchSerializer(many=True))
    def get_dispatches(self, request: ServiceRequest) -> Any:
        if not self._internal():
            return []
        rows = list(request.dispatches.select_related("department").order_by("dispatched_at", "pk"))
        data = ServiceRequestDispatchSerializer(rows, many=True).data
        if self._side() == Side.DEPARTMENT:  # another department's reply is not theirs to read
            own = own_department_ids(self.context["actor"], request)
            for row in data:
                if row["department"] not in own:
                    row["reply"] = ""
        return data

    @extend_schema_field(ServiceRequestExtensionSerializer(allow_null=True))
    def get_extension(self, request: ServiceRequest) -> Any:
        if not self._internal():
            return None
        try:
            extension = request.extension
        except Extension.DoesNotExist:
            return None
        return ServiceRequestExtensionSerializer(extension).data

    @extend_schema_field(ServiceRequestStepSerializer(many=True))
    def get_timeline(self, request: ServiceRequest) -> Any:
        if self._internal():
            steps: list[InternalStep] = internal_timeline(request, self.context["actor"])
        else:
            steps = [
                InternalStep(
                    at=step.at, action=step.action, label=step.label, note=step.note, by="", public=True
                )
                for step in public_timeline(request)
            ]
        return ServiceRequestStepSerializer(steps, many=True).data


def _visible(request: Request) -> QuerySet[ServiceRequest]:
    return requests_visible_to(signed_in_user(request))


def _request(request: Request, code: Any) -> ServiceRequest:
    return get_visible_or_404(_visible(request), code=code)


def _acting(request: Request, code: Any, *sides: Side) -> ServiceRequest:
    """The request, for a caller on one of ``sides`` of it; anyone else gets 404 before their input is read
    (the service checks again)."""
    service_request = _request(request, code)
    if side_of(signed_in_user(request), service_request) not in sides:
        raise Http404
    return service_request


def _detail(request: Request, service_request: ServiceRequest, code: int = status.HTTP_200_OK) -> Response:
    """The request as the caller reads it, read again after an action."""
    fresh = _request(request, service_request.code)
    actor = signed_in_user(request)
    context = {"actor": actor, "side": side_of(actor, fresh)}
    return Response(ServiceRequestDetailSerializer(fresh, context=context).data, status=code)


STATUS = OpenApiParameter(
    "status", str, enum=list(kinds.REQUEST_KIND.states), description="The request's status."
)
OVERDUE = OpenApiParameter("overdue", bool, description="Only those being handled past their deadline.")


class ServiceRequestCreateSerializer(serializers.Serializer):
    enterprise = serializers.UUIDField(help_text="The code of an enterprise of your region.")
    team = serializers.IntegerField(min_value=1, help_text="The id of the team in charge.")
    joint_team = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None, help_text="A joint team (市县联动)."
    )
    category = serializers.ChoiceField(choices=Category.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    description = serializers.CharField(
        max_length=MAX_TEXT, help_text="The problem, as the enterprise says it."
    )


class ServiceRequestListView(generics.ListCreateAPIView):
    """GET: the requests the caller may read (the desk: its region's enterprises'; a department contact:
    those sent to their department; an enterprise's contact: their own), newest first; ``?status=``,
    ``?overdue=true``. POST: record a request an enterprise raised outside a visit (a call, a letter)."""

    serializer_class = ServiceRequestRowSerializer
    queryset = ServiceRequest.objects.none()  # for the schema; get_queryset scopes every request

    @extend_schema(parameters=[STATUS, OVERDUE])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ServiceRequest]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        rows = _visible(self.request)
        wanted = self.request.query_params.get("status", "")
        if wanted:
            if wanted not in kinds.REQUEST_KIND.states:
                raise serializers.ValidationError({"status": [_("Not a status of a request.")]})
            rows = rows.filter(case__status=wanted)
        if query_flag(self.request.query_params, "overdue"):
            rows = rows.filter(case__status__in=kinds.HANDLING, case__deadline__lt=timezone.localdate())
        return rows.order_by("-recorded_at", "-pk")

    @extend_schema(
        request=ServiceRequestCreateSerializer,
        responses={201: ServiceRequestDetailSerializer, **refused("request_description_required")},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = desk_member(request)
        data = validated(ServiceRequestCreateSerializer, request.data)
        enterprise = get_visible_or_404(enterprises_visible_to(actor), code=data["enterprise"])
        teams = teams_visible_to(actor)
        team = get_visible_or_404(teams, pk=data["team"])
        joint = get_visible_or_404(teams, pk=data["joint_team"]) if data["joint_team"] else None
        created = services.request_record(
            actor=actor,
            enterprise=enterprise,
            team=team,
            joint_team=joint,
            problem=services.Problem(
                category=data["category"], urgency=data["urgency"], description=data["description"]
            ),
        )
        return _detail(request, created, status.HTTP_201_CREATED)


class ServiceRequestDetailView(APIView):
    """One request: for the desk and the departments it was sent to, with its dispatches and replies, its
    extension, its ratings and every step; for the enterprise's signed-in contact, the public steps only."""

    @extend_schema(responses={200: ServiceRequestDetailSerializer})
    def get(self, request: Request, code: Any) -> Response:
        return _detail(request, _request(request, code))


# Actions -------------------------------------------------------------------------------------------------


class ServiceRequestAcceptView(APIView):
    """Accept (受理): the deadline starts, in working days by urgency. The desk of the enterprise's region."""

    @extend_schema(
        request=None, responses={200: ServiceRequestDetailSerializer, **refused("case_wrong_status")}
    )
    def post(self, request: Request, code: Any) -> Response:
        service_request = _acting(request, code, Side.DESK)
        services.request_accept(request=service_request, actor=signed_in_user(request))
        return _detail(request, service_request)


class ServiceRequestDispatchInputSerializer(serializers.Serializer):
    departments = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=MAX_DEPARTMENTS,
        help_text="Department ids (GET enterprise-departments/); the first one ever sent leads.",
    )
    instruction = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class ServiceRequestDispatchView(APIView):
    """Send the request to one or more departments (交办); their contacts are told."""

    @extend_schema(
        request=ServiceRequestDispatchInputSerializer,
        responses={
            200: ServiceRequestDetailSerializer,
            **refused("dispatch_already_sent, case_wrong_status"),
        },
    )
    def post(self, request: Request, code: Any) -> Response:
        service_request = _acting(request, code, Side.DESK)
        actor = signed_in_user(request)
        data = validated(ServiceRequestDispatchInputSerializer, request.data)
        wanted = list(dict.fromkeys(data["departments"]))
        dispatchable = departments_dispatchable_by(actor).filter(pk__in=wanted)
        found = {department.pk: department for department in dispatchable}
        if len(found) != len(wanted):
            raise serializers.ValidationError(
                {"departments": [_("Choose among the departments you may send requests to.")]}
            )
        services.request_dispatch(
            request=service_request,
            actor=actor,
            departments=[found[pk] for pk in wanted],
            instruction=data["instruction"],
        )
        return _detail(request, service_request)


class ServiceRequestCloseInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=MAX_TEXT, help_text="The answer the enterprise reads.")
    resolved = serializers.BooleanField()


class ServiceRequestCloseView(APIView):
    """Close (办结) with the answer to the enterprise, once every department has replied; the enterprise is
    told by text message and the follow-up becomes due."""

    @extend_schema(
        request=ServiceRequestCloseInputSerializer,
        responses={
            200: ServiceRequestDetailSerializer,
            **refused("request_dispatch_unanswered, case_note_required, case_wrong_status"),
        },
    )
    def post(self, request: Request, code: Any) -> Response:
        service_request = _acting(request, code, Side.DESK)
        data = validated(ServiceRequestCloseInputSerializer, request.data)
        services.request_close(
            request=service_request,
            actor=signed_in_user(request),
            answer=data["answer"],
            resolved=data["resolved"],
        )
        return _detail(request, service_request)


class ServiceRequestFollowUpInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=FOLLOW_UP_CHANNELS, help_text="phone or visit.")
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(max_length=MAX_COMMENT, required=False, allow_blank=True, default="")


class ServiceRequestFollowUpView(APIView):
    """Record the follow-up (回访) of a closed request by phone or visit with the enterprise's rating;
    not_satisfied (with a comment) reopens it with a new deadline."""

    @extend_schema(
        request=ServiceRequestFollowUpInputSerializer,
        responses={200: ServiceRequestDetailSerializer, **refused("rating_comment_required, rating_not_due")},
    )
    def post(self, request: Request, code: Any) -> Response:
        service_request = _acting(request, code, Side.DESK)
        data = validated(ServiceRequestFollowUpInputSerializer, request.data)
        services.request_rate(
            request=service_request,
            satisfaction=data["satisfaction"],
            channel=data["channel"],
            comment=data["comment"],
            actor=signed_in_user(request),
        )
        return _detail(request, service_request)


class ServiceRequestExtensionInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1, max_value=60, help_text="Working days more (policy enterprise.extension_max_days)."
    )
    reason = serializers.CharField(max_length=MAX_TEXT)


class ServiceRequestExtensionView(APIView):
    """Ask for the request's one extension, before its deadline, with a reason; the team leader decides.
    The desk, or a department the request was sent to."""

    @extend_schema(
        request=ServiceRequestExtensionInputSerializer,
        responses={
            200: ServiceRequestDetailSerializer,
            **refused("extension_days_out_of_range, extension_reason_required", "extension_once"),
        },
    )
    def post(self, request: Request, code: Any) -> Response:
        service_request = _acting(request, code, Side.DESK, Side.DEPARTMENT)
        data = validated(ServiceRequestExtensionInputSerializer, request.data)
        services.extension_ask(
            request=service_request, actor=signed_in_user(request), days=data["days"], reason=data["reason"]
        )
        return _detail(request, service_request)


class ServiceRequestExtensionDecisionInputSerializer(serializers.Serializer):
    grant = serializers.BooleanField()
    note = serializers.CharField(
        max_length=MAX_TEXT, required=False, allow_blank=True, default="", help_text="Required to refuse."
    )


class ServiceRequestExtensionDecisionView(APIView):
    """The team leader grants the extension asked (the deadline moves on by the days asked) or refuses it."""

    @extend_schema(
        request=ServiceRequestExtensionDecisionInputSerializer,
        responses={
            200: ServiceRequestDetailSerializer,
            **refused("case_note_required", "extension_not_asked"),
        },
    )
    def post(self, request: Request, code: Any) -> Response:
        service_request = _request(request, code)
        if not leads_team_of(signed_in_user(request), service_request):
            raise Http404
        data = validated(ServiceRequestExtensionDecisionInputSerializer, request.data)
        services.extension_decide(
            request=service_request, actor=signed_in_user(request), grant=data["grant"], note=data["note"]
        )
        return _detail(request, service_request)


class ServiceRequestNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_TEXT)


class ServiceRequestNoteView(APIView):
    """An internal note of the desk: never shown to the enterprise."""

    @extend_schema(
        request=ServiceRequestNoteInputSerializer,
        responses={200: ServiceRequestDetailSerializer, **refused("case_note_required")},
    )
    def post(self, request: Request, code: Any) -> Response:
        service_request = _acting(request, code, Side.DESK)
        data = validated(ServiceRequestNoteInputSerializer, request.data)
        services.request_note(request=service_request, actor=signed_in_user(request), note=data["note"])
        return _detail(request, service_request)


# The department contact's inbox --------------------------------------------------------------------------


class EnterpriseDispatchSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    request = serializers.UUIDField(source="request.code")
    number = serializers.CharField(source="request.case.number")
    enterprise_name = serializers.CharField(source="request.enterprise.name")
    category = serializers.CharField(source="request.category")
    category_label = serializers.CharField(source="request.get_category_display")
    problem = serializers.CharField(source="request.description")
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    lead = serializers.BooleanField()
    dispatched_at = serializers.DateTimeField()
    instruction = serializers.CharField()
    deadline = serializers.DateField(source="request.case.deadline", allow_null=True)
    overdue = serializers.SerializerMethodField(help_text="Not replied yet and past the request's deadline.")
    reminded_for = serializers.DateField(allow_null=True)
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)

    def get_overdue(self, dispatch: Dispatch) -> bool:
        return dispatch.replied_at is None and services.is_overdue(dispatch.request, timezone.localdate())


def _inbox(request: Request) -> QuerySet[Dispatch]:
    actor = signed_in_user(request)
    if not has_perm(actor, Perm.ANSWER_DISPATCHES):
        raise Http404
    return dispatches_to_answer_by(actor)


class EnterpriseDispatchListView(generics.ListAPIView):
    """The department contact's inbox: what was sent to their departments, those awaiting a reply first
    (reminded ones, then by deadline), then those replied, latest first."""

    serializer_class = EnterpriseDispatchSerializer
    queryset = Dispatch.objects.none()

    def get_queryset(self) -> QuerySet[Dispatch]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return _inbox(self.request).order_by(
            F("replied_at").desc(nulls_first=True),
            F("reminded_for").desc(nulls_last=True),
            F("request__case__deadline").asc(nulls_last=True),
            "dispatched_at",
            "pk",
        )


class EnterpriseDispatchReplyInputSerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=MAX_TEXT)


class EnterpriseDispatchReplyView(APIView):
    """The department's reply to what it was sent (once); the team in charge is told."""

    @extend_schema(
        request=EnterpriseDispatchReplyInputSerializer,
        responses={
            200: EnterpriseDispatchSerializer,
            **refused("dispatch_reply_required", "dispatch_already_replied"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        dispatch = get_visible_or_404(_inbox(request), pk=pk)
        data = validated(EnterpriseDispatchReplyInputSerializer, request.data)
        services.dispatch_reply(dispatch=dispatch, actor=signed_in_user(request), reply=data["reply"])
        return Response(EnterpriseDispatchSerializer(get_visible_or_404(_inbox(request), pk=pk)).data)


def _code(name: str) -> str:
    return f"service-requests/<uuid:code>/{name}"


urlpatterns = [
    path("service-requests/", ServiceRequestListView.as_view(), name="api-service-requests"),
    path(_code(""), ServiceRequestDetailView.as_view(), name="api-service-request"),
    path(_code("accept/"), ServiceRequestAcceptView.as_view(), name="api-service-request-accept"),
    path(_code("dispatch/"), ServiceRequestDispatchView.as_view(), name="api-service-request-dispatch"),
    path(_code("close/"), ServiceRequestCloseView.as_view(), name="api-service-request-close"),
    path(_code("follow-up/"), ServiceRequestFollowUpView.as_view(), name="api-service-request-follow-up"),
    path(_code("extension/"), ServiceRequestExtensionView.as_view(), name="api-service-request-extension"),
    path(
        _code("extension/decision/"),
        ServiceRequestExtensionDecisionView.as_view(),
        name="api-service-request-extension-decision",
    ),
    path(_code("note/"), ServiceRequestNoteView.as_view(), name="api-service-request-note"),
    path("enterprise-dispatches/", EnterpriseDispatchListView.as_view(), name="api-enterprise-dispatches"),
    path(
        "enterprise-dispatches/<int:pk>/reply/",
        EnterpriseDispatchReplyView.as_view(),
        name="api-enterprise-dispatch-reply",
    ),
]
