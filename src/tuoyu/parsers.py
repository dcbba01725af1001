"""The API's JSON parser: a body nested too deeply for the decoder is bad input (400), not a crash (500)."""

from collections.abc import Mapping
from typing import Any

from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

# The most items a list in a request may hold (ids to mark read, children of an outing...): a longer list is
# refused with 400 before any query, so no IN (...) grows past what the database accepts.
MAX_LIST_ITEMS = 1000


class DepthSafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply.")) from None


class CappedManyRelatedField(serializers.ManyRelatedField):
    """A list of related objects (``PrimaryKeyRelatedField(many=True)``) refused before any lookup when it
    holds more than ``max_length`` items; the OpenAPI schema says so as ``maxItems``."""

    def __init__(self, *args: Any, max_length: int = MAX_LIST_ITEMS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        self.validators.append(MaxLengthValidator(max_length))

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, list | tuple) and len(data) > self.max_length:
            raise ValidationError(
                _("At most %(max)d items, not %(count)d.") % {"max": self.max_length, "count": len(data)}
            )
        return super().to_internal_value(data)


def query_flag(params: Mapping[str, Any], name: str) -> bool | None:
    """A yes/no query parameter: ``true``/``1`` or ``false``/``0`` (any case), absent or empty for "any";
    anything else is bad input (400), never silently ignored."""
    value = str(params.get(name) or "").strip().lower()
    if value == "":
        return None
    if value in FLAG_WORDS:
        return FLAG_WORDS[value]
    raise ValidationError({name: [FLAG_ERROR]})


FLAG_WORDS = {"true": True, "1": True, "false": False, "0": False}
FLAG_ERROR = _("Use true or false (or 1 or 0).")


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """A request body read through its serializer: its validated data, or a 400 saying what is wrong where."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
