"""Form widgets shared by every app's forms."""

from django import forms


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
