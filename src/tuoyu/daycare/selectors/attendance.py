"""Reads of attendance: the day's roster of a class with each child's state, who is expected but absent,
the director's view of the day, the illness follow-ups and a child's day for the family.

A child is on a class's roster on a day when a placement in that class is active that day
(``start_date <= day < ends_on``). Their state that day follows from the rows written:

- an ``Attendance`` decides (checked in, sent home at the morning check, checked out);
- else an ``Absence`` makes them absent;
- else they are expected. Expected with no note by ``settings.EXPECTED_ABSENT_AFTER`` is "expected but
  absent": their guardians are told (``services.attendance.expected_absent_notify``).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Exists, FilteredRelation, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm
from tuoyu.daycare.models import (
    IN_CARE_STATUSES,
    Absence,
    AbsenceReason,
    Attendance,
    CheckKind,
    HealthCheck,
    IllnessFollowUp,
    Observation,
    PickupRefusal,
)
from tuoyu.daycare.selectors.ratios import Ratio, class_ratio
from tuoyu.enrolment.models import Child, ExamResult, PickupPerson, Placement
from tuoyu.policies.values import policy
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.workdays import is_working_day, months_later


class DayState(models.TextChoices):
    """A child's state on a day, as the class screen shows it."""

    EXPECTED = "expected", _("Expected")
    CHECKED_IN = "checked_in", _("Checked in")
    ABSENT = "absent", _("Absent")
    SENT_HOME = "sent_home", _("Sent home")
    CHECKED_OUT = "checked_out", _("Checked out")


# Scope ------------------------------------------------------------------------------------------------------


def care_institutions_visible_to(actor: object) -> QuerySet[Institution]:
    """Institutions where the actor records the day in care (caregivers, health workers, directors)."""
    return institutions_visible_to(actor, Perm.RECORD_CARE)


def care_classes_visible_to(actor: object) -> QuerySet[CareClass]:
    """Classes whose day the actor may record: every class of those institutions."""
    return CareClass.objects.filter(institution__in=care_institutions_visible_to(actor)).select_related(
        "institution"
    )


def follow_ups_visible_to(actor: object) -> QuerySet[IllnessFollowUp]:
    """Illness follow-ups of the institutions where the actor records health (health workers, directors)."""
    institutions = institutions_visible_to(actor, Perm.RECORD_HEALTH)
    return IllnessFollowUp.objects.filter(absence__care_class__institution__in=institutions).select_related(
        "absence__child", "absence__care_class", "closed_by"
    )


# The roster of a day ----------------------------------------------------------------------------------------


def placements_active_on(day: datetime.date) -> QuerySet[Placement]:
    return Placement.objects.filter(start_date__lte=day, ends_on__gt=day)


def observation_labels(check: HealthCheck | None) -> list[str]:
    """What a check found, in words (the check stores the codes of ``Observation``)."""
    if check is None:
        return []
    labels = dict(Observation.choices)
    return [str(labels.get(value, value)) for value in check.observations]


@dataclass
class RosterEntry:
    """One child on a class's roster of a day, with what was recorded that day."""

    child: Child
    attendance: Attendance | None = None
    absence: Absence | None = None
    checks: dict[str, HealthCheck] = field(default_factory=dict)

    @property
    def state(self) -> str:
        if self.attendance is not None:
            return self.attendance.status
        return DayState.ABSENT if self.absence is not None else DayState.EXPECTED

    @property
    def state_label(self) -> str:
        return str(DayState(self.state).label)

    @property
    def morning(self) -> HealthCheck | None:
        return self.checks.get(CheckKind.MORNING)

    @property
    def noon(self) -> HealthCheck | None:
        return self.checks.get(CheckKind.NOON)

    @property
    def morning_observed(self) -> list[str]:
        return observation_labels(self.morning)

    @property
    def noon_observed(self) -> list[str]:
        return observation_labels(self.noon)

    @property
    def present(self) -> bool:
        return self.state == DayState.CHECKED_IN

    @property
    def needs_noon_check(self) -> bool:
        return self.present and self.noon is None

    @property
    def watch(self) -> bool:
        """Checked and found something: the class keeps an eye on this child."""
        return any(check.is_abnormal for check in self.checks.values())


def _entries(day: datetime.date, children: QuerySet[Child]) -> list[RosterEntry]:
    """The children with what was recorded about them on ``day``, in two queries: the children joined to
    their attendance and absence of the day (one of each at most, by constraint), then the day's checks."""
    rows = children.annotate(
        day_attendance=FilteredRelation("attendances", condition=Q(attendances__day=day)),
        day_absence=FilteredRelation("absences", condition=Q(absences__day=day)),
    ).select_related(  # type: ignore[misc]  # the stubs do not see the filtered relations
        "day_attendance__checked_in_by",
        "day_attendance__checked_out_by",
        "day_attendance__picked_up_by_person",
        "day_attendance__picked_up_by_guardian",
        "day_absence",
    )
    entries: list[RosterEntry] = []
    by_attendance: dict[int, RosterEntry] = {}
    for child in rows:
        # select_related sets a filtered relation only when a row matched: no attribute means none
        attendance, absence = getattr(child, "day_attendance", None), getattr(child, "day_absence", None)
        entry = RosterEntry(child=child, attendance=attendance, absence=absence)
        entries.append(entry)
        if entry.attendance is not None:
            by_attendance[entry.attendance.pk] = entry
    if by_attendance:
        checks = HealthCheck.objects.filter(attendance_id__in=by_attendance).select_related("checked_by")
        for check in checks:
            by_attendance[check.attendance_id].checks[check.kind] = check
    return entries


def day_roster(care_class: CareClass, day: datetime.date) -> list[RosterEntry]:
    """Every child on the class's roster of ``day`` with their state, by name (two queries)."""
    children = Child.objects.in_class(care_class, day).order_by("name", "pk")
    return _entries(day, children)


@dataclass(frozen=True)
class DayCounts:
    on_roster: int
    present: int
    checked_out: int
    sent_home: int
    absent: int
    not_yet: int  # expected, no check-in and no absence note

    @property
    def arrived(self) -> int:
        return self.present + self.checked_out + self.sent_home


def day_counts(roster: Iterable[RosterEntry]) -> DayCounts:
    states = [entry.state for entry in roster]
    return DayCounts(
        on_roster=len(states),
        present=states.count(DayState.CHECKED_IN),
        checked_out=states.count(DayState.CHECKED_OUT),
        sent_home=states.count(DayState.SENT_HOME),
        absent=states.count(DayState.ABSENT),
        not_yet=states.count(DayState.EXPECTED),
    )


# Expected but absent ----------------------------------------------------------------------------------------


def expected_absent(target: CareClass | Institution | None, day: datetime.date) -> QuerySet[Child]:
    """Children with a placement active on ``day`` (in the class or institution; ``None``: anywhere) who
    have neither an attendance nor an absence that day, by name. Nobody is expected on a day that is not a
    working day, nor at an institution on one of its closed days."""
    if not is_working_day(day):
        return Child.objects.none()
    placements = placements_active_on(day).exclude(institution__closed_days__day=day)
    if isinstance(target, CareClass):
        placements = placements.filter(care_class=target)
    elif isinstance(target, Institution):
        placements = placements.filter(institution=target)
    attended = Attendance.objects.filter(child=OuterRef("pk"), day=day)
    excused = Absence.objects.filter(child=OuterRef("pk"), day=day)
    return (
        Child.objects.filter(pk__in=placements.values("child"))
        .exclude(Exists(attended))
        .exclude(Exists(excused))
        .order_by("name", "pk")
    )


# The director's day -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassDay:
    care_class: CareClass
    counts: DayCounts
    ratio: Ratio
    expected_absent: list[Child]


def institution_day(institution: Institution, day: datetime.date) -> list[ClassDay]:
    """Per class of the institution: the day's counts, the live ratio and who is expected but absent."""
    days = []
    for care_class in institution.classes.order_by("age_band", "name"):
        roster = day_roster(care_class, day)
        days.append(
            ClassDay(
                care_class=care_class,
                counts=day_counts(roster),
                ratio=class_ratio(care_class, day),
                expected_absent=[entry.child for entry in roster if entry.state == DayState.EXPECTED],
            )
        )
    return days


def refused_pickups(institution: Institution, day: datetime.date) -> QuerySet[PickupRefusal]:
    return PickupRefusal.objects.filter(
        attendance__care_class__institution=institution, attendance__day=day
    ).select_related("attendance__child", "attendance__care_class", "refused_by")


def illness_absences(institution: Institution, day: datetime.date) -> QuerySet[Absence]:
    return Absence.objects.filter(
        care_class__institution=institution, day=day, reason=AbsenceReason.ILLNESS
    ).select_related("child", "care_class")


def family_absences_visible_to(actor: object) -> QuerySet[Absence]:
    """The absences of the actor's own children, as their guardian (the family's 请假 and the class's)."""
    return Absence.objects.filter(child__in=Child.objects.of_guardian(actor)).select_related(
        "child", "care_class"
    )


# Pick-up ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PickupOption:
    """Someone who may collect the child: one of their authorised pick-up persons or a guardian."""

    kind: str  # "person" or "guardian"
    id: int
    name: str
    relation: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.id}"


def pickup_options(child: Child) -> list[PickupOption]:
    guardianships = child.guardianships.select_related("user").order_by("pk")
    options = [
        PickupOption("guardian", g.user_id, g.user.display_name, g.get_relation_display())
        for g in guardianships
        if g.user.is_active
    ]
    options += [
        PickupOption("person", p.pk, p.name, p.get_relation_display())
        for p in PickupPerson.objects.filter(child=child).order_by("name", "pk")
    ]
    return options


# Who is told ------------------------------------------------------------------------------------------------


# A child's day ----------------------------------------------------------------------------------------------


def day_entry(child: Child, day: datetime.date) -> RosterEntry:
    """What was recorded about a child on a day (attendance, checks, absence): one row of a roster."""
    return _entries(day, Child.objects.filter(pk=child.pk))[0]


# Back after a long absence ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LongAbsence:
    """A child last in care on ``last_day``, so long ago that they need a new health examination."""

    child: Child
    institution: Institution
    last_day: datetime.date


def exam_months_after_absence(day: datetime.date) -> int:
    """托育机构管理规范 art. 11 (L76, GZ12): back after this many months away, a new health examination."""
    return policy("absence.new_exam_after_months", on=day)


def attendance_so_far(child: Child, day: datetime.date) -> tuple[bool, datetime.date | None]:
    """Whether the child already has an attendance on ``day``, and the last day before it that they were
    in care (None if never): what a check-in needs to know, in one query."""
    days = Attendance.objects.filter(child=child, day__lte=day).aggregate(
        today=Count("pk", filter=Q(day=day)),
        last=Max("day", filter=Q(day__lt=day, status__in=IN_CARE_STATUSES)),
    )
    return days["today"] > 0, days["last"]


def needs_exam_after_absence(child: Child, last_day: datetime.date | None, day: datetime.date) -> bool:
    """Away ``exam_months_after_absence`` months or more since ``last_day``, with no passed examination
    since (a child never in care yet has the entry examination of admission instead)."""
    if last_day is None or day < months_later(last_day, exam_months_after_absence(day)):
        return False
    examined = child.entry_exams.filter(
        result=ExamResult.PASS, examined_on__gt=last_day, examined_on__lte=day
    )
    return not examined.exists()


def long_absences_visible_to(actor: object, day: datetime.date) -> list[LongAbsence]:
    """Children placed at the actor's institutions (as their health worker) who come back from a long
    absence and need a new examination before their next check-in: the health worker's task."""
    institutions = institutions_visible_to(actor, Perm.RECORD_HEALTH)
    placements = placements_active_on(day).filter(institution__in=institutions)
    cutoff = months_later(day, -exam_months_after_absence(day))
    last_days = (
        Attendance.objects.filter(
            child__in=placements.values("child"), day__lt=day, status__in=IN_CARE_STATUSES
        )
        .values("child")
        .annotate(last=Max("day"))
        .filter(last__lte=cutoff)
    )
    last_of = {row["child"]: row["last"] for row in last_days}
    found = []
    for placement in placements.filter(child__in=last_of).select_related("child", "institution"):
        if needs_exam_after_absence(placement.child, last_of[placement.child_id], day):
            found.append(LongAbsence(placement.child, placement.institution, last_of[placement.child_id]))
    return sorted(found, key=lambda absence: (absence.last_day, absence.child.name))


def abnormal_checks_visible_to(actor: object, day: datetime.date) -> list[HealthCheck]:
    """The day's abnormal morning and noon checks at the institutions where the actor records care (fever,
    an observation, or a child not admitted), by class and name."""
    checks = (
        HealthCheck.objects.filter(
            attendance__day=day, attendance__care_class__institution__in=care_institutions_visible_to(actor)
        )
        .select_related("attendance__child", "attendance__care_class")
        .order_by("attendance__care_class__name", "attendance__child__name", "kind", "pk")
    )
    return [check for check in checks if check.is_abnormal]
