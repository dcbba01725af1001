"""Refusals: a business rule says no, with a message a person understands and a code a program can act on.

Services raise :class:`Refusal`; pages show its message, and the API answers with
``{"code": ..., "detail": ...}`` and status 409 when the request conflicts with the current state
(class full, offer expired) or 400 when the input itself is wrong (age outside the band).
"""

from types import TracebackType
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Refusal(DjangoValidationError):
    """A refused action. ``conflict`` marks refusals caused by the current state rather than the input.

    When several things stand in the way (a filing's missing materials), ``message`` is the list of them:
    a page shows each message on its own, the API one ``detail`` with a line per message.
    """

    def __init__(
        self, message: "StrOrPromise | list[StrOrPromise]", code: str, *, conflict: bool = False
    ) -> None:
        if isinstance(message, list):
            assert message, "a refusal says why"
            super().__init__([DjangoValidationError(text, code=code) for text in message])
            self.code = code
        else:
            super().__init__(message, code=code)
        self.conflict = conflict

    @property
    def text(self) -> str:
        return "\n".join(str(message) for message in self.messages)


class NotPermitted(Http404):
    """The actor may not see or do this: answered 404 on pages and in the API alike, as for anything outside
    their scope, so that nobody learns from the answer what exists beyond it. The message is for the log."""


class ErrorSerializer(serializers.Serializer):
    """Every error of the API (component ``Error`` of the OpenAPI schema)."""

    code = serializers.CharField(
        help_text="What a program acts on: a refusal's code (class_full, offer_expired...), invalid, "
        "not_found, not_authenticated, throttled, locked_out, second_factor_required, busy."
    )
    detail = serializers.JSONField(
        help_text="For a person, in the request's language: a message; for invalid input, the messages "
        "per field."
    )


def refused(example_400: str = "", example_409: str = "") -> dict[int, OpenApiResponse]:
    """The documented refusals of an operation: 400 for its input, 409 for the current state."""
    responses = {
        400: OpenApiResponse(ErrorSerializer, description=f"Refused: the input (e.g. {example_400}).")
    }
    if example_409:
        responses[409] = OpenApiResponse(
            ErrorSerializer, description=f"Refused: the state (e.g. {example_409})."
        )
    return responses


def show_errors(request: HttpRequest, error: DjangoValidationError) -> None:
    """Put each message of a refusal or validation error on the next page (Django messages)."""
    for message in error.messages:
        messages.error(request, message)


class refusal_shown:  # lower case, like contextlib.suppress: it is read in a ``with``
    """``with refusal_shown(request) as attempt:`` runs a service call for a page. A refusal (or a model's
    ``ValidationError``) raised inside is put on the next page as messages and kept in ``attempt.refused``;
    the refused call wrote nothing, and the rest of the block is skipped. Anything else (``NotPermitted``
    included) goes on up::

        with refusal_shown(request) as attempt:
            child = services.child_register(...)
            messages.success(request, _("%(child)s was added.") % {"child": child.name})
        if attempt.refused is None:
            return redirect(...)

    ``show=False`` keeps the refusal without showing it as messages, for a page that shows it in place
    (an htmx row).
    """

    def __init__(self, request: HttpRequest, *, show: bool = True) -> None:
        self.request = request
        self.show = show
        self.refused: DjangoValidationError | None = None

    def __enter__(self) -> "refusal_shown":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if not isinstance(error, DjangoValidationError):
            return False
        self.refused = error
        if self.show:
            show_errors(self.request, error)
        return True


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error as ``{"code", "detail"}``: refusals (400/409 with their code), invalid input
    (``invalid``, with the messages per field), and DRF's own errors (``not_found``, ``not_authenticated``,
    ``throttled``...)."""
    if isinstance(exc, DjangoValidationError):
        if isinstance(exc, Refusal):
            body: dict[str, Any] = {"code": exc.code, "detail": exc.text}
            code = status.HTTP_409_CONFLICT if exc.conflict else status.HTTP_400_BAD_REQUEST
            return Response(body, status=code)
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response({"code": "invalid", "detail": detail}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"code": "invalid", "detail": response.data}
    else:
        codes = exc.get_codes()
        response.data = {
            "code": codes if isinstance(codes, str) else "invalid",
            "detail": response.data.get("detail", response.data)
            if isinstance(response.data, dict)
            else response.data,
        }
    return response


__all__ = [
    "Http404",
    "NotPermitted",
    "PermissionDenied",
    "Refusal",
    "api_exception_handler",
    "refusal_shown",
    "show_errors",
]
