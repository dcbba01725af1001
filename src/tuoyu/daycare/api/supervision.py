"""The API of staff duty and ratios, outings, menus and food samples, and the district's daily figures.

Scoping is the pages': the institution's staff (``record_care``) reach their classes, menus are written by
the director or health staff (``record_health``), families read the menu of an institution where their
child is placed, and ``GET supervision/daily/`` answers the regulator (their region) and a director (their
institution). Anyone else gets 404. Refusals answer 400/409 with ``{"code", "detail"}``.
"""

import datetime
from dataclasses import asdict
from typing import Any, cast

from django.conf import settings
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_date
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404, has_perm, signed_in_user
from tuoyu.daycare.models import FoodSample, Outing, WeeklyMenu
from tuoyu.daycare.selectors.ratios import Ratio, class_ratio
from tuoyu.daycare.selectors.supervision import (
    care_classes_of,
    care_institutions_of,
    certified_caregiver_ids,
    daily_supervision,
    daily_supervision_institutions,
    duties_open,
    duty_candidates,
    food_samples_visible_to,
    menu_institutions_of,
    menu_of_week,
    morning_deadline,
    outing_minutes,
    outings_of,
    outings_visible_to,
    published_menu,
    samples_of,
    weather_exemption_on,
    week_start_of,
)
from tuoyu.daycare.services import kitchen, outings, staffing
from tuoyu.enrolment.models import Child
from tuoyu.parsers import MAX_LIST_ITEMS, validated
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import institutions_visible_to


def _date(value: str | None, default: datetime.date, name: str = "date") -> datetime.date:
    if not value:
        return default
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({name: "Give the date as YYYY-MM-DD."})
    return parsed


# Staff on duty and the ratio --------------------------------------------------------------------------


class RatioSerializer(serializers.Serializer):
    present = serializers.IntegerField()
    children_per_caregiver = serializers.IntegerField()
    caregivers_required = serializers.IntegerField(source="required")
    certified_on_duty = serializers.IntegerField()
    uncertified_on_duty = serializers.IntegerField()
    breach = serializers.BooleanField()


class DutySerializer(serializers.Serializer):
    staff = serializers.UUIDField(source="staff.code")
    name = serializers.CharField(source="staff.name")
    role = serializers.CharField(source="staff.role")
    care_class = serializers.UUIDField(source="care_class.code")
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class ClassDutySerializer(serializers.Serializer):
    care_class = serializers.UUIDField()
    ratio = RatioSerializer()
    on_duty = DutySerializer(many=True)
    counted = serializers.ListField(child=serializers.UUIDField(), help_text="Staff counted in the ratio.")


class StaffInSerializer(serializers.Serializer):
    staff = serializers.UUIDField()


def _class_duty_body(care_class: CareClass, day: datetime.date) -> dict[str, Any]:
    duties = list(duties_open(care_class, day))
    counting = certified_caregiver_ids(duty_candidates(care_class, day), day)
    ratio: Ratio = class_ratio(care_class, day)
    body = {
        "care_class": care_class.code,
        "ratio": {**asdict(ratio), "required": ratio.required, "breach": ratio.breach},
        "on_duty": duties,
        "counted": [duty.staff.code for duty in duties if duty.staff_id in counting],
    }
    return dict(ClassDutySerializer(body).data)


class ClassDutyView(APIView):
    """The class's caregiver ratio now and who is on duty (the institution's care staff)."""

    @extend_schema(responses=ClassDutySerializer)
    def get(self, request: Request, code: str) -> Response:
        care_class = get_visible_or_404(care_classes_of(request.user), code=code)
        return Response(_class_duty_body(care_class, timezone.localdate()))


class DutyChangeView(APIView):
    """Check a staff member in to (``start``) or out of (``end``) the class; answers the class's duty."""

    action = "start"

    @extend_schema(request=StaffInSerializer, responses=ClassDutySerializer)
    def post(self, request: Request, code: str) -> Response:
        care_class = get_visible_or_404(care_classes_of(request.user), code=code)
        payload = validated(StaffInSerializer, request.data)
        now = timezone.now()
        staff = get_visible_or_404(
            duty_candidates(care_class, timezone.localdate(now)), code=payload["staff"]
        )
        answer: int
        if self.action == "start":
            staffing.duty_start(actor=signed_in_user(request), staff=staff, care_class=care_class, now=now)
            answer = status.HTTP_201_CREATED
        else:
            staffing.duty_end(actor=signed_in_user(request), staff=staff, care_class=care_class, now=now)
            answer = status.HTTP_200_OK
        return Response(_class_duty_body(care_class, timezone.localdate(now)), status=answer)


# Outings ----------------------------------------------------------------------------------------------


class OutingSerializer(serializers.ModelSerializer):
    care_class = serializers.UUIDField(source="care_class.code")
    children_out = serializers.SlugRelatedField[Child](slug_field="code", many=True, read_only=True)
    children_back = serializers.SlugRelatedField[Child](slug_field="code", many=True, read_only=True)
    minutes = serializers.SerializerMethodField()

    class Meta:
        model = Outing
        fields = ["code", "care_class", "day", "left_at", "returned_at", "children_out", "children_back"]
        fields += ["mismatch", "minutes"]

    def get_minutes(self, outing: Outing) -> int:
        return outing_minutes(outing.left_at, outing.returned_at)


class ClassOutingsSerializer(serializers.Serializer):
    day = serializers.DateField()
    outdoor_minutes = serializers.IntegerField()
    required_minutes = serializers.IntegerField()
    weather_exemption = serializers.CharField(allow_null=True)
    outings = OutingSerializer(many=True)


class ChildrenInSerializer(serializers.Serializer):
    children = serializers.ListField(
        child=serializers.UUIDField(), allow_empty=True, max_length=MAX_LIST_ITEMS
    )


class ChildrenBackSerializer(serializers.Serializer):
    children_back = serializers.ListField(
        child=serializers.UUIDField(), allow_empty=True, max_length=MAX_LIST_ITEMS
    )


class ClassOutingsView(APIView):
    """GET: today's outings of the class and its outdoor minutes. POST: take children present outdoors."""

    @extend_schema(responses=ClassOutingsSerializer)
    def get(self, request: Request, code: str) -> Response:
        care_class = get_visible_or_404(care_classes_of(request.user), code=code)
        today = timezone.localdate()
        day_outings = outings_of(care_class, today)
        exemption = weather_exemption_on(care_class.institution_id, today)
        body = {
            "day": today,
            "outdoor_minutes": sum(outing_minutes(o.left_at, o.returned_at) for o in day_outings),
            "required_minutes": settings.OUTDOOR_MINUTES_PER_DAY,
            "weather_exemption": exemption.reason if exemption else None,
            "outings": day_outings,
        }
        return Response(ClassOutingsSerializer(body).data)

    @extend_schema(request=ChildrenInSerializer, responses={201: OutingSerializer})
    def post(self, request: Request, code: str) -> Response:
        care_class = get_visible_or_404(care_classes_of(request.user), code=code)
        payload = validated(ChildrenInSerializer, request.data)
        codes = payload["children"]
        children = list(Child.objects.in_class(care_class).filter(code__in=codes))
        if len(children) != len(set(codes)):
            raise Http404
        outing = outings.outing_start(actor=signed_in_user(request), care_class=care_class, children=children)
        return Response(OutingSerializer(outing).data, status=status.HTTP_201_CREATED)


class OutingReturnView(APIView):
    """Record who came back; a head count short of those who went out alerts the directors at once."""

    @extend_schema(request=ChildrenBackSerializer, responses=OutingSerializer)
    def post(self, request: Request, code: str) -> Response:
        outing = get_visible_or_404(outings_visible_to(request.user), code=code)
        payload = validated(ChildrenBackSerializer, request.data)
        codes = set(payload["children_back"])
        back = list(outing.children_out.filter(code__in=codes))
        if len(back) != len(codes):
            raise ValidationError({"children_back": "Only children who went out can come back."})
        outing = outings.outing_return(actor=signed_in_user(request), outing=outing, children_back=back)
        return Response(OutingSerializer(outing).data)


class ExemptionSerializer(serializers.Serializer):
    day = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=100)


class WeatherExemptionView(APIView):
    """Excuse a day's short outdoor time (rain, heat, haze); the day defaults to today."""

    @extend_schema(request=ExemptionSerializer, responses={201: ExemptionSerializer})
    def post(self, request: Request, code: str) -> Response:
        institution = get_visible_or_404(care_institutions_of(request.user), code=code)
        payload = validated(ExemptionSerializer, request.data)
        exemption = outings.weather_exempt(
            actor=signed_in_user(request),
            institution=institution,
            day=payload.get("day") or timezone.localdate(),
            reason=payload["reason"],
        )
        return Response({"day": exemption.day, "reason": exemption.reason}, status=status.HTTP_201_CREATED)


# Menus and food samples -------------------------------------------------------------------------------


class MenuSerializer(serializers.ModelSerializer):
    institution = serializers.UUIDField(source="institution.code", read_only=True)

    class Meta:
        model = WeeklyMenu
        fields = ["institution", "week_start", "dishes", "published_at"]
        read_only_fields = ["published_at"]
        validators: list = []  # one menu per week: menu_save rewrites it


class MenuWeekSerializer(serializers.Serializer):
    week_start = serializers.DateField()


class InstitutionMenusView(APIView):
    """GET (``?week=YYYY-MM-DD``, any day of it): the institution's menu of a week, published or not.
    POST: write the week's menu (``dishes``: ``{"YYYY-MM-DD": {"lunch": ["dish", ...]}}``).
    For the director and health staff."""

    def _institution(self, request: Request, code: str) -> Institution:
        return get_visible_or_404(institutions_visible_to(request.user, Perm.RECORD_HEALTH), code=code)

    @extend_schema(
        parameters=[OpenApiParameter("week", str, description="A day of the week (YYYY-MM-DD)")],
        responses=MenuSerializer,
    )
    def get(self, request: Request, code: str) -> Response:
        institution = self._institution(request, code)
        week = week_start_of(_date(request.query_params.get("week"), timezone.localdate(), "week"))
        menu = menu_of_week(institution, week)
        if menu is None:
            raise Http404
        return Response(MenuSerializer(menu).data)

    @extend_schema(request=MenuSerializer, responses=MenuSerializer)
    def post(self, request: Request, code: str) -> Response:
        institution = self._institution(request, code)
        payload = validated(MenuSerializer, request.data)
        menu = kitchen.menu_save(
            actor=signed_in_user(request),
            institution=institution,
            week_start=payload["week_start"],
            dishes=payload["dishes"],
        )
        return Response(MenuSerializer(menu).data)


class MenuPublishView(APIView):
    """Publish the menu of the week starting ``week_start`` to the families."""

    @extend_schema(request=MenuWeekSerializer, responses=MenuSerializer)
    def post(self, request: Request, code: str) -> Response:
        institution = get_visible_or_404(institutions_visible_to(request.user, Perm.RECORD_HEALTH), code=code)
        payload = validated(MenuWeekSerializer, request.data)
        menu = menu_of_week(institution, payload["week_start"])
        if menu is None:
            raise Http404
        menu = kitchen.menu_publish(actor=signed_in_user(request), menu=menu)
        return Response(MenuSerializer(menu).data)


class CurrentMenuView(APIView):
    """This week's published menu: for the families of children placed at the institution and its staff."""

    @extend_schema(responses=MenuSerializer)
    def get(self, request: Request, code: str) -> Response:
        today = timezone.localdate()
        institution = get_visible_or_404(menu_institutions_of(request.user, today), code=code)
        menu = published_menu(institution, today)
        if menu is None:
            return Response({"code": "menu_not_published"}, status=status.HTTP_404_NOT_FOUND)
        return Response(MenuSerializer(menu).data)


class FoodSampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = FoodSample
        fields = ["id", "day", "meal", "dish", "weight_g", "refrigerated_at", "sampled_by", "discarded_at"]
        read_only_fields = ["id", "discarded_at"]
        extra_kwargs = {
            "refrigerated_at": {"required": False},
            "sampled_by": {"required": False},
            "weight_g": {"min_value": 1},
        }
        validators: list = []  # the service answers a duplicate with its own refusal


class FoodSamplesView(APIView):
    """GET (``?day=YYYY-MM-DD``, default today): the day's samples. POST: record one (≥ 100 g)."""

    @extend_schema(
        parameters=[OpenApiParameter("day", str, description="YYYY-MM-DD")],
        responses=FoodSampleSerializer(many=True),
    )
    def get(self, request: Request, code: str) -> Response:
        institution = get_visible_or_404(care_institutions_of(request.user), code=code)
        day = _date(request.query_params.get("day"), timezone.localdate(), "day")
        return Response(FoodSampleSerializer(samples_of(institution, day), many=True).data)

    @extend_schema(request=FoodSampleSerializer, responses={201: FoodSampleSerializer})
    def post(self, request: Request, code: str) -> Response:
        institution = get_visible_or_404(care_institutions_of(request.user), code=code)
        data = validated(FoodSampleSerializer, request.data)
        sample = kitchen.sample_record(
            actor=signed_in_user(request),
            institution=institution,
            day=data["day"],
            meal=data["meal"],
            dish=data["dish"],
            weight_g=data["weight_g"],
            sampled_by=data.get("sampled_by", ""),
            refrigerated_at=data.get("refrigerated_at"),
        )
        return Response(FoodSampleSerializer(sample).data, status=status.HTTP_201_CREATED)


class FoodSampleDiscardView(APIView):
    """Throw a sample away: refused (``sample_too_early``) before 48 hours in the fridge."""

    @extend_schema(request=None, responses=FoodSampleSerializer)
    def post(self, request: Request, pk: int) -> Response:
        sample = get_visible_or_404(food_samples_visible_to(request.user), pk=pk)
        sample = kitchen.sample_discard(actor=signed_in_user(request), sample=sample)
        return Response(FoodSampleSerializer(sample).data)


# The district's daily figures -------------------------------------------------------------------------


class DailyRowSerializer(serializers.Serializer):
    institution = serializers.UUIDField(source="institution.code")
    name = serializers.CharField(source="institution.name")
    street = serializers.CharField(source="institution.street.name")
    enrolled = serializers.IntegerField()
    present = serializers.IntegerField()
    check_ins = serializers.IntegerField()
    checked_in_by_deadline = serializers.IntegerField()
    morning_checks_by_deadline = serializers.IntegerField()
    morning_checks_pct = serializers.IntegerField(allow_null=True)
    ratio_breaches = serializers.IntegerField()
    outing_mismatches = serializers.IntegerField()
    food_sample_gaps = serializers.IntegerField(
        allow_null=True, help_text="Null until the day is over, and for institutions serving no meals."
    )
    open_findings = serializers.IntegerField(help_text="Compliance findings of the institution open now.")


class DailySupervisionSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Institutions in all pages.")
    next = serializers.URLField(allow_null=True, help_text="The next page, if any.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, if any.")
    date = serializers.DateField()
    morning_check_deadline = serializers.CharField()
    institutions = DailyRowSerializer(many=True, help_text="This page's institutions, by street and name.")


class DailySupervisionView(GenericAPIView):
    """The day's figures of every operating institution the regulator supervises (a director: their own),
    a page at a time (``?page=``, as every list of the API), by street and name."""

    queryset = Institution.objects.none()  # for the schema; get scopes every request
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[
            OpenApiParameter("date", str, description="YYYY-MM-DD; default today"),
            OpenApiParameter("page", int, description="A page number within the paginated result set."),
        ],
        responses=DailySupervisionSerializer,
    )
    def get(self, request: Request) -> Response:
        if not has_perm(request.user, Perm.VIEW_DAILY_SUPERVISION):
            raise Http404
        day = _date(request.query_params.get("date"), timezone.localdate())
        page = self.paginate_queryset(daily_supervision_institutions(request.user)) or []
        paginator = cast(PageNumberPagination, self.paginator)  # the API's pagination (settings.py)
        body = {
            "count": paginator.page.paginator.count if paginator.page is not None else 0,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "date": day,
            "morning_check_deadline": timezone.localtime(morning_deadline(day)).strftime("%H:%M"),
            "institutions": daily_supervision(page, day),
        }
        return Response(DailySupervisionSerializer(body).data)


urlpatterns = [
    path("classes/<uuid:code>/duty/", ClassDutyView.as_view(), name="api-class-duty"),
    path("classes/<uuid:code>/duty/start/", DutyChangeView.as_view(action="start"), name="api-duty-start"),
    path("classes/<uuid:code>/duty/end/", DutyChangeView.as_view(action="end"), name="api-duty-end"),
    path("classes/<uuid:code>/outings/", ClassOutingsView.as_view(), name="api-class-outings"),
    path("outings/<uuid:code>/return/", OutingReturnView.as_view(), name="api-outing-return"),
    path(
        "institutions/<uuid:code>/weather-exemptions/",
        WeatherExemptionView.as_view(),
        name="api-weather-exemptions",
    ),
    path("institutions/<uuid:code>/menus/", InstitutionMenusView.as_view(), name="api-institution-menus"),
    path("institutions/<uuid:code>/menus/publish/", MenuPublishView.as_view(), name="api-menu-publish"),
    path("institutions/<uuid:code>/menu/", CurrentMenuView.as_view(), name="api-current-menu"),
    path("institutions/<uuid:code>/food-samples/", FoodSamplesView.as_view(), name="api-food-samples"),
    path("food-samples/<int:pk>/discard/", FoodSampleDiscardView.as_view(), name="api-food-sample-discard"),
    path("supervision/daily/", DailySupervisionView.as_view(), name="api-daily-supervision"),
]
