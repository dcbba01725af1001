"""Close offers whose answer deadline has passed, now: the task the queue runs every five minutes."""

from typing import Any

from django.core.management.base import BaseCommand

from tuoyu.enrolment.tasks import expire_offers


class Command(BaseCommand):
    help = "Close expired offers; their applications return to the queue and the families are told."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{expire_offers.call_local()} offer(s) expired.")
