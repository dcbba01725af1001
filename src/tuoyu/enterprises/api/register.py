"""The register of the enterprise service desk in the API: enterprises (list, register, read, change), the
service teams and the departments (read only). For the service teams' members (企业服务专员) of the
enterprises' regions; anyone else gets 404."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404, has_perm, signed_in_user
from tuoyu.enterprises.models import Department, Enterprise, Industry, ServiceTeam
from tuoyu.enterprises.selectors.access import (
    departments_dispatchable_by,
    enterprises_visible_to,
    teams_visible_to,
)
from tuoyu.enterprises.services.register import enterprise_register, enterprise_update
from tuoyu.refusals import refused
from tuoyu.regions.models import Region
from tuoyu.regions.selectors import region_get


def desk_member(request: Request) -> Any:
    """The signed-in service officer; anyone else gets 404."""
    actor = signed_in_user(request)
    if not has_perm(actor, Perm.SERVE_ENTERPRISES):
        raise Http404
    return actor


# Enterprises ---------------------------------------------------------------------------------------------


class EnterpriseRowSerializer(serializers.Serializer):
    code = serializers.UUIDField()
    name = serializers.CharField()
    credit_code = serializers.CharField()
    address = serializers.CharField()
    street = serializers.CharField(source="street.code")
    street_name = serializers.CharField(source="street.name")
    industry = serializers.CharField()
    industry_label = serializers.CharField(source="get_industry_display")
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField(
        source="masked_contact_phone", help_text="Masked in the list: 137****1111."
    )
    institution = serializers.UUIDField(
        source="institution.code",
        allow_null=True,
        default=None,
        help_text="The childcare institution with the same credit code, if any.",
    )


class EnterpriseDetailSerializer(EnterpriseRowSerializer):
    contact_phone = serializers.CharField(help_text="In full, for the desk.")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class EnterpriseInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    credit_code = serializers.CharField(
        max_length=18, help_text="The unified social credit code (GB 32100-2015)."
    )
    address = serializers.CharField(max_length=200)
    street = serializers.CharField(max_length=12, help_text="The division code of a street in your region.")
    industry = serializers.ChoiceField(choices=Industry.choices)
    contact_name = serializers.CharField(max_length=50)
    contact_phone = serializers.CharField(max_length=11, help_text="A mainland mobile number.")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_street(self, code: str) -> Region:
        try:
            street = region_get(code=code)
        except Region.DoesNotExist:
            street = None
        if street is None or street.level != Region.Level.STREET:
            raise serializers.ValidationError(_("No street has this division code."))
        return street


class EnterpriseListView(generics.ListCreateAPIView):
    """GET: the enterprises of the caller's service region, by name (contact phones masked). POST: register
    one in a street of that region; a childcare institution with the same credit code is linked to it."""

    serializer_class = EnterpriseRowSerializer
    queryset = Enterprise.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[Enterprise]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return enterprises_visible_to(desk_member(self.request)).order_by("name", "pk")

    @extend_schema(
        request=EnterpriseInputSerializer,
        responses={201: EnterpriseDetailSerializer, **refused("enterprise_street_outside")},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = desk_member(request)
        serializer = EnterpriseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = enterprise_register(actor=actor, **serializer.validated_data)
        return Response(EnterpriseDetailSerializer(enterprise).data, status=status.HTTP_201_CREATED)


class EnterpriseDetailView(APIView):
    """GET: one enterprise with its contact phone in full. PATCH: change its record (the institution link
    follows the credit code)."""

    def _enterprise(self, request: Request, code: Any) -> Enterprise:
        return get_visible_or_404(enterprises_visible_to(desk_member(request)), code=code)

    @extend_schema(responses={200: EnterpriseDetailSerializer})
    def get(self, request: Request, code: Any) -> Response:
        return Response(EnterpriseDetailSerializer(self._enterprise(request, code)).data)

    @extend_schema(
        request=EnterpriseInputSerializer(partial=True),
        responses={200: EnterpriseDetailSerializer, **refused("enterprise_street_outside")},
    )
    def patch(self, request: Request, code: Any) -> Response:
        enterprise = self._enterprise(request, code)
        serializer = EnterpriseInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        enterprise = enterprise_update(
            actor=signed_in_user(request), enterprise=enterprise, **serializer.validated_data
        )
        return Response(EnterpriseDetailSerializer(enterprise).data)


# Teams and departments -----------------------------------------------------------------------------------


class ServiceTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    level = serializers.CharField(help_text="city or district.")
    level_label = serializers.CharField(source="get_level_display")
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    leader = serializers.CharField(source="leader.display_name", allow_null=True, default=None)
    members = serializers.SerializerMethodField()

    def get_members(self, team: ServiceTeam) -> list[str]:
        return [member.display_name for member in team.members.all()]


class ServiceTeamListView(generics.ListAPIView):
    """The service teams of the caller's region and the teams above it (a district's officer sees the city
    team that visits with them)."""

    serializer_class = ServiceTeamSerializer
    queryset = ServiceTeam.objects.none()

    def get_queryset(self) -> QuerySet[ServiceTeam]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        teams = teams_visible_to(desk_member(self.request))
        return teams.prefetch_related("members").order_by("level", "name", "pk")


class EnterpriseDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")


class EnterpriseDepartmentListView(generics.ListAPIView):
    """The active departments the caller may send requests to: those of their region and the regions
    above."""

    serializer_class = EnterpriseDepartmentSerializer
    queryset = Department.objects.none()

    def get_queryset(self) -> QuerySet[Department]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return departments_dispatchable_by(desk_member(self.request)).order_by("region__code", "name", "pk")


urlpatterns = [
    path("enterprises/", EnterpriseListView.as_view(), name="api-enterprises"),
    path("enterprises/<uuid:code>/", EnterpriseDetailView.as_view(), name="api-enterprise"),
    path("service-teams/", ServiceTeamListView.as_view(), name="api-service-teams"),
    path(
        "enterprise-departments/", EnterpriseDepartmentListView.as_view(), name="api-enterprise-departments"
    ),
]
