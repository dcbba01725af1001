"""The complaint forms: the public form, the status look-up, starting and concluding."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.registry.selectors import institutions_public
from tuoyu.supervision.models import ComplaintCategory, ComplaintOutcome
from tuoyu.supervision.services.complaints import MAX_CONTENT, MAX_NAME, MAX_PROGRESS, MAX_REASONS
from tuoyu.supervision.services.rectification import MAX_DEADLINE_DAYS
from tuoyu.widgets import DateInput


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
    happened_on = forms.DateField(label=_("When it happened (optional)"), required=False, widget=DateInput())
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
