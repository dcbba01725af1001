from typing import Any

from django.core.management.base import BaseCommand

from tuoyu.supervision.services import findings_refresh_all


class Command(BaseCommand):
    help = "Re-evaluate every compliance rule for every institution (idempotent; run it daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        opened, closed = findings_refresh_all()
        self.stdout.write(f"Findings opened: {opened}, closed: {closed}.")
