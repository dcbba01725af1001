from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuoyu.widgets import DateInput
from tuoyu.workforce.models import CertificateType, Education, StaffRole, TrainingTopic


class StaffForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("Identity number"), max_length=18, min_length=18)
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)
    education = forms.ChoiceField(label=_("Education"), choices=Education.choices)
    management_years = forms.DecimalField(
        label=_("Years of management experience"), min_value=0, max_value=60, decimal_places=1, initial=0
    )
    phone = forms.CharField(label=_("Mobile number"), max_length=11, required=False)
    employed_from = forms.DateField(label=_("Employed from"), widget=DateInput)
    full_time = forms.BooleanField(label=_("Full-time (专职)"), required=False, initial=True)


class CertificateForm(forms.Form):
    certificate_type = forms.ChoiceField(label=_("Certificate type"), choices=CertificateType.choices)
    number = forms.CharField(label=_("Certificate number"), max_length=60)
    issuer = forms.CharField(label=_("Issued by"), max_length=100)
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput)
    expires_on = forms.DateField(
        label=_("Valid until (empty: health certificates 12 months, others without expiry)"),
        required=False,
        widget=DateInput,
    )
    scan = forms.FileField(label=_("Scan (PDF, JPEG or PNG, at most 20 MB)"), required=False)


class EndEmploymentForm(forms.Form):
    employed_until = forms.DateField(label=_("Last day of employment"), widget=DateInput)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Filled-in template (.xlsx)"))


class DutyForm(forms.Form):
    """The staff and classes to choose from are the institution's, given by the view."""

    day = forms.DateField(label=_("Day"), widget=DateInput)

    def __init__(
        self,
        *args: Any,
        staff_choices: list[tuple[str, str]],
        class_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"] = forms.ChoiceField(label=_("Staff member"), choices=staff_choices)
        self.fields["care_class"] = forms.ChoiceField(label=_("Class"), choices=class_choices, required=False)
        self.order_fields(["staff", "care_class", "day"])


class TrainingSessionForm(forms.Form):
    """The regions to choose from are those the regulator manages, given by the view."""

    topic = forms.ChoiceField(label=_("Topic"), choices=TrainingTopic.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    expert = forms.CharField(label=_("Expert"), max_length=100)
    day = forms.DateField(label=_("Date"), widget=DateInput)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=40, decimal_places=1)
    capacity = forms.IntegerField(label=pgettext_lazy("training", "Capacity"), min_value=1, max_value=5000)
    location = forms.CharField(label=_("Location"), max_length=120, required=False)

    def __init__(self, *args: Any, region_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"] = forms.ChoiceField(label=_("Region"), choices=region_choices)
        self.order_fields(["region"])
