"""The workforce API: every action of the workforce pages, for an institution's system or a city app.

Scoping is the pages': staff, certificates and the roster are read with ``view_staff`` (the institution's
director, its regulator) and written with ``change_staff`` (its director); training sessions are read by
whoever sees staff in the session's region, scheduled and marked by the region's regulator, and directors
enrol their own staff. Anyone else gets 404. Identity numbers are masked; the director's reveal is logged.
Refusals answer 400/409 with ``{"code", "detail"}``.

The Excel template, import and export stay on the pages (``workforce:template``, ``workforce:import``,
``workforce:export``): they are files for people to fill in and read, and the API hires and reads one
record at a time.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404, has_perm, signed_in_user
from tuoyu.accounts.identity import mask_identity_number
from tuoyu.parsers import MAX_LIST_ITEMS, validated
from tuoyu.refusals import refused
from tuoyu.registry.selectors import classes_visible_to
from tuoyu.uploads import serve_upload
from tuoyu.workforce import services
from tuoyu.workforce.models import (
    Certificate,
    CertificateType,
    DutyShift,
    Education,
    Staff,
    StaffRole,
    TrainingEnrolment,
    TrainingSession,
    TrainingTopic,
)
from tuoyu.workforce.selectors import (
    certificate_scan_get_for,
    certificates_expiring,
    certification_of,
    institution_get_for,
    manages_training,
    roster_of,
    staff_enrolable_by,
    staff_of_institution,
    staff_visible_to,
    training_coverage_visible_to,
    training_enrolments_visible_to,
    training_regions_of,
    training_sessions_visible_to,
)


def _staff_to_change(request: Request, code: Any) -> Staff:
    """A staff member of an institution the user changes; 404 for everyone else, readers included."""
    return get_visible_or_404(staff_enrolable_by(request.user), code=code)


# Staff ----------------------------------------------------------------------------------------------------


class StaffSerializer(serializers.ModelSerializer):
    class Meta:
        model = Staff
        fields = ["code", "name", "role", "employed_from", "employed_until"]


class CertificateSerializer(serializers.ModelSerializer):
    has_scan = serializers.SerializerMethodField(help_text="Its scan is at certificates/<code>/scan/.")
    valid_today = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["code", "certificate_type", "number", "issuer", "issued_on", "expires_on"]
        fields += ["has_scan", "valid_today"]

    def get_has_scan(self, certificate: Certificate) -> bool:
        return bool(certificate.scan)

    def get_valid_today(self, certificate: Certificate) -> bool:
        return certificate.is_valid_on(timezone.localdate())


class StaffDetailSerializer(serializers.ModelSerializer):
    """One staff member as the staff page shows them: identity number masked, certification of today."""

    institution = serializers.UUIDField(source="institution.code")
    institution_name = serializers.CharField(source="institution.name")
    masked_id_number = serializers.SerializerMethodField(help_text="The first 6 and last 4 characters.")
    certified = serializers.SerializerMethodField(help_text="Holds every certificate the role needs today.")
    missing_certificates = serializers.SerializerMethodField(
        help_text="The certificate types the role needs of which none is valid today."
    )
    certificates = serializers.SerializerMethodField()

    class Meta:
        model = Staff
        fields = ["code", "institution", "institution_name", "name", "role", "masked_id_number"]
        fields += ["education", "management_years", "full_time", "employed_from", "employed_until"]
        fields += ["certified", "missing_certificates", "certificates"]

    def to_representation(self, instance: Staff) -> dict[str, Any]:
        self._missing = sorted(certification_of([instance], timezone.localdate())[0].missing)
        return dict(super().to_representation(instance))

    def get_masked_id_number(self, staff: Staff) -> str:
        return mask_identity_number(staff.id_number)

    def get_certified(self, staff: Staff) -> bool:
        return not self._missing

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(CertificateType.choices)))
    def get_missing_certificates(self, staff: Staff) -> list[str]:
        return self._missing

    @extend_schema_field(CertificateSerializer(many=True))
    def get_certificates(self, staff: Staff) -> Any:
        certificates = staff.certificates.order_by("certificate_type", "-issued_on")
        return CertificateSerializer(certificates, many=True).data


class StaffHireSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(min_length=18, max_length=18, help_text="Resident identity number.")
    role = serializers.ChoiceField(StaffRole.choices)
    education = serializers.ChoiceField(Education.choices, default=Education.SENIOR)
    management_years = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=60, default=Decimal("0")
    )
    phone = serializers.CharField(max_length=11, required=False, allow_blank=True, default="")
    employed_from = serializers.DateField()
    full_time = serializers.BooleanField(default=True)


class InstitutionStaffView(generics.ListAPIView):
    """GET: staff employed today by an institution (its director, its regulator). POST: its director hires
    a person, refused (409 ``already_employed``) while they are employed anywhere (anti-挂靠)."""

    serializer_class = StaffSerializer
    queryset = Staff.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[Staff]:
        institution = institution_get_for(self.request.user, self.kwargs["code"])
        return staff_of_institution(self.request.user, institution.pk, on=timezone.localdate())

    @extend_schema(
        request=StaffHireSerializer,
        responses={201: StaffDetailSerializer, **refused("invalid identity number", "already_employed")},
    )
    def post(self, request: Request, code: Any) -> Response:
        institution = institution_get_for(request.user, code, Perm.CHANGE_STAFF)
        staff = services.staff_hire(institution=institution, **validated(StaffHireSerializer, request.data))
        return Response(StaffDetailSerializer(staff).data, status=status.HTTP_201_CREATED)


class StaffDetailView(APIView):
    """One staff member with their certificates and certification (持证上岗) today."""

    @extend_schema(responses=StaffDetailSerializer)
    def get(self, request: Request, code: Any) -> Response:
        staff = get_visible_or_404(staff_visible_to(request.user), code=code)
        return Response(StaffDetailSerializer(staff).data)


class EndEmploymentSerializer(serializers.Serializer):
    employed_until = serializers.DateField(help_text="The last day of employment.")


class StaffEndView(APIView):
    """The director ends an employment: the person leaves the register after ``employed_until``."""

    @extend_schema(
        request=EndEmploymentSerializer,
        responses={200: StaffDetailSerializer, **refused("a last day before the first")},
    )
    def post(self, request: Request, code: Any) -> Response:
        staff = _staff_to_change(request, code)
        data = validated(EndEmploymentSerializer, request.data)
        staff = services.staff_end_employment(staff=staff, on=data["employed_until"])
        return Response(StaffDetailSerializer(staff).data)


class IdentityNumberSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=18)


class IdentityNumberView(APIView):
    """The full identity number, for the staff member's own director (e.g. for social insurance); each
    reveal is written to the audit log."""

    @extend_schema(request=None, responses=IdentityNumberSerializer)
    def post(self, request: Request, code: Any) -> Response:
        staff = _staff_to_change(request, code)
        number = services.identity_number_reveal(actor=signed_in_user(request), staff=staff)
        return Response(IdentityNumberSerializer({"id_number": number}).data)


# Certificates --------------------------------------------------------------------------------------------


class CertificateRecordSerializer(serializers.Serializer):
    certificate_type = serializers.ChoiceField(CertificateType.choices)
    number = serializers.CharField(max_length=60)
    issuer = serializers.CharField(max_length=100)
    issued_on = serializers.DateField()
    expires_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Empty: a health certificate runs 12 months, the others do not expire.",
    )
    scan = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text="PDF, JPEG or PNG, at most 20 MB (multipart).",
    )


class StaffCertificatesView(generics.ListAPIView):
    """GET: a staff member's certificates. POST: their director records one (JSON, or multipart with a
    ``scan``, checked as on the page: PDF, JPEG or PNG by its content, at most 20 MB)."""

    serializer_class = CertificateSerializer
    pagination_class = None
    queryset = Certificate.objects.none()

    def get_queryset(self) -> QuerySet[Certificate]:
        staff = get_visible_or_404(staff_visible_to(self.request.user), code=self.kwargs["code"])
        return staff.certificates.order_by("certificate_type", "-issued_on")

    @extend_schema(
        request={
            "application/json": CertificateRecordSerializer,
            "multipart/form-data": CertificateRecordSerializer,
        },
        responses={201: CertificateSerializer, **refused("a scan that is not a PDF, JPEG or PNG")},
    )
    def post(self, request: Request, code: Any) -> Response:
        staff = _staff_to_change(request, code)
        certificate = services.certificate_record(
            staff=staff, **validated(CertificateRecordSerializer, request.data)
        )
        return Response(CertificateSerializer(certificate).data, status=status.HTTP_201_CREATED)


class CertificateScanView(APIView):
    """A certificate's scan, for those who see the staff member."""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
        }
    )
    def get(self, request: Request, code: Any) -> FileResponse:
        certificate = certificate_scan_get_for(request.user, code)
        return serve_upload(certificate.scan, download_name=certificate.scan_download_name)


class ExpiringCertificateSerializer(serializers.ModelSerializer):
    staff = serializers.UUIDField(source="staff.code")
    staff_name = serializers.CharField(source="staff.name")
    institution = serializers.UUIDField(source="staff.institution.code")
    institution_name = serializers.CharField(source="staff.institution.name")

    class Meta:
        model = Certificate
        fields = ["code", "certificate_type", "number", "expires_on", "staff", "staff_name"]
        fields += ["institution", "institution_name"]


class ExpiringCertificatesView(generics.ListAPIView):
    """Certificates of staff employed today, in the user's scope, that expire within the warning period
    (``EXPIRY_WARNING_DAYS``, 45 days), soonest first."""

    serializer_class = ExpiringCertificateSerializer
    queryset = Certificate.objects.none()

    def get_queryset(self) -> QuerySet[Certificate]:
        if not has_perm(self.request.user, Perm.VIEW_STAFF):
            raise Http404
        return certificates_expiring(self.request.user, on=timezone.localdate())


# The duty roster -----------------------------------------------------------------------------------------


class DutyShiftSerializer(serializers.ModelSerializer):
    staff = serializers.UUIDField(source="staff.code")
    staff_name = serializers.CharField(source="staff.name")
    role = serializers.CharField(source="staff.role")
    care_class = serializers.UUIDField(source="care_class.code", allow_null=True, default=None)
    care_class_name = serializers.CharField(source="care_class.name", allow_null=True, default=None)

    class Meta:
        model = DutyShift
        fields = ["day", "staff", "staff_name", "role", "care_class", "care_class_name"]


class RosterQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False)


class DutyScheduleSerializer(serializers.Serializer):
    staff = serializers.UUIDField()
    day = serializers.DateField()
    care_class = serializers.UUIDField(required=False, allow_null=True, default=None)


class RosterView(APIView):
    """GET: who is on duty on ``date`` (default today). POST: the director puts a staff member on duty,
    refused (409) unless they are employed that day and hold a valid health certificate (持证上岗)."""

    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, description="YYYY-MM-DD; default today")],
        responses=DutyShiftSerializer(many=True),
    )
    def get(self, request: Request, code: Any) -> Response:
        institution = institution_get_for(request.user, code)
        day = validated(RosterQuerySerializer, request.query_params).get("date") or timezone.localdate()
        shifts = roster_of(request.user, institution.pk, on=day)
        return Response(DutyShiftSerializer(shifts, many=True).data)

    @extend_schema(
        request=DutyScheduleSerializer,
        responses={
            201: DutyShiftSerializer,
            **refused("class_of_another_institution", "health_certificate_missing, staff_not_employed"),
        },
    )
    def post(self, request: Request, code: Any) -> Response:
        institution = institution_get_for(request.user, code, Perm.CHANGE_STAFF)
        data = validated(DutyScheduleSerializer, request.data)
        staff = get_visible_or_404(
            staff_visible_to(request.user).filter(institution=institution), code=data["staff"]
        )
        care_class = (
            get_visible_or_404(classes_visible_to(request.user), code=data["care_class"])
            if data["care_class"]
            else None
        )
        shift = services.duty_schedule(staff=staff, day=data["day"], care_class=care_class)
        return Response(DutyShiftSerializer(shift).data, status=status.HTTP_201_CREATED)


# Training ------------------------------------------------------------------------------------------------


class TrainingSessionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", help_text="The region's division code.")
    region_name = serializers.CharField(source="region.name")
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True)
    enrolled = serializers.SerializerMethodField()

    class Meta:
        model = TrainingSession
        fields = ["code", "region", "region_name", "topic", "title", "expert", "day", "hours", "capacity"]
        fields += ["location", "enrolled"]

    def get_enrolled(self, session: TrainingSession) -> int:
        enrolled = getattr(session, "enrolled", None)
        return enrolled if enrolled is not None else session.enrolments.count()


class TrainingScheduleSerializer(serializers.Serializer):
    region = serializers.CharField(
        max_length=12, help_text="Division code of a region the regulator manages."
    )
    topic = serializers.ChoiceField(TrainingTopic.choices)
    title = serializers.CharField(max_length=120)
    expert = serializers.CharField(max_length=100)
    day = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=Decimal("0.5"), max_value=40)
    capacity = serializers.IntegerField(min_value=1, max_value=5000)
    location = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class TrainingListView(generics.ListAPIView):
    """GET: the training sessions of the user's regions. POST: a regulator schedules one in their region."""

    serializer_class = TrainingSessionSerializer
    queryset = TrainingSession.objects.none()

    def get_queryset(self) -> QuerySet[TrainingSession]:
        if not has_perm(self.request.user, Perm.VIEW_STAFF):
            raise Http404
        sessions = training_sessions_visible_to(self.request.user).annotate(enrolled=Count("enrolments"))
        return sessions.order_by("-day", "title")

    @extend_schema(
        request=TrainingScheduleSerializer,
        responses={201: TrainingSessionSerializer, **refused("a region the regulator does not manage")},
    )
    def post(self, request: Request) -> Response:
        regions = {region.code: region for region in training_regions_of(request.user)}
        if not regions:
            raise Http404
        data = validated(TrainingScheduleSerializer, request.data)
        region = regions.get(data.pop("region"))
        if region is None:
            raise serializers.ValidationError({"region": [_("Not a region where you schedule training.")]})
        session = services.training_schedule(region_id=region.pk, **data)
        return Response(TrainingSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class TrainingCoverageSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    institutions = serializers.IntegerField(help_text="Operating institutions the user sees.")
    institutions_trained = serializers.IntegerField(help_text="Of them, with staff who attended this year.")
    staff = serializers.IntegerField(help_text="Their staff employed today.")
    staff_trained = serializers.IntegerField(help_text="Of them, those who attended this year.")
    institution_share = serializers.FloatField(allow_null=True)
    staff_share = serializers.FloatField(allow_null=True)


class TrainingCoverageView(APIView):
    """How many institutions and staff in the user's scope attended training this year."""

    @extend_schema(responses=TrainingCoverageSerializer)
    def get(self, request: Request) -> Response:
        if not has_perm(request.user, Perm.VIEW_STAFF):
            raise Http404
        coverage = training_coverage_visible_to(request.user, timezone.localdate())
        return Response(TrainingCoverageSerializer(coverage).data)


class TrainingSessionView(APIView):
    """One training session."""

    @extend_schema(responses=TrainingSessionSerializer)
    def get(self, request: Request, code: Any) -> Response:
        session = get_visible_or_404(training_sessions_visible_to(request.user), code=code)
        return Response(TrainingSessionSerializer(session).data)


class EnrolmentSerializer(serializers.ModelSerializer):
    staff = serializers.UUIDField(source="staff.code")
    staff_name = serializers.CharField(source="staff.name")
    institution = serializers.UUIDField(source="staff.institution.code")
    institution_name = serializers.CharField(source="staff.institution.name")

    class Meta:
        model = TrainingEnrolment
        fields = ["staff", "staff_name", "institution", "institution_name", "attended", "enrolled_at"]


class EnrolSerializer(serializers.Serializer):
    staff = serializers.UUIDField()


class TrainingEnrolmentsView(generics.ListAPIView):
    """GET: the session's participants among the staff the user sees. POST: a director enrols one of their
    staff, refused (409) when already enrolled, when the session is full or when not employed that day."""

    serializer_class = EnrolmentSerializer
    pagination_class = None
    queryset = TrainingEnrolment.objects.none()

    def _session(self) -> TrainingSession:
        return get_visible_or_404(training_sessions_visible_to(self.request.user), code=self.kwargs["code"])

    def get_queryset(self) -> QuerySet[TrainingEnrolment]:
        return training_enrolments_visible_to(self.request.user, self._session()).order_by("staff__name")

    @extend_schema(
        request=EnrolSerializer,
        responses={201: EnrolmentSerializer, **refused("", "training_full, already_enrolled")},
    )
    def post(self, request: Request, code: Any) -> Response:
        session = self._session()
        data = validated(EnrolSerializer, request.data)
        staff = _staff_to_change(request, data["staff"])
        enrolment = services.training_enrol(session=session, staff=staff)
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.ListField(
        child=serializers.UUIDField(),
        allow_empty=True,
        max_length=MAX_LIST_ITEMS,
        help_text="The staff who attended; every other participant is recorded as absent.",
    )


class TrainingAttendanceView(APIView):
    """The regulator of the session's region records who attended; answers every participant."""

    @extend_schema(request=AttendanceSerializer, responses=EnrolmentSerializer(many=True))
    def post(self, request: Request, code: Any) -> Response:
        session = get_visible_or_404(training_sessions_visible_to(request.user), code=code)
        if not manages_training(request.user, session):
            raise Http404
        attended = set(validated(AttendanceSerializer, request.data)["attended"])
        enrolments = session.enrolments.select_related("staff", "staff__institution").order_by("staff__name")
        for enrolment in enrolments:
            services.training_record_attendance(
                enrolment=enrolment, attended=enrolment.staff.code in attended
            )
        return Response(EnrolmentSerializer(enrolments.all(), many=True).data)


urlpatterns = [
    path("institutions/<uuid:code>/staff/", InstitutionStaffView.as_view(), name="api-institution-staff"),
    path("institutions/<uuid:code>/roster/", RosterView.as_view(), name="api-institution-roster"),
    path("staff/<uuid:code>/", StaffDetailView.as_view(), name="api-staff"),
    path("staff/<uuid:code>/end/", StaffEndView.as_view(), name="api-staff-end"),
    path(
        "staff/<uuid:code>/identity-number/", IdentityNumberView.as_view(), name="api-staff-identity-number"
    ),
    path("staff/<uuid:code>/certificates/", StaffCertificatesView.as_view(), name="api-staff-certificates"),
    path("certificates/expiring/", ExpiringCertificatesView.as_view(), name="api-certificates-expiring"),
    path("certificates/<uuid:code>/scan/", CertificateScanView.as_view(), name="api-certificate-scan"),
    path("training/", TrainingListView.as_view(), name="api-training"),
    path("training/coverage/", TrainingCoverageView.as_view(), name="api-training-coverage"),
    path("training/<uuid:code>/", TrainingSessionView.as_view(), name="api-training-session"),
    path(
        "training/<uuid:code>/enrolments/", TrainingEnrolmentsView.as_view(), name="api-training-enrolments"
    ),
    path(
        "training/<uuid:code>/attendance/", TrainingAttendanceView.as_view(), name="api-training-attendance"
    ),
]
