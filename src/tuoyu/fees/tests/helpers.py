"""A child placed at 星星托育园 (institution_x) before October 2026, with a service agreement of ¥1,800.00 a
month for full-day care, and the days in care of a month. October 2026 has 18 working days on the national
calendar (National Day week off, Saturday 10 October worked)."""

import datetime
from decimal import Decimal

from tuoyu.accounts.models import User
from tuoyu.daycare.factories import AttendanceFactory
from tuoyu.enrolment.factories import (
    ChildFactory,
    GuardianshipFactory,
    PlacementFactory,
    ServiceAgreementFactory,
)
from tuoyu.enrolment.models import Child, Placement
from tuoyu.fees.models import MealPlan, MealRefund
from tuoyu.registry.models import CareClass, Institution

OCTOBER = datetime.date(2026, 10, 1)
OCTOBER_WORKING_DAYS = [
    datetime.date(2026, 10, day)
    for day in (8, 9, 10, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29, 30)
]


def placed(
    care_class: CareClass,
    *,
    guardian: User | None = None,
    start: datetime.date = datetime.date(2026, 9, 1),
    name: str = "林小雨",
) -> tuple[Child, Placement]:
    child = ChildFactory.create(name=name, birth_date=datetime.date(2025, 1, 10))
    if guardian is not None:
        GuardianshipFactory.create(child=child, user=guardian)
    placement = PlacementFactory.create(child=child, care_class=care_class, start_date=start)
    ServiceAgreementFactory.create(placement=placement)
    return child, placement


def attend(placement: Placement, days: list[datetime.date]) -> None:
    for day in days:
        AttendanceFactory.create(
            placement=placement,
            day=day,
            checked_in_at=datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=datetime.UTC),
        )


def meal_plan(
    institution: Institution, price: str = "20.00", refund: str = MealRefund.PER_ABSENT_DAY
) -> MealPlan:
    return MealPlan.objects.create(institution=institution, price_per_day_yuan=Decimal(price), refund=refund)


def amounts(lines: list[dict[str, str]]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for line in lines:
        found[line["kind"]] = found.get(line["kind"], Decimal("0")) + Decimal(line["amount_yuan"])
    return found
