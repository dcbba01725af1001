"""Opening hours written as text ("7:30-18:00") read as the times the day in care is judged by."""

import datetime
import re

HOURS = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-–—~至到]\s*(\d{1,2})[:：](\d{2})")


def parse_opening_hours(text: str) -> tuple[datetime.time, datetime.time] | None:
    """The first "H:MM-H:MM" of ``text`` as (opens, closes); None when there is none or it makes no sense."""
    match = HOURS.search(text)
    if match is None:
        return None
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
        return None
    opens, closes = datetime.time(h1, m1), datetime.time(h2, m2)
    return (opens, closes) if opens < closes else None
