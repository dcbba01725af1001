"""``{{ amount|yuan }}``: an amount of money as an official writes it, ¥1,234.00 (−¥300.00 below zero)."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def yuan_text(value: object) -> str:
    """``value`` (a Decimal, or its text) as ¥1,234.00; empty for nothing."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    sign = "−" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


register.filter("yuan", yuan_text)
