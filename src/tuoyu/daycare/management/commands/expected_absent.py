"""Tell the guardians of children expected today but neither checked in nor excused, now: the task the queue
runs on working days after ``settings.EXPECTED_ABSENT_AFTER`` (``daycare/tasks.py``)."""

from typing import Any

from django.core.management.base import BaseCommand

from tuoyu.daycare.tasks import expected_absent


class Command(BaseCommand):
    help = (
        "After EXPECTED_ABSENT_AFTER (09:30 by default), tell the guardians of each child expected today "
        "with no check-in and no absence note; each family once per child and day. The queue runs it daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(expected_absent.call_local())
