"""Remind families of overdue examinations and send the health workers their digest, now: the task the queue
runs each morning. Each guardian hears once per child, examination and due date; each health worker gets one
digest a day."""

from typing import Any

from django.core.management.base import BaseCommand

from tuoyu.health.tasks import health_reminders


class Command(BaseCommand):
    help = (
        "Tell the guardians of children in care about examinations more than 30 days overdue (once per "
        "child, examination and due date) and send each institution's health workers a daily digest."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        day, reminders, digests = health_reminders.call_local()
        self.stdout.write(
            f"{day}: {reminders} reminder(s) to guardians, {digests} digest(s) to health workers."
        )
