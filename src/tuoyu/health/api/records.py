"""The API of the health records: the children whose record one may open, a record's summary (every read
is written to the access log), doctor's visits and the regulator's access log.

Scoping is the pages': guardians reach their own children; the institution's director and health worker
and the partner hospital's doctor the children in care there; regulators only the access log of their
district. Anyone else gets 404. Nothing here answers families' contacts or fees.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404, has_perm, signed_in_user
from tuoyu.enrolment.access_log import LogsHealthReads
from tuoyu.enrolment.models import AccessChannel, Child, HealthRecordAccess
from tuoyu.health.api.growth import STANDARD_CODES, STANDARD_HELP, GrowthBandsSerializer
from tuoyu.health.models import DoctorVisit
from tuoyu.health.selectors.records import (
    AccessLogFilter,
    ChildRow,
    access_log_entries,
    cared_for_groups,
    growth_reading_of,
    institutions_visited_by,
    latest_measurement,
    may_list_health_children,
    open_referrals_of,
    own_children_rows,
    reader_roles,
    record_placements,
    visits_visible_to,
)
from tuoyu.health.services.access import health_record_open
from tuoyu.health.services.visits import doctor_visit_record
from tuoyu.parsers import MAX_LIST_ITEMS, validated
from tuoyu.refusals import Refusal


class RecordRefSerializer(serializers.Serializer):
    """An institution, class or child: its code and name."""

    code = serializers.UUIDField()
    name = serializers.CharField()


class RecordGrowthFindingSerializer(serializers.Serializer):
    condition = serializers.CharField(help_text="underweight, stunting, wasting or overweight")
    status = serializers.CharField(help_text="moderate, severe, overweight or obesity")
    label = serializers.CharField(help_text="In the request's language.")  # type: ignore[assignment]
    severe = serializers.BooleanField()


class RecordGrowthSerializer(serializers.Serializer):
    measured_on = serializers.DateField(allow_null=True, help_text="The latest measurement's date.")
    classified = serializers.BooleanField(help_text="Whether anything could be judged from it.")
    findings = RecordGrowthFindingSerializer(many=True, help_text="The conditions that are not normal.")


# The children ---------------------------------------------------------------------------------------


class HealthChildSerializer(serializers.Serializer):
    code = serializers.UUIDField(source="child.code")
    name = serializers.CharField(source="child.name")
    sex = serializers.CharField(source="child.sex", help_text="1 boy, 2 girl (GB/T 2261.1)")
    birth_date = serializers.DateField(source="child.birth_date")
    age_months = serializers.SerializerMethodField()
    institution = RecordRefSerializer(allow_null=True)
    care_class = RecordRefSerializer(allow_null=True)
    growth = RecordGrowthSerializer()
    open_referrals = serializers.IntegerField()

    def get_age_months(self, row: ChildRow) -> int:
        return row.child.age_months()


class HealthChildListView(LogsHealthReads, generics.ListAPIView):
    """The children whose health record the caller may open: a guardian's own, then the children in care
    at the caller's institutions (by institution and class), with growth and open referrals (logged)."""

    serializer_class = HealthChildSerializer
    health_view = "children_list"

    def children_of(self, item: Any) -> list[Child]:
        return [item.child]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema: rows about children
            return Child.objects.none()
        if not may_list_health_children(self.request.user):
            raise Http404
        today = timezone.localdate()
        rows = own_children_rows(self.request.user, day=today)
        for group in cared_for_groups(self.request.user, day=today):
            rows.extend(group.rows)
        return rows


class RecordPlacementSerializer(serializers.Serializer):
    institution = RecordRefSerializer()
    care_class = RecordRefSerializer()
    start_date = serializers.DateField()


class RecordMeasurementSerializer(serializers.Serializer):
    measured_on = serializers.DateField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    weight_kg = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    length_cm = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    position = serializers.CharField(help_text="l lying, h standing, empty if no length")
    head_cm = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    standard = serializers.ChoiceField(choices=STANDARD_CODES, help_text=STANDARD_HELP)
    zwei = serializers.FloatField(allow_null=True, help_text="Weight-for-age z-score (or interpolated value)")
    zlen = serializers.FloatField(
        allow_null=True, help_text="Length/height-for-age z-score (or interpolated value)"
    )
    zwfl = serializers.FloatField(
        allow_null=True, help_text="Weight-for-length/height z-score (or interpolated value)"
    )
    zbmi = serializers.FloatField(allow_null=True, help_text="BMI-for-age z-score (or interpolated value)")
    zhc = serializers.FloatField(
        allow_null=True, help_text="Head circumference-for-age z-score (or interpolated value)"
    )
    bands = GrowthBandsSerializer(help_text="Only for wst423_2022: under who2006 every band is null.")
    flags = serializers.JSONField()
    classification = serializers.JSONField()


class RecordReferralSerializer(serializers.Serializer):
    reason = serializers.CharField()
    detail = serializers.CharField()
    referred_on = serializers.DateField()
    referred_to = serializers.CharField()


class HealthRecordSummarySerializer(serializers.Serializer):
    code = serializers.UUIDField()
    name = serializers.CharField()
    sex = serializers.CharField(help_text="1 boy, 2 girl (GB/T 2261.1)")
    birth_date = serializers.DateField()
    age_months = serializers.IntegerField()
    allergies = serializers.CharField()
    special_needs = serializers.CharField()
    placements = RecordPlacementSerializer(many=True)
    latest_measurement = RecordMeasurementSerializer(allow_null=True)
    growth = RecordGrowthSerializer()
    open_referrals = RecordReferralSerializer(many=True)


class HealthRecordSummaryView(APIView):
    """The front page of a child's health record (logged in the access log, channel ``api``)."""

    @extend_schema(responses=HealthRecordSummarySerializer)
    def get(self, request: Request, code: str) -> Response:
        child = health_record_open(signed_in_user(request), code, view="overview", channel=AccessChannel.API)
        today = timezone.localdate()
        measurement = latest_measurement(child)
        body = {
            "code": child.code,
            "name": child.name,
            "sex": child.sex,
            "birth_date": child.birth_date,
            "age_months": child.age_months(today),
            "allergies": child.allergies,
            "special_needs": child.special_needs,
            "placements": record_placements(request.user, child, day=today),
            "latest_measurement": measurement,
            "growth": growth_reading_of(measurement),
            "open_referrals": open_referrals_of(child),
        }
        return Response(HealthRecordSummarySerializer(body).data)


# Doctor's visits ---------------------------------------------------------------------------------------


class DoctorVisitSerializer(serializers.ModelSerializer):
    institution = RecordRefSerializer()
    doctor = serializers.CharField(source="doctor.display_name")
    children = RecordRefSerializer(many=True, help_text="The children seen.")

    class Meta:
        model = DoctorVisit
        fields = ["id", "institution", "doctor", "visited_on", "summary", "children", "recorded_at"]


class DoctorVisitInSerializer(serializers.Serializer):
    institution = serializers.UUIDField(help_text="A partner institution of the doctor's hospital.")
    visited_on = serializers.DateField(help_text="Not in the future.")
    summary = serializers.CharField(max_length=2000)
    children = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=MAX_LIST_ITEMS,
        help_text="Codes of the children seen.",
    )


class DoctorVisitListView(LogsHealthReads, generics.ListAPIView):
    """GET: the visits to the caller's institutions (directors, health workers, partner doctors).
    POST: a partner-hospital doctor records a visit; refusals answer 400 with ``{"code", "detail"}``."""

    serializer_class = DoctorVisitSerializer
    health_view = "visits"

    def children_of(self, item: DoctorVisit) -> list[Child]:
        return list(item.children.all())

    queryset = DoctorVisit.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[DoctorVisit]:
        if not has_perm(self.request.user, Perm.VIEW_HEALTH):
            raise Http404
        return visits_visible_to(self.request.user)

    @extend_schema(request=DoctorVisitInSerializer, responses={201: DoctorVisitSerializer})
    def post(self, request: Request) -> Response:
        data = validated(DoctorVisitInSerializer, request.data)
        institution = get_visible_or_404(institutions_visited_by(request.user), code=data["institution"])
        codes = set(data["children"])
        seen = list(
            Child.objects.visible_to(request.user, Perm.RECORD_MEDICAL, on=timezone.localdate()).filter(
                code__in=codes
            )
        )
        if len(seen) != len(codes):
            raise Refusal(
                _("Name only children in care at an institution where you record health data."),
                "unknown_child",
            )
        visit = doctor_visit_record(
            actor=signed_in_user(request),
            institution=institution,
            visited_on=data["visited_on"],
            summary=data["summary"],
            children=seen,
        )
        visit = visits_visible_to(request.user).get(pk=visit.pk)
        return Response(DoctorVisitSerializer(visit).data, status=status.HTTP_201_CREATED)


# The access log -------------------------------------------------------------------------------------------


class AccessReaderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class AccessEntrySerializer(serializers.ModelSerializer):
    user = AccessReaderSerializer()
    roles = serializers.SerializerMethodField()
    child = serializers.UUIDField(source="child.code", allow_null=True, default=None)

    class Meta:
        model = HealthRecordAccess
        fields = ["id", "at", "user", "roles", "child", "child_name", "view", "channel"]

    def get_roles(self, entry: HealthRecordAccess) -> list[str]:
        return reader_roles(entry)


class AccessLogView(generics.ListAPIView):
    """Every read of a child's health record in the regulator's district, newest first; filter by
    ``child`` (name), ``user`` (name or mobile number), ``institution`` (code), ``date_from`` and
    ``date_to``. Read-only."""

    serializer_class = AccessEntrySerializer
    filterset_class = AccessLogFilter
    queryset = HealthRecordAccess.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[HealthRecordAccess]:
        if not has_perm(self.request.user, Perm.SUPERVISE_REGION):
            raise Http404
        return access_log_entries(self.request.user)


urlpatterns = [
    path("health/children/", HealthChildListView.as_view(), name="api-health-children"),
    path("health/children/<uuid:code>/", HealthRecordSummaryView.as_view(), name="api-health-child"),
    path("health/visits/", DoctorVisitListView.as_view(), name="api-health-visits"),
    path("health/access-log/", AccessLogView.as_view(), name="api-health-access-log"),
]
