"""Amounts of money, one way everywhere: Decimal yuan, rounded to the fen, shown with thousands separators
(¥1,234.00; below zero -¥300.00), in Python (``yuan``) and in templates (``{{ amount|yuan }}``)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> Decimal:
    """``amount`` rounded to the fen (half up, as a cashier rounds)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(amount: Decimal | str | int | None) -> str:
    """``¥1,234.00``; a negative amount ``-¥12.00``; nothing (``—``) for None."""
    if amount is None or amount == "":
        return "—"
    value = to_fen(Decimal(amount))
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


def price(amount: Decimal | str | int | None) -> str:
    """A price as a catalogue shows it: ``¥2,380`` for whole yuan, ``¥12.50`` otherwise (``—`` for None)."""
    if amount is None or amount == "":
        return "—"
    value = to_fen(Decimal(amount))
    return f"¥{value:,.0f}" if value == value.to_integral_value() else yuan(value)


# ``{% load money %}`` then ``{{ amount|yuan }}`` in any template (settings: TEMPLATES' libraries).
register = template.Library()
register.filter("yuan", yuan)
register.filter("price", price)
