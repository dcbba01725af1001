"""``GET regions/{code}/service-figures/?month=YYYY-MM``: the enterprise service desk's four rates of a month
for a region (fractions 0–1 rounded to 4 places, ``null`` when there is no data) with the counts they come
from. For an actor who serves enterprises in that region or above it; others get 404. A month missing or
not written ``YYYY-MM`` is a 400 naming ``month``."""

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import get_visible_or_404
from tuoyu.enterprises.selectors.figures import (
    Counts,
    Month,
    figures_of,
    month_parsed,
    regions_served_by,
    requests_in_region,
)
from tuoyu.refusals import refused

RATE_HELP = "A fraction from 0 to 1, rounded to 4 places; null when its denominator is 0 (no data)."


class ServiceFigureCountsSerializer(serializers.Serializer):
    recorded = serializers.IntegerField(help_text="Requests recorded in the month.")
    accepted_on_time = serializers.IntegerField(
        help_text="Of those recorded, accepted no later than their acceptance deadline."
    )
    closed = serializers.IntegerField(
        help_text="Requests closed in the month (a reopened request counts in the month of its last closure)."
    )
    closed_on_time = serializers.IntegerField(help_text="Of those closed, on or before their deadline.")
    resolved = serializers.IntegerField(help_text="Of those closed, marked resolved.")
    ratings = serializers.IntegerField(help_text="Ratings given in the month.")
    satisfied = serializers.IntegerField(help_text="Of those ratings, 满意 or 基本满意.")


class ServiceFiguresSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="The region's division code.")
    month = serializers.CharField(help_text="YYYY-MM")
    response_rate = serializers.FloatField(
        allow_null=True, help_text="accepted_on_time / recorded. " + RATE_HELP
    )
    on_time_closure_rate = serializers.FloatField(
        allow_null=True, help_text="closed_on_time / closed. " + RATE_HELP
    )
    resolution_rate = serializers.FloatField(allow_null=True, help_text="resolved / closed. " + RATE_HELP)
    satisfaction_rate = serializers.FloatField(allow_null=True, help_text="satisfied / ratings. " + RATE_HELP)
    counts = ServiceFigureCountsSerializer()


def _month(params: Any) -> Month:
    try:
        return month_parsed(str(params.get("month") or ""))
    except ValueError:
        raise exceptions.ValidationError({"month": [_("Give the month as YYYY-MM.")]}) from None


def figures_payload(code: str, month: Month, counts: Counts) -> dict[str, Any]:
    return {
        "region": code,
        "month": str(month),
        "response_rate": counts.response_rate.fraction,
        "on_time_closure_rate": counts.on_time_closure_rate.fraction,
        "resolution_rate": counts.resolution_rate.fraction,
        "satisfaction_rate": counts.satisfaction_rate.fraction,
        "counts": counts.as_dict(),
    }


class RegionServiceFiguresView(APIView):
    """The four rates of the month for the region's enterprises (those of its streets), with their counts."""

    @extend_schema(
        parameters=[OpenApiParameter("month", str, required=True, description="YYYY-MM")],
        responses={200: ServiceFiguresSerializer, **refused("month missing or not written YYYY-MM")},
    )
    def get(self, request: Request, code: str) -> Response:
        region = get_visible_or_404(regions_served_by(request.user), code=code)
        month = _month(request.query_params)
        counts = figures_of(requests_in_region(region), month)
        return Response(ServiceFiguresSerializer(figures_payload(region.code, month, counts)).data)


urlpatterns = [
    path(
        "regions/<str:code>/service-figures/",
        RegionServiceFiguresView.as_view(),
        name="api-region-service-figures",
    ),
]
