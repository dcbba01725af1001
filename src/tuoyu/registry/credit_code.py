"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character set (digits and capitals without I, O, Z, S, V); the last one is a
check character: weights 3^i mod 31, check value = 31 - (weighted sum mod 31), 31 counting as 0.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="credit_code_length",
            params={"count": len(value)},
        )
    bad = sorted({char for char in value if char not in CHARSET})
    if bad:
        raise ValidationError(
            _(
                "A unified social credit code may not contain %(chars)s "
                "(GB 32100-2015 uses digits and capitals without I, O, Z, S, V)."
            ),
            code="credit_code_characters",
            params={"chars": "".join(bad)},
        )
    expected = check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "The check character of this credit code should be %(expected)s, not %(actual)s: "
                "please check for a typing error."
            ),
            code="credit_code_check",
            params={"expected": expected, "actual": value[17]},
        )
