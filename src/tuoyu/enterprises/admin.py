"""The desk's register in the back office: enterprises, service teams and departments, scoped like the pages.
Membership of teams and departments is read-only here: it grants roles, so it goes through the pages (a team
leader adds or removes a member, names a department's contacts)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm
from tuoyu.accounts.admin import ScopedModelAdmin
from tuoyu.enterprises.models import Department, Enterprise, ServiceTeam
from tuoyu.enterprises.selectors.access import enterprises_visible_to, teams_visible_to
from tuoyu.enterprises.selectors.enterprise import (
    departments_visible_to,
    regions_served_by,
    streets_served_by,
)
from tuoyu.enterprises.services.register import ENTERPRISE_FIELDS, enterprise_register, enterprise_update


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedModelAdmin):
    view_perm = Perm.SERVE_ENTERPRISES
    change_perm = Perm.SERVE_ENTERPRISES
    list_display = [
        "name",
        "credit_code",
        "street",
        "industry",
        "contact_name",
        "masked_phone",
        "institution",
    ]
    list_filter = ["industry"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["street", "institution"]
    readonly_fields = ["institution", "created_at"]

    @admin.display(description=_("contact phone"))
    def masked_phone(self, enterprise: Enterprise) -> str:
        return enterprise.masked_contact_phone

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Enterprise]:
        return enterprises_visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "street":
            kwargs["queryset"] = streets_served_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Enterprise, form: Any, change: bool) -> None:
        """Through the register's services, as the pages do: the street must be the user's, and the childcare
        institution follows the credit code."""
        fields = {name: form.cleaned_data[name] for name in ENTERPRISE_FIELDS if name in form.cleaned_data}
        if change:
            enterprise_update(actor=request.user, enterprise=obj, **fields)  # type: ignore[arg-type]
            return
        saved = enterprise_register(actor=request.user, **fields)  # type: ignore[arg-type]
        obj.pk, obj.code, obj.institution, obj.created_at = (
            saved.pk,
            saved.code,
            saved.institution,
            saved.created_at,
        )


@admin.register(ServiceTeam)
class ServiceTeamAdmin(ScopedModelAdmin):
    view_perm = Perm.SERVE_ENTERPRISES
    change_perm = Perm.SERVE_ENTERPRISES
    list_display = ["name", "level", "region", "leader"]
    list_filter = ["level"]
    search_fields = ["name"]
    list_select_related = ["region", "leader"]
    fields = ["name", "level", "region", "leader", "member_names"]
    readonly_fields = ["leader", "member_names"]

    @admin.display(description=_("members"))
    def member_names(self, team: ServiceTeam) -> str:
        if team.pk is None:
            return "—"
        return "、".join(member.display_name for member in team.members.order_by("display_name")) or "—"

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[ServiceTeam]:
        return teams_visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "region":
            kwargs["queryset"] = regions_served_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Department)
class DepartmentAdmin(ScopedModelAdmin):
    view_perm = Perm.SERVE_ENTERPRISES
    change_perm = Perm.SERVE_ENTERPRISES
    list_display = ["name", "region", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    list_select_related = ["region"]
    fields = ["name", "region", "active", "contact_names"]
    readonly_fields = ["contact_names"]

    @admin.display(description=_("contacts"))
    def contact_names(self, department: Department) -> str:
        if department.pk is None:
            return "—"
        names = department.contacts.order_by("display_name").values_list("display_name", flat=True)
        return "、".join(names) or "—"

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return departments_visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "region":
            kwargs["queryset"] = regions_served_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
