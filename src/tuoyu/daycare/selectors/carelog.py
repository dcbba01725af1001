"""Reads of the care log and the daily report: who may see which class, child, entry, report and photo.

Staff read through the institutions where they hold ``record_care``; families read only their own
children's *published* days (an entry or a photo of a day whose report is not published does not exist
for them: 404). Each read that lists rows runs a fixed number of queries, however many children.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.daycare.models import (
    Attendance,
    AttendanceStatus,
    CareLogEntry,
    DailyReport,
    LogKind,
    MedicationInstruction,
    ReportPhoto,
)
from tuoyu.daycare.selectors.attendance import (
    care_institutions_visible_to,
    placements_active_on,
)
from tuoyu.enrolment.models import Child, Placement
from tuoyu.registry.models import CareClass

NAPPY_CHOICES = [
    ("wet", gettext_lazy("Wet")),
    ("soiled", gettext_lazy("Soiled")),
    ("dry", gettext_lazy("Dry")),
    ("toilet", gettext_lazy("Used the toilet")),
]
"""Quick choices of a nappy-or-toilet entry: its ``text`` keeps the code, shown in the reader's language."""
NAPPY_LABELS = dict(NAPPY_CHOICES)


# Staff: classes, children and entries ------------------------------------------------------------------


def is_in_class(child: Child, care_class: CareClass, day: datetime.date) -> bool:
    return placements_active_on(day).filter(child=child, care_class=care_class).exists()


def present_children(care_class: CareClass, day: datetime.date) -> QuerySet[Child]:
    """Children checked in to the class on ``day`` and not yet collected: those a batch entry is for."""
    return Child.objects.filter(
        attendances__care_class=care_class,
        attendances__day=day,
        attendances__status=AttendanceStatus.CHECKED_IN,
    ).order_by("name", "pk")


def attended_children(care_class: CareClass, day: datetime.date) -> QuerySet[Child]:
    """Children who spent (part of) ``day`` in the class: checked in, collected later or not yet."""
    return Child.objects.filter(
        attendances__care_class=care_class,
        attendances__day=day,
        attendances__status__in=[AttendanceStatus.CHECKED_IN, AttendanceStatus.CHECKED_OUT],
    ).order_by("name", "pk")


def entries_of_day(child: Child, day: datetime.date) -> QuerySet[CareLogEntry]:
    return (
        CareLogEntry.objects.filter(child=child, day=day)
        .select_related("medication_instruction", "recorded_by")
        .order_by("at", "pk")
    )


def care_entries_visible_to(actor: object) -> QuerySet[CareLogEntry]:
    """Entries of classes of the institutions where the actor records care."""
    return CareLogEntry.objects.filter(care_class__institution__in=care_institutions_visible_to(actor))


# Medication instructions -------------------------------------------------------------------------------


def instructions_valid_on(child: Child, day: datetime.date) -> QuerySet[MedicationInstruction]:
    """The guardian's instructions for the child that cover ``day``."""
    return MedicationInstruction.objects.filter(
        child=child, valid_from__lte=day, valid_until__gte=day
    ).order_by("-signed_at", "-pk")


def medication_instructions_visible_to(actor: object) -> QuerySet[MedicationInstruction]:
    """A guardian's own children's instructions; staff read those of the children placed with them."""
    institutions = care_institutions_visible_to(actor)
    placed = Placement.objects.filter(institution__in=institutions).values("child_id")
    return (
        MedicationInstruction.objects.filter(
            Q(child__in=Child.objects.of_guardian(actor).values("pk")) | Q(child_id__in=placed)
        )
        .select_related("child", "given_by")
        .order_by("-valid_from", "-pk")
    )


# Families: only published days -------------------------------------------------------------------------


def published_reports_of_guardian(user: object) -> QuerySet[DailyReport]:
    """The published daily reports of the user's children, newest first."""
    return (
        DailyReport.objects.filter(
            child__in=Child.objects.of_guardian(user).values("pk"), published_at__isnull=False
        )
        .select_related("child", "care_class", "care_class__institution")
        .order_by("-day", "child__name", "pk")
    )


def _published_day() -> Exists:
    return Exists(
        DailyReport.objects.filter(
            child_id=OuterRef("child_id"), day=OuterRef("day"), published_at__isnull=False
        )
    )


def entries_visible_to_guardian(user: object) -> QuerySet[CareLogEntry]:
    """Entries of the user's children on days whose report is published; nothing else."""
    return CareLogEntry.objects.filter(child__in=Child.objects.of_guardian(user).values("pk")).filter(
        _published_day()
    )


def photos_removable_by(actor: object) -> QuerySet[ReportPhoto]:
    """Photos of the reports of the classes the actor cares for (guardians only look)."""
    return ReportPhoto.objects.filter(
        report__care_class__institution__in=care_institutions_visible_to(actor)
    ).select_related("report__care_class")


def photos_visible_to(actor: object) -> QuerySet[ReportPhoto]:
    """Photos of the actor's children's published reports, and every photo of the classes they care for."""
    own = Q(
        report__child__in=Child.objects.of_guardian(actor),
        report__published_at__isnull=False,
    )
    staff = Q(report__care_class__institution__in=care_institutions_visible_to(actor))
    return ReportPhoto.objects.filter(pk__in=ReportPhoto.objects.filter(own | staff).values("pk"))


# The timeline of a day ---------------------------------------------------------------------------------


def sleep_minutes(entry: CareLogEntry) -> int | None:
    if entry.kind != LogKind.SLEEP or entry.ends_at is None:
        return None
    return int((entry.ends_at - entry.at).total_seconds() // 60)


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": rest}


def describe(entry: CareLogEntry) -> str:
    """One line saying what the entry records, in the reader's language."""
    kind = entry.kind
    if kind in (LogKind.MEAL, LogKind.SNACK):
        return _("Ate: %(portion)s") % {"portion": entry.get_portion_display()}
    if kind in (LogKind.BOTTLE, LogKind.WATER):
        return _("%(ml)d ml") % {"ml": entry.amount_ml or 0}
    if kind == LogKind.SLEEP:
        minutes = sleep_minutes(entry)
        if minutes is None:
            return _("Asleep (not yet woken)")
        return _("Slept %(duration)s") % {"duration": duration_text(minutes)}
    if kind == LogKind.MOOD:
        return entry.get_mood_display()
    if kind == LogKind.NAPPY:
        return str(NAPPY_LABELS.get(entry.text, entry.text))
    if kind == LogKind.ACTIVITY:
        return _("Chose the %(area)s") % {"area": entry.activity_area}
    if kind == LogKind.RESPONSIVE:
        return _("Why: %(cause)s. We: %(response)s. Then: %(outcome)s.") % {
            "cause": entry.cause,
            "response": entry.response,
            "outcome": entry.outcome,
        }
    if kind == LogKind.MEDICATION:
        instruction = entry.medication_instruction
        medicine = instruction.medicine if instruction else ""
        return _("%(medicine)s, %(dose)s (as the family instructed)") % {
            "medicine": medicine,
            "dose": entry.dose_given,
        }
    if kind == LogKind.INCIDENT:
        return _("%(what)s, at %(place)s. First aid: %(first_aid)s.") % {
            "what": entry.text,
            "place": entry.place,
            "first_aid": entry.first_aid,
        }
    return entry.text


@dataclass
class TimelineItem:
    entry: CareLogEntry
    line: str
    sleep_minutes: int | None = None

    @property
    def note(self) -> str:
        """The free-text details, unless the line already says them (notes and incidents)."""
        if self.entry.kind in (LogKind.NOTE, LogKind.INCIDENT, LogKind.NAPPY):
            return ""
        return self.entry.text


def timeline(entries: list[CareLogEntry]) -> list[TimelineItem]:
    ordered = sorted(entries, key=lambda e: (e.at, e.pk or 0))
    return [TimelineItem(entry, describe(entry), sleep_minutes(entry)) for entry in ordered]


@dataclass
class ChildDay:
    """A child's day for the report page: the timeline, the report (if started) and its photos."""

    child: Child
    day: datetime.date
    items: list[TimelineItem]
    report: DailyReport | None
    photos: list[ReportPhoto] = field(default_factory=list)
    present: bool = True

    @property
    def entries(self) -> list[CareLogEntry]:
        return [item.entry for item in self.items]

    @property
    def published(self) -> bool:
        return self.report is not None and self.report.published_at is not None

    @property
    def total_sleep(self) -> str:
        minutes = sum(item.sleep_minutes or 0 for item in self.items)
        return duration_text(minutes) if minutes else ""

    @property
    def unacknowledged_incidents(self) -> int:
        return sum(
            1
            for item in self.items
            if item.entry.kind == LogKind.INCIDENT and item.entry.guardian_acknowledged_at is None
        )


def class_day(care_class: CareClass, day: datetime.date) -> list[ChildDay]:
    """Every child who attended the class on ``day`` (or has entries of it), each with their day.

    Four queries, however many children: children, attendance, entries, reports with their photos.
    """
    attended = list(attended_children(care_class, day).distinct())
    present_ids = set(
        Attendance.objects.filter(
            care_class=care_class, day=day, status=AttendanceStatus.CHECKED_IN
        ).values_list("child_id", flat=True)
    )
    entries = list(
        CareLogEntry.objects.filter(care_class=care_class, day=day)
        .select_related("child", "medication_instruction")
        .order_by("at", "pk")
    )
    reports = {
        report.child_id: report
        for report in DailyReport.objects.filter(care_class=care_class, day=day).prefetch_related(
            Prefetch("photos", queryset=ReportPhoto.objects.order_by("uploaded_at", "pk"))
        )
    }
    children = {child.pk: child for child in attended}
    for entry in entries:  # a child logged but not checked in (e.g. recorded from the child's page)
        children.setdefault(entry.child_id, entry.child)
    by_child: dict[int, list[CareLogEntry]] = {}
    for entry in entries:
        by_child.setdefault(entry.child_id, []).append(entry)
    days = []
    for child in sorted(children.values(), key=lambda c: (c.name, c.pk)):
        report = reports.get(child.pk)
        days.append(
            ChildDay(
                child=child,
                day=day,
                items=timeline(by_child.get(child.pk, [])),
                report=report,
                photos=list(report.photos.all()) if report else [],
                present=child.pk in present_ids,
            )
        )
    return days


def child_day(child: Child, day: datetime.date, *, published_only: bool = False) -> ChildDay:
    """One child's day; ``published_only`` (families) gives an empty day unless the report is published."""
    report = DailyReport.objects.filter(child=child, day=day).prefetch_related("photos").first()
    if published_only and (report is None or report.published_at is None):
        return ChildDay(child=child, day=day, items=[], report=None)
    entries = list(entries_of_day(child, day))
    photos = list(report.photos.all()) if report else []
    return ChildDay(child=child, day=day, items=timeline(entries), report=report, photos=photos)
