"""Unified social credit codes (GB 32100-2015): what the registry accepts and what it refuses."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tuoyu.registry.credit_code import check_character, validate_credit_code
from tuoyu.registry.factories import InstitutionFactory, make_credit_code
from tuoyu.registry.models import RegistrationType

# 阿里巴巴（中国）有限公司, 91330100716105852F, checked by hand:
#   characters  9  1  3  3  0  1  0  0   7  1   6  1  0   5  8   5  2
#   weights     1  3  9 27 19 26 16 17  20 29  25 13  8  24 10  30 28   (3^i mod 31)
#   products    9  3 27 81  0 26  0  0 140 29 150 13  0 120 80 150 56   sum 884
#   884 mod 31 = 16; 31 - 16 = 15; the 16th character of 0-9A-H J-N P-R T U W-Y is F.
REAL_CODE = "91330100716105852F"
# 华为技术有限公司: a real code whose check character is a digit.
REAL_CODE_DIGIT_CHECK = "914403001922038216"


@pytest.mark.parametrize("registration_type", list(RegistrationType))
@pytest.mark.parametrize("serial", [0, 1, 30, 31, 961, 123_456_789])
def test_codes_from_make_credit_code_are_valid(registration_type: str, serial: int) -> None:
    code = make_credit_code(registration_type, "370872", serial)

    assert len(code) == 18
    validate_credit_code(code)


@pytest.mark.parametrize("code", [REAL_CODE, REAL_CODE_DIGIT_CHECK])
def test_real_credit_code_is_valid(code: str) -> None:
    validate_credit_code(code)


def test_check_character_matches_the_hand_computed_one() -> None:
    assert check_character(REAL_CODE[:17]) == "F"


@pytest.mark.parametrize("code", [REAL_CODE[:17], REAL_CODE + "0", "", "9133"])
def test_credit_code_of_wrong_length_is_refused(code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_credit_code(code)

    assert raised.value.code == "credit_code_length"
    assert raised.value.params == {"count": len(code)}


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_credit_code_with_forbidden_letter_is_refused_naming_the_letter(letter: str) -> None:
    code = REAL_CODE[:8] + letter + REAL_CODE[9:]

    with pytest.raises(ValidationError) as raised:
        validate_credit_code(code)

    assert raised.value.code == "credit_code_characters"
    assert letter in raised.value.messages[0]


def test_credit_code_in_lower_case_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_credit_code(REAL_CODE.lower())

    assert raised.value.code == "credit_code_characters"


@pytest.mark.parametrize("wrong", ["E", "G", "0", "Y"])
def test_credit_code_with_wrong_check_character_is_refused_naming_the_expected_one(wrong: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_credit_code(REAL_CODE[:17] + wrong)

    assert raised.value.code == "credit_code_check"
    assert raised.value.params == {"expected": "F", "actual": wrong}
    with translation.override("en"):
        message = raised.value.messages[0]
    assert "should be F" in message
    assert f"not {wrong}" in message


def test_credit_code_with_one_mistyped_digit_is_refused() -> None:
    mistyped = REAL_CODE[:5] + "2" + REAL_CODE[6:]  # 91330200... instead of 91330100...

    with pytest.raises(ValidationError) as raised:
        validate_credit_code(mistyped)

    assert raised.value.code == "credit_code_check"


@pytest.mark.django_db
def test_institution_with_wrong_check_character_fails_full_clean_on_credit_code(street_a1: object) -> None:
    institution = InstitutionFactory.build(street=street_a1, credit_code=REAL_CODE[:17] + "G")

    with pytest.raises(ValidationError) as raised:
        institution.full_clean()

    assert "credit_code" in raised.value.message_dict
    assert "F" in raised.value.message_dict["credit_code"][0]


@pytest.mark.django_db
def test_institution_with_valid_credit_code_passes_full_clean(street_a1: object) -> None:
    institution = InstitutionFactory.build(street=street_a1, credit_code=REAL_CODE)

    institution.full_clean()
