"""Back office for health: read-only and scoped screens.

Health data are written only through the pages and the API, where the rules run (z-scores and
classification computed on recording, referrals opened, exclusions and certificates checked). A child's
record is shown to those who read it on the pages (the institution's director; the doctor and health
worker have no back office), and opening one here is a read like any other: it is written to the access
log. Outbreaks and quarantines are shown to whoever watches outbreaks there; the access log to the
regulator of the district, and nobody may change or delete an entry of it, not even a superuser.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin import StackedInline
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tuoyu.accounts.access import Perm
from tuoyu.accounts.admin import ScopedModelAdmin
from tuoyu.enrolment.models import AccessChannel, Child, HealthRecordAccess
from tuoyu.health.models import (
    ClassQuarantine,
    DevelopmentScreening,
    Diagnosis,
    Disease,
    DoctorVisit,
    HealthExam,
    ImmunisationCheck,
    Measurement,
    OutbreakReport,
    Referral,
    ReturnCertificate,
)
from tuoyu.health.selectors.access import access_log_visible_to
from tuoyu.health.selectors.outbreaks import outbreaks_visible_to, quarantines_visible_to
from tuoyu.health.selectors.records import visits_visible_to
from tuoyu.health.services.access import health_record_read, health_records_read


class ReadOnlyAdmin(ScopedModelAdmin):
    """Nothing is added or changed here; the pages write, through the services. Opening an entry that
    shows children's health data is a read of each of them (`children_shown`), logged."""

    change_perm = None

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def children_shown(self, obj: Any) -> Iterable[Child]:
        return []

    @property
    def _view_name(self) -> str:
        return f"back office: {self.model._meta.model_name}"

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            children = self.children_shown(obj)
            health_records_read(request.user, children, view=self._view_name, channel=AccessChannel.PAGE)
        return super().render_change_form(request, context, add, change, form_url, obj)


class ChildRecordAdmin(ReadOnlyAdmin):
    """One kind of entry of children's health records; opening an entry is logged as a read."""

    view_perm = Perm.VIEW_HEALTH
    list_select_related = ["child"]
    search_fields = ["child__name"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.model.objects.filter(
            child__in=Child.objects.visible_to(request.user, Perm.VIEW_HEALTH, on=timezone.localdate())
        )

    def children_shown(self, obj: Any) -> Iterable[Child]:
        return [obj.child] if obj.child is not None else []

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """The list shows each row's child with what was recorded: a read of every child on the page."""
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            children = [row.child for row in changelist.result_list if row.child is not None]
            health_records_read(request.user, children, view=self._view_name, channel=AccessChannel.PAGE)
        return response

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._log_object(request, object_id)  # the history names the entry: its child and what it is
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._log_object(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def _log_object(self, request: HttpRequest, object_id: str) -> None:
        entry = self.get_queryset(request).filter(pk=object_id).select_related("child").first()
        if entry is not None and entry.child is not None:
            health_record_read(request.user, entry.child, view=self._view_name, channel=AccessChannel.PAGE)


@admin.register(Measurement)
class MeasurementAdmin(ChildRecordAdmin):
    list_display = ["child", "measured_on", "source", "institution", "recorded_at"]
    list_filter = ["source"]


@admin.register(HealthExam)
class HealthExamAdmin(ChildRecordAdmin):
    list_display = ["child", "kind", "examined_on", "source", "institution"]
    list_filter = ["kind", "source"]


@admin.register(DevelopmentScreening)
class DevelopmentScreeningAdmin(ChildRecordAdmin):
    list_display = ["child", "checkpoint_months", "screened_on", "institution"]


@admin.register(Referral)
class ReferralAdmin(ChildRecordAdmin):
    list_display = ["child", "reason", "referred_on", "institution", "closed_at"]
    list_filter = ["reason"]


@admin.register(ImmunisationCheck)
class ImmunisationCheckAdmin(ChildRecordAdmin):
    list_display = ["child", "kind", "checked_on", "institution"]
    list_filter = ["kind"]


class ReturnCertificateInline(StackedInline):
    model = ReturnCertificate
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Diagnosis)
class DiagnosisAdmin(ChildRecordAdmin):
    list_display = ["child", "disease", "status", "onset_on", "excluded_until", "institution"]
    list_filter = ["status", "disease"]
    list_select_related = ["child", "disease", "institution"]
    inlines = [ReturnCertificateInline]


@admin.register(DoctorVisit)
class DoctorVisitAdmin(ReadOnlyAdmin):
    view_perm = Perm.VIEW_HEALTH
    list_display = ["institution", "visited_on", "doctor", "recorded_at"]
    list_select_related = ["institution", "doctor"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[DoctorVisit]:
        return visits_visible_to(request.user)

    def children_shown(self, obj: DoctorVisit) -> Iterable[Child]:
        return obj.children.all()  # the summary of the visit and the children it saw


class OutbreakWatchAdmin(ReadOnlyAdmin):
    view_perm = Perm.WATCH_OUTBREAKS


@admin.register(OutbreakReport)
class OutbreakReportAdmin(OutbreakWatchAdmin):
    list_display = ["institution", "trigger", "disease", "case_count", "first_day", "due_at", "reported_at"]
    list_filter = ["trigger"]
    list_select_related = ["institution", "disease"]
    exclude = ["cases"]  # the children's names belong to their health records, not to this screen

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[OutbreakReport]:
        return outbreaks_visible_to(request.user)

    def children_shown(self, obj: OutbreakReport) -> Iterable[Child]:
        return obj.cases.all()  # its report names the cases, as the report to the CDC does


@admin.register(ClassQuarantine)
class ClassQuarantineAdmin(OutbreakWatchAdmin):
    list_display = ["care_class", "starts_on", "ends_on", "reason"]
    list_select_related = ["care_class__institution"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[ClassQuarantine]:
        return quarantines_visible_to(request.user)


@admin.register(Disease)
class DiseaseAdmin(OutbreakWatchAdmin):
    """The disease table the watch applies (loaded from health.diseases); changed by superusers only."""

    list_display = ["name", "code", "notifiable", "class_cases", "institution_cases", "exclusion_days"]
    list_filter = ["notifiable"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Disease]:
        return Disease.objects.all()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # outbreaks and diagnoses refer to it


@admin.register(HealthRecordAccess)
class HealthRecordAccessAdmin(ReadOnlyAdmin):
    """The access log: append-only. Nobody adds, changes or deletes an entry here."""

    view_perm = Perm.SUPERVISE_REGION
    list_display = ["at", "user", "child_name", "view", "channel"]
    list_filter = ["channel"]
    list_select_related = ["user"]
    search_fields = ["child_name", "user__display_name"]
    date_hierarchy = "at"

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[HealthRecordAccess]:
        return access_log_visible_to(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}
