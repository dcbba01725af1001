"""Helpers of the growth tests: a child in care at institution X, and measurements written directly.

``child_in_care(class_x, guardian)`` is a child of the persona ``guardian`` holding a place in class X
(``months`` old today). ``raw_measurement`` writes a measurement without the service (no access check, no
referral), with its z-scores computed through ``growth.batch`` as the service computes them: for tests
that need a history (a child measured months ago).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.daycare.factories import placed_child
from tuoyu.enrolment.models import Child, Sex
from tuoyu.health.models import Measurement, MeasurementSource
from tuoyu.health.selectors.growth import growth_standard_of_child
from tuoyu.health.services.growth import measurements_assess
from tuoyu.registry.models import CareClass, Institution
from tuoyu.workdays import months_later


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def child_in_care(
    care_class: CareClass,
    guardian: User,
    *,
    months: int = 30,
    sex: str = Sex.FEMALE,
    name: str = "赵小禾",
    start_date: datetime.date | None = None,
) -> Child:
    """A child of ``guardian``, ``months`` completed months old (and 10 days) today, placed in the class."""
    birth_date = months_later(timezone.localdate(), -months) - datetime.timedelta(days=10)
    return placed_child(
        care_class, guardian=guardian, start_date=start_date, name=name, sex=sex, birth_date=birth_date
    )


def raw_measurement(
    child: Child,
    *,
    measured_on: datetime.date,
    weight_kg: str | None = None,
    length_cm: str | None = None,
    position: str = "",
    head_cm: str | None = None,
    oedema: bool = False,
    source: str = MeasurementSource.INSTITUTION,
    institution: Institution | None = None,
) -> Measurement:
    measurement = Measurement(
        child=child,
        measured_on=measured_on,
        weight_kg=None if weight_kg is None else Decimal(weight_kg),
        length_cm=None if length_cm is None else Decimal(length_cm),
        position=position,
        head_cm=None if head_cm is None else Decimal(head_cm),
        oedema=oedema,
        source=source,
        institution=institution,
    )
    standard = growth_standard_of_child(child, measured_on)  # the region's, as the service finds it
    assert measurements_assess([measurement], standard=standard) == [None]
    measurement.save()
    return measurement
