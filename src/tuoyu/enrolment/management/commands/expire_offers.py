"""Close offers whose answer deadline has passed (run every few minutes from cron or a timer)."""

from typing import Any

from django.core.management.base import BaseCommand

from tuoyu.enrolment.services import offers_expire


class Command(BaseCommand):
    help = "Close expired offers; their applications return to the queue and the families are told."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = offers_expire()
        self.stdout.write(f"{expired} offer(s) expired.")
