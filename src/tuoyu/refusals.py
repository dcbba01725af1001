"""Refusals: a business rule says no, with a message a person understands and a code a program can act on.

Services raise :class:`Refusal`; pages show its message, and the API answers with
``{"code": ..., "detail": ...}`` and status 409 when the request conflicts with the current state
(class full, offer expired) or 400 when the input itself is wrong (age outside the band).
"""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Refusal(DjangoValidationError):
    """A refused action. ``conflict`` marks refusals caused by the current state rather than the input."""

    def __init__(self, message: "StrOrPromise", code: str, *, conflict: bool = False) -> None:
        super().__init__(message, code=code)
        self.conflict = conflict

    @property
    def text(self) -> str:
        return str(self.messages[0])


def show_errors(request: HttpRequest, error: DjangoValidationError) -> None:
    """Put each message of a refusal or validation error on the next page (Django messages)."""
    for message in error.messages:
        messages.error(request, message)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's ValidationError (and so every Refusal) as 400/409 with a code."""
    if isinstance(exc, DjangoValidationError):
        if isinstance(exc, Refusal):
            body: dict[str, Any] = {"code": exc.code, "detail": exc.text}
            code = status.HTTP_409_CONFLICT if exc.conflict else status.HTTP_400_BAD_REQUEST
            return Response(body, status=code)
        if hasattr(exc, "error_dict"):
            return Response(
                {"code": "invalid", "detail": exc.message_dict}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response({"code": "invalid", "detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, APIException) and isinstance(response.data, dict):
        response.data.setdefault("code", exc.get_codes() if isinstance(exc.get_codes(), str) else "invalid")
    return response


__all__ = ["Http404", "PermissionDenied", "Refusal", "api_exception_handler", "show_errors"]
