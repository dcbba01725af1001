"""Re-evaluate every rule for every institution, now: the task the queue runs each night."""

from typing import Any

from django.core.management.base import BaseCommand

from tuoyu.supervision.tasks import evaluate_rules


class Command(BaseCommand):
    help = "Re-evaluate every compliance rule for every institution (idempotent; the queue runs it nightly)."

    def handle(self, *args: Any, **options: Any) -> None:
        opened, closed = evaluate_rules.call_local()
        self.stdout.write(f"Findings opened: {opened}, closed: {closed}.")
