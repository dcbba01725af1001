"""What the health pages do with a posted form: hand its data to the service that records it."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

Recorded = TypeVar("Recorded")


def form_recorded(
    form: forms.Form, record: Callable[..., Recorded]
) -> tuple[Recorded | None, ValidationError | None]:
    """``(what record wrote, None)`` for a valid form whose data the service ``record`` accepts;
    ``(None, its refusal)`` when the service refuses; ``(None, None)`` when the form is not valid (its errors
    are on the form)."""
    if not form.is_valid():
        return None, None
    try:
        return record(**form.cleaned_data), None
    except ValidationError as refused:
        return None, refused
