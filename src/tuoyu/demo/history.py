"""The demo district's attendance history: the whole months before the month of loading, so that the
operating subsidy's child-months (at least the policy's minimum days at one institution) come from real rows.

For every placement of the demo and every working day of the ``months`` whole months before ``today``'s month
on which the place was under way (from ``start_date``, before ``ends_on``), the child came — checked in
between 7:40 and 9:10 and out between 16:30 and 18:00 by a caregiver of the institution — except on about
8 % of the days; a few children (about one in thirty) are away for a long stretch of one month and fall under
10 days in it. A day that already has a row for the child (the demo's last week) is left as it is, and a child
kept out of care by a diagnosis (from the onset until its return certificate was checked) has no row then.

One child placed twice: the first child (by placement order) of an institution with a second
institution nearby spends twelve working days of the earliest month at the second one, under a second
placement that starts and ends in that month; the other working days of that month at the first. That child
is the claims' case of a child placed at two institutions in one month (counted once, at the institution
with more days); ``double_placed(today=...)`` finds its second placement.

Everything is drawn from one seeded random generator and bulk-inserted: the same ``today`` gives the same
history.
"""

import datetime
import random
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.daycare.models import Attendance, AttendanceStatus
from tuoyu.demo.daycare import at, insert_rows, is_working_day
from tuoyu.enrolment.models import EndReason, Placement
from tuoyu.health.models import Diagnosis
from tuoyu.registry.models import CareClass

SEED = 370_872_2025
ABSENCE_RATE = 0.08
LONG_ABSENCE_SHARE = 1 / 30
DOUBLE_DAYS = 12


def _months_before(today: datetime.date, months: int) -> list[datetime.date]:
    first = today.replace(day=1)
    out = []
    for back in range(months, 0, -1):
        index = first.year * 12 + first.month - 1 - back
        out.append(datetime.date(index // 12, index % 12 + 1, 1))
    return out


def _working_days(month: datetime.date) -> list[datetime.date]:
    index = month.year * 12 + month.month
    after = datetime.date(index // 12, index % 12 + 1, 1)
    days, day = [], month
    while day < after:
        if is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _recorders() -> dict[int, User]:
    """Per institution, the account that records attendance: a caregiver's, else the director's."""
    found: dict[tuple[int, str], User] = {}
    for assignment in (
        RoleAssignment.objects.filter(institution__isnull=False, role__in=[Role.CAREGIVER, Role.DIRECTOR])
        .select_related("user")
        .order_by("pk")
    ):
        assert assignment.institution_id is not None
        found.setdefault((assignment.institution_id, assignment.role), assignment.user)
    institutions = {institution_id for institution_id, _role in found}
    return {
        institution_id: found.get((institution_id, Role.CAREGIVER)) or found[institution_id, Role.DIRECTOR]
        for institution_id in institutions
    }


def _row(placement: Placement, class_id: int, day: datetime.date, user: User, rng: random.Random) -> dict:
    arrived = rng.uniform(7 * 60 + 40, 9 * 60 + 10)
    left = rng.uniform(16 * 60 + 30, 18 * 60)
    return {
        "child_id": placement.child_id,
        "placement_id": placement.pk,
        "care_class_id": class_id,
        "day": day,
        "status": AttendanceStatus.CHECKED_OUT,
        "checked_in_at": at(day, arrived),
        "checked_in_by_id": user.pk,
        "checked_out_at": at(day, left),
        "checked_out_by_id": user.pk,
    }


def _second_class(placement: Placement, recorders: dict[int, User]) -> CareClass | None:
    """A class of the child's age band at another institution of the same district, with a recorder."""
    district = placement.institution.street.parent_id
    return (
        CareClass.objects.filter(
            institution__street__parent_id=district,
            institution_id__in=list(recorders),
            age_band=placement.care_class.age_band,
        )
        .exclude(institution_id=placement.institution_id)
        .order_by("institution_id", "pk")
        .first()
    )


def _kept_away() -> dict[int, set[datetime.date]]:
    """The days a child was kept out of care by a diagnosis: from the onset until the exclusion ended and its
    return certificate was checked."""
    away: dict[int, set[datetime.date]] = defaultdict(set)
    for diagnosis in Diagnosis.objects.select_related("return_certificate"):
        certificate = getattr(diagnosis, "return_certificate", None)
        back = (
            timezone.localdate(certificate.checked_at)
            if certificate is not None
            else diagnosis.excluded_until
        )
        day = diagnosis.onset_on
        while day <= max(back, diagnosis.excluded_until):
            away[diagnosis.child_id].add(day)
            day += datetime.timedelta(days=1)
    return away


@transaction.atomic
def seed_attendance_history(*, today: datetime.date, months: int = 3) -> int:
    """Write the attendance of the ``months`` whole months before ``today``'s month; how many rows."""
    rng = random.Random(SEED)
    recorders = _recorders()
    month_days = {month: _working_days(month) for month in _months_before(today, months)}
    first_day = min(month_days)
    last_day = max(max(days) for days in month_days.values())
    placements = list(
        Placement.objects.filter(
            start_date__lte=last_day, ends_on__gt=first_day, institution_id__in=list(recorders)
        )
        .select_related("institution__street", "care_class")
        .order_by("pk")
    )
    taken: dict[int, set[datetime.date]] = defaultdict(set)
    for child_id, day in Attendance.objects.filter(day__gte=first_day, day__lte=last_day).values_list(
        "child_id", "day"
    ):
        taken[child_id].add(day)
    for child_id, kept_away in _kept_away().items():
        taken[child_id] |= kept_away
    rows: list[dict[str, Any]] = []

    double = None
    if double_placed(today=today, months=months) is None:  # once: a second run adds no second case
        double = _double_placement(placements, recorders, month_days, rng)
    if double is not None:
        second, days = double
        user = recorders[second.institution_id]
        for day in days:
            if day in taken[second.child_id]:
                continue
            rows.append(_row(second, second.care_class_id, day, user, rng))
            taken[second.child_id].add(day)

    for placement in placements:
        user = recorders[placement.institution_id]
        for days in month_days.values():
            away: set[datetime.date] = set()
            if rng.random() < LONG_ABSENCE_SHARE and len(days) > 12:
                start = rng.randrange(0, len(days) - 12)
                away = set(days[start : start + 13])  # 13 working days away: fewer than 10 left
            for day in days:
                if not placement.start_date <= day < placement.ends_on or day in taken[placement.child_id]:
                    continue
                if day in away or rng.random() < ABSENCE_RATE:
                    continue
                rows.append(_row(placement, placement.care_class_id, day, user, rng))
                taken[placement.child_id].add(day)
    insert_rows(Attendance, rows)
    return len(rows)


def _double_placement(
    placements: list[Placement],
    recorders: dict[int, User],
    month_days: dict[datetime.date, list[datetime.date]],
    rng: random.Random,
) -> tuple[Placement, list[datetime.date]] | None:
    """The second, ended placement of the one child placed twice, and its days (the first days of the
    earliest month)."""
    month = min(month_days)
    days = month_days[month]
    for placement in placements:
        if not (placement.start_date <= days[0] and placement.ends_on > days[-1]):
            continue
        care_class = _second_class(placement, recorders)
        if care_class is None:
            continue
        chosen = days[:DOUBLE_DAYS]
        second = Placement.objects.create(
            child_id=placement.child_id,
            institution_id=care_class.institution_id,
            care_class=care_class,
            service_type=placement.service_type,
            start_date=chosen[0],
            ends_on=chosen[-1] + datetime.timedelta(days=1),
            end_reason=EndReason.WITHDRAWN,
            created_at=timezone.make_aware(datetime.datetime.combine(chosen[0], datetime.time(8, 0))),
        )
        return second, chosen
    return None


def double_placed(*, today: datetime.date, months: int = 3) -> Placement | None:
    """The second (ended) placement of the child placed at two institutions in the earliest month of the
    history: its ``child`` is the case, its ``institution`` the second one."""
    month = _months_before(today, months)[0]
    days = _working_days(month)
    return (
        Placement.objects.filter(start_date__gte=month, ends_on__lte=days[-1] + datetime.timedelta(days=1))
        .filter(child__placements__start_date__lte=days[0], child__placements__ends_on__gt=days[-1])
        .select_related("child", "institution")
        .order_by("pk")
        .first()
    )
