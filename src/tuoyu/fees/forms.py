"""Fees' forms: a guided price, the meal plan, a payment received, the month of a list."""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from tuoyu.fees.models import MealRefund, PaymentMethod
from tuoyu.regions.models import Region
from tuoyu.registry.models import ServiceType
from tuoyu.widgets import DateInput

MAX_PRICE = Decimal("999999.99")
MAX_SOURCE = 200
MAX_REFERENCE = 60
MONTHLY_CHOICES = [
    (value, label) for value, label in ServiceType.choices if value in ("full_day", "half_day")
]


def _amount(label: Any, minimum: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(minimum)), MaxValueValidator(MAX_PRICE)],
    )


class GuidedPriceForm(forms.Form):
    region: "forms.ModelChoiceField[Region]" = forms.ModelChoiceField(
        label=_("District"), queryset=Region.objects.none(), empty_label=None
    )
    service_type = forms.ChoiceField(label=_("Service type"), choices=MONTHLY_CHOICES)
    price_yuan = _amount(_("Guided price (yuan per month)"), "0")
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    source_document = forms.CharField(label=_("Source document"), max_length=MAX_SOURCE)
    is_demo_value = forms.BooleanField(
        label=_("Demo value"),
        required=False,
        help_text=_("Mark a value not taken from a published price document."),
    )

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = districts  # type: ignore[attr-defined]


class MealPlanForm(forms.Form):
    price_per_day_yuan = _amount(_("Meal fee per day (yuan)"), "0")
    refund = forms.ChoiceField(label=_("Absent days"), choices=MealRefund.choices)


class PaymentForm(forms.Form):
    amount_yuan = _amount(_("Amount (yuan)"), "0.01")
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("Reference"), max_length=MAX_REFERENCE, required=False)


def parse_month(text: str | None, default: datetime.date) -> datetime.date:
    """``YYYY-MM`` as the first day of that month; ``default`` when missing or not a month."""
    try:
        return datetime.datetime.strptime((text or "")[:7], "%Y-%m").date()
    except ValueError:
        return default
