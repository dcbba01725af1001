"""The care API: a child's examination schedule, examinations, development screenings, referrals and
immunisation-certificate checks; a referral's outcome; the overdue examinations and the referrals to
follow up.

Reading a child's data opens the record (``health_record_open``, channel "api": every GET is logged);
posting records through the same services as the pages. Guardians read their own children; the
institution's director and health worker and the partner hospital's doctor read and record (immunisation
checks: the institution only); anyone else gets 404, like a child that does not exist. Refusals answer 400
or 409 with ``{"code", "detail"}``.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import get_visible_or_404, signed_in_user
from tuoyu.enrolment.access_log import LogsHealthReads
from tuoyu.enrolment.models import AccessChannel, Child
from tuoyu.health.development import SIGNS_BY_CODE
from tuoyu.health.models import (
    DevelopmentScreening,
    ExamKind,
    HealthExam,
    HearingResult,
    ImmunisationCheck,
    ImmunisationCheckKind,
    Referral,
    ReferralReason,
)
from tuoyu.health.selectors.care import (
    anaemia_grade,
    child_to_record_for,
    exams_of,
    follows_up_health,
    immunisation_checks_of,
    may_record_medical,
    referrals_of,
    referrals_visible_to,
    screenings_of,
)
from tuoyu.health.selectors.schedule import ChildSchedule, ItemStatus, child_schedule, overdue_visible_to
from tuoyu.health.services import care as services
from tuoyu.health.services.access import health_record_open, health_record_read, health_records_read
from tuoyu.parsers import validated
from tuoyu.refusals import refused

REFUSED = refused("date_in_future", "already_closed")


def _open(request: Request, code: Any, view: str) -> Child:
    return health_record_open(request.user, code, view=view, channel=AccessChannel.API)


def _record_for_child(
    request: Request,
    code: Any,
    *,
    given: type[serializers.Serializer],
    record: Callable[..., Model],
    answer: type[serializers.Serializer],
    immunisation: bool = False,
) -> Response:
    """A POST about a child: 404 unless the caller may record it (``selectors.care.child_to_record_for``),
    then the ``given`` input recorded by the service ``record``, answered 201 with what it wrote."""
    child = child_to_record_for(request.user, code, immunisation=immunisation)
    data = validated(given, request.data)
    written = record(actor=signed_in_user(request), child=child, **data)
    return Response(answer(written).data, status=status.HTTP_201_CREATED)


# Schedule ---------------------------------------------------------------------------------------------


class CareScheduleItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExamKind.choices)
    kind_label = serializers.CharField()
    age_months = serializers.IntegerField()
    due_on = serializers.DateField()
    window_starts = serializers.DateField(help_text="An examination from this day fulfils the item…")
    window_ends = serializers.DateField(allow_null=True, help_text="…until the day before this one.")
    status = serializers.ChoiceField(choices=[(s.value, s.value) for s in ItemStatus])
    status_label = serializers.CharField()
    in_care = serializers.BooleanField(help_text="Due during the current place of care.")
    days_overdue = serializers.IntegerField()
    examined_on = serializers.DateField(source="exam.examined_on", default=None, allow_null=True)


class CareScheduleSerializer(serializers.Serializer):
    child = serializers.UUIDField(source="child.code")
    child_name = serializers.CharField(source="child.name")
    day = serializers.DateField()
    overdue = serializers.SerializerMethodField()
    items = CareScheduleItemSerializer(many=True)

    def get_overdue(self, schedule: ChildSchedule) -> int:
        return len(schedule.overdue)


class ScheduleView(APIView):
    """The child's examination schedule, each item with its status (done, upcoming, due, overdue…)."""

    @extend_schema(responses={200: CareScheduleSerializer})
    def get(self, request: Request, code: Any) -> Response:
        child = _open(request, code, "schedule")
        return Response(CareScheduleSerializer(child_schedule(child)).data)


# Examinations -------------------------------------------------------------------------------------------


class CareExamSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    anaemia = serializers.SerializerMethodField(
        help_text="mild, moderate or severe below 110 g/L; else empty."
    )
    source_label = serializers.CharField(source="get_source_display")
    institution = serializers.CharField(source="institution.name", default=None)

    class Meta:
        model = HealthExam
        fields = [
            "id",
            "kind",
            "kind_label",
            "examined_on",
            "haemoglobin_g_l",
            "anaemia",
            "hearing_result",
            "note",
            "source",
            "source_label",
            "institution",
            "recorded_at",
        ]

    def get_anaemia(self, exam: HealthExam) -> str:
        return anaemia_grade(exam.haemoglobin_g_l)


class CareExamInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExamKind.choices)
    examined_on = serializers.DateField(help_text="Not in the future.")
    haemoglobin_g_l = serializers.IntegerField(
        required=False, allow_null=True, help_text="Haemoglobin test only; below 110 g/L is referred."
    )
    hearing_result = serializers.ChoiceField(
        choices=HearingResult.choices, required=False, allow_blank=True, default="", help_text="Hearing only."
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    referred_to = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="If the result is referred."
    )


class ExamsView(APIView):
    """The child's examinations, newest first; POST records one (anaemia and hearing "refer" are referred)."""

    @extend_schema(responses={200: CareExamSerializer(many=True)})
    def get(self, request: Request, code: Any) -> Response:
        child = _open(request, code, "exams")
        return Response(CareExamSerializer(exams_of(child), many=True).data)

    @extend_schema(request=CareExamInputSerializer, responses={201: CareExamSerializer, **REFUSED})
    def post(self, request: Request, code: Any) -> Response:
        return _record_for_child(
            request,
            code,
            given=CareExamInputSerializer,
            record=services.health_exam_record,
            answer=CareExamSerializer,
        )


# Development screenings ---------------------------------------------------------------------------------


class CareSignSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField(help_text="The national wording (Chinese).")
    gloss = serializers.CharField(help_text="An English gloss.")


class CareScreeningSerializer(serializers.ModelSerializer):
    positive_signs = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of the signs present."
    )
    signs = serializers.SerializerMethodField()
    referral = serializers.SerializerMethodField(help_text="The referral the signs made, if any.")

    class Meta:
        model = DevelopmentScreening
        fields = ["id", "checkpoint_months", "screened_on", "positive_signs", "signs", "note", "referral"]

    @extend_schema_field(CareSignSerializer(many=True))
    def get_signs(self, screening: DevelopmentScreening) -> list[dict[str, str]]:
        signs = [SIGNS_BY_CODE[code] for code in screening.positive_signs if code in SIGNS_BY_CODE]
        return [{"code": s.code, "text": s.text, "gloss": s.gloss} for s in signs]

    def get_referral(self, screening: DevelopmentScreening) -> int | None:
        referrals = [referral.pk for referral in screening.referrals.all()]  # prefetched
        return min(referrals, default=None)


class CareScreeningInputSerializer(serializers.Serializer):
    checkpoint_months = serializers.IntegerField(
        help_text="3, 6, 8, 12, 18, 24, 30 or 36: the child's age's."
    )
    screened_on = serializers.DateField(help_text="Not in the future.")
    positive_signs = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        default=list,
        max_length=50,
        help_text="Codes, e.g. m18_walk.",
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    referred_to = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ScreeningsView(APIView):
    """The child's development screenings; POST records one (any positive sign is referred)."""

    @extend_schema(responses={200: CareScreeningSerializer(many=True)})
    def get(self, request: Request, code: Any) -> Response:
        child = _open(request, code, "screenings")
        return Response(CareScreeningSerializer(screenings_of(child), many=True).data)

    @extend_schema(request=CareScreeningInputSerializer, responses={201: CareScreeningSerializer, **REFUSED})
    def post(self, request: Request, code: Any) -> Response:
        return _record_for_child(
            request,
            code,
            given=CareScreeningInputSerializer,
            record=services.development_screening_record,
            answer=CareScreeningSerializer,
        )


# Referrals ----------------------------------------------------------------------------------------------


class CareReferralSerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="child.code")
    child_name = serializers.CharField(source="child.name")
    reason_label = serializers.CharField(source="get_reason_display")
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "child",
            "child_name",
            "reason",
            "reason_label",
            "detail",
            "referred_on",
            "referred_to",
            "exam",
            "screening",
            "measurement",
            "outcome",
            "outcome_on",
            "closed_at",
            "is_open",
        ]

    def get_is_open(self, referral: Referral) -> bool:
        return referral.closed_at is None


class CareReferralInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReferralReason.choices)
    detail = serializers.CharField(max_length=300)
    referred_on = serializers.DateField(help_text="Not in the future.")
    referred_to = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class CareOutcomeInputSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=300, allow_blank=True)
    outcome_on = serializers.DateField(required=False, allow_null=True, help_text="Today if left out.")
    close = serializers.BooleanField(required=False, default=False, help_text="Close it (needs the outcome).")


class ChildReferralsView(APIView):
    """The child's referrals, open ones first; POST refers the child."""

    @extend_schema(responses={200: CareReferralSerializer(many=True)})
    def get(self, request: Request, code: Any) -> Response:
        child = _open(request, code, "referrals")
        return Response(CareReferralSerializer(referrals_of(child).select_related("child"), many=True).data)

    @extend_schema(request=CareReferralInputSerializer, responses={201: CareReferralSerializer, **REFUSED})
    def post(self, request: Request, code: Any) -> Response:
        return _record_for_child(
            request,
            code,
            given=CareReferralInputSerializer,
            record=services.referral_create,
            answer=CareReferralSerializer,
        )


def _require_follow_up(request: Request) -> None:
    if not follows_up_health(request.user):
        raise Http404


class ReferralView(APIView):
    """One referral (a read of the child's record); POST records its outcome or closes it."""

    def _referral(self, request: Request, pk: int) -> Referral:
        return get_visible_or_404(referrals_visible_to(request.user), pk=pk)

    @extend_schema(responses={200: CareReferralSerializer})
    def get(self, request: Request, pk: int) -> Response:
        referral = self._referral(request, pk)
        health_record_read(
            signed_in_user(request), referral.child, view="referral", channel=AccessChannel.API
        )
        return Response(CareReferralSerializer(referral).data)

    @extend_schema(request=CareOutcomeInputSerializer, responses={200: CareReferralSerializer, **REFUSED})
    def post(self, request: Request, pk: int) -> Response:
        referral = self._referral(request, pk)
        if not may_record_medical(request.user, referral.child):
            raise Http404
        data = validated(CareOutcomeInputSerializer, request.data)
        referral = services.referral_record_outcome(actor=signed_in_user(request), referral=referral, **data)
        return Response(CareReferralSerializer(referral).data)


class ReferralListView(LogsHealthReads, generics.ListAPIView):
    """The referrals of the children in care where the caller follows up health, open ones first."""

    serializer_class = CareReferralSerializer
    health_view = "referrals"

    def children_of(self, item: Referral) -> list[Child]:
        return [item.child]

    queryset = Referral.objects.none()

    def get_queryset(self) -> QuerySet[Referral]:
        _require_follow_up(self.request)
        return referrals_visible_to(self.request.user)


# Immunisation-certificate checks -------------------------------------------------------------------------


class CareImmunisationCheckSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    institution = serializers.CharField(source="institution.name")

    class Meta:
        model = ImmunisationCheck
        fields = [
            "id",
            "kind",
            "kind_label",
            "checked_on",
            "complete",
            "missing_doses",
            "guardian_urged_at",
            "institution",
            "recorded_at",
        ]


class CareImmunisationCheckInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImmunisationCheckKind.choices)
    checked_on = serializers.DateField(help_text="Not in the future.")
    complete = serializers.BooleanField(help_text="Every dose due is given.")
    missing_doses = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text="Needed when incomplete."
    )


class ImmunisationChecksView(APIView):
    """The child's certificate checks; POST records one (the institution's director or health worker)."""

    @extend_schema(responses={200: CareImmunisationCheckSerializer(many=True)})
    def get(self, request: Request, code: Any) -> Response:
        child = _open(request, code, "immunisation")
        return Response(CareImmunisationCheckSerializer(immunisation_checks_of(child), many=True).data)

    @extend_schema(
        request=CareImmunisationCheckInputSerializer,
        responses={201: CareImmunisationCheckSerializer, **REFUSED},
    )
    def post(self, request: Request, code: Any) -> Response:
        return _record_for_child(
            request,
            code,
            given=CareImmunisationCheckInputSerializer,
            record=services.immunisation_check_record,
            answer=CareImmunisationCheckSerializer,
            immunisation=True,
        )


# Overdue examinations -----------------------------------------------------------------------------------


class CareNamedSerializer(serializers.Serializer):
    code = serializers.UUIDField()
    name = serializers.CharField()


class CareOverdueChildSerializer(serializers.Serializer):
    child = serializers.UUIDField(source="child.code")
    child_name = serializers.CharField(source="child.name")
    institution = CareNamedSerializer(source="placement.institution")
    care_class = CareNamedSerializer(source="placement.care_class")
    items = CareScheduleItemSerializer(source="overdue", many=True)


class OverdueView(APIView):
    """Children in care with examinations more than 30 days overdue, by institution and class."""

    @extend_schema(responses={200: CareOverdueChildSerializer(many=True)})
    def get(self, request: Request) -> Response:
        _require_follow_up(request)
        day: datetime.date = timezone.localdate()
        schedules = overdue_visible_to(request.user, day=day)
        health_records_read(
            request.user,
            [schedule.child for schedule in schedules],
            view="overdue",
            channel=AccessChannel.API,
        )
        return Response(CareOverdueChildSerializer(schedules, many=True).data)


urlpatterns = [
    path("health/children/<uuid:code>/schedule/", ScheduleView.as_view(), name="api-health-child-schedule"),
    path("health/children/<uuid:code>/exams/", ExamsView.as_view(), name="api-health-child-exams"),
    path(
        "health/children/<uuid:code>/screenings/",
        ScreeningsView.as_view(),
        name="api-health-child-screenings",
    ),
    path(
        "health/children/<uuid:code>/referrals/",
        ChildReferralsView.as_view(),
        name="api-health-child-referrals",
    ),
    path(
        "health/children/<uuid:code>/immunisation-checks/",
        ImmunisationChecksView.as_view(),
        name="api-health-child-immunisation-checks",
    ),
    path("health/referrals/", ReferralListView.as_view(), name="api-health-referrals"),
    path("health/referrals/<int:pk>/", ReferralView.as_view(), name="api-health-referral"),
    path("health/overdue/", OverdueView.as_view(), name="api-health-overdue"),
]
