"""The childcare allowance helper's API: a child's eligible months (for the child's guardian) and the count
of children in care of eligible age in a region (for its regulator: counts only). Others get 404."""

from typing import Any

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from tuoyu.accounts.access import get_visible_or_404
from tuoyu.enrolment.models import Child
from tuoyu.fees.allowance import PLATFORM, allowance_of
from tuoyu.fees.selectors_allowance import allowance_children_of, allowance_in_care, allowance_regions_of


class AllowanceYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    first = serializers.DateField(help_text="First day of the first eligible month of the year.")
    last = serializers.DateField(help_text="First day of the last eligible month of the year.")
    months = serializers.IntegerField()
    yuan = serializers.DecimalField(max_digits=14, decimal_places=2)


class ChildAllowanceSerializer(serializers.Serializer):
    child = serializers.UUIDField(source="child.code")
    birth_date = serializers.DateField(source="allowance.birth_date")
    third_birthday = serializers.DateField(source="allowance.third_birthday")
    first_month = serializers.DateField(source="allowance.first_month", allow_null=True)
    last_month = serializers.DateField(source="allowance.last_month", allow_null=True)
    months = serializers.IntegerField(source="allowance.months")
    yuan = serializers.DecimalField(source="allowance.yuan", max_digits=14, decimal_places=2)
    months_left = serializers.IntegerField(source="allowance.months_left")
    yuan_left = serializers.DecimalField(source="allowance.yuan_left", max_digits=14, decimal_places=2)
    eligible_now = serializers.BooleanField(source="allowance.eligible_now")
    years = AllowanceYearSerializer(source="allowance.years", many=True)
    apply_through = serializers.CharField(help_text="Where to apply: the national system, in words.")


class ChildAllowanceView(GenericAPIView):
    """The national childcare allowance months of a child, by year, with the total and what is left. For the
    child's guardian only (information: Tuoyu neither pays it nor takes the application)."""

    queryset = Child.objects.none()
    filter_backends: list[Any] = []
    serializer_class = ChildAllowanceSerializer

    @extend_schema(responses=ChildAllowanceSerializer)
    def get(self, request: Request, code: str) -> Response:
        child = get_visible_or_404(allowance_children_of(request.user), code=code)
        allowance = allowance_of(child.birth_date, on=timezone.localdate())
        data = {"child": child, "allowance": allowance, "apply_through": PLATFORM}
        return Response(ChildAllowanceSerializer(data).data)


class InstitutionCountSerializer(serializers.Serializer):
    institution = serializers.UUIDField(source="institution.code")
    name = serializers.CharField(source="institution.name")
    children = serializers.IntegerField()
    yuan_per_year = serializers.DecimalField(max_digits=14, decimal_places=2)


class RegionAllowanceSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.code")
    day = serializers.DateField()
    children = serializers.IntegerField()
    yuan_per_year = serializers.DecimalField(max_digits=14, decimal_places=2)
    institutions = InstitutionCountSerializer(source="rows", many=True)


class RegionAllowanceView(GenericAPIView):
    """The children in care today of eligible age in the region, per institution, and the yuan a year they
    represent: counts only, no names. For a regulator whose scope contains the region; others get 404."""

    queryset = Child.objects.none()
    filter_backends: list[Any] = []
    serializer_class = RegionAllowanceSerializer

    @extend_schema(responses=RegionAllowanceSerializer)
    def get(self, request: Request, code: str) -> Response:
        region = get_visible_or_404(allowance_regions_of(request.user), code=code)
        district = allowance_in_care(request.user, region, timezone.localdate())
        return Response(RegionAllowanceSerializer(district).data)


urlpatterns = [
    path("children/<str:code>/allowance/", ChildAllowanceView.as_view(), name="api-child-allowance"),
    path("regions/<str:code>/allowance/", RegionAllowanceView.as_view(), name="api-region-allowance"),
]
