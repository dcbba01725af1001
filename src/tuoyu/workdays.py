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


OfficeHours = tuple[tuple[datetime.time, datetime.time], ...]


def office_hours_parsed(text: str) -> OfficeHours:
    """``"08:30-12:00,13:30-17:30"`` as ((08:30, 12:00), (13:30, 17:30)); refuses overlapping or backward
    spans with a ValueError that names the span."""
    spans: list[tuple[datetime.time, datetime.time]] = []
    for part in text.split(","):
        start_text, _dash, end_text = part.strip().partition("-")
        try:
            start, end = datetime.time.fromisoformat(start_text), datetime.time.fromisoformat(end_text)
        except ValueError:
            raise ValueError(f"office hours: {part.strip()!r} is not HH:MM-HH:MM") from None
        if end <= start or (spans and start < spans[-1][1]):
            raise ValueError(
                f"office hours: {part.strip()!r} ends before it starts or overlaps the one before"
            )
        spans.append((start, end))
    return tuple(spans)


def add_office_minutes(start: datetime.datetime, minutes: int, hours: OfficeHours) -> datetime.datetime:
    """The moment ``minutes`` of office time after ``start`` (an aware datetime): only the spans of ``hours``
    on working days count, so a request recorded on Friday at 17:00 with two hours to answer is due on
    Monday at 09:30 (or later after a holiday)."""
    moment, remaining = start, float(minutes)
    while True:
        if is_working_day(moment.date()):
            for span_start, span_end in hours:
                opens = moment.replace(
                    hour=span_start.hour, minute=span_start.minute, second=0, microsecond=0
                )
                closes = moment.replace(hour=span_end.hour, minute=span_end.minute, second=0, microsecond=0)
                if moment >= closes:
                    continue
                moment = max(moment, opens)
                available = (closes - moment).total_seconds() / 60
                if remaining <= available:
                    return moment + datetime.timedelta(minutes=remaining)
                remaining -= available
                moment = closes
        next_day = moment.date() + datetime.timedelta(days=1)
        moment = moment.replace(year=next_day.year, month=next_day.month, day=next_day.day, hour=0, minute=0)


def office_minutes_between(start: datetime.datetime, end: datetime.datetime, hours: OfficeHours) -> int:
    """The minutes of office time (the spans of ``hours`` on working days) from ``start`` to ``end``."""
    total, day = 0.0, start.date()
    while day <= end.date():
        if is_working_day(day):
            for span_start, span_end in hours:
                opens = start.replace(
                    year=day.year,
                    month=day.month,
                    day=day.day,
                    hour=span_start.hour,
                    minute=span_start.minute,
                )
                opens = opens.replace(second=0, microsecond=0)
                closes = opens.replace(hour=span_end.hour, minute=span_end.minute)
                overlap = (min(closes, end) - max(opens, start)).total_seconds()
                total += max(overlap, 0) / 60
        day += datetime.timedelta(days=1)
    return int(total)
