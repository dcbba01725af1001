"""The risk score of institutions (风险评分): points per signal, weighted by the policy values ``risk.*``.

A score is the sum of its parts, and each part says what it counts, how many and how many points they
give: open findings by severity, rectification orders overdue and waiting for the institution, complaints
found substantiated in the last 12 months, the latest completed inspection's grade (C or D) or none ever,
data gaps (working days of the last 30 with children present and a morning check missing, weeks of the
last 30 days with children present and no published menu) and outbreaks of the last 90 days. The groups
are the policy cut-offs ``risk.group.high`` and ``risk.group.medium``.

Set-based: one aggregate query per signal, whatever the number of institutions (a province has 7,000);
nothing is read institution by institution.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext, gettext_noop, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, scope_of
from tuoyu.cases.models import Case
from tuoyu.daycare.models import IN_CARE_STATUSES, Attendance, CheckKind, HealthCheck, WeeklyMenu
from tuoyu.health.models import OutbreakReport
from tuoyu.policies.values import policy
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution, OperatingStatus
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.rules import Severity
from tuoyu.supervision.casekinds import ISSUED, RECTIFICATION, RETURNED
from tuoyu.supervision.models import (
    Complaint,
    ComplaintOutcome,
    Finding,
    Inspection,
    InspectionStatus,
)
from tuoyu.workdays import is_working_day

DATA_GAP_DAYS = 30
COMPLAINT_MONTHS_DAYS = 365
OUTBREAK_DAYS = 90
AWAITING_INSTITUTION = (ISSUED, RETURNED)


class RiskGroup(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")
    LOW = "low", _("Low risk")


GROUP_ORDER = (RiskGroup.HIGH, RiskGroup.MEDIUM, RiskGroup.LOW)


@dataclass(frozen=True)
class RiskPart:
    """One signal of a score: its key (e.g. ``finding.block``), what it counts, how many, its points."""

    key: str
    label: str
    count: int
    points: int


@dataclass(frozen=True)
class Risk:
    institution: Institution
    score: int
    group: str
    parts: tuple[RiskPart, ...]

    @property
    def group_label(self) -> str:
        return str(RiskGroup(self.group).label)


# Each part in words: a text with its count, or one text for a part that is there or not.
COUNTED: dict[str, Any] = {  # ngettext_lazy with the count named "n"
    "finding.block": ngettext_lazy("%(n)d open blocking finding", "%(n)d open blocking findings", "n"),
    "finding.violation": ngettext_lazy("%(n)d open violation", "%(n)d open violations", "n"),
    "finding.warning": ngettext_lazy("%(n)d open warning", "%(n)d open warnings", "n"),
    "rectification_overdue": ngettext_lazy(
        "%(n)d rectification order overdue", "%(n)d rectification orders overdue", "n"
    ),
    "complaint_substantiated": ngettext_lazy(
        "%(n)d substantiated complaint in the last 12 months",
        "%(n)d substantiated complaints in the last 12 months",
        "n",
    ),
    "morning_checks_missing": ngettext_lazy(
        "%(n)d working day with morning checks missing (last 30 days)",
        "%(n)d working days with morning checks missing (last 30 days)",
        "n",
    ),
    "menus_missing": ngettext_lazy(
        "%(n)d week without a published menu (last 30 days)",
        "%(n)d weeks without a published menu (last 30 days)",
        "n",
    ),
    "outbreak": ngettext_lazy(
        "%(n)d outbreak in the last 90 days", "%(n)d outbreaks in the last 90 days", "n"
    ),
}
PRESENT = {
    "grade.C": gettext_noop("latest inspection graded C"),
    "grade.D": gettext_noop("latest inspection graded D"),
    "never_inspected": gettext_noop("never inspected"),
}


def _label(key: str, count: int) -> str:
    """The part in words, in the current language, e.g. "2 open blocking findings"."""
    if key in PRESENT:
        return gettext(PRESENT[key])
    return str(COUNTED[key] % {"n": count})


# The policy value that weighs each part.
WEIGHTS = {
    "finding.block": "risk.finding.block",
    "finding.violation": "risk.finding.violation",
    "finding.warning": "risk.finding.warning",
    "rectification_overdue": "risk.rectification_overdue",
    "complaint_substantiated": "risk.complaint_substantiated",
    "grade.C": "risk.grade.C",
    "grade.D": "risk.grade.D",
    "never_inspected": "risk.never_inspected",
    "morning_checks_missing": "risk.data_gap_day",
    "menus_missing": "risk.data_gap_day",
    "outbreak": "risk.outbreak",
}
PART_KEYS = tuple(WEIGHTS)


def risk_group(score: int, on: datetime.date) -> str:
    if score >= policy("risk.group.high", on=on):
        return RiskGroup.HIGH
    if score >= policy("risk.group.medium", on=on):
        return RiskGroup.MEDIUM
    return RiskGroup.LOW


def _counts(queryset: QuerySet[Any], lookup: str) -> dict[int, int]:
    return dict(queryset.values_list(lookup).annotate(n=Count("pk")).values_list(lookup, "n").order_by())


def _data_gaps(
    ids: QuerySet[Any], meals: set[int], on: datetime.date
) -> tuple[dict[int, int], dict[int, int]]:
    """Per institution: working days of the last 30 (before ``on``) with children present and a morning
    check missing, and weeks (of a day with children present in that window) whose menu was not published
    (institutions serving meals)."""
    start = on - datetime.timedelta(days=DATA_GAP_DAYS)
    morning = HealthCheck.objects.filter(attendance=OuterRef("pk"), kind=CheckKind.MORNING)
    rows = (
        Attendance.objects.filter(
            day__gte=start, day__lt=on, care_class__institution__in=ids, status__in=IN_CARE_STATUSES
        )
        .values_list("care_class__institution", "day")
        .annotate(unchecked=Count("pk", filter=~Q(Exists(morning))))
        .values_list("care_class__institution", "day", "unchecked")
        .order_by()
    )
    working = {
        start + datetime.timedelta(days=n)
        for n in range(DATA_GAP_DAYS)
        if is_working_day(start + datetime.timedelta(days=n))
    }
    missing_days: dict[int, int] = defaultdict(int)
    weeks_present: dict[int, set[datetime.date]] = defaultdict(set)
    for institution_id, day, unchecked in rows:
        if day not in working:
            continue
        if unchecked:
            missing_days[institution_id] += 1
        if institution_id in meals:
            weeks_present[institution_id].add(day - datetime.timedelta(days=day.weekday()))
    mondays = {monday for weeks in weeks_present.values() for monday in weeks}
    published: dict[int, set[datetime.date]] = defaultdict(set)
    for institution_id, week_start in WeeklyMenu.objects.filter(
        institution__in=ids, week_start__in=mondays, published_at__isnull=False
    ).values_list("institution", "week_start"):
        published[institution_id].add(week_start)
    missing_weeks = {
        institution_id: len(weeks - published[institution_id])
        for institution_id, weeks in weeks_present.items()
    }
    return dict(missing_days), missing_weeks


def risk_of_institutions(institutions: QuerySet[Institution], on: datetime.date) -> list[Risk]:
    """The risk of each of ``institutions`` on the day ``on``, in the queryset's order; a constant number of
    queries whatever their number."""
    ids = institutions.values("pk")
    latest_grade = (
        Inspection.objects.filter(
            institution=OuterRef("pk"), status=InspectionStatus.COMPLETED, ended_at__date__lte=on
        )
        .order_by("-ended_at", "-pk")
        .values("grade")[:1]
    )
    rows = list(institutions.select_related("street").annotate(latest_grade=Subquery(latest_grade)))
    findings: dict[tuple[int, str], int] = {
        (institution_id, severity): n
        for institution_id, severity, n in Finding.objects.filter(institution__in=ids, resolved_at=None)
        .values_list("institution", "severity")
        .annotate(n=Count("pk"))
        .values_list("institution", "severity", "n")
        .order_by()
    }
    overdue = _counts(
        Case.objects.filter(
            institution__in=ids,
            kind=RECTIFICATION,
            closed_at=None,
            deadline__lt=on,
            status__in=AWAITING_INSTITUTION,
        ),
        "institution",
    )
    since = on - datetime.timedelta(days=COMPLAINT_MONTHS_DAYS)
    complaints = _counts(
        Complaint.objects.filter(
            case__institution__in=ids,
            case__outcome=ComplaintOutcome.SUBSTANTIATED,
            case__closed_at__date__gt=since,
            case__closed_at__date__lte=on,
        ),
        "case__institution",
    )
    outbreaks = _counts(
        OutbreakReport.objects.filter(
            institution__in=ids,
            first_day__gt=on - datetime.timedelta(days=OUTBREAK_DAYS),
            first_day__lte=on,
        ),
        "institution",
    )
    meals = {row.pk for row in rows if row.serves_meals}
    missing_days, missing_weeks = _data_gaps(ids, meals, on)
    weights = {key: policy(name, on=on) for key, name in WEIGHTS.items()}
    result = []
    for row in rows:
        counts = {
            "finding.block": findings.get((row.pk, Severity.BLOCK), 0),
            "finding.violation": findings.get((row.pk, Severity.VIOLATION), 0),
            "finding.warning": findings.get((row.pk, Severity.WARNING), 0),
            "rectification_overdue": overdue.get(row.pk, 0),
            "complaint_substantiated": complaints.get(row.pk, 0),
            "grade.C": int(row.latest_grade == "C"),
            "grade.D": int(row.latest_grade == "D"),
            "never_inspected": int(row.latest_grade is None),
            "morning_checks_missing": missing_days.get(row.pk, 0),
            "menus_missing": missing_weeks.get(row.pk, 0),
            "outbreak": outbreaks.get(row.pk, 0),
        }
        parts = tuple(
            RiskPart(key, _label(key, count), count, count * weights[key])
            for key, count in counts.items()
            if count
        )
        score = sum(part.points for part in parts)
        result.append(Risk(row, score, risk_group(score, on), parts))
    return result


def risk_ranked(risks: Iterable[Risk]) -> list[Risk]:
    """Highest score first, then by institution name and code (a stable order)."""
    return sorted(risks, key=lambda risk: (-risk.score, risk.institution.name, str(risk.institution.code)))


def regions_supervised_by(actor: object) -> QuerySet[Region]:
    """The regions that lie within the actor's supervision (a regulator's region and everything below it)."""
    scope = scope_of(actor, Perm.SUPERVISE_REGION)
    if scope.everything:
        return Region.objects.all()
    if not scope.region_paths:
        return Region.objects.none()
    condition = Q()
    for path in scope.region_paths:
        condition |= Q(path__startswith=path)
    return Region.objects.filter(condition)


def operating_institutions_supervised_by(actor: object) -> QuerySet[Institution]:
    """Every operating institution the actor supervises."""
    return institutions_visible_to(actor, Perm.SUPERVISE_REGION).filter(
        operating_status=OperatingStatus.OPERATING
    )


def streets_of(institutions: QuerySet[Institution]) -> QuerySet[Region]:
    """The streets and towns where ``institutions`` are, by code (a filter's choices)."""
    return Region.objects.filter(pk__in=institutions.values("street")).order_by("code")


def operating_institutions_in(actor: object, region: Region) -> QuerySet[Institution]:
    """The operating institutions of ``region`` (and below) that the actor supervises, by code."""
    return (
        institutions_visible_to(actor, Perm.SUPERVISE_REGION)
        .filter(street__path__startswith=region.path, operating_status=OperatingStatus.OPERATING)
        .order_by("code")
    )


def risk_of_region(actor: object, region: Region, on: datetime.date) -> list[Risk]:
    """The risk of every operating institution of the region the actor supervises, highest first."""
    return risk_ranked(risk_of_institutions(operating_institutions_in(actor, region), on))
