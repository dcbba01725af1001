"""The attendance API: every action of the class screen, for a caregiver's app; a child's day for families.

Staff who record care at the institution (caregivers, health workers, the director) read a class's day and
post check-ins with the morning check, noon checks, absences and check-outs; health workers read and
update the illness follow-ups. Guardians read their own children's attendance of a day. A class, child or
follow-up outside the caller's scope is 404. Refusals answer 400 (the input) or 409 (the state) with
``{"code", "detail"}``: ``temperature_implausible``, ``abnormal_needs_notification``, ``already_checked_in``,
``not_checked_in``, ``already_checked_out``, ``pickup_not_authorised`` and the others listed in
``services.attendance``.
"""

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404, has_perm, signed_in_user
from tuoyu.daycare.models import (
    Absence,
    AbsenceReason,
    CheckDecision,
    HealthCheck,
    IllnessFollowUp,
    Observation,
    Symptom,
)
from tuoyu.daycare.selectors.attendance import (
    RosterEntry,
    care_classes_visible_to,
    day_counts,
    day_entry,
    day_roster,
    family_absences_visible_to,
    follow_ups_visible_to,
    observation_labels,
    pickup_options,
)
from tuoyu.daycare.selectors.ratios import class_ratio
from tuoyu.daycare.services import attendance as services
from tuoyu.enrolment.access_log import health_record_read, health_records_read
from tuoyu.enrolment.models import AccessChannel, Child
from tuoyu.enrolment.selectors import guardians_of
from tuoyu.parsers import query_flag, validated
from tuoyu.refusals import Refusal, refused
from tuoyu.registry.models import CareClass
from tuoyu.registry.selectors import opening_warning


def _day_param(request: Request) -> datetime.date:
    value = request.query_params.get("day")
    if not value:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


def _care_class(request: Request, code: uuid.UUID) -> CareClass:
    return get_visible_or_404(care_classes_visible_to(request.user), code=code)


def _child_on_roster(care_class: CareClass, code: uuid.UUID) -> Child:
    """A child with a place in the class today; any other child is 404, as if it did not exist."""
    return get_visible_or_404(Child.objects.in_class(care_class, timezone.localdate()), code=code)


DAY_PARAMETER = OpenApiParameter(
    "day", OpenApiTypes.DATE, description="The day (YYYY-MM-DD); today if left out.", required=False
)


# What a day looks like --------------------------------------------------------------------------------------


class AttendanceHealthCheckSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    decision_label = serializers.CharField(source="get_decision_display")
    observation_labels = serializers.SerializerMethodField()
    checked_by = serializers.CharField(source="checked_by.display_name")

    class Meta:
        model = HealthCheck
        fields = [
            "kind",
            "kind_label",
            "temperature_c",
            "observations",
            "observation_labels",
            "decision",
            "decision_label",
            "reason",
            "guardian_notified_at",
            "action",
            "checked_at",
            "checked_by",
            "is_abnormal",
        ]

    def get_observation_labels(self, check: HealthCheck) -> list[str]:
        return observation_labels(check)


class AttendancePickupOptionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "guardian"])
    id = serializers.IntegerField()
    name = serializers.CharField()
    relation = serializers.CharField()


class AttendanceDaySerializer(serializers.Serializer):
    """A child's day: state, arrival with the morning check, noon check, who collected them, or absence."""

    child = serializers.UUIDField(source="child.code")
    child_name = serializers.CharField(source="child.name")
    state = serializers.CharField()
    state_label = serializers.CharField()
    checked_in_at = serializers.DateTimeField(source="attendance.checked_in_at", default=None)
    checked_in_by = serializers.CharField(source="attendance.checked_in_by.display_name", default=None)
    checked_out_at = serializers.DateTimeField(source="attendance.checked_out_at", default=None)
    checked_out_by = serializers.CharField(source="attendance.checked_out_by.display_name", default=None)
    collected_by = serializers.CharField(
        source="attendance.picked_up_by_name", default=None, help_text="Who collected the child."
    )
    morning_check = AttendanceHealthCheckSerializer(source="morning", allow_null=True)
    noon_check = AttendanceHealthCheckSerializer(source="noon", allow_null=True)
    absence_reason = serializers.CharField(source="absence.reason", default=None)
    absence_symptom = serializers.CharField(source="absence.symptom", default=None)
    absence_note = serializers.CharField(source="absence.note", default=None)


class AttendanceRosterChildSerializer(AttendanceDaySerializer):
    needs_noon_check = serializers.BooleanField()
    allergies = serializers.CharField(source="child.allergies")
    pickup_options = serializers.SerializerMethodField()

    def get_pickup_options(self, entry: RosterEntry) -> list[dict[str, Any]]:
        options = pickup_options(entry.child) if entry.present else []
        return [AttendancePickupOptionSerializer(option).data for option in options]


class AttendanceRatioSerializer(serializers.Serializer):
    present = serializers.IntegerField()
    children_per_caregiver = serializers.IntegerField()
    required = serializers.IntegerField()  # type: ignore[assignment]
    certified_on_duty = serializers.IntegerField()
    uncertified_on_duty = serializers.IntegerField()
    breach = serializers.BooleanField()


class AttendanceCountsSerializer(serializers.Serializer):
    on_roster = serializers.IntegerField()
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    sent_home = serializers.IntegerField()
    checked_out = serializers.IntegerField()
    not_yet = serializers.IntegerField(help_text="Expected, with neither a check-in nor an absence note.")


class AttendanceClassDaySerializer(serializers.Serializer):
    care_class = serializers.UUIDField()
    name = serializers.CharField()
    day = serializers.DateField()
    ratio = AttendanceRatioSerializer()
    counts = AttendanceCountsSerializer()
    children = AttendanceRosterChildSerializer(many=True)


class ClassDayView(APIView):
    """The class's roster of a day with each child's state, the counts and the live ratio."""

    @extend_schema(parameters=[DAY_PARAMETER], responses=AttendanceClassDaySerializer)
    def get(self, request: Request, code: uuid.UUID) -> Response:
        care_class = _care_class(request, code)
        day = _day_param(request)
        roster = day_roster(care_class, day)
        data = {
            "care_class": care_class.code,
            "name": care_class.name,
            "day": day,
            "ratio": class_ratio(care_class, day),
            "counts": day_counts(roster),
            "children": roster,
        }
        health_records_read(
            request.user, [entry.child for entry in roster], view="class_screen", channel=AccessChannel.API
        )
        return Response(AttendanceClassDaySerializer(data).data)


# Actions ----------------------------------------------------------------------------------------------------


class AttendanceCheckInputSerializer(serializers.Serializer):
    child = serializers.UUIDField()
    temperature_c = serializers.DecimalField(
        max_digits=6, decimal_places=2, help_text="°C; 34-43 is plausible."
    )
    observations = serializers.ListField(
        child=serializers.ChoiceField(choices=Observation.choices), default=list, max_length=len(Observation)
    )
    decision = serializers.ChoiceField(choices=CheckDecision.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    guardian_notified_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    action = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


def _entry_response(
    request: Request, child: Child, code: int = status.HTTP_201_CREATED, day: datetime.date | None = None
) -> Response:
    """The child's row of the day, as the answer to an action on it (it shows the day's checks)."""
    entry = day_entry(child, day or timezone.localdate())
    health_record_read(request.user, child, view="child_day", channel=AccessChannel.API)
    return Response(AttendanceRosterChildSerializer(entry).data, status=code)


class CheckResultSerializer(AttendanceRosterChildSerializer):
    warning = serializers.CharField(
        allow_null=True,
        help_text="Recorded all the same, but worth a look: the institution is closed today or it is outside "
        "its opening hours (DAY-11). Null otherwise.",
    )


class _HealthCheckView(APIView):
    """A morning or noon check of a child of the class: one input shape, one answer (the child's row, with
    a warning when the institution is closed or it is outside its hours)."""

    record: Callable[..., object]

    def post(self, request: Request, code: uuid.UUID) -> Response:
        care_class = _care_class(request, code)
        data = validated(AttendanceCheckInputSerializer, request.data)
        child = _child_on_roster(care_class, data.pop("child"))
        type(self).record(care_class=care_class, child=child, by=signed_in_user(request), **data)
        response = _entry_response(request, child)
        response.data["warning"] = opening_warning(care_class.institution, timezone.now())
        return response


def _check_schema(*examples: str) -> Any:
    return extend_schema_view(
        post=extend_schema(
            request=AttendanceCheckInputSerializer,
            responses={201: CheckResultSerializer, **refused(*examples)},
        )
    )


@_check_schema("temperature_implausible", "already_checked_in")
class CheckInView(_HealthCheckView):
    """Check a child in with the morning check (晨检); ``send_home`` records them as sent home."""

    record = staticmethod(services.attendance_check_in)


@_check_schema("abnormal_needs_notification", "not_checked_in")
class NoonCheckView(_HealthCheckView):
    """The noon check (午检) of a child present."""

    record = staticmethod(services.noon_check_record)


class AttendanceAbsenceInputSerializer(serializers.Serializer):
    child = serializers.UUIDField()
    reason = serializers.ChoiceField(choices=AbsenceReason.choices)
    symptom = serializers.ChoiceField(
        choices=Symptom.choices, required=False, allow_blank=True, default="", help_text="Needed for illness."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    day = serializers.DateField(required=False, allow_null=True, default=None, help_text="Today if left out.")


class AbsenceView(APIView):
    """Record an absence; an illness (with its symptom category) opens a follow-up for the health worker."""

    @extend_schema(
        request=AttendanceAbsenceInputSerializer,
        responses={
            201: AttendanceRosterChildSerializer,
            **refused("symptom_required", "already_checked_in"),
        },
    )
    def post(self, request: Request, code: uuid.UUID) -> Response:
        care_class = _care_class(request, code)
        data = validated(AttendanceAbsenceInputSerializer, request.data)
        child = _child_on_roster(care_class, data.pop("child"))
        absence = services.absence_record(
            care_class=care_class, child=child, by=signed_in_user(request), **data
        )
        return _entry_response(request, child, day=absence.day)


class AttendanceCheckOutInputSerializer(serializers.Serializer):
    child = serializers.UUIDField()
    pickup_person = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="One of the child's authorised pick-up persons.",
    )
    guardian = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The user id of one of the child's guardians.",
    )
    person_name = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=50,
        help_text="Someone else: always refused (pickup_not_authorised), recorded, and the director alerted.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class CheckOutView(APIView):
    """Hand a child over to an authorised pick-up person or a guardian (``pickup_options`` of the roster)."""

    @extend_schema(
        request=AttendanceCheckOutInputSerializer,
        responses={
            200: AttendanceRosterChildSerializer,
            **refused("pickup_not_authorised", "already_checked_out"),
        },
    )
    def post(self, request: Request, code: uuid.UUID) -> Response:
        care_class = _care_class(request, code)
        data = validated(AttendanceCheckOutInputSerializer, request.data)
        child = _child_on_roster(care_class, data.pop("child"))
        person_id, guardian_id = data.pop("pickup_person"), data.pop("guardian")
        person = guardian = None
        if person_id is not None:
            person = child.pickup_persons.filter(pk=person_id).first()
            if person is None:
                raise Refusal(_("This is not one of the child's pick-up persons."), "pickup_person_unknown")
        elif guardian_id is not None:
            guardian = guardians_of(child).filter(pk=guardian_id).first()
            if guardian is None:
                raise Refusal(_("This is not one of the child's guardians."), "pickup_person_unknown")
        services.attendance_check_out(
            care_class=care_class,
            child=child,
            by=signed_in_user(request),
            pickup_person=person,
            guardian=guardian,
            **data,
        )
        return _entry_response(request, child, status.HTTP_200_OK)


# Illness follow-ups -----------------------------------------------------------------------------------------


class IllnessFollowUpSerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="absence.child.code", read_only=True)
    child_name = serializers.CharField(source="absence.child.name", read_only=True)
    care_class = serializers.UUIDField(source="absence.care_class.code", read_only=True)
    day = serializers.DateField(source="absence.day", read_only=True)
    symptom = serializers.CharField(source="absence.symptom", read_only=True)
    symptom_label = serializers.CharField(source="absence.get_symptom_display", read_only=True)
    closed_by = serializers.CharField(
        source="closed_by.display_name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = IllnessFollowUp
        fields = [
            "id",
            "child",
            "child_name",
            "care_class",
            "day",
            "symptom",
            "symptom_label",
            "diagnosis",
            "expected_return",
            "outcome",
            "closed_at",
            "closed_by",
        ]
        read_only_fields = ["id", "closed_at"]


class IllnessFollowUpInputSerializer(serializers.Serializer):
    diagnosis = serializers.CharField(required=False, allow_blank=True, max_length=100)
    expected_return = serializers.DateField(required=False, allow_null=True)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=200)
    close = serializers.BooleanField(required=False, default=False)


def _require_health(request: Request) -> None:
    if not has_perm(request.user, Perm.RECORD_HEALTH):
        raise Http404


class FollowUpListView(APIView):
    """Illness follow-ups of the caller's institutions (health workers, directors); ``?open=true``: open."""

    @extend_schema(
        parameters=[OpenApiParameter("open", OpenApiTypes.BOOL, required=False)],
        responses=IllnessFollowUpSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        _require_health(request)
        follow_ups = follow_ups_visible_to(request.user).order_by("closed_at", "absence__day", "pk")
        if query_flag(request.query_params, "open"):
            follow_ups = follow_ups.filter(closed_at__isnull=True)
        shown = list(follow_ups.select_related("absence__child")[:200])
        health_records_read(
            request.user, [item.absence.child for item in shown], view="follow_ups", channel=AccessChannel.API
        )
        return Response(IllnessFollowUpSerializer(shown, many=True).data)


class FollowUpView(APIView):
    """One follow-up: read it, or record the diagnosis, expected return and outcome, and close it."""

    @extend_schema(responses=IllnessFollowUpSerializer)
    def get(self, request: Request, pk: int) -> Response:
        follow_up = get_visible_or_404(follow_ups_visible_to(request.user), pk=pk)
        health_record_read(
            request.user, follow_up.absence.child, view="follow_ups", channel=AccessChannel.API
        )
        return Response(IllnessFollowUpSerializer(follow_up).data)

    @extend_schema(
        request=IllnessFollowUpInputSerializer,
        responses={
            200: IllnessFollowUpSerializer,
            **refused("expected_return_before_absence", "follow_up_closed"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        follow_up = get_visible_or_404(follow_ups_visible_to(request.user), pk=pk)
        data = validated(IllnessFollowUpInputSerializer, request.data)
        updated = services.follow_up_update(follow_up=follow_up, by=signed_in_user(request), **data)
        health_record_read(
            request.user, follow_up.absence.child, view="follow_ups", channel=AccessChannel.API
        )
        return Response(IllnessFollowUpSerializer(updated).data)


# A child's day for the family -------------------------------------------------------------------------------


class ChildAttendanceView(APIView):
    """A child's attendance of a day: checked in at, checked out at, by whom (guardians: their own child)."""

    @extend_schema(parameters=[DAY_PARAMETER], responses=AttendanceDaySerializer)
    def get(self, request: Request, code: uuid.UUID) -> Response:
        child = get_visible_or_404(Child.objects.visible_to(request.user, Perm.RECORD_CARE), code=code)
        day = _day_param(request)
        health_record_read(request.user, child, view="child_attendance", channel=AccessChannel.API)
        return Response({"day": day, **AttendanceDaySerializer(day_entry(child, day)).data})


# The family's 请假 ------------------------------------------------------------------------------------------


class FamilyAbsenceSerializer(serializers.ModelSerializer):
    care_class = serializers.CharField(source="care_class.name", read_only=True)

    class Meta:
        model = Absence
        fields = ["id", "day", "reason", "symptom", "note", "care_class", "by_family"]


class FamilyAbsenceInputSerializer(serializers.Serializer):
    first_day = serializers.DateField()
    last_day = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="The first day if left out (one day)."
    )
    reason = serializers.ChoiceField(choices=AbsenceReason.choices)
    symptom = serializers.ChoiceField(
        choices=Symptom.choices, required=False, allow_blank=True, default="", help_text="Needed for illness."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


def _own_child(request: Request, code: uuid.UUID) -> Child:
    """One of the caller's own children, as their guardian; any other child is 404."""
    return get_visible_or_404(Child.objects.of_guardian(request.user), code=code)


class FamilyAbsenceListView(APIView):
    """A guardian's 请假 for their own child: the absences from ``since`` (default: today), and a report of
    a day or a range (the days the child is expected; an illness with its symptom category). The same
    absences as the class screen's entry: the illness follow-up and the outbreak watch run alike."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since", OpenApiTypes.DATE, required=False, description="From this day (today if left out)."
            )
        ],
        responses=FamilyAbsenceSerializer(many=True),
    )
    def get(self, request: Request, code: uuid.UUID) -> Response:
        child = _own_child(request, code)
        value = request.query_params.get("since")
        try:
            since = datetime.date.fromisoformat(value) if value else timezone.localdate()
        except ValueError:
            raise Http404 from None
        absences = family_absences_visible_to(request.user).filter(child=child, day__gte=since)
        shown = list(absences.order_by("day")[:100])
        health_record_read(request.user, child, view="family_absences", channel=AccessChannel.API)
        return Response(FamilyAbsenceSerializer(shown, many=True).data)

    @extend_schema(
        request=FamilyAbsenceInputSerializer,
        responses={
            201: FamilyAbsenceSerializer(many=True),
            **refused("day_in_past", "no_expected_day"),
        },
    )
    def post(self, request: Request, code: uuid.UUID) -> Response:
        child = _own_child(request, code)
        data = validated(FamilyAbsenceInputSerializer, request.data)
        absences = services.family_absence_report(child=child, actor=signed_in_user(request), **data)
        return Response(FamilyAbsenceSerializer(absences, many=True).data, status=status.HTTP_201_CREATED)


class FamilyAbsenceView(APIView):
    """Withdraw a 请假 day still ahead (the child comes after all)."""

    @extend_schema(responses={204: None, **refused("", "day_not_ahead")})
    def delete(self, request: Request, code: uuid.UUID, pk: int) -> Response:
        child = _own_child(request, code)
        absence = get_visible_or_404(family_absences_visible_to(request.user).filter(child=child), pk=pk)
        services.family_absence_withdraw(absence=absence, actor=signed_in_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("care/classes/<uuid:code>/attendance/", ClassDayView.as_view(), name="api-care-attendance"),
    path("care/classes/<uuid:code>/check-ins/", CheckInView.as_view(), name="api-care-check-ins"),
    path("care/classes/<uuid:code>/noon-checks/", NoonCheckView.as_view(), name="api-care-noon-checks"),
    path("care/classes/<uuid:code>/absences/", AbsenceView.as_view(), name="api-care-absences"),
    path("care/classes/<uuid:code>/check-outs/", CheckOutView.as_view(), name="api-care-check-outs"),
    path("care/follow-ups/", FollowUpListView.as_view(), name="api-care-follow-ups"),
    path("care/follow-ups/<int:pk>/", FollowUpView.as_view(), name="api-care-follow-up"),
    path(
        "care/children/<uuid:code>/attendance/",
        ChildAttendanceView.as_view(),
        name="api-care-child-attendance",
    ),
    path(
        "care/children/<uuid:code>/absences/",
        FamilyAbsenceListView.as_view(),
        name="api-care-family-absences",
    ),
    path(
        "care/children/<uuid:code>/absences/<int:pk>/",
        FamilyAbsenceView.as_view(),
        name="api-care-family-absence",
    ),
]
