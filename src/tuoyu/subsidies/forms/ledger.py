"""The ledger's forms: the year's budget (allocate or reduce, confirmed), a payment against a decision, a
refund received."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.money import yuan
from tuoyu.subsidies.selectors.ledger import DecisionPayments
from tuoyu.widgets import DateInput

MIN_YEAR, MAX_YEAR = 2000, 2100


class BudgetForm(forms.Form):
    ALLOCATE, REDUCE = "allocate", "reduce"

    year = forms.IntegerField(label=_("Budget year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    change = forms.ChoiceField(
        label=_("Change"),
        choices=[(ALLOCATE, _("Allocate (add to the budget)")), (REDUCE, _("Reduce the budget"))],
        initial=ALLOCATE,
    )
    amount_yuan = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    document = forms.CharField(
        label=_("Document"),
        max_length=200,
        help_text=_("The title and number of the document that allocates or changes the budget."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I have checked the amount against the document: record it in the ledger (it cannot be edited)."
        ),
        required=True,
    )


def _decision_choices(groups: list[DecisionPayments], *, recover: bool) -> list[tuple[str, str]]:
    choices = []
    for group in groups:
        left = -group.unpaid if recover else group.unpaid
        label = _("%(number)s · %(institution)s · still due %(amount)s")
        if recover:
            label = _("%(number)s · %(institution)s · to be recovered %(amount)s")
        choices.append(
            (
                str(group.decision.code),
                str(label)
                % {
                    "number": group.decision.number,
                    "institution": group.decision.claim.institution.name,
                    "amount": yuan(left),
                },
            )
        )
    return choices


class PaymentForm(forms.Form):
    """A payment to an institution (or, with ``recover``, money it paid back), against one of ``groups``."""

    decision = forms.ChoiceField(label=_("Decision"))
    amount_yuan = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(
        label=_("Voucher number"), max_length=60, help_text=_("The bank's voucher number of the transfer.")
    )

    def __init__(
        self, *args: Any, groups: list[DecisionPayments], recover: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {str(group.decision.code): group for group in groups}
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _decision_choices(groups, recover=recover)
        if recover:
            self.fields["paid_on"].label = _("Received on")

    def chosen(self) -> DecisionPayments:
        return self.groups[self.cleaned_data["decision"]]
