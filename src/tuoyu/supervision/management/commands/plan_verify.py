"""Draw an inspection plan again from its stored seed and inputs and say whether it matches, byte for byte."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuoyu.supervision.models import InspectionPlan
from tuoyu.supervision.services.planning import canonical, plan_redraw


class Command(BaseCommand):
    help = (
        "Re-run the draw of an inspection plan from its seed and inputs and compare it with the stored plan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = InspectionPlan.objects.get(pk=options["plan_id"])
        except InspectionPlan.DoesNotExist as error:
            raise CommandError(f"No inspection plan {options['plan_id']}.") from error
        stored, again = canonical(plan.drawn), plan_redraw(plan)
        if stored == again:
            self.stdout.write(
                f"Plan {plan.pk} matches its draw: {len(plan.drawn)} institutions, seed {plan.seed!r}."
            )
        else:
            raise CommandError(f"Plan {plan.pk} does NOT match its draw from seed {plan.seed!r}.")
