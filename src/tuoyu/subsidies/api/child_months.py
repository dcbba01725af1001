"""``GET institutions/{code}/child-months/?month=YYYY-MM``: an institution's child-months of a month, computed
live from the attendance records under the district's per-child-month policy in force then. For the
institution's director and the district's regulator; others get 404."""

import datetime

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import get_visible_or_404
from tuoyu.refusals import refused
from tuoyu.subsidies.selectors.child_months import child_months, counted_total
from tuoyu.subsidies.selectors.claims import institutions_claiming_or_decided, operating_policy_for


class ChildMonthSerializer(serializers.Serializer):
    child = serializers.UUIDField(help_text="The child's code.")
    attendance_days = serializers.IntegerField(help_text="In-care attendance days at this institution.")
    counted = serializers.BooleanField()
    reason = serializers.CharField(
        help_text="counted, too_few_days, no_attendance, counted_elsewhere, over_cap."
    )


class ChildMonthsSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    child_months = serializers.IntegerField(help_text="Children counted.")
    children = ChildMonthSerializer(many=True)


def parse_month(value: str | None) -> datetime.date:
    """``YYYY-MM`` as the month's first day; a 400 naming the parameter otherwise."""
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        raise exceptions.ValidationError({"month": [_("Give the month as YYYY-MM.")]}) from None


class ChildMonthsView(APIView):
    """The institution's child-months of the month: each child in care or placed there, with its attendance
    days, whether it counts and why."""

    @extend_schema(
        parameters=[OpenApiParameter("month", str, required=True, description="YYYY-MM")],
        responses={200: ChildMonthsSerializer, **refused("month missing or malformed, no policy in force")},
    )
    def get(self, request: Request, code: str) -> Response:
        institution = get_visible_or_404(institutions_claiming_or_decided(request.user), code=code)
        month = parse_month(request.query_params.get("month"))
        policy = operating_policy_for(institution, month)
        if policy is None:
            raise exceptions.ValidationError(
                {"month": [_("The district has no operating subsidy in force in that month.")]}
            )
        rows = child_months(institution=institution, month=month, policy=policy)
        return Response(
            {
                "month": f"{month:%Y-%m}",
                "child_months": counted_total(rows),
                "children": [
                    {
                        "child": str(row.child.code),
                        "attendance_days": row.attendance_days,
                        "counted": row.counted,
                        "reason": str(row.reason),
                    }
                    for row in rows
                ],
            }
        )


urlpatterns = [
    path(
        "institutions/<uuid:code>/child-months/",
        ChildMonthsView.as_view(),
        name="api-institution-child-months",
    ),
]
