"""Helpers of the duty, ratio, outing, kitchen and daily-supervision tests.

Children are placed and checked in by writing rows directly (``Attendance`` with status checked_in), the
way the acceptance scenario asks; the attendance services are not needed to test what reads them.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import User
from tuoyu.daycare.models import (
    Attendance,
    AttendanceStatus,
    CheckDecision,
    CheckKind,
    FoodSample,
    HealthCheck,
    Outing,
    RatioBreach,
    WeeklyMenu,
)
from tuoyu.daycare.selectors.supervision import week_start_of
from tuoyu.enrolment.models import Child, Placement
from tuoyu.enrolment.tests.helpers import raw_child, raw_placement
from tuoyu.regions.models import Region
from tuoyu.registry.factories import CareClassFactory, FiledInstitutionFactory
from tuoyu.registry.models import CareClass
from tuoyu.workforce.factories import StaffFactory
from tuoyu.workforce.models import CertificateType, Staff, StaffRole
from tuoyu.workforce.tests.helpers import certify, required_types

BAND_MONTHS = {"infant": 9, "toddler": 18, "preschool": 30, "mixed": 26}


def today() -> datetime.date:
    return timezone.localdate()


def yesterday() -> datetime.date:
    return today() - datetime.timedelta(days=1)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A local time on ``day``."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def staff_member(
    care_class: CareClass,
    name: str,
    *,
    certified: bool = True,
    role: str = StaffRole.CAREGIVER,
    phone: str = "",
) -> Staff:
    """A staff member of the class's institution, employed since last year; certified unless told not. An
    uncertified one still holds the health certificate without which nobody may be put on duty."""
    person = StaffFactory.create(
        institution=care_class.institution,
        name=name,
        role=role,
        phone=phone,
        employed_from=today() - datetime.timedelta(days=365),
    )
    lacking = () if certified else tuple(set(required_types(role)) - {CertificateType.HEALTH})
    certify(person, issued_on=today() - datetime.timedelta(days=30), except_types=lacking)
    return person


def place(
    care_class: CareClass,
    count: int,
    *,
    guardian: User | None = None,
    prefix: str = "幼儿",
    since_days: int = 30,
) -> list[Placement]:
    """``count`` children of the class's age band, placed ``since_days`` ago (no capacity check)."""
    guardian = guardian or UserFactory.create(display_name="家长", preferred_language="en")
    months = BAND_MONTHS[care_class.age_band]
    return [
        raw_placement(
            raw_child(guardian, name=f"{prefix}{i + 1}", months=months),
            care_class,
            start_date=today() - datetime.timedelta(days=since_days),
        )
        for i in range(count)
    ]


def check_in(
    placement: Placement,
    by: User,
    *,
    when: datetime.datetime | None = None,
    status: str = AttendanceStatus.CHECKED_IN,
) -> Attendance:
    when = when or timezone.now()
    return Attendance.objects.create(
        child=placement.child,
        placement=placement,
        care_class=placement.care_class,
        day=timezone.localdate(when),
        status=status,
        checked_in_at=when,
        checked_in_by=by,
    )


def morning_check(
    attendance: Attendance,
    by: User,
    *,
    when: datetime.datetime,
    temperature: str = "36.6",
    observations: list[str] | None = None,
    decision: str = CheckDecision.ADMIT,
    guardian_notified_at: datetime.datetime | None = None,
    action: str = "",
    kind: str = CheckKind.MORNING,
) -> HealthCheck:
    return HealthCheck.objects.create(
        attendance=attendance,
        kind=kind,
        temperature_c=Decimal(temperature),
        observations=observations or [],
        decision=decision,
        guardian_notified_at=guardian_notified_at,
        action=action,
        checked_by=by,
        checked_at=when,
    )


def children_of(placements: list[Placement]) -> list[Child]:
    return [placement.child for placement in placements]


def busy_institutions(street: Region, count: int, by: User) -> None:
    """``count`` operating institutions of a street, each with a class, children checked in and checked,
    a breach, an outing, a published menu and a sample yesterday."""
    day = yesterday()
    for _ in range(count):
        institution = FiledInstitutionFactory.create(street=street)
        care_class = CareClassFactory.create(institution=institution)
        for placement in place(care_class, 2):
            morning_check(check_in(placement, by, when=at(day, 8)), by, when=at(day, 8, 5))
        RatioBreach.objects.create(
            care_class=care_class,
            day=day,
            started_at=at(day, 9),
            children_present=2,
            caregivers_required=1,
            caregivers_on_duty=0,
        )
        Outing.objects.create(care_class=care_class, day=day, left_at=at(day, 10), mismatch=True, led_by=by)
        WeeklyMenu.objects.create(
            institution=institution,
            week_start=week_start_of(day),
            dishes={day.isoformat(): {"lunch": ["米饭", "青菜"]}},
            published_at=at(week_start_of(day), 7),
        )
        FoodSample.objects.create(
            institution=institution,
            day=day,
            meal="lunch",
            dish="米饭",
            weight_g=120,
            refrigerated_at=at(day, 12),
            sampled_by="厨师",
        )
