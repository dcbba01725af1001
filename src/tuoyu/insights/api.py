from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.insights.selectors import region_indicators_published
from tuoyu.regions.models import Region
from tuoyu.regions.selectors import region_get


class IndicatorsSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    on = serializers.DateField()
    institutions = serializers.IntegerField()
    filed_institutions = serializers.IntegerField()
    staff = serializers.IntegerField()
    certified_staff = serializers.IntegerField(help_text="Staff holding every certificate their role needs.")
    certified_share = serializers.FloatField(allow_null=True)
    classes = serializers.IntegerField()
    places = serializers.IntegerField()
    population = serializers.IntegerField(allow_null=True)
    population_year = serializers.IntegerField(allow_null=True)
    places_per_1000 = serializers.FloatField(allow_null=True, help_text="Unrounded.")
    inclusive_places = serializers.IntegerField()
    inclusive_share = serializers.FloatField(allow_null=True)
    medical_integrated = serializers.IntegerField()
    by_provider_model = serializers.DictField(child=serializers.IntegerField())


class RegionIndicatorsView(APIView):
    """Indicators of a region and everything below it, today. Public."""

    permission_classes = [AllowAny]

    @extend_schema(responses=IndicatorsSerializer)
    def get(self, request: Request, code: str) -> Response:
        try:
            region = region_get(code=code)
        except Region.DoesNotExist as error:
            raise Http404 from error
        return Response(IndicatorsSerializer(region_indicators_published(region, timezone.localdate())).data)


urlpatterns = [
    path("regions/<str:code>/indicators/", RegionIndicatorsView.as_view(), name="api-region-indicators"),
]
