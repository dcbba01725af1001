"""Build 规模省, a province at scale, beside the demo district (PostgreSQL): see tuoyu.demo.scale."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from tuoyu.demo.scale import (
    PROVINCE_CODE,
    PROVINCE_NAME,
    SCALE_PASSWORD,
    ScalePlan,
    province_exists,
    seed_scale,
)


class Command(BaseCommand):
    help = (
        "Build a province at scale beside the demo district, for load tests: by default 136 districts, "
        "about 7,000 institutions, 250,000 children and one month of the day in care (PostgreSQL only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--districts", type=int, default=136, help="Districts (1 to 200; default 136).")
        parser.add_argument(
            "--months",
            type=int,
            default=1,
            help="Months of the day in care before today (0 to 12; default 1).",
        )
        parser.add_argument("--institutions", type=int, help="Institutions (default about 51 a district).")
        parser.add_argument("--children", type=int, help="Children (default about 36 an institution).")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale generates the daily tables inside PostgreSQL: set DATABASE_URL to a PostgreSQL "
                "database (the embedded SQLite database is for the demo district)."
            )
        if not 1 <= options["districts"] <= 200:
            raise CommandError(f"--districts must be between 1 and 200, not {options['districts']}.")
        if not 0 <= options["months"] <= 12:
            raise CommandError(f"--months must be between 0 and 12, not {options['months']}.")
        if province_exists():
            raise CommandError(
                f"{PROVINCE_NAME} (division code {PROVINCE_CODE}) is already in this database. It is built "
                "once: drop and recreate the database to build it again."
            )
        plan = ScalePlan.of(
            districts=options["districts"],
            months=options["months"],
            institutions=options["institutions"],
            children=options["children"],
            today=timezone.localdate(),
        )
        started = time.monotonic()

        def report(what: str, rows: int) -> None:
            self.stdout.write(f"{time.monotonic() - started:8.1f} s  {what}: {rows:,}")
            self.stdout.flush()

        seed_scale(plan, report)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{PROVINCE_NAME}: {plan.districts:,} districts, {plan.institutions:,} institutions, "
                f"{plan.children:,} children, {len(plan.working_days):,} working days in care, "
                f"in {elapsed:.0f} s."
            )
        )
        self.stdout.write(
            f"Accounts, password {SCALE_PASSWORD}: the province's regulator 17000000000; "
            "district N's regulator 1700 and N in 7 digits (from 1); "
            "institution N's caregiver 1710 and its director 1720, then N in 7 digits (from 0)."
        )
