"""Resident identity numbers (居民身份证号码, GB 11643-1999): validation and masking.

Identity numbers are personal data (PIPL): lists, pages and exports show them masked, keeping the
first 6 and the last 4 characters.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


def identity_check_character(first17: str) -> str:
    return CHECK_CHARACTERS[
        sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True)) % 11
    ]


def validate_identity_number(value: str) -> None:
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(
            _("An identity number has 17 digits followed by a digit or X."), code="identity_format"
        )
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("The date of birth inside this identity number (%(digits)s) is not a real date."),
            code="identity_birth_date",
            params={"digits": value[6:14]},
        ) from None
    expected = identity_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "The last character of this identity number should be %(expected)s: "
                "please check for a typing error."
            ),
            code="identity_check",
            params={"expected": expected},
        )


def mask_identity_number(value: str) -> str:
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_for_audit_log(value: str) -> str:
    """The audit log's mask of an identity or mobile number: its last 4 characters, nothing of a short one."""
    if len(value) <= 10:
        return "*" * len(value)
    return f"{'*' * (len(value) - 4)}{value[-4:]}"
