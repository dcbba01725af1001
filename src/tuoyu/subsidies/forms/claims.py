"""Subsidies' forms: the director's remarks and submission, the reviewer's notes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.widgets import MonthInput

NOTE_LENGTH = 1000


class ClaimSubmitForm(forms.Form):
    remarks = forms.CharField(
        label=_("Remarks"), max_length=NOTE_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(
        label=_("I checked the lines: the claim is computed from our attendance records."), required=True
    )


class ReviewNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=NOTE_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReassessForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class PrepareForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"], widget=MonthInput())
