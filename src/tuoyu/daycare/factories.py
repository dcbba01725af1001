"""factory_boy factories of the day in care, used by the tests and by ``seed_demo``.

Each area keeps its factories in its own section. ``placed_child(care_class)`` is the usual start of a test:
a child of the class's age band, with a guardian and a place active today.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import User
from tuoyu.daycare.models import (
    Absence,
    AbsenceReason,
    Attendance,
    AttendanceStatus,
    CheckDecision,
    CheckKind,
    ClassDuty,
    HealthCheck,
)
from tuoyu.enrolment.factories import ChildFactory, GuardianshipFactory, PlacementFactory
from tuoyu.enrolment.models import Child, Relation
from tuoyu.registry.models import CareClass
from tuoyu.workdays import months_later

# Attendance, checks, absences -------------------------------------------------------------------------------

BAND_AGE_MONTHS = {"infant": 9, "toddler": 18, "preschool": 30, "mixed": 26}
"""A child's age in completed months that fits each age band, for children placed by the factories."""


def placed_child(
    care_class: CareClass,
    *,
    guardian: User | None = None,
    start_date: datetime.date | None = None,
    **child_fields: object,
) -> Child:
    """A child of the class's age band with a guardian (made if not given) and a place active from today."""
    today = timezone.localdate()
    months = BAND_AGE_MONTHS[care_class.age_band]
    child_fields.setdefault("birth_date", months_later(today, -months) - datetime.timedelta(days=10))
    child = ChildFactory.create(**child_fields)
    GuardianshipFactory.create(
        child=child, user=guardian or UserFactory.create(preferred_language="en"), relation=Relation.MOTHER
    )
    PlacementFactory.create(child=child, care_class=care_class, start_date=start_date or today)
    return child


class AttendanceFactory(factory.django.DjangoModelFactory[Attendance]):
    """A child checked in this morning (the placement is made unless given)."""

    class Meta:
        model = Attendance

    placement = factory.SubFactory(PlacementFactory)
    child = factory.SelfAttribute("placement.child")
    care_class = factory.SelfAttribute("placement.care_class")
    day = factory.LazyFunction(timezone.localdate)
    status = AttendanceStatus.CHECKED_IN
    checked_in_at = factory.LazyFunction(timezone.now)
    checked_in_by = factory.SubFactory(UserFactory)


class HealthCheckFactory(factory.django.DjangoModelFactory[HealthCheck]):
    """A normal morning check."""

    class Meta:
        model = HealthCheck

    attendance = factory.SubFactory(AttendanceFactory)
    kind = CheckKind.MORNING
    temperature_c = Decimal("36.5")
    observations = factory.LazyFunction(list)
    decision = CheckDecision.ADMIT
    checked_by = factory.SelfAttribute("attendance.checked_in_by")


class AbsenceFactory(factory.django.DjangoModelFactory[Absence]):
    """A personal absence today."""

    class Meta:
        model = Absence

    child = factory.SubFactory(ChildFactory)
    care_class = factory.SubFactory("tuoyu.registry.factories.CareClassFactory")
    day = factory.LazyFunction(timezone.localdate)
    reason = AbsenceReason.PERSONAL
    recorded_by = factory.SubFactory(UserFactory)


# Staff on duty ----------------------------------------------------------------------------------------------


class ClassDutyFactory(factory.django.DjangoModelFactory[ClassDuty]):
    """A staff member on duty in a class since 07:30 today, not yet off."""

    class Meta:
        model = ClassDuty

    staff = factory.SubFactory(
        "tuoyu.workforce.factories.StaffFactory",
        institution=factory.SelfAttribute("..care_class.institution"),
    )
    care_class = factory.SubFactory("tuoyu.registry.factories.CareClassFactory")
    day = factory.LazyFunction(timezone.localdate)
    started_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(datetime.datetime.combine(o.day, datetime.time(7, 30)))
    )
