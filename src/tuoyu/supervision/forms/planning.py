"""Drawing an inspection plan and approving it."""

import datetime
import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.regions.models import Region
from tuoyu.supervision.services.planning import DEFAULT_RATES, MAX_SEED_LENGTH
from tuoyu.widgets import DateInput


def suggested_seed(today: datetime.date) -> str:
    """A seed to start from: the day and six random digits; a regulator may type any other (the day and a
    public lottery number, say), as long as it is published before the draw."""
    return f"{today:%Y%m%d}-{secrets.randbelow(1_000_000):06d}"


class PlanDrawForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), to_field_name="code")
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())
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
