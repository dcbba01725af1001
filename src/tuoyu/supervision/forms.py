"""Supervision's forms: complaints, inspection plans."""

import datetime
import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.regions.models import Region
from tuoyu.registry.selectors import institutions_public
from tuoyu.supervision.models import Checklist, ComplaintCategory, ComplaintOutcome, InspectionKind
from tuoyu.supervision.selectors.inspections import checklists_in_use, institutions_inspectable_by
from tuoyu.supervision.services.complaints import MAX_CONTENT, MAX_NAME, MAX_PROGRESS, MAX_REASONS
from tuoyu.supervision.services.planning import DEFAULT_RATES, MAX_SEED_LENGTH
from tuoyu.supervision.services.rectification import MAX_DEADLINE_DAYS


class ComplaintForm(forms.Form):
    """The public complaint form: an institution of the public directory, what happened, and either
    anonymity or a name and a mobile number."""

    institution = forms.ChoiceField(label=_("Institution"))
    category = forms.ChoiceField(label=_("What is it about?"), choices=ComplaintCategory.choices)
    content = forms.CharField(
        label=_("What happened"),
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most 2,000 characters. Please do not write a child's health details here."),
    )
    happened_on = forms.DateField(
        label=_("When it happened (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    anonymous = forms.BooleanField(
        label=_("Complain anonymously"),
        required=False,
        help_text=_("Nothing about you is kept; the regulator cannot contact you."),
    )
    name = forms.CharField(label=_("Your name"), max_length=MAX_NAME, required=False)
    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=11,
        required=False,
        help_text=_(
            "Only the regulator handling your complaint sees your name and number, never the institution."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institutions = institutions_public().order_by("street__code", "name").values_list("code", "name")
        field = self.fields["institution"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *((str(code), name) for code, name in institutions)]


class ComplaintStatusForm(forms.Form):
    ticket = forms.CharField(label=_("Ticket"), max_length=20)


class ComplaintStartForm(forms.Form):
    progress = forms.CharField(
        label=_("Progress for the complainant (optional)"), max_length=MAX_PROGRESS, required=False
    )


class ComplaintConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ComplaintOutcome.choices)
    reasons = forms.CharField(
        label=_("Reasons"), max_length=MAX_REASONS, widget=forms.Textarea(attrs={"rows": 5})
    )
    progress = forms.CharField(
        label=_("Progress for the complainant"),
        max_length=MAX_PROGRESS,
        required=False,
        help_text=_("Shown on the public status page. Nothing the institution should not read."),
    )
    rectification_subject = forms.CharField(
        label=_("What is to be rectified"),
        max_length=200,
        required=False,
        help_text=_(
            "For a substantiated complaint: the institution reads this; write nothing about who complained."
        ),
    )
    rectification_requirement = forms.CharField(
        label=_("Requirement"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rectification_days = forms.IntegerField(
        label=_("Working days to rectify"), min_value=1, max_value=MAX_DEADLINE_DAYS, required=False
    )


def suggested_seed(today: datetime.date) -> str:
    """A seed to start from: the day and six random digits; a regulator may type any other (the day and a
    public lottery number, say), as long as it is published before the draw."""
    return f"{today:%Y%m%d}-{secrets.randbelow(1_000_000):06d}"


class PlanDrawForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), to_field_name="code")
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    seed = forms.CharField(
        label=_("Published seed"),
        max_length=MAX_SEED_LENGTH,
        help_text=_(
            "Publish it before the draw. The day and the number of a public lottery draw "
            "(for example 福彩3D) make a seed nobody chooses; any text of up to 64 characters works."
        ),
    )
    rate_high = forms.IntegerField(label=_("High risk: share drawn (%)"), min_value=0, max_value=100)
    rate_medium = forms.IntegerField(label=_("Medium risk: share drawn (%)"), min_value=0, max_value=100)
    rate_low = forms.IntegerField(label=_("Low risk: share drawn (%)"), min_value=0, max_value=100)

    def __init__(self, *args: Any, regions: Any, today: datetime.date, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "seed": suggested_seed(today),
                "period_start": today,
                "period_end": today + datetime.timedelta(days=30),
                **{f"rate_{group}": rate for group, rate in DEFAULT_RATES.items()},
            },
        )
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.queryset = regions
        if regions.count() == 1:
            self.initial.setdefault("region", regions.first())

    def rates(self) -> dict[str, int]:
        return {group: self.cleaned_data[f"rate_{group}"] for group in DEFAULT_RATES}


class PlanApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the plan: approve it and publish it with its seed."), required=True
    )


class InspectionStartForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Checklist.objects.none(), to_field_name="code"
    )
    checklist = forms.ModelChoiceField(
        label=_("Checklist"), queryset=Checklist.objects.none(), to_field_name="code"
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices, initial=InspectionKind.ROUTINE)

    def __init__(self, *args: Any, actor: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions_inspectable_by(actor).order_by("name")  # type: ignore[attr-defined]
        self.fields["checklist"].queryset = checklists_in_use()  # type: ignore[attr-defined]


class InspectionCompleteForm(forms.Form):
    remarks = forms.CharField(
        label=_("Remarks"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
