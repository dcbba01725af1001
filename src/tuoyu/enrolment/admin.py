"""Back office for enrolment: read-only views of the queue and placements (changes go through the pages,
where the placement rules run), admission priorities, and the privacy notice versions (administrators)."""

from typing import Any

from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from tuoyu.accounts.access import Perm
from tuoyu.accounts.admin import ScopedModelAdmin
from tuoyu.enrolment.models import Application, Placement, PrivacyNotice, QueuePriority
from tuoyu.registry.selectors import institutions_visible_to


class InstitutionScopedAdmin(ScopedModelAdmin):
    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        institutions = institutions_visible_to(request.user, self.view_perm)
        return self.model.objects.filter(institution__in=institutions)


@admin.register(Application)
class ApplicationAdmin(InstitutionScopedAdmin):
    view_perm = Perm.MANAGE_ENROLMENT
    list_display = ["child", "institution", "service_type", "status", "priority_points", "applied_at"]
    list_filter = ["status", "service_type"]
    list_select_related = ["child", "institution"]


@admin.register(Placement)
class PlacementAdmin(InstitutionScopedAdmin):
    view_perm = Perm.VIEW_CHILDREN
    list_display = [
        "child",
        "institution",
        "care_class",
        "service_type",
        "start_date",
        "ends_on",
        "end_reason",
    ]
    list_filter = ["service_type", "end_reason"]
    list_select_related = ["child", "institution", "care_class"]


@admin.register(QueuePriority)
class QueuePriorityAdmin(InstitutionScopedAdmin):
    view_perm = Perm.MANAGE_ENROLMENT
    change_perm = Perm.MANAGE_ENROLMENT
    list_display = ["institution", "label", "points"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "institution":
            kwargs["queryset"] = institutions_visible_to(request.user, Perm.MANAGE_ENROLMENT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(ModelAdmin):
    """New versions only: guardians consent to the newest, and their earlier consents keep the old text."""

    list_display = ["version", "title", "published_at"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and obj is None
