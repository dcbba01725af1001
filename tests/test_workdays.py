"""Working days on the Chinese calendar: public holidays skipped, adjusted working days (调休) counted,
and a year the calendar does not know yet reported, never guessed."""

import datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from tuoyu.workdays import (
    CalendarYearUnknown,
    add_office_minutes,
    add_working_days,
    latest_working_day,
    months_later,
    office_hours_parsed,
    office_minutes_between,
)


def first_unknown_year() -> int:
    year = datetime.date.today().year
    while True:
        try:
            chinese_calendar.is_workday(datetime.date(year, 6, 1))
        except NotImplementedError:
            return year
        year += 1


def test_five_working_days_after_30_september_2026_end_on_13_october() -> None:
    deadline = add_working_days(datetime.date(2026, 9, 30), 5)

    assert deadline == datetime.date(2026, 10, 13)
    assert (
        deadline == chinese_calendar.get_workdays(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))[4]
    )


def test_the_adjusted_working_saturday_10_october_2026_counts() -> None:
    assert datetime.date(2026, 10, 10).weekday() == 5  # a Saturday
    assert chinese_calendar.is_workday(datetime.date(2026, 10, 10))
    assert add_working_days(datetime.date(2026, 9, 30), 3) == datetime.date(2026, 10, 10)


def test_the_national_day_holiday_is_skipped() -> None:
    assert add_working_days(datetime.date(2026, 9, 30), 1) == datetime.date(2026, 10, 8)


def test_the_start_day_itself_is_not_counted() -> None:
    assert add_working_days(datetime.date(2026, 6, 1), 1) == datetime.date(2026, 6, 2)  # Monday -> Tuesday


def test_an_ordinary_week_skips_the_weekend() -> None:
    assert add_working_days(datetime.date(2026, 6, 5), 5) == datetime.date(2026, 6, 12)  # Friday -> Friday


def test_zero_working_days_is_the_start_day() -> None:
    assert add_working_days(datetime.date(2026, 10, 1), 0) == datetime.date(2026, 10, 1)


@pytest.mark.parametrize("start", [datetime.date(2099, 3, 2), datetime.date(2099, 12, 31)])
def test_a_year_the_calendar_does_not_know_raises_naming_the_year(start: datetime.date) -> None:
    with pytest.raises(CalendarYearUnknown) as raised:
        add_working_days(start, 5)

    assert raised.value.year == start.year + (1 if start.month == 12 else 0)


def test_counting_into_an_unknown_year_raises_for_that_year() -> None:
    unknown = first_unknown_year()

    with pytest.raises(CalendarYearUnknown) as raised:
        add_working_days(datetime.date(unknown - 1, 12, 28), 5)

    assert raised.value.year == unknown


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 3, 1)),
        (datetime.date(2024, 2, 29), 48, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 3, 1)),
        (datetime.date(2026, 11, 29), -12, datetime.date(2025, 11, 29)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
    ],
)
def test_months_later_keeps_the_day_or_moves_to_the_first_after_a_missing_one(
    day: datetime.date, months: int, expected: datetime.date
) -> None:
    assert months_later(day, months) == expected


def test_latest_working_day_is_the_day_itself_on_a_working_day_else_the_one_before() -> None:
    assert latest_working_day(datetime.date(2026, 11, 27)) == datetime.date(2026, 11, 27)  # a Friday
    assert latest_working_day(datetime.date(2026, 11, 29)) == datetime.date(2026, 11, 27)  # its Sunday
    assert latest_working_day(datetime.date(2026, 10, 5)) == datetime.date(2026, 9, 30)  # National Day week


# Office hours: the enterprise desk's 2-hour acceptance clock ----------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_HOURS = office_hours_parsed("08:30-12:00,13:30-17:30")


def _at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        ("2026-11-25 09:00", 120, "2026-11-25 11:00"),  # inside the morning
        ("2026-11-25 11:00", 120, "2026-11-25 14:30"),  # the lunch break does not count
        ("2026-11-25 12:30", 120, "2026-11-25 15:30"),  # recorded during lunch: counts from 13:30
        ("2026-11-25 07:00", 120, "2026-11-25 10:30"),  # before opening: counts from 08:30
        ("2026-11-25 17:00", 120, "2026-11-26 10:00"),  # 30 minutes today, 90 tomorrow
        ("2026-11-25 20:00", 120, "2026-11-26 10:30"),  # after closing
        ("2026-11-28 10:00", 120, "2026-11-30 10:30"),  # a Saturday: from Monday
        ("2026-09-30 17:00", 120, "2026-10-08 10:00"),  # the National Day holiday, back on the 8th
        ("2026-11-25 09:00", 0, "2026-11-25 09:00"),
    ],
)
def test_office_minutes_are_counted_in_office_hours_on_working_days(
    start: str, minutes: int, due: str
) -> None:
    assert add_office_minutes(_at(start), minutes, DEFAULT_HOURS) == _at(due)


def test_office_minutes_between_count_only_office_hours() -> None:
    assert office_minutes_between(_at("2026-11-25 11:00"), _at("2026-11-25 14:30"), DEFAULT_HOURS) == 120
    assert office_minutes_between(_at("2026-11-27 17:00"), _at("2026-11-30 10:00"), DEFAULT_HOURS) == 120
    assert office_minutes_between(_at("2026-11-25 10:00"), _at("2026-11-25 09:00"), DEFAULT_HOURS) == 0


def test_other_office_hours_can_be_set() -> None:
    one_span = office_hours_parsed("09:00-17:00")
    assert add_office_minutes(_at("2026-11-25 16:00"), 120, one_span) == _at("2026-11-26 10:00")


@pytest.mark.parametrize("text", ["08:30-12:00,11:00-17:30", "12:00-08:30", "8点-12点", "08:30"])
def test_office_hours_that_make_no_sense_are_refused_naming_the_span(text: str) -> None:
    with pytest.raises(ValueError, match="office hours"):
        office_hours_parsed(text)
