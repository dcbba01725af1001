from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from tuoyu.accounts.access import Perm
from tuoyu.accounts.admin import ScopedModelAdmin
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.workforce.models import Staff
from tuoyu.workforce.selectors import staff_visible_to


@admin.register(Staff)
class StaffAdmin(ScopedModelAdmin):
    view_perm = Perm.VIEW_STAFF
    change_perm = Perm.CHANGE_STAFF
    list_display = ["name", "role", "institution", "employed_from", "employed_until"]
    list_filter = ["role"]
    search_fields = ["name"]
    list_select_related = ["institution"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Staff]:
        return staff_visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "institution":
            kwargs["queryset"] = institutions_visible_to(request.user, Perm.CHANGE_STAFF)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
