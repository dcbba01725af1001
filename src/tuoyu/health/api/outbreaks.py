"""The outbreak-watch API: outbreak reports (list, detail, report, resolve), diagnoses with their return
certificates, and class quarantines.

Outbreaks and quarantines are read by whoever watches outbreaks at the institution (director, health worker)
or in the region (regulators: every institution of their district, with the children's names and nothing of
their families). Recording (diagnoses, certificates, reports, resolutions, quarantines) is the institution's:
``record_health`` there. Anything outside the caller's scope is 404; refusals answer 400 or 409 with
``{"code", "detail"}`` (codes in ``services.outbreaks``). Every answer that names children with their
symptoms or diseases writes the read to the health-record access log.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404, has_perm, signed_in_user
from tuoyu.enrolment.models import Child
from tuoyu.health.models import ClassQuarantine, Diagnosis, DiagnosisStatus, Disease, OutbreakReport
from tuoyu.health.selectors.outbreaks import (
    active_first,
    children_for_diagnosis,
    classes_watched_by,
    deadline_of,
    diagnoses_recordable_by,
    outbreak_case_days,
    outbreak_subject,
    outbreaks_recordable_by,
    outbreaks_visible_to,
    quarantines_visible_to,
    report_late_after,
)
from tuoyu.health.services import outbreaks as services
from tuoyu.health.services.access import health_record_open, health_record_read, health_records_read
from tuoyu.parsers import query_flag, validated
from tuoyu.refusals import refused


def _require_watcher(request: Request) -> None:
    if not has_perm(request.user, Perm.WATCH_OUTBREAKS):
        raise Http404


ACTIVE_PARAMETER = OpenApiParameter(
    "active", OpenApiTypes.BOOL, required=False, description="true: only the active ones."
)


# Outbreaks ------------------------------------------------------------------------------------------------


class OutbreakChildSerializer(serializers.Serializer):
    code = serializers.UUIDField()
    name = serializers.CharField()


class OutbreakCaseDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    children = OutbreakChildSerializer(many=True)


class OutbreakSerializer(serializers.ModelSerializer):
    institution = serializers.UUIDField(source="institution.code")
    institution_name = serializers.CharField(source="institution.name")
    care_class = serializers.UUIDField(source="care_class.code", default=None, allow_null=True)
    care_class_name = serializers.CharField(source="care_class.name", default=None, allow_null=True)
    trigger_label = serializers.CharField(source="get_trigger_display")
    subject = serializers.SerializerMethodField(help_text="The disease, else the symptom category.")
    disease = serializers.CharField(source="disease.code", default=None, allow_null=True)
    late_after = serializers.SerializerMethodField(
        help_text="From this moment an unreported outbreak is overdue (due_at plus any grace)."
    )
    overdue = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()

    class Meta:
        model = OutbreakReport
        fields = [
            "id",
            "institution",
            "institution_name",
            "care_class",
            "care_class_name",
            "trigger",
            "trigger_label",
            "symptom",
            "disease",
            "subject",
            "first_day",
            "last_day",
            "case_count",
            "opened_at",
            "due_at",
            "late_after",
            "overdue",
            "reported_at",
            "resolved_at",
            "is_active",
        ]

    def get_subject(self, outbreak: OutbreakReport) -> str:
        return outbreak_subject(outbreak)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_late_after(self, outbreak: OutbreakReport) -> Any:
        return serializers.DateTimeField().to_representation(report_late_after(outbreak))

    def get_overdue(self, outbreak: OutbreakReport) -> bool:
        return deadline_of(outbreak).overdue


class OutbreakQuarantineSerializer(serializers.ModelSerializer):
    care_class = serializers.UUIDField(source="care_class.code")
    care_class_name = serializers.CharField(source="care_class.name")
    institution = serializers.UUIDField(source="care_class.institution.code")
    outbreak = serializers.IntegerField(source="outbreak_id", allow_null=True)
    created_by = serializers.CharField(source="created_by.display_name")

    class Meta:
        model = ClassQuarantine
        fields = [
            "id",
            "care_class",
            "care_class_name",
            "institution",
            "outbreak",
            "starts_on",
            "ends_on",
            "reason",
            "created_by",
            "created_at",
        ]


class OutbreakDetailSerializer(OutbreakSerializer):
    reported_by = serializers.CharField(source="reported_by.display_name", default=None, allow_null=True)
    resolved_by = serializers.CharField(source="resolved_by.display_name", default=None, allow_null=True)
    cases = serializers.SerializerMethodField()
    case_days = serializers.SerializerMethodField()
    quarantines = OutbreakQuarantineSerializer(many=True)

    class Meta(OutbreakSerializer.Meta):
        fields = [
            *OutbreakSerializer.Meta.fields,
            "report",
            "reported_by",
            "resolution",
            "resolved_by",
            "cases",
            "case_days",
            "quarantines",
        ]

    @extend_schema_field(OutbreakChildSerializer(many=True))
    def get_cases(self, outbreak: OutbreakReport) -> Any:
        return OutbreakChildSerializer(outbreak.cases.order_by("name", "pk"), many=True).data

    @extend_schema_field(OutbreakCaseDaySerializer(many=True))
    def get_case_days(self, outbreak: OutbreakReport) -> Any:
        return OutbreakCaseDaySerializer(outbreak_case_days(outbreak), many=True).data


class OutbreakListView(generics.ListAPIView):
    """Outbreak reports the caller watches: active first, the nearest deadline first."""

    serializer_class = OutbreakSerializer
    queryset = OutbreakReport.objects.none()  # for the schema; get_queryset scopes every request

    @extend_schema(parameters=[ACTIVE_PARAMETER])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[OutbreakReport]:
        request = self.request
        _require_watcher(request)
        outbreaks = active_first(outbreaks_visible_to(request.user))
        if query_flag(request.query_params, "active"):
            outbreaks = outbreaks.filter(resolved_at__isnull=True)
        return outbreaks


def _detail(request: Request, outbreak: OutbreakReport, code: int = status.HTTP_200_OK) -> Response:
    health_records_read(request.user, outbreak.cases.all(), view="outbreak", channel="api")
    return Response(OutbreakDetailSerializer(outbreak).data, status=code)


class OutbreakDetailView(APIView):
    """One outbreak with its cases by day, its report, resolution and quarantines."""

    @extend_schema(responses=OutbreakDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, get_visible_or_404(outbreaks_visible_to(request.user), pk=pk))


class OutbreakReportInputSerializer(serializers.Serializer):
    report = serializers.CharField(
        max_length=4000, help_text="What happened, since when, the cases, the measures."
    )


class OutbreakResolveInputSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=4000)


class OutbreakReportView(APIView):
    """The institution submits its report (once)."""

    @extend_schema(
        request=OutbreakReportInputSerializer,
        responses={200: OutbreakDetailSerializer, **refused("report_required", "already_reported")},
    )
    def post(self, request: Request, pk: int) -> Response:
        outbreak = get_visible_or_404(outbreaks_recordable_by(request.user), pk=pk)
        data = validated(OutbreakReportInputSerializer, request.data)
        updated = services.outbreak_report_submit(
            outbreak=outbreak, report=data["report"], by=signed_in_user(request)
        )
        return _detail(request, updated)


class OutbreakResolveView(APIView):
    """The institution resolves a reported outbreak with its outcome."""

    @extend_schema(
        request=OutbreakResolveInputSerializer,
        responses={200: OutbreakDetailSerializer, **refused("resolution_required", "report_first")},
    )
    def post(self, request: Request, pk: int) -> Response:
        outbreak = get_visible_or_404(outbreaks_recordable_by(request.user), pk=pk)
        data = validated(OutbreakResolveInputSerializer, request.data)
        updated = services.outbreak_resolve(
            outbreak=outbreak, resolution=data["resolution"], by=signed_in_user(request)
        )
        return _detail(request, updated)


# Diagnoses and return certificates -------------------------------------------------------------------------


class DiagnosisReturnCertificateSerializer(serializers.Serializer):
    issued_by = serializers.CharField()
    issued_on = serializers.DateField()
    checked_at = serializers.DateTimeField()


class DiagnosisSerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="child.code")
    child_name = serializers.CharField(source="child.name")
    institution = serializers.UUIDField(source="institution.code")
    care_class = serializers.UUIDField(source="care_class.code", default=None, allow_null=True)
    disease = serializers.CharField(source="disease.code")
    disease_name = serializers.CharField(source="disease.name")
    notifiable = serializers.BooleanField(source="disease.notifiable")
    return_certificate = serializers.SerializerMethodField()

    class Meta:
        model = Diagnosis
        fields = [
            "id",
            "child",
            "child_name",
            "institution",
            "care_class",
            "disease",
            "disease_name",
            "notifiable",
            "status",
            "onset_on",
            "diagnosed_on",
            "diagnosed_by",
            "excluded_until",
            "return_certificate",
        ]

    @extend_schema_field(DiagnosisReturnCertificateSerializer(allow_null=True))
    def get_return_certificate(self, diagnosis: Diagnosis) -> Any:
        certificate = getattr(diagnosis, "return_certificate", None)
        return DiagnosisReturnCertificateSerializer(certificate).data if certificate is not None else None


class DiagnosisInputSerializer(serializers.Serializer):
    child = serializers.UUIDField()
    disease = serializers.SlugRelatedField(
        slug_field="code", queryset=Disease.objects.all(), help_text="A disease code, e.g. hfmd."
    )
    status = serializers.ChoiceField(choices=DiagnosisStatus.choices)
    onset_on = serializers.DateField()
    diagnosed_on = serializers.DateField()
    diagnosed_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class DiagnosisCreateView(APIView):
    """Record a child's infectious disease: the child is excluded, and the report it calls for is opened."""

    @extend_schema(
        request=DiagnosisInputSerializer,
        responses={201: DiagnosisSerializer, **refused("onset_in_future", "already_diagnosed")},
    )
    def post(self, request: Request) -> Response:
        data = validated(DiagnosisInputSerializer, request.data)
        code = data.pop("child")
        get_visible_or_404(children_for_diagnosis(request.user), code=code)  # 404 before anything is logged
        child: Child = health_record_open(request.user, code, view="diagnosis_add", channel="api")
        diagnosis = services.diagnosis_record(child=child, by=signed_in_user(request), **data)
        return Response(DiagnosisSerializer(diagnosis).data, status=status.HTTP_201_CREATED)


class ReturnCertificateInputSerializer(serializers.Serializer):
    issued_by = serializers.CharField(max_length=100)
    issued_on = serializers.DateField()


class ReturnCertificateView(APIView):
    """The health worker checked the return certificate (复课证明) of a diagnosis."""

    @extend_schema(
        request=ReturnCertificateInputSerializer,
        responses={
            201: DiagnosisSerializer,
            **refused("certificate_before_exclusion_ends", "already_certified"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        diagnosis = get_visible_or_404(diagnoses_recordable_by(request.user), pk=pk)
        health_record_read(request.user, diagnosis.child, view="return_certificate", channel="api")
        data = validated(ReturnCertificateInputSerializer, request.data)
        services.return_certificate_record(diagnosis=diagnosis, by=signed_in_user(request), **data)
        refreshed = diagnoses_recordable_by(request.user).get(pk=diagnosis.pk)
        return Response(DiagnosisSerializer(refreshed).data, status=status.HTTP_201_CREATED)


# Quarantines ----------------------------------------------------------------------------------------------


class QuarantineInputSerializer(serializers.Serializer):
    care_class = serializers.UUIDField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="The last day of the quarantine (inclusive).")
    reason = serializers.CharField(max_length=200)
    outbreak = serializers.IntegerField(required=False, allow_null=True, default=None)


class QuarantineListView(generics.ListAPIView):
    """Class quarantines the caller watches (``?active=true``: those not over yet); POST starts one."""

    serializer_class = OutbreakQuarantineSerializer
    queryset = ClassQuarantine.objects.none()  # for the schema; get_queryset scopes every request

    @extend_schema(parameters=[ACTIVE_PARAMETER])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ClassQuarantine]:
        request = self.request
        _require_watcher(request)
        quarantines = quarantines_visible_to(request.user).order_by("-starts_on", "-pk")
        if query_flag(request.query_params, "active"):
            quarantines = quarantines.filter(ends_on__gte=timezone.localdate())
        return quarantines

    @extend_schema(
        request=QuarantineInputSerializer,
        responses={201: OutbreakQuarantineSerializer, **refused("quarantine_over", "already_in_quarantine")},
    )
    def post(self, request: Request) -> Response:
        data = validated(QuarantineInputSerializer, request.data)
        care_class = get_visible_or_404(classes_watched_by(request.user), code=data.pop("care_class"))
        outbreak_id = data.pop("outbreak")
        outbreak = None
        if outbreak_id is not None:
            outbreak = get_visible_or_404(outbreaks_recordable_by(request.user), pk=outbreak_id)
        quarantine = services.quarantine_record(
            care_class=care_class, by=signed_in_user(request), outbreak=outbreak, **data
        )
        return Response(OutbreakQuarantineSerializer(quarantine).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("health/outbreaks/", OutbreakListView.as_view(), name="api-health-outbreaks"),
    path("health/outbreaks/<int:pk>/", OutbreakDetailView.as_view(), name="api-health-outbreak"),
    path(
        "health/outbreaks/<int:pk>/report/", OutbreakReportView.as_view(), name="api-health-outbreak-report"
    ),
    path(
        "health/outbreaks/<int:pk>/resolve/",
        OutbreakResolveView.as_view(),
        name="api-health-outbreak-resolve",
    ),
    path("health/diagnoses/", DiagnosisCreateView.as_view(), name="api-health-diagnoses"),
    path(
        "health/diagnoses/<int:pk>/return-certificate/",
        ReturnCertificateView.as_view(),
        name="api-health-return-certificate",
    ),
    path("health/quarantines/", QuarantineListView.as_view(), name="api-health-quarantines"),
]
