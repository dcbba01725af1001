"""The forms of the app's pages: what a person types, checked before a service is called."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tuoyu.daycare.models import (
    AbsenceReason,
    CheckDecision,
    Observation,
    Symptom,
)
from tuoyu.enrolment.models import Child
from tuoyu.widgets import DateInput


class CheckForm(forms.Form):
    temperature_c = forms.CharField(required=False, label=gettext_lazy("Temperature (°C)"))  # a chip
    temperature_other = forms.CharField(required=False, label=gettext_lazy("Other reading"))  # typed
    observations = forms.MultipleChoiceField(
        choices=Observation.choices, required=False, label=gettext_lazy("Observed")
    )
    decision = forms.ChoiceField(choices=CheckDecision.choices, label=gettext_lazy("Decision"))
    reason = forms.CharField(required=False, max_length=200, label=gettext_lazy("Reason"))
    guardian_notified_at = forms.TimeField(required=False, label=gettext_lazy("Guardian notified at"))
    action = forms.CharField(required=False, max_length=200, label=gettext_lazy("Action taken"))

    def service_arguments(self, day: datetime.date) -> dict[str, Any]:
        data = self.cleaned_data
        notified = data["guardian_notified_at"]
        return {
            "temperature_c": data["temperature_other"].strip() or data["temperature_c"],
            "observations": data["observations"],
            "decision": data["decision"],
            "reason": data["reason"],
            "guardian_notified_at": timezone.make_aware(datetime.datetime.combine(day, notified))
            if notified
            else None,
            "action": data["action"],
        }


class AbsenceForm(forms.Form):
    reason = forms.ChoiceField(choices=AbsenceReason.choices, label=gettext_lazy("Reason"))
    symptom = forms.ChoiceField(
        choices=[("", "—"), *Symptom.choices], required=False, label=gettext_lazy("Symptom")
    )
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("Note"))


class FamilyAbsenceForm(forms.Form):
    """The family's 请假: a child, a day or a range, the reason and, for an illness, the symptom category."""

    child = forms.ChoiceField(label=gettext_lazy("Child"))
    first_day = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    last_day = forms.DateField(
        required=False,
        label=gettext_lazy("Until"),
        widget=DateInput(),
        help_text=gettext_lazy("Leave empty for one day."),
    )
    reason = forms.ChoiceField(choices=AbsenceReason.choices, label=gettext_lazy("Reason"))
    symptom = forms.ChoiceField(
        choices=[("", "—"), *Symptom.choices],
        required=False,
        label=gettext_lazy("Symptom"),
        help_text=gettext_lazy("For an illness: what the child has."),
    )
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("Note"))

    def __init__(self, *args: Any, children: list[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(str(c.code), c.name) for c in children]  # type: ignore[attr-defined]


class CheckOutForm(forms.Form):
    # "person:<id>", "guardian:<user id>" or "other"
    pickup = forms.CharField(label=gettext_lazy("Collected by"))
    person_name = forms.CharField(required=False, max_length=50, label=gettext_lazy("Their name"))
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("Note"))


class FollowUpForm(forms.Form):
    diagnosis = forms.CharField(required=False, max_length=100, label=gettext_lazy("Diagnosis (if known)"))
    expected_return = forms.DateField(
        required=False,
        label=gettext_lazy("Expected return"),
        widget=DateInput(),
    )
    outcome = forms.CharField(required=False, max_length=200, label=gettext_lazy("Outcome"))
    close = forms.BooleanField(required=False, label=gettext_lazy("Close the follow-up"))


class InstructionForm(forms.Form):
    child = forms.ChoiceField(label=gettext_lazy("Child"))
    medicine = forms.CharField(label=gettext_lazy("Medicine"), max_length=100)
    dose = forms.CharField(label=gettext_lazy("Dose"), max_length=60, help_text=gettext_lazy("e.g. 5 ml"))
    times = forms.CharField(
        label=gettext_lazy("When to give it"), max_length=100, help_text=gettext_lazy("e.g. after lunch")
    )
    valid_from = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    valid_until = forms.DateField(label=gettext_lazy("Until"), widget=DateInput())

    def __init__(self, *args: Any, children: list[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(str(c.code), c.name) for c in children]  # type: ignore[attr-defined]
