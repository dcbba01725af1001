"""Live caregiver ratios (师幼比) of a class: certified caregivers on duty against the children present.

Required caregivers = ceil(children present / r), r the band's ratio in force that day (the policy values
``ratio.<band>``: 3 乳儿班, 5 托小班, 7 托大班 and 5 for a mixed-age class; national rules §4.6, §4.7).
Only caregivers (保育人员) whose certificates are all valid count (持证上岗, §16.2).
"""

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Func, IntegerField, QuerySet, Subquery

from tuoyu.daycare.models import Attendance, AttendanceStatus, ClassDuty
from tuoyu.registry.models import CareClass
from tuoyu.registry.standards import children_per_caregiver
from tuoyu.workforce.models import Staff, StaffRole
from tuoyu.workforce.selectors import certified


@dataclass(frozen=True)
class Ratio:
    present: int
    children_per_caregiver: int
    certified_on_duty: int
    uncertified_on_duty: int

    @property
    def required(self) -> int:
        return math.ceil(self.present / self.children_per_caregiver)

    @property
    def breach(self) -> bool:
        return self.certified_on_duty < self.required


def _present(care_class: CareClass, day: datetime.date) -> QuerySet[Attendance]:
    return Attendance.objects.filter(care_class=care_class, day=day, status=AttendanceStatus.CHECKED_IN)


def _count(rows: QuerySet[Any]) -> Subquery:
    """How many ``rows``, as a scalar subquery (``SELECT COUNT(id) ...``: one row, 0 when there are none)."""
    return Subquery(rows.order_by().values(n=Func(F("pk"), function="COUNT", output_field=IntegerField())))


def class_ratio(care_class: CareClass, day: datetime.date) -> Ratio:
    """The ratio now: children checked in and not yet out, caregivers on duty and not yet off.

    One query: the three counts are subqueries of the class's row."""
    on_duty = ClassDuty.objects.filter(care_class=care_class, day=day, ended_at__isnull=True)
    caregivers = on_duty.filter(staff__role=StaffRole.CAREGIVER).values("staff")
    caregiver_staff = Staff.objects.filter(pk__in=caregivers)
    counts = (
        CareClass.objects.filter(pk=care_class.pk)
        .values(
            present=_count(_present(care_class, day)),
            caregivers_on_duty=_count(caregiver_staff),
            certified=_count(certified(caregiver_staff, day)),
        )
        .get()
    )
    return Ratio(
        present=counts["present"],
        children_per_caregiver=children_per_caregiver(care_class.age_band, on=day),
        certified_on_duty=counts["certified"],
        uncertified_on_duty=counts["caregivers_on_duty"] - counts["certified"],
    )
