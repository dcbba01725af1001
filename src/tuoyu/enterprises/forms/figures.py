"""The figures' query: the month (``YYYY-MM``, by default the last full month) and the region."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.enterprises.selectors.figures import Month, month_parsed
from tuoyu.widgets import MonthInput


class MonthField(forms.Field):
    """A month written ``YYYY-MM``, cleaned to a ``Month``."""

    widget = MonthInput

    def to_python(self, value: object) -> Month | None:
        text = "" if value in self.empty_values else str(value).strip()
        if not text:
            return None
        try:
            return month_parsed(text)
        except ValueError:
            raise forms.ValidationError(_("Give the month as YYYY-MM."), code="invalid") from None

    def prepare_value(self, value: object) -> object:
        return str(value) if isinstance(value, Month) else value


class FiguresForm(forms.Form):
    month = MonthField(label=_("Month"), required=False)
    region = forms.CharField(label=_("Region"), required=False, max_length=12)
