"""Resident identity numbers (GB 11643-1999): validation names what is wrong; masking keeps 6 + 4."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tuoyu.accounts.identity import (
    identity_check_character,
    mask_identity_number,
    validate_identity_number,
)
from tuoyu.workforce.factories import make_identity_number

# The worked example of GB 11643-1999 (born 1949-12-31, check character X) and one ending in a digit.
STANDARD_EXAMPLE = "11010519491231002X"
ENDS_IN_DIGIT = "440524188001010014"  # an example often cited; weighted sum 195


def refusal(value: str) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        validate_identity_number(value)
    return raised.value


@pytest.mark.parametrize("value", [STANDARD_EXAMPLE, ENDS_IN_DIGIT])
def test_well_formed_identity_number_is_accepted(value: str) -> None:
    validate_identity_number(value)  # no error


def test_check_character_is_computed_with_the_weights_of_the_standard() -> None:
    assert identity_check_character(STANDARD_EXAMPLE[:17]) == "X"
    assert identity_check_character(ENDS_IN_DIGIT[:17]) == "4"


def test_factory_makes_numbers_the_validator_accepts_across_birth_dates_and_serials() -> None:
    for serial in (0, 1, 999, 1234):
        for birth in (datetime.date(1960, 2, 29), datetime.date(2001, 12, 31)):
            validate_identity_number(make_identity_number(serial, birth))


def test_wrong_check_character_is_refused_naming_the_expected_one() -> None:
    wrong = STANDARD_EXAMPLE[:17] + "5"

    error = refusal(wrong)

    assert error.code == "identity_check"
    assert error.params == {"expected": "X"}
    with translation.override("en"):
        message = error.messages[0]
    assert "should be X" in message


def test_lowercase_x_is_not_the_check_character() -> None:
    assert refusal(STANDARD_EXAMPLE[:17] + "x").code == "identity_format"


@pytest.mark.parametrize(
    "birth_digits",
    [
        pytest.param("19490231", id="31-february"),
        pytest.param("19491301", id="month-13"),
        pytest.param("19900229", id="29-february-of-a-common-year"),
        pytest.param("19490100", id="day-0"),
    ],
)
def test_impossible_date_of_birth_is_refused_before_the_check_character(birth_digits: str) -> None:
    first17 = f"110105{birth_digits}002"
    value = first17 + identity_check_character(first17)  # the check character itself is right

    error = refusal(value)

    assert error.code == "identity_birth_date"
    assert error.params == {"digits": birth_digits}


def test_29_february_of_a_leap_year_is_a_real_date_of_birth() -> None:
    validate_identity_number(make_identity_number(7, datetime.date(2000, 2, 29)))


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(STANDARD_EXAMPLE[:17], id="17-characters"),
        pytest.param(STANDARD_EXAMPLE + "0", id="19-characters"),
        pytest.param("110105491231002", id="old-15-digit-number"),
        pytest.param("", id="empty"),
        pytest.param("1101051949123100X2", id="x-not-last"),
        pytest.param("11010519491231 02X", id="space-inside"),
    ],
)
def test_wrong_length_or_characters_are_refused_as_a_format_error(value: str) -> None:
    assert refusal(value).code == "identity_format"


def test_mask_keeps_the_first_6_and_last_4_characters() -> None:
    assert mask_identity_number(STANDARD_EXAMPLE) == "110105********002X"
    assert len(mask_identity_number(STANDARD_EXAMPLE)) == 18


def test_mask_hides_the_date_of_birth() -> None:
    masked = mask_identity_number(ENDS_IN_DIGIT)

    assert "18800101" not in masked
    assert masked[6:14] == "*" * 8


@pytest.mark.parametrize("value", ["", "123", "1234567890"])
def test_mask_of_a_short_value_hides_every_character(value: str) -> None:
    assert mask_identity_number(value) == "*" * len(value)
