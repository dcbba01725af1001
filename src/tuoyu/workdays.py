"""Working days on the Chinese calendar (public holidays and adjusted working days).

The calendar comes from the chinesecalendar package, which publishes each year once the State Council
announces it. For a year it does not know yet we say so instead of guessing.
"""

import datetime

import chinese_calendar


class CalendarYearUnknown(Exception):
    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        try:
            workday = chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise CalendarYearUnknown(day.year) from None
        remaining -= workday
    return day


def months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; where that day does not exist (31 April, 29 February), the 1st after it.

    A validity of 12 months from 2024-02-29 thus runs to 2025-02-28 inclusive, as from 2024-03-01 it runs
    to 2025-02-28.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    try:
        return datetime.date(year, month, day.day)
    except ValueError:
        return datetime.date(year + month // 12, month % 12 + 1, 1)


def working_day_on_calendar(day: datetime.date) -> bool | None:
    """A working day on the Chinese calendar; ``None`` for a year the calendar does not know yet."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def is_working_day(day: datetime.date) -> bool:
    """A working day on the Chinese calendar (Monday to Friday when it does not know the year yet)."""
    working = working_day_on_calendar(day)
    return day.weekday() < 5 if working is None else working


def latest_working_day(on: datetime.date) -> datetime.date:
    """``on`` itself when it is a working day, else the working day before it (Monday to Friday when the
    calendar does not know the year yet)."""
    day = on
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (0 when ``end`` is not later);
    a year the calendar does not know yet counts Monday to Friday."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count
