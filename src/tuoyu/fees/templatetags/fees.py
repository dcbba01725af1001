"""``{{ amount|yuan }}``: an amount written as an official writes it, ¥1,234.00."""

from decimal import Decimal

from django import template

from tuoyu.fees.money import yuan as write_yuan

register = template.Library()


@register.filter
def yuan(amount: Decimal | str | int | None) -> str:
    return write_yuan(amount)
