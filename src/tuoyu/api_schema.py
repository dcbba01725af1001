"""The OpenAPI schema says what every operation may answer when it refuses: ``{"code", "detail"}``."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "What a program acts on, e.g. class_full, not_found."},
        "detail": {"description": "For a person: a message, or for invalid input the messages per field."},
    },
    "required": ["code", "detail"],
}
# Any operation may answer these; the operations that document their own (refusals) keep them.
ERRORS = {
    "400": "Bad input: what is wrong, and where.",
    "401": "Not signed in.",
    "403": "Signed in without the second factor the account needs.",
    "404": "Not found, or outside what the caller may see.",
    "409": "Refused by the current state.",
    "429": "Too many requests or failed sign-ins: try again later (Retry-After).",
    "503": "The database was busy; nothing was saved (Retry-After).",
}


LOCAL_TIME = {
    "type": "string",
    "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$",
    "description": "A local time of day (Asia/Shanghai), HH:MM[:SS], without an offset.",
}


MONTH = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}$",
    "description": "A month, YYYY-MM.",
    "example": "2026-10",
}


@extend_schema_field(MONTH)
class MonthField(serializers.DateField):
    """A month, written and read as YYYY-MM (the first day of the month inside)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m", input_formats=["%Y-%m"], **kwargs)


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^-?\d+\.\d{2}$"})
class YuanField(serializers.SerializerMethodField):
    """An amount of yuan computed by the serializer's ``get_<name>``, written as a decimal string (12.00)."""

    def to_representation(self, value: Any) -> str:
        return f"{super().to_representation(value):.2f}"


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Every operation's refusals, and times of day as what they are: local, without an offset (JSON
    Schema's "time" format would ask for one)."""
    _local_times(result)
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("Error", ERROR_SCHEMA)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {"description": description, "content": {"application/json": {"schema": ERROR_REF}}},
                )
    return result


def _local_times(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            node.pop("format")
            node.update({key: value for key, value in LOCAL_TIME.items() if key not in node})
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


class TokenScheme(OpenApiAuthenticationExtension):
    """The API token (django-rest-knox) keeps the scheme's name ``tokenAuth`` that clients know."""

    target_class = "tuoyu.accounts.authentication.TokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <token> from POST /api/v1/auth/token/; it expires after 30 days.",
        }
