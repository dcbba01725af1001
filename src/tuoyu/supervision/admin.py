from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm
from tuoyu.accounts.admin import ScopedModelAdmin
from tuoyu.supervision.models import Checklist, ChecklistItem, Finding
from tuoyu.supervision.prefill import PREFILLS
from tuoyu.supervision.selectors.findings import finding_row, findings_visible_to


@admin.register(Finding)
class FindingAdmin(ScopedModelAdmin):
    """Read-only: findings open and close themselves from the data. A regulator reads the summary (no child's
    name or health detail); the institution's own staff read the detail."""

    view_perm = Perm.VIEW_FINDINGS
    list_display = [
        "rule_code",
        "severity",
        "institution",
        "concerning",
        "detail",
        "detected_at",
        "resolved_at",
    ]
    list_filter = ["rule_code", "severity"]
    list_select_related = ["institution"]
    fields = ("rule_code", "severity", "institution", "concerning", "detail", "detected_at", "resolved_at")
    readonly_fields = fields

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Finding]:
        return findings_visible_to(request.user)

    @admin.display(description=_("concerning"))
    def concerning(self, finding: Finding) -> str:
        return finding_row(finding).subject_label

    @admin.display(description=_("evidence"))
    def detail(self, finding: Finding) -> str:
        return finding_row(finding).evidence


class ChecklistItemForm(forms.ModelForm):
    """An item is prefilled by one of the known prefills, or judged by the inspector alone."""

    prefill = forms.ChoiceField(
        label=_("prefilled from"),
        required=False,
        choices=[("", _("(the inspector judges on site)")), *((key, key) for key in sorted(PREFILLS))],
    )

    class Meta:
        model = ChecklistItem
        fields = [
            "position",
            "number",
            "dimension",
            "text",
            "source",
            "weight",
            "veto",
            "prefill",
            "configurable",
        ]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    form = ChecklistItemForm
    extra = 0
    fields = [
        "position",
        "number",
        "dimension",
        "text",
        "source",
        "weight",
        "veto",
        "prefill",
        "configurable",
    ]


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    """The checklists of on-site inspections, with their items and grade cut-offs: configured for the
    district in the back office (items marked configurable are worded from the standard's full text)."""

    list_display = ["code", "name", "max_score", "grade_cutoffs", "active"]
    inlines = [ChecklistItemInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The maximum score follows the items' points."""
        super().save_related(request, form, formsets, change)
        checklist = form.instance
        checklist.max_score = sum(checklist.items.values_list("weight", flat=True))
        checklist.save(update_fields=["max_score"])
