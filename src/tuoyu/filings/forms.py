from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.filings.models import Filing, FilingKind, FilingMaterial, MaterialKind
from tuoyu.registry.models import ServiceType
from tuoyu.widgets import DateInput

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class FilingForm(forms.Form):
    """The 备案书 fields, the services with their prices, and the 备案承诺书."""

    name = forms.CharField(label=_("Institution name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200)
    director_name = forms.CharField(label=_("Director (负责人)"), max_length=50)
    filed_places = forms.IntegerField(label=_("Places to file"), min_value=1, max_value=10000)
    serves_meals = forms.BooleanField(label=_("The institution serves meals"), required=False)
    resettlement = forms.CharField(
        label=_("How the children were resettled"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    commitment = forms.BooleanField(
        label=_(
            "I commit that the information and materials of this filing are true, that the institution meets "
            "the national standards for childcare institutions, and that it accepts the health authority's "
            "supervision (备案承诺书)."
        ),
        required=False,
    )

    def __init__(self, *args: Any, filing: Filing, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filing = filing
        prices = {s["service_type"]: s["price_yuan"] for s in filing.service_types}
        for service_type, label in ServiceType.choices:
            self.fields[f"price_{service_type}"] = forms.DecimalField(
                label=_("%(service)s: price in yuan (empty if not offered)") % {"service": label},
                required=False,
                min_value=Decimal("0"),
                max_digits=8,
                decimal_places=2,
                initial=prices.get(service_type),
            )
        if filing.kind != FilingKind.DEREGISTRATION:
            del self.fields["resettlement"]

    def services(self) -> dict[str, Decimal]:
        return {
            service_type: self.cleaned_data[f"price_{service_type}"]
            for service_type in ServiceType.values
            if self.cleaned_data.get(f"price_{service_type}") is not None
        }


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Material"), choices=MaterialKind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 20 MB)"))
    valid_until = forms.DateField(label=_("Valid until (if it expires)"), required=False, widget=DateInput)
    tenure = forms.ChoiceField(
        label=_("Premises"), choices=[("", "—"), *FilingMaterial.Tenure.choices], required=False
    )
    lease_start = forms.DateField(label=_("Lease start"), required=False, widget=DateInput)
    lease_end = forms.DateField(label=_("Lease end"), required=False, widget=DateInput)
    rating = forms.ChoiceField(
        label=_("Health evaluation result"),
        choices=[("", "—"), *FilingMaterial.Rating.choices],
        required=False,
    )


# What a reviewer can give a reason for: the 备案书 fields, the resettlement (cancellations), each material,
# the staff.
RETURN_ITEMS: dict[str, "StrOrPromise"] = {
    "name": _("Institution name"),
    "address": _("Address"),
    "director_name": _("Director (负责人)"),
    "filed_places": _("Places to file"),
    "service_types": _("Services and prices"),
    "resettlement": _("Resettlement of the children"),
    **dict(MaterialKind.choices),
    "staff": _("Staff qualifications"),
}
CANCELLATION_ITEMS = ("name", "address", "director_name", "resettlement")


def return_items(filing: Filing) -> list[tuple[str, str]]:
    """The items a reviewer can give a reason for on this filing, with their labels."""
    if filing.kind == FilingKind.DEREGISTRATION:
        keys = list(CANCELLATION_ITEMS)
    else:
        keys = [key for key in RETURN_ITEMS if key != "resettlement"]
    return [(key, str(RETURN_ITEMS[key])) for key in keys]


class ReturnForm(forms.Form):
    """A reason per item; only items with a reason are returned."""

    publish = forms.BooleanField(
        label=_("Publish this decision on the public list of filings that did not meet the requirements"),
        required=False,
    )

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in items:
            self.fields[f"reason_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def reasons(self) -> dict[str, str]:
        return {
            name.removeprefix("reason_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("reason_") and value
        }
