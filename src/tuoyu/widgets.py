"""Form widgets shared by every app's forms."""

from django import forms
from django.utils.translation import gettext_noop


class DateInput(forms.DateInput):
    """The browser's date picker; it reads and writes ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    """The browser's month picker; it reads and writes ``YYYY-MM`` whatever the page's language."""

    input_type = "month"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m")


# Django's forms end each label with gettext(":"); the catalogue writes it full-width in Chinese (手机号码：).
# Templates write a label before its value with {% translate ": " %} for the same reason.
gettext_noop(":")
gettext_noop(": ")
