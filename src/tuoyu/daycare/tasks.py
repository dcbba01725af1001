"""The day in care's schedule: families of children expected but not arrived are told, on working days,
five minutes after ``settings.EXPECTED_ABSENT_AFTER`` (09:35 by default)."""

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tuoyu.daycare.services.attendance import expected_absent_notify
from tuoyu.workdays import working_day_on_calendar

logger = logging.getLogger(__name__)


def _five_minutes_after(hh_mm: str) -> datetime.time:
    hour, minute = (int(part) for part in hh_mm.split(":"))
    moment = datetime.datetime.combine(datetime.date.min, datetime.time(hour, minute))
    return (moment + datetime.timedelta(minutes=5)).time()


RUNS_AT = _five_minutes_after(settings.EXPECTED_ABSENT_AFTER)


# Every day: whether it is a working day is the Chinese calendar's answer (adjusted Saturdays included).
@db_periodic_task(crontab(minute=str(RUNS_AT.minute), hour=str(RUNS_AT.hour)))
@lock_task("expected_absent")
def expected_absent() -> str:
    """Tell the families; what was done, in a line (the ``expected_absent`` command prints it)."""
    now = timezone.now()
    day = timezone.localdate(now)
    working = working_day_on_calendar(day)
    if working is False:
        return f"{day} is not a working day: no child is expected."
    if working is None:
        logger.warning(
            "The calendar of %s is not known yet (update chinesecalendar): Monday-Friday are working days.",
            day.year,
        )
        if day.weekday() >= 5:
            return f"{day} is a weekend day of a year the calendar does not know: no child is expected."
    sent = expected_absent_notify(now=now)
    return f"{sent} guardian message(s) sent (children expected after {settings.EXPECTED_ABSENT_AFTER})."
