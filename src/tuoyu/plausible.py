"""Plausible values: a number outside what is physically possible is a typing error and is refused with a
message that says the allowed range. Each model keeps its ranges beside its fields, with their source
where there is one."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class Between:
    """Refuse a value below ``low`` or above ``high`` (both allowed), naming the range and its unit."""

    def __init__(self, low: Decimal | int, high: Decimal | int, unit: str = "") -> None:
        self.low, self.high, self.unit = low, high, unit

    def __call__(self, value: Any) -> None:
        if value is not None and not self.low <= value <= self.high:
            raise ValidationError(
                _("%(value)s is not possible here: enter a value from %(low)s to %(high)s%(unit)s."),
                code="out_of_range",
                params={"value": value, "low": self.low, "high": self.high, "unit": self.unit},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Between) and (self.low, self.high, self.unit) == (
            other.low,
            other.high,
            other.unit,
        )
