from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuoyu.bookings.models import OLDEST_SESSION_MONTHS, Period
from tuoyu.widgets import DateInput


class TimeInput(forms.TimeInput):
    input_type = "time"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


CUTOFF_HELP = _("Leave empty for 18:00 on the day before.")


class _PublishForm(forms.Form):
    """The institutions to choose from are those the director manages, given by the view."""

    def __init__(self, *args: Any, institution_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"] = forms.ChoiceField(label=_("Institution"), choices=institution_choices)
        self.order_fields(["institution"])


class SlotPublishForm(_PublishForm):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)
    booking_cutoff = forms.DateTimeField(
        label=_("Bookings close at"), required=False, widget=DateTimeInput, help_text=CUTOFF_HELP
    )


class SessionPublishForm(_PublishForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TimeInput)
    ends_at = forms.TimeField(label=_("Ends at"), widget=TimeInput)
    min_age_months = forms.IntegerField(
        label=_("From age (months)"), min_value=0, max_value=OLDEST_SESSION_MONTHS - 1
    )
    max_age_months = forms.IntegerField(
        label=_("Under age (months)"), min_value=1, max_value=OLDEST_SESSION_MONTHS
    )
    capacity = forms.IntegerField(label=pgettext_lazy("session", "Children"), min_value=1, max_value=500)
    price_yuan = forms.DecimalField(
        label=_("Price (yuan)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=_("Leave empty for the price in your fee catalogue."),
    )
    booking_cutoff = forms.DateTimeField(
        label=_("Bookings close at"), required=False, widget=DateTimeInput, help_text=CUTOFF_HELP
    )


class BookForm(forms.Form):
    """The children to choose from are the guardian's own, given by the view."""

    def __init__(self, *args: Any, child_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"] = forms.ChoiceField(label=_("Child"), choices=child_choices)


class SessionBookForm(BookForm):
    adult_name = forms.CharField(label=_("Accompanying adult"), max_length=50)
