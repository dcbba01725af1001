from django.contrib import admin

from tuoyu.policies.models import PolicyValue


@admin.register(PolicyValue)
class PolicyValueAdmin(admin.ModelAdmin):
    """Read-only: values change by migration, with their source, so that every past day keeps its rule."""

    list_display = ["key", "value", "effective_from", "source"]
    list_filter = ["key"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
