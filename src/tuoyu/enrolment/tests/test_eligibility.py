"""Ages in completed months and which class a child's age fits (托育机构设置标准（试行）第十九条, §16.2)."""

import datetime

import pytest

from tuoyu.enrolment.eligibility import age_refusal, eligible_bands
from tuoyu.enrolment.models import completed_months
from tuoyu.registry.standards import AgeBand

D = datetime.date


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        pytest.param(D(2024, 5, 15), D(2024, 5, 15), 0, id="birth-day"),
        pytest.param(D(2024, 5, 15), D(2024, 5, 1), 0, id="before-birth"),
        pytest.param(D(2024, 5, 15), D(2024, 6, 14), 0, id="day-before-first-month"),
        pytest.param(D(2024, 5, 15), D(2024, 6, 15), 1, id="first-month"),
        pytest.param(D(2023, 12, 15), D(2024, 12, 14), 11, id="across-new-year"),
        pytest.param(D(2023, 12, 15), D(2024, 12, 15), 12, id="one-year"),
        # Born on the 31st: a month later has no 31st, so the month is complete on the 1st after it.
        pytest.param(D(2024, 1, 31), D(2024, 2, 29), 0, id="31-jan-on-29-feb"),
        pytest.param(D(2024, 1, 31), D(2024, 3, 1), 1, id="31-jan-on-1-mar"),
        pytest.param(D(2024, 1, 31), D(2024, 3, 31), 2, id="31-jan-on-31-mar"),
        pytest.param(D(2024, 1, 31), D(2024, 4, 30), 2, id="31-jan-on-30-apr"),
        pytest.param(D(2024, 1, 31), D(2024, 5, 1), 3, id="31-jan-on-1-may"),
        pytest.param(D(2024, 3, 31), D(2024, 4, 30), 0, id="31-mar-on-30-apr"),
        pytest.param(D(2024, 8, 30), D(2025, 2, 28), 5, id="30-aug-on-28-feb"),
        pytest.param(D(2024, 8, 30), D(2025, 3, 1), 6, id="30-aug-on-1-mar"),
        # Born on 29 February: in a common year the birthday is 1 March.
        pytest.param(D(2024, 2, 29), D(2024, 3, 29), 1, id="29-feb-one-month"),
        pytest.param(D(2024, 2, 29), D(2025, 2, 28), 11, id="29-feb-on-28-feb-next-year"),
        pytest.param(D(2024, 2, 29), D(2025, 3, 1), 12, id="29-feb-on-1-mar-next-year"),
        pytest.param(D(2024, 2, 29), D(2027, 2, 28), 35, id="29-feb-day-before-36-months"),
        pytest.param(D(2024, 2, 29), D(2027, 3, 1), 36, id="29-feb-36-months"),
        pytest.param(D(2024, 2, 29), D(2028, 2, 29), 48, id="29-feb-leap-year-again"),
    ],
)
def test_completed_months(birth: datetime.date, on: datetime.date, months: int) -> None:
    assert completed_months(birth, on) == months


BIRTH = D(2024, 1, 15)  # 6 months on 2024-07-15, 12 on 2025-01-15, 24 on 2026-01-15, 36 on 2027-01-15


def code(band: str, on: datetime.date) -> str | None:
    refusal = age_refusal(BIRTH, band, on)
    return None if refusal is None else str(refusal.code)


@pytest.mark.parametrize(
    ("band", "on", "expected"),
    [
        # under 6 months: no class at all, whatever the band or the grace
        pytest.param(AgeBand.INFANT, D(2024, 7, 14), "age_under_6_months", id="infant-day-before-6-months"),
        pytest.param(AgeBand.INFANT, D(2024, 7, 15), None, id="infant-at-6-months"),
        pytest.param(AgeBand.INFANT, D(2024, 6, 20), "age_under_6_months", id="infant-grace-not-below-6"),
        pytest.param(AgeBand.TODDLER, D(2024, 3, 1), "age_under_6_months", id="toddler-newborn"),
        # 36 months and over: childcare ends, grace or not
        pytest.param(AgeBand.PRESCHOOL, D(2027, 1, 14), None, id="preschool-day-before-36-months"),
        pytest.param(AgeBand.PRESCHOOL, D(2027, 1, 15), "age_over_36_months", id="preschool-at-36-months"),
        pytest.param(AgeBand.MIXED, D(2027, 2, 1), "age_over_36_months", id="mixed-within-grace-of-36"),
        pytest.param(AgeBand.INFANT, D(2028, 1, 1), "age_over_36_months", id="infant-four-years-old"),
        # inside the band
        pytest.param(AgeBand.TODDLER, D(2025, 6, 15), None, id="toddler-17-months"),
        pytest.param(AgeBand.PRESCHOOL, D(2026, 6, 15), None, id="preschool-29-months"),
        pytest.param(AgeBand.MIXED, D(2025, 10, 1), None, id="mixed-20-months"),
        # the 30-day grace before the lower edge (12 months on 2025-01-15)
        pytest.param(AgeBand.TODDLER, D(2024, 12, 16), None, id="toddler-30-days-early"),
        pytest.param(AgeBand.TODDLER, D(2024, 12, 15), "age_outside_band", id="toddler-31-days-early"),
        # the 30-day grace after the upper edge (24 months on 2026-01-15; the band is half-open)
        pytest.param(AgeBand.TODDLER, D(2026, 2, 13), None, id="toddler-29-days-late"),
        pytest.param(AgeBand.TODDLER, D(2026, 2, 14), "age_outside_band", id="toddler-30-days-late"),
        pytest.param(AgeBand.PRESCHOOL, D(2025, 12, 16), None, id="preschool-30-days-early"),
        pytest.param(AgeBand.PRESCHOOL, D(2025, 12, 15), "age_outside_band", id="preschool-31-days-early"),
        pytest.param(AgeBand.INFANT, D(2025, 2, 13), None, id="infant-29-days-late"),
        pytest.param(AgeBand.INFANT, D(2025, 2, 14), "age_outside_band", id="infant-30-days-late"),
        # no grace below 18 months for a mixed-age class (a violation, not a warning: §16.2)
        pytest.param(AgeBand.MIXED, D(2025, 7, 14), "age_outside_band", id="mixed-day-before-18-months"),
        pytest.param(AgeBand.MIXED, D(2025, 6, 20), "age_outside_band", id="mixed-no-grace-below-18"),
        pytest.param(AgeBand.MIXED, D(2025, 7, 15), None, id="mixed-at-18-months"),
        pytest.param(AgeBand.MIXED, D(2027, 1, 14), None, id="mixed-day-before-36-months"),
        pytest.param(AgeBand.PRESCHOOL, D(2025, 6, 15), "age_outside_band", id="preschool-17-months"),
    ],
)
def test_age_refusal(band: str, on: datetime.date, expected: str | None) -> None:
    assert code(band, on) == expected


def test_age_refusal_explains_the_band_and_the_grace() -> None:
    refusal = age_refusal(BIRTH, AgeBand.PRESCHOOL, D(2025, 6, 15))

    assert refusal is not None
    assert refusal.text == (
        "The child's age on 2025-06-15 does not fit a Older toddler class (24-36 months) "
        "(24 to 36 months, with 30 days' grace)."
    )
    assert refusal.conflict is False


def test_a_mixed_class_says_why_a_child_under_18_months_cannot_join() -> None:
    refusal = age_refusal(BIRTH, AgeBand.MIXED, D(2025, 7, 1))

    assert refusal is not None
    assert "under 18 months old on 2025-07-01" in refusal.text


def test_the_grace_follows_the_setting(settings: object) -> None:
    settings.AGE_GRACE_DAYS = 10  # type: ignore[attr-defined]

    assert code(AgeBand.TODDLER, D(2025, 1, 5)) is None
    assert code(AgeBand.TODDLER, D(2025, 1, 4)) == "age_outside_band"


@pytest.mark.parametrize(
    ("months", "bands"),
    [
        (0, []),
        (5, []),
        (6, ["infant"]),
        (11, ["infant"]),
        (12, ["toddler"]),
        (17, ["toddler"]),
        (18, ["toddler", "mixed"]),
        (20, ["toddler", "mixed"]),
        (23, ["toddler", "mixed"]),
        (24, ["preschool", "mixed"]),
        (35, ["preschool", "mixed"]),
        (36, []),
        (40, []),
    ],
)
def test_eligible_bands(months: int, bands: list[str]) -> None:
    assert eligible_bands(months) == bands


def test_a_20_month_old_fits_the_younger_toddler_and_the_mixed_class() -> None:
    assert eligible_bands(20) == [AgeBand.TODDLER, AgeBand.MIXED]
