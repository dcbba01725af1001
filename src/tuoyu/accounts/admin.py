from typing import Any

from django.contrib import admin
from django.contrib.admin import ModelAdmin, TabularInline
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, has_perm, may_use_back_office
from tuoyu.accounts.models import RoleAssignment, User
from tuoyu.accounts.second_factor import second_factor_remove


class ScopedModelAdmin(ModelAdmin):
    """Back-office screens that show only what the user's roles reach, like every other page.

    Subclasses say which permissions apply and how to scope the queryset; an object outside the
    scope is a 404, as everywhere else.
    """

    view_perm: Perm
    change_perm: Perm | None = None

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scoped_queryset(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_use_back_office(request.user) and has_perm(request.user, self.view_perm)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if self.change_perm is None:
            return False
        return may_use_back_office(request.user) and has_perm(request.user, self.change_perm)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> Any:
        raise Http404


class RoleAssignmentInline(TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["region", "institution", "hospital"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["phone"]
    list_display = ["phone", "display_name", "is_active", "is_staff"]
    search_fields = ["phone", "display_name"]
    list_filter = ["is_active", "is_staff"]
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        ("", {"fields": ("display_name", "preferred_language", "is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("phone", "display_name", "password1", "password2")}),
    )
    inlines = [RoleAssignmentInline]
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset two-step verification (the user sets it up again at next sign-in)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            second_factor_remove(user=user)
            LogEntry.objects.log_actions(
                request.user.pk or 0,
                [user],
                CHANGE,
                change_message="Two-step verification reset",
                single_object=True,
            )
        self.message_user(
            request, _("Two-step verification was reset for %(n)d users.") % {"n": len(queryset)}
        )
