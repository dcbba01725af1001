"""The care log and daily report API: everything caregivers and guardians do on the pages.

Staff (``record_care`` at the institution) post entries one at a time or for the whole class, read a
child's day, add photos and publish. Guardians read their children's *published* reports, reply,
acknowledge incidents and write medication instructions. Anything outside the caller's scope, and any day
whose report is not published for a family, is 404. Refusals answer 400 or 409 with ``{"code", "detail"}``.
"""

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import get_visible_or_404, signed_in_user
from tuoyu.daycare.models import (
    ActivityArea,
    CareLogEntry,
    DailyReport,
    LogKind,
    MedicationInstruction,
    Mood,
    Portion,
    ReportPhoto,
)
from tuoyu.daycare.selectors.attendance import care_classes_visible_to, care_institutions_visible_to
from tuoyu.daycare.selectors.carelog import (
    ChildDay,
    care_entries_visible_to,
    child_day,
    class_day,
    describe,
    entries_visible_to_guardian,
    instructions_valid_on,
    medication_instructions_visible_to,
    photos_removable_by,
    photos_visible_to,
    published_reports_of_guardian,
    sleep_minutes,
)
from tuoyu.daycare.services import carelog as services
from tuoyu.enrolment.access_log import LogsHealthReads, health_record_read, health_records_read
from tuoyu.enrolment.models import AccessChannel, Child
from tuoyu.parsers import MAX_LIST_ITEMS, validated
from tuoyu.refusals import refused
from tuoyu.registry.models import CareClass
from tuoyu.uploads import serve_upload

REFUSED = refused("not_in_class", "report_published")


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


def _care_class(request: Request, code: Any) -> CareClass:
    return get_visible_or_404(care_classes_visible_to(request.user), code=code)


def _child_of_class(care_class: CareClass, code: Any) -> Child:
    return get_visible_or_404(Child.objects.in_class(care_class), code=code)


# Serializers -------------------------------------------------------------------------------------------


class EntrySerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="child.code", read_only=True)
    child_name = serializers.CharField(source="child.name", read_only=True)
    care_class = serializers.UUIDField(source="care_class.code", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="One of the kinds of POST care/entries/.")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    line = serializers.SerializerMethodField(help_text="What the entry says, in the reader's language.")
    sleep_minutes = serializers.SerializerMethodField()
    medicine = serializers.CharField(source="medication_instruction.medicine", default="", read_only=True)

    class Meta:
        model = CareLogEntry
        fields = [
            "code",
            "child",
            "child_name",
            "care_class",
            "day",
            "kind",
            "kind_label",
            "at",
            "ends_at",
            "sleep_minutes",
            "portion",
            "amount_ml",
            "mood",
            "activity_area",
            "cause",
            "response",
            "outcome",
            "medication_instruction",
            "medicine",
            "dose_given",
            "place",
            "first_aid",
            "guardian_informed_at",
            "guardian_acknowledged_at",
            "text",
            "line",
        ]
        read_only_fields = fields

    def get_line(self, entry: CareLogEntry) -> str:
        return describe(entry)

    def get_sleep_minutes(self, entry: CareLogEntry) -> int | None:
        return sleep_minutes(entry)


class EntryDetailsSerializer(serializers.Serializer):
    """The details of an entry; which ones an entry needs depends on its kind."""

    at = serializers.DateTimeField(required=False, help_text="When; now if left out. The day follows.")
    ends_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Sleep: woke up at.")
    portion = serializers.ChoiceField(choices=Portion.choices, required=False, allow_blank=True)
    amount_ml = serializers.IntegerField(required=False, allow_null=True, help_text="Bottle, water.")
    mood = serializers.ChoiceField(choices=Mood.choices, required=False, allow_blank=True)
    activity_area = serializers.CharField(max_length=40, required=False, allow_blank=True)
    text = serializers.CharField(max_length=300, required=False, allow_blank=True)


class EntryCreateSerializer(EntryDetailsSerializer):
    child = serializers.UUIDField()
    care_class = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=LogKind.choices)
    cause = serializers.CharField(max_length=200, required=False, allow_blank=True)
    response = serializers.CharField(max_length=200, required=False, allow_blank=True)
    outcome = serializers.CharField(max_length=200, required=False, allow_blank=True)
    medication_instruction = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of the guardian's instruction (optional if one only)."
    )
    medicine = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Medication: the medicine given, as on its package; refused if not the instructed one.",
    )
    dose_given = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="Medication: empty for the instructed dose; more than instructed is refused.",
    )
    place = serializers.CharField(max_length=100, required=False, allow_blank=True)
    first_aid = serializers.CharField(max_length=200, required=False, allow_blank=True)
    guardian_informed_at = serializers.DateTimeField(required=False, allow_null=True)


class BatchExceptionSerializer(EntryDetailsSerializer):
    child = serializers.UUIDField()
    skip = serializers.BooleanField(default=False, help_text="Leave this child out.")


class BatchSerializer(EntryDetailsSerializer):
    kind = serializers.ChoiceField(
        choices=[(k, LogKind(k).label) for k in LogKind if k in services.BATCH_KINDS]
    )
    exceptions = serializers.ListField(
        child=BatchExceptionSerializer(), required=False, max_length=MAX_LIST_ITEMS
    )


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReportPhoto
        fields = ["id", "caption", "uploaded_at", "url"]

    def get_url(self, photo: ReportPhoto) -> str:
        return reverse("api-care-photo", kwargs={"pk": photo.pk})


class PhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField(help_text="JPEG or PNG, at most 5 MB; six photos a report at most.")
    caption = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class InstructionSerializer(serializers.ModelSerializer):
    child = serializers.SlugRelatedField(slug_field="code", queryset=Child.objects.none())
    child_name = serializers.CharField(source="child.name", read_only=True)

    class Meta:
        model = MedicationInstruction
        fields = [
            "id",
            "child",
            "child_name",
            "medicine",
            "dose",
            "times",
            "valid_from",
            "valid_until",
            "signed_at",
        ]
        read_only_fields = ["id", "child_name", "signed_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # a guardian writes for their own children only
            self.fields["child"].queryset = Child.objects.of_guardian(request.user)  # type: ignore[attr-defined]


class DaySerializer(serializers.Serializer):
    """A child's day: the timeline, the caregiver's word, photos and (for staff) the medication on file."""

    child = serializers.UUIDField(source="child.code")
    child_name = serializers.CharField(source="child.name")
    day = serializers.DateField()
    published = serializers.BooleanField()
    summary = serializers.CharField(source="report.summary", default="")
    published_at = serializers.DateTimeField(source="report.published_at", default=None)
    read_at = serializers.DateTimeField(source="report.read_at", default=None)
    reply = serializers.CharField(source="report.reply", default="")
    replied_at = serializers.DateTimeField(source="report.replied_at", default=None)
    total_sleep = serializers.CharField()
    entries = EntrySerializer(many=True)
    photos = PhotoSerializer(many=True)


class StaffDaySerializer(DaySerializer):
    medication_instructions = serializers.SerializerMethodField(
        help_text="The family's medication instructions that cover the day."
    )

    @extend_schema_field(InstructionSerializer(many=True))
    def get_medication_instructions(self, the_day: ChildDay) -> list[dict[str, Any]]:
        instructions = instructions_valid_on(the_day.child, the_day.day).select_related("child")
        return InstructionSerializer(instructions, many=True).data  # type: ignore[return-value]


class ReportListSerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="child.code", read_only=True)
    child_name = serializers.CharField(source="child.name", read_only=True)
    institution_name = serializers.CharField(source="care_class.institution.name", read_only=True)
    class_name = serializers.CharField(source="care_class.name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = DailyReport
        fields = [
            "child",
            "child_name",
            "day",
            "institution_name",
            "class_name",
            "summary",
            "published_at",
            "read_at",
            "replied_at",
            "url",
        ]

    def get_url(self, report: DailyReport) -> str:
        return reverse("api-care-report", kwargs={"child": report.child.code, "day": report.day.isoformat()})


class SummarySerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(allow_blank=True, max_length=2000)


class WakeSerializer(serializers.Serializer):
    ends_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Now if left out.")


class PublishedCountSerializer(serializers.Serializer):
    published = serializers.IntegerField()


class ActivityAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityArea
        fields = ["id", "name"]


# Staff: entries ----------------------------------------------------------------------------------------


def _days_read(request: Request, days: Iterable[ChildDay]) -> None:
    """The children's days carry health data (checks, medication, incidents): each answer logs its read."""
    health_records_read(
        request.user, [day.child for day in days], view="daily_care", channel=AccessChannel.API
    )


class EntryCreateView(APIView):
    """Record one entry of a child's care log (staff of the class's institution)."""

    @extend_schema(request=EntryCreateSerializer, responses={201: EntrySerializer, **REFUSED})
    def post(self, request: Request) -> Response:
        fields = validated(EntryCreateSerializer, request.data)
        care_class = _care_class(request, fields.pop("care_class"))
        child = _child_of_class(care_class, fields.pop("child"))
        entry = services.care_entry_record(
            actor=signed_in_user(request),
            child=child,
            care_class=care_class,
            kind=fields.pop("kind"),
            **fields,
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class BatchView(APIView):
    """Log one kind of entry for every child present in the class; ``exceptions`` differ or skip."""

    @extend_schema(request=BatchSerializer, responses={201: CountSerializer, **REFUSED})
    def post(self, request: Request, code: Any) -> Response:
        care_class = _care_class(request, code)
        fields = validated(BatchSerializer, request.data)
        kind = fields.pop("kind")
        at = fields.pop("at", None)
        exceptions: dict[str, dict[str, Any] | None] = {}
        for exception in fields.pop("exceptions", []):
            details = dict(exception)
            code_of_child = str(details.pop("child"))
            exceptions[code_of_child] = None if details.pop("skip") else details
        count = services.care_batch_record(
            actor=signed_in_user(request),
            care_class=care_class,
            kind=kind,
            at=at,
            defaults=fields,
            exceptions=exceptions,
        )
        return Response({"count": count}, status=status.HTTP_201_CREATED)


class WakeView(APIView):
    """End an open sleep: the child woke up (now, or at ``ends_at``)."""

    @extend_schema(request=WakeSerializer, responses={200: EntrySerializer, **REFUSED})
    def post(self, request: Request, code: Any) -> Response:
        entry = get_visible_or_404(
            care_entries_visible_to(request.user).select_related("care_class"), code=code
        )
        data = validated(WakeSerializer, request.data)
        entry = services.care_sleep_end(
            actor=signed_in_user(request), entry=entry, ends_at=data.get("ends_at")
        )
        return Response(EntrySerializer(entry).data)


class ChildDayView(APIView):
    """A child's day for the staff: every entry (published or not), the report and the medication on file."""

    @extend_schema(responses={200: StaffDaySerializer})
    def get(self, request: Request, code: Any, child: Any, day: str) -> Response:
        care_class = _care_class(request, code)
        kid = _child_of_class(care_class, child)
        the_day = child_day(kid, _day(day))
        _days_read(request, [the_day])
        return Response(StaffDaySerializer(the_day).data)


# Staff: the daily report -------------------------------------------------------------------------------


class ClassReportsView(APIView):
    """Every child who attended the class that day, with their day and whether it is published."""

    @extend_schema(responses={200: DaySerializer(many=True)})
    def get(self, request: Request, code: Any, day: str) -> Response:
        care_class = _care_class(request, code)
        days = class_day(care_class, _day(day))
        _days_read(request, days)
        return Response(DaySerializer(days, many=True).data)


class ReportSummaryView(APIView):
    """The caregiver's word on the child's day (optional; may be corrected after publishing)."""

    @extend_schema(request=SummarySerializer, responses={200: StaffDaySerializer, **REFUSED})
    def put(self, request: Request, code: Any, day: str, child: Any) -> Response:
        care_class = _care_class(request, code)
        kid = _child_of_class(care_class, child)
        the_day = _day(day)
        data = validated(SummarySerializer, request.data)
        services.daily_report_save_summary(
            actor=signed_in_user(request),
            child=kid,
            care_class=care_class,
            day=the_day,
            summary=data.get("summary", ""),
        )
        _days_read(request, [answer := child_day(kid, the_day)])
        return Response(StaffDaySerializer(answer).data)


class ReportPublishView(APIView):
    """Publish the child's report of the day (with the caregiver's word, if given); the family is told."""

    @extend_schema(request=SummarySerializer, responses={200: StaffDaySerializer, **REFUSED})
    def post(self, request: Request, code: Any, day: str, child: Any) -> Response:
        care_class = _care_class(request, code)
        kid = _child_of_class(care_class, child)
        the_day = _day(day)
        data = validated(SummarySerializer, request.data)
        services.daily_report_publish(
            actor=signed_in_user(request),
            child=kid,
            care_class=care_class,
            day=the_day,
            summary=data.get("summary"),
        )
        _days_read(request, [answer := child_day(kid, the_day)])
        return Response(StaffDaySerializer(answer).data)


class ReportPublishAllView(APIView):
    """Publish every report of the class's day that has something in it and is not yet published."""

    @extend_schema(request=None, responses={200: PublishedCountSerializer})
    def post(self, request: Request, code: Any, day: str) -> Response:
        care_class = _care_class(request, code)
        result = services.daily_report_publish_all(
            actor=signed_in_user(request), care_class=care_class, day=_day(day)
        )
        return Response({"published": result.published})


class ReportPhotoAddView(APIView):
    """Add a photo to the child's report (multipart ``image``, optional ``caption``)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=PhotoUploadSerializer, responses={201: PhotoSerializer, **REFUSED})
    def post(self, request: Request, code: Any, day: str, child: Any) -> Response:
        care_class = _care_class(request, code)
        kid = _child_of_class(care_class, child)
        data = validated(PhotoUploadSerializer, request.data)
        photo = services.report_photo_add(
            actor=signed_in_user(request),
            child=kid,
            care_class=care_class,
            day=_day(day),
            upload=data["image"],
            caption=data["caption"],
        )
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


class PhotoView(APIView):
    """A report's photo: for the child's guardians once published, and for the staff of the class."""

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, (200, "image/png"): OpenApiTypes.BINARY}
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        photo = get_visible_or_404(photos_visible_to(request.user), pk=pk)
        return serve_upload(photo.image)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        photo = get_visible_or_404(photos_removable_by(request.user), pk=pk)
        services.report_photo_delete(actor=signed_in_user(request), photo=photo)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Families ----------------------------------------------------------------------------------------------


@extend_schema(parameters=[OpenApiParameter("child", OpenApiTypes.UUID, description="Only this child.")])
class FamilyReportListView(generics.ListAPIView):
    """The published daily reports of the caller's children, newest first (unpublished days never appear)."""

    serializer_class = ReportListSerializer
    queryset = DailyReport.objects.none()

    def get_queryset(self) -> QuerySet[DailyReport]:
        reports = published_reports_of_guardian(self.request.user)
        child = self.request.query_params.get("child")
        if child:
            code = _uuid(child)
            reports = reports.filter(child__code=code) if code else reports.none()
        return reports


def _family_report(request: Request, child: Any, day: str) -> DailyReport:
    return get_visible_or_404(published_reports_of_guardian(request.user), child__code=child, day=_day(day))


class FamilyReportView(APIView):
    """A child's published day for the family; reading it marks it read. 404 until it is published."""

    @extend_schema(responses={200: DaySerializer})
    def get(self, request: Request, child: Any, day: str) -> Response:
        report = _family_report(request, child, day)
        services.daily_report_mark_read(guardian=signed_in_user(request), report=report)
        _days_read(request, [answer := child_day(report.child, report.day, published_only=True)])
        return Response(DaySerializer(answer).data)


class FamilyReplyView(APIView):
    """The family's reply to a published report (replaces an earlier reply); the caregivers are told."""

    @extend_schema(request=ReplySerializer, responses={200: DaySerializer, **REFUSED})
    def post(self, request: Request, child: Any, day: str) -> Response:
        report = _family_report(request, child, day)
        data = validated(ReplySerializer, request.data)
        report = services.daily_report_reply(
            guardian=signed_in_user(request), report=report, reply=data["reply"]
        )
        _days_read(request, [answer := child_day(report.child, report.day, published_only=True)])
        return Response(DaySerializer(answer).data)


class IncidentAcknowledgeView(APIView):
    """ "I have read this": the guardian acknowledges an incident of a published day."""

    @extend_schema(request=None, responses={200: EntrySerializer, **REFUSED})
    def post(self, request: Request, code: Any) -> Response:
        entry = get_visible_or_404(
            entries_visible_to_guardian(request.user).filter(kind=LogKind.INCIDENT).select_related("child"),
            code=code,
        )
        entry = services.incident_acknowledge(guardian=signed_in_user(request), entry=entry)
        health_record_read(request.user, entry.child, view="daily_care", channel=AccessChannel.API)
        return Response(EntrySerializer(entry).data)


@extend_schema(
    parameters=[
        OpenApiParameter("child", OpenApiTypes.UUID, description="Only this child."),
        OpenApiParameter("valid_on", OpenApiTypes.DATE, description="Only instructions covering this day."),
    ]
)
class InstructionListView(LogsHealthReads, generics.ListCreateAPIView):
    """Medication instructions: guardians write them for their children and read their own; the staff of
    the institution where the child is placed read them."""

    health_view = "medication"

    serializer_class = InstructionSerializer
    queryset = MedicationInstruction.objects.none()

    def get_queryset(self) -> QuerySet[MedicationInstruction]:
        instructions = medication_instructions_visible_to(self.request.user)
        params = self.request.query_params
        if params.get("child"):
            code = _uuid(params["child"])
            instructions = instructions.filter(child__code=code) if code else instructions.none()
        if params.get("valid_on"):
            try:
                day = datetime.date.fromisoformat(params["valid_on"])
            except ValueError:
                return instructions.none()
            instructions = instructions.filter(valid_from__lte=day, valid_until__gte=day)
        return instructions

    def children_of(self, item: MedicationInstruction) -> list[Child]:
        return [item.child]

    @extend_schema(responses={201: InstructionSerializer, **REFUSED})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = InstructionSerializer(data=request.data, context={"request": request})
        if not data.is_valid():
            if "child" in data.errors:  # not one of the caller's children: as if it did not exist
                raise Http404
            data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        instruction = services.medication_instruction_create(guardian=signed_in_user(request), **fields)
        health_record_read(request.user, instruction.child, view="medication", channel=AccessChannel.API)
        return Response(InstructionSerializer(instruction).data, status=status.HTTP_201_CREATED)


class ActivityAreaListView(APIView):
    """The institution's activity corners (the three default corners on first use); its director adds more."""

    @extend_schema(responses={200: ActivityAreaSerializer(many=True)})
    def get(self, request: Request, code: Any) -> Response:
        institution = get_visible_or_404(care_institutions_visible_to(request.user), code=code)
        return Response(ActivityAreaSerializer(services.activity_areas_of(institution), many=True).data)

    @extend_schema(request=ActivityAreaSerializer, responses={201: ActivityAreaSerializer, **REFUSED})
    def post(self, request: Request, code: Any) -> Response:
        institution = get_visible_or_404(care_institutions_visible_to(request.user), code=code)
        data = validated(ActivityAreaSerializer, request.data)
        area = services.activity_area_add(
            actor=signed_in_user(request), institution=institution, name=data["name"]
        )
        return Response(ActivityAreaSerializer(area).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("care/entries/", EntryCreateView.as_view(), name="api-care-entries"),
    path("care/entries/<uuid:code>/wake/", WakeView.as_view(), name="api-care-entry-wake"),
    path("care/classes/<uuid:code>/entries/batch/", BatchView.as_view(), name="api-care-batch"),
    path(
        "care/classes/<uuid:code>/children/<uuid:child>/days/<str:day>/",
        ChildDayView.as_view(),
        name="api-care-child-day",
    ),
    path(
        "care/classes/<uuid:code>/reports/<str:day>/",
        ClassReportsView.as_view(),
        name="api-care-class-reports",
    ),
    path(
        "care/classes/<uuid:code>/reports/<str:day>/publish-all/",
        ReportPublishAllView.as_view(),
        name="api-care-publish-all",
    ),
    path(
        "care/classes/<uuid:code>/reports/<str:day>/<uuid:child>/",
        ReportSummaryView.as_view(),
        name="api-care-report-summary",
    ),
    path(
        "care/classes/<uuid:code>/reports/<str:day>/<uuid:child>/publish/",
        ReportPublishView.as_view(),
        name="api-care-report-publish",
    ),
    path(
        "care/classes/<uuid:code>/reports/<str:day>/<uuid:child>/photos/",
        ReportPhotoAddView.as_view(),
        name="api-care-report-photos",
    ),
    path("care/photos/<int:pk>/", PhotoView.as_view(), name="api-care-photo"),
    path("care/reports/", FamilyReportListView.as_view(), name="api-care-reports"),
    path("care/reports/<uuid:child>/<str:day>/", FamilyReportView.as_view(), name="api-care-report"),
    path(
        "care/reports/<uuid:child>/<str:day>/reply/", FamilyReplyView.as_view(), name="api-care-report-reply"
    ),
    path(
        "care/incidents/<uuid:code>/acknowledge/",
        IncidentAcknowledgeView.as_view(),
        name="api-care-incident-acknowledge",
    ),
    path("care/medication-instructions/", InstructionListView.as_view(), name="api-care-instructions"),
    path(
        "care/institutions/<uuid:code>/activity-areas/",
        ActivityAreaListView.as_view(),
        name="api-care-activity-areas",
    ),
]
