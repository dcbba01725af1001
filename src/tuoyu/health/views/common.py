"""What the health pages do with a posted form: hand its data to the service that records it."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.http import HttpRequest

from tuoyu.refusals import refusal_shown

Recorded = TypeVar("Recorded")


def form_recorded(request: HttpRequest, form: forms.Form, record: Callable[..., Recorded]) -> Recorded | None:
    """What the service ``record`` wrote from a valid form's data; None when the form is not valid (its errors
    are on the form) or the service refused (its messages are on the page)."""
    if not form.is_valid():
        return None
    with refusal_shown(request):
        return record(**form.cleaned_data)
    return None
