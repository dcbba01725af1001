from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from tuoyu.accounts.access import Perm
from tuoyu.accounts.admin import ScopedModelAdmin
from tuoyu.filings.models import Filing
from tuoyu.filings.selectors import filings_visible_to


@admin.register(Filing)
class FilingAdmin(ScopedModelAdmin):
    """Read-only: filings change only through the filing workflow's pages."""

    view_perm = Perm.VIEW_INSTITUTION_FILE
    list_display = ["name", "kind", "state", "version", "submitted_at", "review_deadline", "receipt_no"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "receipt_no"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Filing]:
        return filings_visible_to(request.user)
