from typing import Any

from django.contrib import admin
from django.contrib.admin import ModelAdmin, TabularInline
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from tuoyu.accounts.access import Perm, has_perm
from tuoyu.accounts.admin import ScopedModelAdmin
from tuoyu.registry.models import CareClass, ClosedDay, Hospital, Institution, ProviderTag, ServiceOffering
from tuoyu.registry.selectors import classes_visible_to, closed_days_visible_to, institutions_visible_to
from tuoyu.registry.signals import announce_change

# What only the regulator decides (through filing and recognition), never the institution itself.
REGULATOR_FIELDS = [
    "credit_code",
    "registration_type",
    "street",
    "partner_hospital",
    "operating_status",
    "filing_status",
    "filing_receipt_no",
    "filed_on",
    "filed_places",
    "inclusive_recognized_on",
]


class AnnouncesChanges:
    """Back-office edits refresh the compliance findings of the institution concerned, like services do."""

    def institution_id_of(self, obj: Any) -> int | None:
        return getattr(obj, "institution_id", None)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        institution_id = self.institution_id_of(form.instance)
        if institution_id is not None:
            announce_change(institution_id)


class ProviderTagInline(TabularInline):
    model = ProviderTag
    extra = 0


class ServiceOfferingInline(TabularInline):
    model = ServiceOffering
    extra = 0


class CareClassInline(TabularInline):
    model = CareClass
    extra = 0
    fields = ["name", "age_band", "capacity", "room_area_m2"]


@admin.register(Institution)
class InstitutionAdmin(AnnouncesChanges, ScopedModelAdmin):
    view_perm = Perm.VIEW_INSTITUTION_FILE
    change_perm = Perm.CHANGE_INSTITUTION
    list_display = ["name", "street", "filing_status", "operating_status", "filed_places"]
    list_filter = ["filing_status", "operating_status", "registration_type"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["street"]
    inlines = [ProviderTagInline, ServiceOfferingInline, CareClassInline]

    def institution_id_of(self, obj: Any) -> int | None:
        return obj.pk

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Institution]:
        return institutions_visible_to(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # Filing figures are the regulator's decision, recorded through the filing workflow.
        return [] if request.user.is_superuser else REGULATOR_FIELDS

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser


@admin.register(CareClass)
class CareClassAdmin(AnnouncesChanges, ScopedModelAdmin):
    view_perm = Perm.VIEW_CLASSES
    change_perm = Perm.CHANGE_CLASSES
    list_display = ["name", "institution", "age_band", "capacity", "room_area_m2"]
    list_filter = ["age_band"]
    list_select_related = ["institution"]
    search_fields = ["name", "institution__name"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[CareClass]:
        return classes_visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "institution":
            kwargs["queryset"] = institutions_visible_to(request.user, Perm.CHANGE_CLASSES)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ClosedDay)
class ClosedDayAdmin(ScopedModelAdmin):
    """An institution's own closed days (the national holidays come from the calendar)."""

    view_perm = Perm.VIEW_INSTITUTION_FILE
    change_perm = Perm.CHANGE_INSTITUTION
    list_display = ["day", "institution", "reason"]
    list_select_related = ["institution"]
    search_fields = ["institution__name", "reason"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[ClosedDay]:
        return closed_days_visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "institution":
            kwargs["queryset"] = institutions_visible_to(request.user, Perm.CHANGE_INSTITUTION)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Hospital)
class HospitalAdmin(ModelAdmin):
    list_display = ["name", "grade"]
    search_fields = ["name"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or has_perm(request.user, Perm.SUPERVISE_REGION)
