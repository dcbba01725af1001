"""The childcare allowance (育儿补贴) computation: months from max(birth month, January 2025) up to the month
before the third birthday's, 300 yuan each (3,600 a year, policy value)."""

import datetime
from decimal import Decimal

import pytest

from tuoyu.fees.allowance import allowance_of, birth_dates_eligible_on, eligible_on

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


def test_a_child_born_in_december_2023_gets_24_months_from_january_2025_to_december_2026() -> None:
    allowance = allowance_of(datetime.date(2023, 12, 10), on=TODAY)
    assert allowance.first_month == datetime.date(2025, 1, 1)
    assert allowance.last_month == datetime.date(2026, 12, 1)
    assert allowance.months == 24  # the national example: born December 2023, 24 months, 7,200 yuan
    assert allowance.yuan == Decimal("7200.00")
    assert [(y.year, y.months, y.yuan) for y in allowance.years] == [
        (2025, 12, Decimal("3600.00")),
        (2026, 12, Decimal("3600.00")),
    ]
    assert allowance.months_left == 2  # November 2026, the month of ``on``, and December
    assert allowance.yuan_left == Decimal("600.00")


def test_a_child_born_on_the_first_of_december_2023_had_13_completed_months_and_gets_23() -> None:
    allowance = allowance_of(datetime.date(2023, 12, 1), on=TODAY)
    assert allowance.months == 23
    assert allowance.last_month == datetime.date(2026, 11, 1)
    assert allowance.eligible_now


def test_a_child_born_in_2025_gets_36_months_from_the_birth_month() -> None:
    allowance = allowance_of(datetime.date(2025, 3, 5), on=TODAY)
    assert (allowance.first_month, allowance.last_month) == (
        datetime.date(2025, 3, 1),
        datetime.date(2028, 2, 1),
    )
    assert allowance.months == 36
    assert allowance.yuan == Decimal("10800.00")
    assert [(y.year, y.months) for y in allowance.years] == [(2025, 10), (2026, 12), (2027, 12), (2028, 2)]
    assert allowance.months_left == 16  # November 2026 to February 2028


def test_a_child_who_turned_3_before_2025_gets_nothing() -> None:
    allowance = allowance_of(datetime.date(2021, 12, 31), on=TODAY)
    assert allowance.months == 0
    assert allowance.yuan == Decimal("0.00")
    assert allowance.years == ()
    assert not allowance.eligible_now


def test_a_child_born_after_1_january_2022_gets_the_months_of_age_still_ahead_of_it_in_2025() -> None:
    assert allowance_of(datetime.date(2022, 1, 1), on=TODAY).months == 0  # 3 years old on 2025-01-01
    assert allowance_of(datetime.date(2022, 1, 15), on=TODAY).months == 1  # 35 completed months
    assert allowance_of(datetime.date(2022, 2, 15), on=TODAY).months == 2


def test_the_months_already_past_are_not_left() -> None:
    allowance = allowance_of(datetime.date(2024, 6, 1), on=TODAY)
    assert allowance.months == 29  # January 2025 to May 2027
    assert allowance.months_left == 7  # November 2026 to May 2027
    assert allowance.yuan_left == Decimal("2100.00")


def test_a_child_born_on_29_february_2024_counts_its_months_of_age_after_2025() -> None:
    allowance = allowance_of(datetime.date(2024, 2, 29), on=TODAY)
    assert allowance.months == 26  # 10 completed months on 2025-01-01
    assert allowance.last_month == datetime.date(2027, 2, 1)
    assert allowance.third_birthday == datetime.date(2027, 3, 1)


@pytest.mark.parametrize(
    "birth_date",
    [
        datetime.date(2023, 11, 1),
        datetime.date(2023, 11, 30),
        datetime.date(2023, 12, 1),
        datetime.date(2023, 12, 2),
        datetime.date(2023, 12, 31),
        datetime.date(2024, 1, 1),
        datetime.date(2024, 2, 29),
        datetime.date(2026, 11, 30),
        datetime.date(2026, 12, 1),
    ],
)
def test_the_birth_date_range_of_a_month_agrees_with_the_rule(birth_date: datetime.date) -> None:
    earliest, latest = birth_dates_eligible_on(TODAY)
    assert (earliest <= birth_date <= latest) == eligible_on(birth_date, TODAY)
