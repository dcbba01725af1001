"""The subsidies' world: district A's operating policy (300 yuan a child-month, 10 days minimum), its budget,
and children placed at 星星托育园 (inclusive, filed) with attendance in October 2026."""

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tuoyu.accounts.models import User
from tuoyu.daycare.factories import AttendanceFactory
from tuoyu.daycare.models import AttendanceStatus
from tuoyu.enrolment.factories import ChildFactory, PlacementFactory
from tuoyu.enrolment.models import Child, Placement
from tuoyu.regions.models import Region
from tuoyu.registry.models import CareClass
from tuoyu.subsidies.factories import BudgetEntryFactory, SubsidyPolicyFactory
from tuoyu.subsidies.models import SubsidyPolicy

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def october_days(n: int, *, start: int = 1) -> list[datetime.date]:
    """``n`` consecutive days of October 2026 from the ``start``-th."""
    days = [datetime.date(2026, 10, start) + datetime.timedelta(days=k) for k in range(n)]
    assert not days or days[-1].month == 10
    return days


@pytest.fixture
def policy(district_a: Region) -> SubsidyPolicy:
    return SubsidyPolicyFactory.create(region=district_a)


@pytest.fixture
def budget(district_a: Region, regulator_a: User) -> None:
    BudgetEntryFactory.create(region=district_a, recorded_by=regulator_a)


Place = Callable[..., Placement]
Attend = Callable[[Placement, list[datetime.date]], None]


@pytest.fixture
def place() -> Place:
    def make(
        care_class: CareClass,
        *,
        child: Child | None = None,
        name: str = "",
        start: datetime.date | None = None,
    ) -> Placement:
        child = child or ChildFactory.create(**({"name": name} if name else {}))
        return PlacementFactory.create(
            child=child, care_class=care_class, start_date=start or datetime.date(2026, 9, 1)
        )

    return make


@pytest.fixture
def attend() -> Attend:
    def make(placement: Placement, days: list[datetime.date]) -> None:
        for day in days:
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 30)))
            AttendanceFactory.create(
                placement=placement, day=day, status=AttendanceStatus.CHECKED_OUT, checked_in_at=at
            )

    return make


RATE = Decimal("300.00")
