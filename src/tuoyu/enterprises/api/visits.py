"""Visits to enterprises (走访、回访) in the API: the list, one visit with the requests it raised, and a visit
recorded with its problems (each becomes a request) and the earlier requests a follow-up visit checks on. For
the service teams' members of the enterprise's region; anyone else gets 404."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import get_visible_or_404
from tuoyu.enterprises.api.register import desk_member
from tuoyu.enterprises.models import Category, Urgency, Visit
from tuoyu.enterprises.selectors.access import (
    enterprises_visible_to,
    requests_visible_to,
    teams_visible_to,
    visits_visible_to,
)
from tuoyu.enterprises.services.requests import Problem
from tuoyu.enterprises.services.visits import visit_record
from tuoyu.parsers import validated
from tuoyu.refusals import refused

MAX_PROBLEMS = 20
MAX_TEAMS = 5
MAX_FOLLOWED_UP = 50
MAX_DESCRIPTION = 2000


class VisitTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    level = serializers.CharField()


class VisitRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    enterprise = serializers.UUIDField(source="enterprise.code")
    enterprise_name = serializers.CharField(source="enterprise.name")
    visited_on = serializers.DateField()
    planned = serializers.BooleanField()
    joint = serializers.BooleanField(
        source="is_joint", help_text="A city and a district team went together (市县联动)."
    )
    teams = VisitTeamSerializer(many=True, source="teams.all")
    recorded_at = serializers.DateTimeField()


class VisitRequestSerializer(serializers.Serializer):
    code = serializers.UUIDField()
    number = serializers.CharField(source="case.number")
    category = serializers.CharField()
    status = serializers.CharField(source="case.status")
    status_label = serializers.CharField(source="case.status_label")


class VisitDetailSerializer(VisitRowSerializer):
    visitors = serializers.SerializerMethodField()
    met = serializers.CharField()
    discussed = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.display_name")
    requests = serializers.SerializerMethodField(help_text="The requests the problems raised became.")
    follow_up_of = serializers.SerializerMethodField(help_text="The earlier requests a follow-up checks.")

    def get_visitors(self, visit: Visit) -> list[str]:
        return [user.display_name for user in visit.visitors.all()]

    @extend_schema_field(VisitRequestSerializer(many=True))
    def get_requests(self, visit: Visit) -> Any:
        rows = visit.requests.select_related("case").order_by("pk")
        return VisitRequestSerializer(rows, many=True).data

    @extend_schema_field(VisitRequestSerializer(many=True))
    def get_follow_up_of(self, visit: Visit) -> Any:
        rows = visit.follow_up_of.select_related("case").order_by("pk")
        return VisitRequestSerializer(rows, many=True).data


class VisitProblemSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    description = serializers.CharField(max_length=MAX_DESCRIPTION)


class VisitInputSerializer(serializers.Serializer):
    enterprise = serializers.UUIDField(help_text="The code of an enterprise of your region.")
    visited_on = serializers.DateField()
    planned = serializers.BooleanField(default=True)
    teams = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=MAX_TEAMS,
        help_text="The ids of the teams that went; yours first is in charge of the problems raised.",
    )
    met = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    discussed = serializers.CharField(max_length=4000)
    problems = serializers.ListField(
        child=VisitProblemSerializer(),
        required=False,
        default=list,
        max_length=MAX_PROBLEMS,
        help_text="Each problem raised: it becomes a request in the charge of your team.",
    )
    follow_up_of = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=MAX_FOLLOWED_UP,
        help_text="For a follow-up visit (回访): the codes of the enterprise's requests it checks on.",
    )


def _visits(request: Request) -> QuerySet[Visit]:
    return visits_visible_to(desk_member(request))


class VisitListView(generics.ListCreateAPIView):
    """GET: the visits to the enterprises of the caller's region, newest first. POST: record a visit that
    has taken place; each problem becomes a request (all or nothing)."""

    serializer_class = VisitRowSerializer
    queryset = Visit.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[Visit]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return _visits(self.request).order_by("-visited_on", "-pk")

    @extend_schema(
        request=VisitInputSerializer,
        responses={
            201: VisitDetailSerializer,
            **refused("visit_in_future, visit_discussed_required, visit_follow_up_other"),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = desk_member(request)
        data = validated(VisitInputSerializer, request.data)
        enterprise = get_visible_or_404(enterprises_visible_to(actor), code=data["enterprise"])
        teams = list(teams_visible_to(actor).filter(pk__in=data["teams"]))
        if len(teams) != len(set(data["teams"])):
            raise Http404
        teams.sort(key=lambda team: data["teams"].index(team.pk))
        followed = list(requests_visible_to(actor).filter(code__in=data["follow_up_of"]))
        if len(followed) != len(set(data["follow_up_of"])):
            raise Http404
        visit = visit_record(
            actor=actor,
            enterprise=enterprise,
            visited_on=data["visited_on"],
            teams=teams,
            discussed=data["discussed"],
            problems=[Problem(**problem) for problem in data["problems"]],
            met=data["met"],
            planned=data["planned"],
            follow_up_of=followed,
        )
        return Response(VisitDetailSerializer(visit).data, status=status.HTTP_201_CREATED)


class VisitDetailView(APIView):
    """One visit: who went, what was discussed, the requests it raised and those it followed up."""

    @extend_schema(responses={200: VisitDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        visit = get_visible_or_404(_visits(request).prefetch_related("visitors"), pk=pk)
        return Response(VisitDetailSerializer(visit).data)


urlpatterns = [
    path("enterprise-visits/", VisitListView.as_view(), name="api-enterprise-visits"),
    path("enterprise-visits/<int:pk>/", VisitDetailView.as_view(), name="api-enterprise-visit"),
]
