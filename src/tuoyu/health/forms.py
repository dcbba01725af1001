"""The forms of the app's pages: what a person types, checked before a service is called."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tuoyu.enrolment.models import Child
from tuoyu.health.development import CHECKPOINTS, signs_at
from tuoyu.health.growth.standards import HEIGHT_FROM_DAYS
from tuoyu.health.models import (
    DiagnosisStatus,
    Disease,
    ExamKind,
    HearingResult,
    ImmunisationCheckKind,
    Position,
    Referral,
    ReferralReason,
)
from tuoyu.widgets import DateInput


class ExamForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Examination"), choices=ExamKind.choices)
    examined_on = forms.DateField(label=gettext_lazy("Examined on"), widget=DateInput)
    haemoglobin_g_l = forms.IntegerField(
        label=gettext_lazy("Haemoglobin (g/L)"),
        required=False,
        help_text=gettext_lazy("Haemoglobin test only. Below 110 g/L is anaemia: the child is referred."),
    )
    hearing_result = forms.ChoiceField(
        label=gettext_lazy("Hearing result"),
        choices=[("", "—"), *HearingResult.choices],
        required=False,
        help_text=gettext_lazy("Hearing screen only. “Refer” refers the child for a re-screen."),
    )
    note = forms.CharField(label=gettext_lazy("Findings"), max_length=300, required=False)
    referred_to = forms.CharField(
        label=gettext_lazy("Referred to"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Where the child goes if the result is referred."),
    )


class ScreeningForm(forms.Form):
    checkpoint_months = forms.TypedChoiceField(
        coerce=int, choices=[(m, m) for m in CHECKPOINTS], widget=forms.HiddenInput
    )
    screened_on = forms.DateField(label=gettext_lazy("Screened on"), widget=DateInput)
    positive_signs = forms.MultipleChoiceField(
        label=gettext_lazy("Signs seen (tick every sign that is present)"),
        choices=(),  # the signs of the form's checkpoint
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)
    referred_to = forms.CharField(
        label=gettext_lazy("Referred to"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Any sign present refers the child: where to."),
    )

    def __init__(self, *args: Any, checkpoint: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_m{checkpoint}_%s")
        super().__init__(*args, **kwargs)
        self.checkpoint = checkpoint
        self.fields["positive_signs"].choices = [(sign.code, sign.label) for sign in signs_at(checkpoint)]  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.update(checkpoint_months=checkpoint, screened_on=timezone.localdate())


class ReferralForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=ReferralReason.choices)
    detail = forms.CharField(label=gettext_lazy("Why"), max_length=300)
    referred_on = forms.DateField(label=gettext_lazy("Referred on"), widget=DateInput)
    referred_to = forms.CharField(label=gettext_lazy("Referred to"), max_length=100, required=False)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("Outcome"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("The diagnosis, the advice, the next visit."),
    )
    outcome_on = forms.DateField(label=gettext_lazy("Outcome on"), widget=DateInput, required=False)
    close = forms.BooleanField(
        label=gettext_lazy("Close the referral: nothing more to follow up"), required=False
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_referral{referral.pk}_%s")
        super().__init__(*args, **kwargs)
        self.referral = referral
        if not self.is_bound:
            self.initial.update(outcome=referral.outcome, outcome_on=timezone.localdate())


COMPLETE, INCOMPLETE = "complete", "incomplete"


class ImmunisationForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Check"), choices=ImmunisationCheckKind.choices)
    checked_on = forms.DateField(label=gettext_lazy("Checked on"), widget=DateInput)
    certificate = forms.ChoiceField(
        label=gettext_lazy("The certificate"),
        choices=[
            (COMPLETE, gettext_lazy("Complete: every dose due is given")),
            (INCOMPLETE, gettext_lazy("Incomplete: doses are missing")),
        ],
        widget=forms.RadioSelect,
    )
    missing_doses = forms.CharField(
        label=gettext_lazy("Missing doses"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "Vaccine and dose, e.g. 麻腮风第1剂. The family is told at once, also by text."
        ),
    )


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(label=gettext_lazy("Measured on"), widget=DateInput)
    weight_kg = forms.DecimalField(
        label=gettext_lazy("Weight (kg)"), max_digits=5, decimal_places=2, required=False
    )
    length_cm = forms.DecimalField(
        label=gettext_lazy("Length/height (cm)"), max_digits=5, decimal_places=1, required=False
    )
    position = forms.ChoiceField(
        label=gettext_lazy("Measured"),
        choices=[("", "—"), *Position.choices],
        required=False,
        help_text=gettext_lazy("Under 2 years lying down (length), from 2 years standing (height)."),
    )
    head_cm = forms.DecimalField(
        label=gettext_lazy("Head circumference (cm)"), max_digits=4, decimal_places=1, required=False
    )
    oedema = forms.BooleanField(
        label=gettext_lazy("Oedema of both feet (pitting)"),
        required=False,
        help_text=gettext_lazy("Press both feet for 3 seconds: a dent that stays is oedema."),
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["measured_on"].widget.attrs["max"] = today.isoformat()
        if not self.is_bound:
            lying = (today - child.birth_date).days < HEIGHT_FROM_DAYS
            self.initial.update(measured_on=today, position=Position.LYING if lying else Position.STANDING)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=gettext_lazy("Date of the visit"), widget=DateInput)
    summary = forms.CharField(
        label=gettext_lazy("What was done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Checks, advice, training of the staff, follow-ups agreed."),
    )
    children = forms.MultipleChoiceField(
        label=gettext_lazy("Children seen"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, child_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        children = self.fields["children"]
        assert isinstance(children, forms.MultipleChoiceField)
        children.choices = child_choices


class ReportForm(forms.Form):
    report = forms.CharField(
        label=gettext_lazy("Report (what happened, since when, the cases, the measures taken)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("How it was resolved"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class QuarantineForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DateInput)
    ends_on = forms.DateField(label=gettext_lazy("Until (inclusive)"), widget=DateInput)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)
    outbreak = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DiagnosisForm(forms.Form):
    disease = forms.ModelChoiceField(
        queryset=Disease.objects.order_by("name"), label=gettext_lazy("Disease"), to_field_name="code"
    )
    status = forms.ChoiceField(choices=DiagnosisStatus.choices, label=gettext_lazy("Status"))
    onset_on = forms.DateField(label=gettext_lazy("Onset"), widget=DateInput)
    diagnosed_on = forms.DateField(label=gettext_lazy("Diagnosed on"), widget=DateInput)
    diagnosed_by = forms.CharField(
        required=False, max_length=100, label=gettext_lazy("Diagnosed by (hospital or doctor)")
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class CertificateForm(forms.Form):
    issued_by = forms.CharField(max_length=100, label=gettext_lazy("Issued by (hospital or doctor)"))
    issued_on = forms.DateField(label=gettext_lazy("Issued on"), widget=DateInput)


class ChildrenFilterForm(forms.Form):
    """The children list's search: a name, and only those who need attention (需关注)."""

    q = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=50)
    attention = forms.BooleanField(label=gettext_lazy("Needs attention only"), required=False)
