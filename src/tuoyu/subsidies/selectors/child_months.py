"""Child-months (在托月数) computed from the attendance records, never declared.

A child counts for a month at an institution with at least the policy's minimum of in-care attendance days
there (checked in, whether or not checked out since). A child in care at two institutions in the same month
counts once, at the one with more days (tie: the placement that started first, then the lower institution);
a placement without attendance counts nothing. Counted lines beyond the policy's yearly cap per institution
(in the children's name order) are not counted.

One month of one institution is read in a handful of queries, whatever the number of children.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tuoyu.daycare.models import IN_CARE_STATUSES, Attendance
from tuoyu.enrolment.models import Child, Placement
from tuoyu.registry.models import Institution
from tuoyu.subsidies.models import Claim, Decision, LineReason, SubsidyPolicy

ZERO = Decimal("0.00")


@dataclass
class ChildMonth:
    """One child's month at the institution: the attendance days, whether it counts, and why."""

    child: Child
    attendance_days: int
    days: list[str]  # ISO dates of the in-care attendance rows at this institution
    counted: bool
    reason: str  # a LineReason value
    detail: str = ""
    # Where the child was counted instead (COUNTED_ELSEWHERE): for the regulator's eyes only.
    counted_at: Institution | None = field(default=None, repr=False)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first day of ``month`` and the first day of the next month."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following


def month_last_day(month: datetime.date) -> datetime.date:
    return month_bounds(month)[1] - datetime.timedelta(days=1)


def decided_this_year(
    institution: Institution, policy: SubsidyPolicy, year: int, *, exclude_claim: Claim | None = None
) -> Decimal:
    """What the institution was decided under ``policy`` for the months of ``year`` (corrections included)."""
    decisions = Decision.objects.filter(
        claim__institution=institution, claim__policy=policy, claim__month__year=year
    )
    if exclude_claim is not None:
        decisions = decisions.exclude(claim=exclude_claim)
    return decisions.aggregate(total=Sum("amount_yuan"))["total"] or ZERO


def _elsewhere_detail(days: int) -> str:
    return ngettext(
        "Attended %(days)d day at another institution this month, which counts the child-month.",
        "Attended %(days)d days at another institution this month, which counts the child-month.",
        days,
    ) % {"days": days}


def child_months(
    *,
    institution: Institution,
    month: datetime.date,
    policy: SubsidyPolicy,
    exclude_claim: Claim | None = None,
) -> list[ChildMonth]:
    """Every child with in-care attendance at ``institution`` in ``month`` or a placement there active on a
    day of it, with its attendance days and whether it counts under ``policy``; counted first, then by name.

    ``exclude_claim``: a decided claim being recomputed, whose own decisions do not count against the cap.
    """
    first, following = month_bounds(month)
    in_month = {"day__gte": first, "day__lt": following, "status__in": IN_CARE_STATUSES}
    here_days: dict[int, list[datetime.date]] = defaultdict(list)
    for child_id, day in (
        Attendance.objects.filter(care_class__institution=institution, **in_month)
        .order_by("day")
        .values_list("child_id", "day")
    ):
        here_days[child_id].append(day)
    placed = set(
        Placement.objects.filter(institution=institution, start_date__lt=following, ends_on__gt=first)
        .values_list("child_id", flat=True)
        .distinct()
    )
    child_ids = set(here_days) | placed
    if not child_ids:
        return []
    # Days elsewhere in the same month, per child and institution (children in care here only).
    elsewhere: dict[int, dict[int, int]] = defaultdict(dict)
    for counted_row in (
        Attendance.objects.filter(child_id__in=list(here_days), **in_month)
        .exclude(care_class__institution=institution)
        .values("child_id", "care_class__institution_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        elsewhere[counted_row["child_id"]][counted_row["care_class__institution_id"]] = counted_row["n"]
    started: dict[tuple[int, int], datetime.date] = {}
    if elsewhere:
        for start_row in (
            Placement.objects.filter(child_id__in=list(elsewhere))
            .values("child_id", "institution_id")
            .annotate(start=Min("start_date"))
            .order_by()
        ):
            started[(start_row["child_id"], start_row["institution_id"])] = start_row["start"]
    others = {pk for per_child in elsewhere.values() for pk in per_child}
    institutions = Institution.objects.in_bulk(list(others)) if others else {}
    children = Child.objects.in_bulk(list(child_ids))

    rows: list[ChildMonth] = []
    for child_id, child in children.items():
        days = here_days.get(child_id, [])
        row = ChildMonth(
            child=child,
            attendance_days=len(days),
            days=[day.isoformat() for day in days],
            counted=False,
            reason=LineReason.NO_ATTENDANCE,
        )
        if not days:
            row.detail = _("Placed here, but no day in care was recorded this month.")
        elif len(days) < policy.min_attendance_days:
            row.reason = LineReason.TOO_FEW_DAYS
            row.detail = _("%(days)d of the %(minimum)d days required.") % {
                "days": len(days),
                "minimum": policy.min_attendance_days,
            }
        else:
            ranks = {institution.pk: len(days), **elsewhere.get(child_id, {})}
            winner = min(
                ranks,
                key=lambda pk: (-ranks[pk], started.get((child_id, pk), datetime.date.max), pk),
            )
            if winner == institution.pk:
                row.counted, row.reason = True, LineReason.COUNTED
            else:
                row.reason = LineReason.COUNTED_ELSEWHERE
                row.detail = _elsewhere_detail(elsewhere[child_id][winner])
                row.counted_at = institutions.get(winner)
        rows.append(row)
    rows.sort(key=lambda r: (not r.counted, r.child.name, r.child.pk))
    _apply_cap(rows, institution=institution, month=first, policy=policy, exclude_claim=exclude_claim)
    rows.sort(key=lambda r: (not r.counted, r.child.name, r.child.pk))
    return rows


def _apply_cap(
    rows: list[ChildMonth],
    *,
    institution: Institution,
    month: datetime.date,
    policy: SubsidyPolicy,
    exclude_claim: Claim | None,
) -> None:
    cap = policy.cap_per_institution_year_yuan
    if cap is None:
        return
    remaining = cap - decided_this_year(institution, policy, month.year, exclude_claim=exclude_claim)
    for row in rows:
        if not row.counted:
            continue
        if policy.rate_yuan <= remaining:
            remaining -= policy.rate_yuan
            continue
        row.counted, row.reason = False, LineReason.OVER_CAP
        row.detail = _("The cap of ¥%(cap)s per institution and year is reached.") % {"cap": f"{cap:,.2f}"}


def counted_total(rows: list[ChildMonth]) -> int:
    return sum(1 for row in rows if row.counted)
