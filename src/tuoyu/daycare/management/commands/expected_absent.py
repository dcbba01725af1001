"""Tell the guardians of children expected today but neither checked in nor excused (run every few minutes
on working days, from cron or a timer; nothing happens before ``settings.EXPECTED_ABSENT_AFTER``)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from tuoyu.daycare.services.attendance import expected_absent_notify
from tuoyu.workdays import working_day_on_calendar


class Command(BaseCommand):
    help = (
        "After EXPECTED_ABSENT_AFTER (09:30 by default), tell the guardians of each child expected today "
        "with no check-in and no absence note; each guardian once per child and day."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        day = timezone.localdate(now)
        working = working_day_on_calendar(day)
        if working is False:
            self.stdout.write(f"{day} is not a working day: no child is expected.")
            return
        if working is None:
            self.stderr.write(
                f"The calendar of {day.year} is not known yet (update chinesecalendar); "
                "treating Monday to Friday as working days."
            )
            if day.weekday() >= 5:
                return
        sent = expected_absent_notify(now=now)
        self.stdout.write(
            f"{sent} guardian message(s) sent (children expected after {settings.EXPECTED_ABSENT_AFTER})."
        )
