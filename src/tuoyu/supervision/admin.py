from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from tuoyu.accounts.access import Perm
from tuoyu.accounts.admin import ScopedModelAdmin
from tuoyu.supervision.models import Finding
from tuoyu.supervision.selectors import findings_visible_to


@admin.register(Finding)
class FindingAdmin(ScopedModelAdmin):
    """Read-only: findings open and close themselves from the data."""

    view_perm = Perm.VIEW_FINDINGS
    list_display = ["rule_code", "severity", "institution", "subject_label", "detected_at", "resolved_at"]
    list_filter = ["rule_code", "severity"]
    list_select_related = ["institution"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Finding]:
        return findings_visible_to(request.user)
