"""The health-exam schedule of each child: what is due when, and what is done, due or overdue.

Due dates run from the birth date (``workdays.months_later``):

- community child health checks (社区儿童健康检查) at 3, 6, 8, 12, 18, 24, 30 and 36 months (the 4-2-1
  pattern of the basic public-health service, national rules §10.3);
- periodic examinations in care (在托定期体检) every 6 months from 12 months, at 12, 18, 24 and 30 months,
  for the ones that fall while the child holds a place (§10.1; at 36 months the place ends);
- haemoglobin once a year, at 8, 18 and 30 months: the blood tests of the community schedule (6–8, 18 and
  30 months, §10.3), which also make the yearly test of §10.2;
- a hearing screen once a year at ages 1 to 3: at 12, 24 and 36 months (§10.2).

An item is *done* by an examination of its kind in its window: from 30 days before its due date up to 30
days before the next due date of that kind (open-ended for the last one). Windows of one kind do not
overlap, so one examination fulfils one item. An item is *overdue* when it is more than 30 days past its
due date, not done, and falls in the child's current place of care (due on or after the start of the
placement); the institution answers for those only. A past item that is not done and not overdue is *not
recorded*: it was due before the child came into care, or a later examination of its kind has been done
since (the child has been seen), and is shown as history.

Everything is computed in bulk: one query for the placements of an institution (or several), one for the
examinations of all their children.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm
from tuoyu.enrolment.models import Child, Placement
from tuoyu.health.models import ExamKind, HealthExam
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.workdays import months_later

SCHEDULE_AGES: dict[str, tuple[int, ...]] = {
    ExamKind.COMMUNITY: (3, 6, 8, 12, 18, 24, 30, 36),
    ExamKind.IN_CARE: (12, 18, 24, 30),
    ExamKind.HAEMOGLOBIN: (8, 18, 30),
    ExamKind.HEARING: (12, 24, 36),
}
_AGES_DUE = sorted({age for ages in SCHEDULE_AGES.values() for age in ages})
IN_CARE_KINDS = frozenset({ExamKind.IN_CARE})
"""Kinds due only while the child holds a place."""
EARLY_DAYS = 30
"""An examination up to this many days before its due date fulfils it."""
OVERDUE_AFTER_DAYS = 30
"""An item not done more than this many days after its due date is overdue (national rules §16.8)."""
KIND_NAMES_ZH: dict[str, str] = {
    ExamKind.COMMUNITY: "社区儿童健康检查",
    ExamKind.IN_CARE: "在托定期体检",
    ExamKind.HAEMOGLOBIN: "血红蛋白检测",
    ExamKind.HEARING: "听力筛查",
}
"""The kinds' names in the rules' evidence (written in Chinese, like every finding)."""


class ItemStatus(StrEnum):
    DONE = "done"
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_RECORDED = "not_recorded"


STATUS_LABELS: dict[str, Promise] = {
    ItemStatus.DONE: _("Done"),
    ItemStatus.UPCOMING: _("Upcoming"),
    ItemStatus.DUE: _("Due now"),
    ItemStatus.OVERDUE: _("Overdue"),
    ItemStatus.NOT_RECORDED: _("Not recorded"),
}


@dataclass(frozen=True)
class ScheduleItem:
    """One examination due at one age, with its window and what fulfils it."""

    kind: str
    age_months: int
    due_on: datetime.date
    window_starts: datetime.date
    window_ends: datetime.date | None  # exclusive; None for the last one of its kind
    status: ItemStatus
    exam: HealthExam | None
    in_care: bool  # due during the current place of care: the institution answers for it
    days_overdue: int

    @property
    def kind_label(self) -> str:
        return str(ExamKind(self.kind).label)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_overdue(self) -> bool:
        return self.status == ItemStatus.OVERDUE


@dataclass
class ChildSchedule:
    """A child's schedule on ``day``, with their current place of care (if any)."""

    child: Child
    placement: Placement | None
    day: datetime.date
    items: list[ScheduleItem] = field(default_factory=list)

    @property
    def overdue(self) -> list[ScheduleItem]:
        return [item for item in self.items if item.is_overdue]

    @property
    def care_class(self) -> CareClass | None:
        return self.placement.care_class if self.placement else None


def due_dates(birth_date: datetime.date, kind: str) -> list[tuple[int, datetime.date]]:
    return [(age, months_later(birth_date, age)) for age in SCHEDULE_AGES[kind]]


def _in_care(placement: Placement | None, due_on: datetime.date) -> bool:
    return placement is not None and placement.start_date <= due_on < placement.ends_on


def _item(
    kind: str,
    age: int,
    due_on: datetime.date,
    next_due: datetime.date | None,
    exams: Sequence[HealthExam],
    placement: Placement | None,
    day: datetime.date,
) -> ScheduleItem:
    starts = due_on - datetime.timedelta(days=EARLY_DAYS)
    ends = next_due - datetime.timedelta(days=EARLY_DAYS) if next_due else None
    exam = next(
        (e for e in exams if e.examined_on >= starts and (ends is None or e.examined_on < ends)), None
    )
    in_care = _in_care(placement, due_on)
    late = (day - due_on).days
    if exam is not None:
        status = ItemStatus.DONE
    elif day < starts:
        status = ItemStatus.UPCOMING
    elif late <= OVERDUE_AFTER_DAYS:
        status = ItemStatus.DUE
    elif in_care and not any(ends is not None and e.examined_on >= ends for e in exams):
        status = ItemStatus.OVERDUE
    else:
        status = ItemStatus.NOT_RECORDED
    return ScheduleItem(
        kind=kind,
        age_months=age,
        due_on=due_on,
        window_starts=starts,
        window_ends=ends,
        status=status,
        exam=exam,
        in_care=in_care,
        days_overdue=late if status == ItemStatus.OVERDUE else 0,
    )


def schedule_items(
    child: Child, exams: Sequence[HealthExam], placement: Placement | None, day: datetime.date
) -> list[ScheduleItem]:
    """The child's items of every kind, by due date; ``exams`` are the child's (any order)."""
    by_kind: dict[str, list[HealthExam]] = defaultdict(list)
    for exam in sorted(exams, key=lambda e: (e.examined_on, e.pk or 0)):
        by_kind[exam.kind].append(exam)
    items = []
    for kind in SCHEDULE_AGES:
        dates = due_dates(child.birth_date, kind)
        for index, (age, due_on) in enumerate(dates):
            if kind in IN_CARE_KINDS and not _in_care(placement, due_on):
                continue
            next_due = dates[index + 1][1] if index + 1 < len(dates) else None
            items.append(_item(kind, age, due_on, next_due, by_kind[kind], placement, day))
    items.sort(key=lambda item: (item.due_on, list(SCHEDULE_AGES).index(item.kind)))
    return items


def may_fall_overdue(placement: Placement, day: datetime.date) -> bool:
    """Whether an item of the child's schedule can be overdue on ``day``: one due while the child holds this
    place, more than ``OVERDUE_AFTER_DAYS`` before ``day``. Cheaper than the schedule itself, it spares
    building the schedules of children with nothing that can be overdue."""
    due_by = day - datetime.timedelta(days=OVERDUE_AFTER_DAYS + 1)
    due_dates = (months_later(placement.child.birth_date, age) for age in _AGES_DUE)
    return any(
        placement.start_date <= due_on <= due_by and due_on < placement.ends_on for due_on in due_dates
    )


def current_placement(child: Child, day: datetime.date) -> Placement | None:
    """The child's place of care on ``day`` (started, not ended), the latest if there were two."""
    return (
        child.placements.filter(start_date__lte=day, ends_on__gt=day)
        .select_related("institution", "care_class")
        .order_by("-start_date", "-pk")
        .first()
    )


def child_schedule(child: Child, *, day: datetime.date | None = None) -> ChildSchedule:
    day = day or timezone.localdate()
    placement = current_placement(child, day)
    exams = list(child.health_exams.all())
    return ChildSchedule(child, placement, day, schedule_items(child, exams, placement, day))


def placements_in_care(institutions: QuerySet[Institution], day: datetime.date) -> QuerySet[Placement]:
    return (
        Placement.objects.filter(institution__in=institutions, start_date__lte=day, ends_on__gt=day)
        .select_related("child", "care_class", "institution")
        .order_by("institution__name", "institution_id", "care_class__name", "child__name", "child_id")
    )


def schedules_of(placements: Iterable[Placement], day: datetime.date) -> list[ChildSchedule]:
    """The schedules of the children of these placements, with one query for all their examinations."""
    placements = list(placements)
    exams: dict[int, list[HealthExam]] = defaultdict(list)
    for exam in HealthExam.objects.filter(child_id__in=[p.child_id for p in placements]).order_by(
        "child_id", "examined_on", "pk"
    ):
        exams[exam.child_id].append(exam)
    return [
        ChildSchedule(p.child, p, day, schedule_items(p.child, exams[p.child_id], p, day)) for p in placements
    ]


def institution_schedules(institutions: QuerySet[Institution], day: datetime.date) -> list[ChildSchedule]:
    """Every child in care at these institutions on ``day``, with their schedule (two queries)."""
    return schedules_of(placements_in_care(institutions, day), day)


def overdue_visible_to(actor: object, *, day: datetime.date | None = None) -> list[ChildSchedule]:
    """The children with overdue examinations at the institutions whose health records the actor reads
    (directors and health workers: their institution; a partner-hospital doctor: the partnered ones), by
    institution, class and name."""
    day = day or timezone.localdate()
    schedules = institution_schedules(institutions_visible_to(actor, Perm.VIEW_HEALTH), day)
    return [schedule for schedule in schedules if schedule.overdue]
