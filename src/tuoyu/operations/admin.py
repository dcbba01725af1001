from django.contrib import admin
from django.http import HttpRequest

from tuoyu.operations.models import Heartbeat, TaskFailure


@admin.register(TaskFailure)
class TaskFailureAdmin(admin.ModelAdmin):
    """Failed task runs, for the system's administrators: read-only; delete a row once it is dealt with."""

    list_display = ("failed_at", "task", "retries_left", "arguments")
    list_filter = ("task",)
    search_fields = ("task", "task_id", "error")
    readonly_fields = ("task", "task_id", "arguments", "error", "retries_left", "failed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "beat_at")
    readonly_fields = ("name", "beat_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
