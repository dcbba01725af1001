from typing import Any

from django.contrib import admin
from django.contrib.admin import TabularInline
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm
from tuoyu.accounts.admin import ScopedModelAdmin
from tuoyu.accounts.identity import mask_identity_number
from tuoyu.registry.admin import AnnouncesChanges
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.workforce.models import Certificate, Staff, TrainingSession
from tuoyu.workforce.selectors import staff_visible_to, training_sessions_visible_to


class CertificateInline(TabularInline):
    """Scans are uploaded on the staff page and opened through the view that checks the reader, never by the
    file's own address."""

    model = Certificate
    extra = 0
    fields = ["certificate_type", "number", "issuer", "issued_on", "expires_on", "scan_link"]
    readonly_fields = ["scan_link"]

    @admin.display(description=_("scan"))
    def scan_link(self, certificate: Certificate) -> str:
        if not certificate.pk or not certificate.scan:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("workforce:scan", args=[certificate.code]), _("Open")
        )


@admin.register(Staff)
class StaffAdmin(AnnouncesChanges, ScopedModelAdmin):
    view_perm = Perm.VIEW_STAFF
    change_perm = Perm.CHANGE_STAFF
    list_display = ["name", "masked_id_number", "role", "institution", "employed_from", "employed_until"]
    list_filter = ["role"]
    search_fields = ["name"]
    list_select_related = ["institution"]
    inlines = [CertificateInline]

    @admin.display(description=_("identity number"))
    def masked_id_number(self, staff: Staff) -> str:
        return mask_identity_number(staff.id_number)

    def get_fields(self, request: HttpRequest, obj: Staff | None = None) -> Any:
        """A recorded identity number is shown masked and never sent to the browser; a new one is typed in."""
        fields = list(super().get_fields(request, obj))
        if obj is not None:
            fields[fields.index("id_number")] = "masked_id_number"
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Staff | None = None) -> Any:
        return [*super().get_readonly_fields(request, obj), "masked_id_number"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Staff]:
        return staff_visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "institution":
            kwargs["queryset"] = institutions_visible_to(request.user, Perm.CHANGE_STAFF)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TrainingSession)
class TrainingSessionAdmin(ScopedModelAdmin):
    view_perm = Perm.VIEW_STAFF
    change_perm = Perm.MANAGE_TRAINING
    list_display = ["day", "title", "topic", "expert", "hours", "capacity"]
    list_filter = ["topic"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[TrainingSession]:
        return training_sessions_visible_to(request.user)
