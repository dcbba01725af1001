"""Money as an official writes it: ¥1,234.00 (a negative amount, a clawback, as -¥1,234.00)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value: Decimal | int | str | None) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"
