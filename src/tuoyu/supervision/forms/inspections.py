"""Starting and completing an inspection."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.supervision.models import Checklist, InspectionKind
from tuoyu.supervision.selectors.inspections import checklists_in_use, institutions_inspectable_by


class InspectionStartForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Checklist.objects.none(), to_field_name="code"
    )
    checklist = forms.ModelChoiceField(
        label=_("Checklist"), queryset=Checklist.objects.none(), to_field_name="code"
    )
    kind = forms.ChoiceField(
        label=_("Kind of inspection"), choices=InspectionKind.choices, initial=InspectionKind.ROUTINE
    )

    def __init__(self, *args: Any, actor: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions_inspectable_by(actor).order_by("name")  # type: ignore[attr-defined]
        self.fields["checklist"].queryset = checklists_in_use()  # type: ignore[attr-defined]


class InspectionCompleteForm(forms.Form):
    remarks = forms.CharField(
        label=_("Remarks"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
