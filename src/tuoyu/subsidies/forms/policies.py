"""Creating, editing and ending a subsidy policy."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tuoyu.regions.models import Region
from tuoyu.rules import Severity
from tuoyu.subsidies.models import Basis, SubsidyPolicy
from tuoyu.widgets import DateInput

DATE = DateInput()
MAX_INSTALMENTS = 12
MAX_PREFIXES = 20


def parse_instalments(text: str) -> list[int]:
    """``"60,40"`` (or 60，40 or 60 40) → ``[60, 40]``; refused when a part is not a whole number."""
    parts = [part for part in text.replace("，", ",").replace(" ", ",").split(",") if part]
    if len(parts) > MAX_INSTALMENTS:
        raise ValidationError(_("At most %(max)d instalments.") % {"max": MAX_INSTALMENTS})
    try:
        return [int(part) for part in parts]
    except ValueError:
        raise ValidationError(_("Type the share of each instalment in percent, e.g. 60,40.")) from None


def parse_prefixes(text: str) -> list[str]:
    parts = [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]
    if len(parts) > MAX_PREFIXES or any(len(part) > 20 for part in parts):
        raise ValidationError(_("At most %(max)d rule codes of up to 20 characters.") % {"max": MAX_PREFIXES})
    return parts


class PolicyForm(forms.Form):
    region = forms.ModelChoiceField(label=_("District"), queryset=Region.objects.none(), to_field_name="code")
    name = forms.CharField(label=_("Name"), max_length=100)
    basis = forms.ChoiceField(label=_("Basis"), choices=Basis.choices)
    rate_yuan = forms.DecimalField(label=_("Rate (yuan)"), max_digits=14, decimal_places=2)
    cap_per_institution_year_yuan = forms.DecimalField(
        label=_("Cap per institution and year (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Empty: no cap."),
    )
    min_attendance_days = forms.IntegerField(
        label=_("Minimum attendance days for a child-month"), min_value=1, max_value=31, initial=10
    )
    requires_inclusive = forms.BooleanField(
        label=_("Only inclusive (普惠) institutions"), required=False, initial=True
    )
    requires_filed = forms.BooleanField(
        label=_("Only institutions with an approved filing"), required=False, initial=True
    )
    requires_guided_price = forms.BooleanField(
        label=_("Only institutions at or below the government-guided price"), required=False, initial=True
    )
    holding_severities = forms.MultipleChoiceField(
        label=_("Open findings of these severities hold a claim for review"),
        choices=Severity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    holding_rule_prefixes = forms.CharField(
        label=_("Open findings of these rules hold a claim for review"),
        max_length=200,
        required=False,
        help_text=_("Rule codes or their beginning, separated by commas, e.g. STF- for the staff rules."),
    )
    instalments = forms.CharField(
        label=_("Instalments (percent)"),
        max_length=60,
        required=False,
        help_text=_("Construction only: the share of each instalment, adding up to 100, e.g. 60,40."),
    )
    effective_from = forms.DateField(label=_("In force from"), widget=DATE)
    effective_to = forms.DateField(label=_("In force until"), widget=DATE, required=False)
    source_document = forms.CharField(label=_("Source document"), max_length=200)
    article = forms.CharField(label=_("Article"), max_length=100, required=False)
    is_demo_value = forms.BooleanField(
        label=_("Demo value (not a published rate)"), required=False, initial=False
    )

    def __init__(self, *args: Any, regions: Any, policy: SubsidyPolicy | None = None, **kwargs: Any) -> None:
        if policy is not None:
            kwargs.setdefault("initial", initial_of(policy))
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.queryset = regions
        if policy is not None:
            region_field.disabled = True
        elif regions.count() == 1:
            self.initial.setdefault("region", regions.first())

    def clean_instalments(self) -> list[int]:
        return parse_instalments(self.cleaned_data.get("instalments") or "")

    def clean_holding_rule_prefixes(self) -> list[str]:
        return parse_prefixes(self.cleaned_data.get("holding_rule_prefixes") or "")

    def fields_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("region")
        data["holding_severities"] = list(data["holding_severities"])
        return data


def initial_of(policy: SubsidyPolicy) -> dict[str, Any]:
    return {
        "region": policy.region,
        "name": policy.name,
        "basis": policy.basis,
        "rate_yuan": policy.rate_yuan,
        "cap_per_institution_year_yuan": policy.cap_per_institution_year_yuan,
        "min_attendance_days": policy.min_attendance_days,
        "requires_inclusive": policy.requires_inclusive,
        "requires_filed": policy.requires_filed,
        "requires_guided_price": policy.requires_guided_price,
        "holding_severities": policy.holding_severities,
        "holding_rule_prefixes": ",".join(policy.holding_rule_prefixes),
        "instalments": ",".join(str(share) for share in policy.instalments),
        "effective_from": policy.effective_from,
        "effective_to": policy.effective_to,
        "source_document": policy.source_document,
        "article": policy.article,
        "is_demo_value": policy.is_demo_value,
    }


class PolicyEndForm(forms.Form):
    effective_to = forms.DateField(
        label=_("Last day in force"), widget=DATE, help_text=_("A new policy may start the day after.")
    )
