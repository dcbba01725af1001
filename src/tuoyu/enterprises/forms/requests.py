"""The forms of the pages where requests are worked: the list's filters and one form per action."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuoyu.enterprises.models import Category, Department, RatingChannel, Satisfaction, ServiceTeam, Urgency
from tuoyu.enterprises.selectors.desk import STATUS_FILTERS, RequestFilters
from tuoyu.enterprises.selectors.figures import MAX_YEAR, MIN_YEAR
from tuoyu.widgets import MonthInput

MAX_TEXT = 2000
ALL = [("", pgettext_lazy("filter", "All"))]


class RequestFilterForm(forms.Form):
    """The request list's filters (GET). A value that is not one of the choices narrows nothing."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=ServiceTeam.objects.none(),
        required=False,
        empty_label=pgettext_lazy("filter", "All"),
    )
    category = forms.ChoiceField(label=_("Category"), required=False, choices=ALL + Category.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), required=False, choices=ALL + Urgency.choices)
    month = forms.DateField(
        label=_("Month recorded"), required=False, input_formats=["%Y-%m"], widget=MonthInput()
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, teams: QuerySet[ServiceTeam], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = ALL + [(key, label) for key, (label, _q) in STATUS_FILTERS.items()]  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    def clean_month(self) -> datetime.date | None:
        month: datetime.date | None = self.cleaned_data.get("month")
        if month is not None and not MIN_YEAR <= month.year <= MAX_YEAR:
            raise forms.ValidationError(_("Give the month as YYYY-MM."), code="invalid")
        return month

    def filters(self) -> RequestFilters:
        """The filters of the valid fields (call after ``is_valid()``)."""
        data = getattr(self, "cleaned_data", {})
        month = data.get("month")
        return RequestFilters(
            status=data.get("status") or "",
            team=data.get("team"),
            category=data.get("category") or "",
            urgency=data.get("urgency") or "",
            overdue_only=bool(data.get("overdue")),
            month=month.replace(day=1) if isinstance(month, datetime.date) else None,
        )


class DispatchForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The first department a request is sent to leads (首接负责)."),
    )
    instruction = forms.CharField(
        label=_("What is asked of them"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the enterprise"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )
    resolved = forms.TypedChoiceField(
        label=_("Is the problem solved?"),
        choices=[("yes", _("Yes, solved")), ("no", _("No, answered but not solved"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I confirm: the enterprise receives this answer and is asked to rate it.")
    )


class FollowUpForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How the enterprise was asked"),
        choices=[
            (RatingChannel.PHONE, RatingChannel.PHONE.label),
            (RatingChannel.VISIT, RatingChannel.VISIT.label),
        ],
        widget=forms.RadioSelect,
        initial=RatingChannel.PHONE,
    )
    satisfaction = forms.ChoiceField(
        label=_("The enterprise's rating"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("What the enterprise said"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for 不满意: the request is then reopened."),
    )


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Working days more"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("grant", _("Grant the extension")), ("refuse", _("Refuse the extension"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the extension is refused."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the extension is refused."))
        return data


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your department's reply"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )
