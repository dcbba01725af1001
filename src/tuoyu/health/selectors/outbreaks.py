"""Reads of the outbreak watch: the symptom log of a class, who sees and who records outbreaks, the
district regulators to alert, excluded children and classes in quarantine.

The symptom log (national rules §9.1, §9.13) is read from the day in care: illness absences by their symptom
category and abnormal morning and noon checks (a temperature from 37.3 °C is a fever; the observations
rash, cough or runny nose, vomiting or diarrhoea and red eyes map to their category; an injury or "other"
is no infectious symptom). "Other" illness absences are no category either: three children ill with
different things are no cluster. A child counts once per symptom and day, whatever the number of records.

Who sees what: institution staff with ``watch_outbreaks`` (director, health worker) see their institution's
outbreaks, regulators every institution of their region; the institution's acts (diagnoses, return
certificates, reports, quarantines) need ``record_health`` there. Caregivers and doctors see none.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from tuoyu.accounts.access import Perm
from tuoyu.daycare.models import FEVER_FROM, Absence, AbsenceReason, HealthCheck, Observation, Symptom
from tuoyu.enrolment.models import Child, Placement
from tuoyu.health.models import ClassQuarantine, Diagnosis, OutbreakReport
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import institutions_visible_to

FEVER = Decimal(str(FEVER_FROM))
SYMPTOM_OF_OBSERVATION: dict[str, str] = {
    Observation.RASH: Symptom.RASH,
    Observation.COUGH: Symptom.RESPIRATORY,
    Observation.RUNNY_NOSE: Symptom.RESPIRATORY,
    Observation.VOMITING_DIARRHOEA: Symptom.GASTRO,
    Observation.RED_EYES: Symptom.EYE,
}
"""The symptom category of what a morning or noon check observed; injury and "other" have none."""
WATCHED_SYMPTOMS = frozenset({Symptom.FEVER, Symptom.RESPIRATORY, Symptom.GASTRO, Symptom.RASH, Symptom.EYE})
"""The categories that add up to a cluster ("other" does not: it is not one kind of illness)."""
IMMEDIATE_REPORT_HOURS = 2
"""A notifiable case is reported at once; the OUT rule allows this many hours of grace (§16.7, §9.14)."""

SymptomLog = dict[str, dict[datetime.date, set[int]]]
"""symptom → day → ids of the children with that symptom that day."""


# The symptom log ------------------------------------------------------------------------------------------


def symptoms_of_check(temperature_c: Decimal, observations: list[str]) -> set[str]:
    """The symptom categories one morning or noon check shows."""
    found = {SYMPTOM_OF_OBSERVATION[value] for value in observations if value in SYMPTOM_OF_OBSERVATION}
    if temperature_c >= FEVER:
        found.add(Symptom.FEVER)
    return found


def symptom_log(care_class: CareClass, first: datetime.date, last: datetime.date) -> SymptomLog:
    """Who had which symptom on which day of ``first``..``last`` in the class (absences and checks).

    An illness absence announced for a day still to come counts from that day on, not before."""
    log: SymptomLog = defaultdict(lambda: defaultdict(set))
    absences = Absence.objects.filter(
        care_class=care_class,
        day__range=(first, min(last, timezone.localdate())),
        reason=AbsenceReason.ILLNESS,
    ).values_list("child_id", "day", "symptom")
    for child_id, day, symptom in absences:
        if symptom in WATCHED_SYMPTOMS:
            log[symptom][day].add(child_id)
    checks = HealthCheck.objects.filter(
        attendance__care_class=care_class, attendance__day__range=(first, last)
    ).values_list("attendance__child_id", "attendance__day", "temperature_c", "observations")
    for child_id, day, temperature, observations in checks:
        for symptom in symptoms_of_check(temperature, observations or []):
            log[symptom][day].add(child_id)
    return {symptom: dict(days) for symptom, days in log.items()}


# Who sees, who records, who is told ------------------------------------------------------------------------


def outbreaks_visible_to(actor: object) -> QuerySet[OutbreakReport]:
    """Outbreak reports of the institutions the actor watches (their own; a regulator's region)."""
    institutions = institutions_visible_to(actor, Perm.WATCH_OUTBREAKS)
    return OutbreakReport.objects.filter(institution__in=institutions).select_related(
        "institution", "care_class", "disease", "reported_by", "resolved_by"
    )


def active_first(outbreaks: QuerySet[OutbreakReport]) -> QuerySet[OutbreakReport]:
    """Active reports first, the most urgent deadline first; then resolved ones, the latest first."""
    resolved = Case(
        When(resolved_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return outbreaks.annotate(resolved_rank=resolved).order_by(
        "resolved_rank", "due_at", "-resolved_at", "-pk"
    )


def institutions_recording_outbreaks(actor: object) -> QuerySet[Institution]:
    """Institutions whose outbreak acts the actor records (their director and health worker)."""
    return institutions_visible_to(actor, Perm.RECORD_HEALTH)


def outbreaks_recordable_by(actor: object) -> QuerySet[OutbreakReport]:
    return outbreaks_visible_to(actor).filter(institution__in=institutions_recording_outbreaks(actor))


def classes_watched_by(actor: object) -> QuerySet[CareClass]:
    """Classes whose exclusions and quarantines the actor records."""
    institutions = institutions_recording_outbreaks(actor)
    return CareClass.objects.filter(institution__in=institutions).select_related("institution")


def children_for_diagnosis(actor: object, *, day: datetime.date | None = None) -> QuerySet[Child]:
    """Children holding a place at an institution where the actor records health acts."""
    day = day or timezone.localdate()
    placed = Placement.objects.filter(
        institution__in=institutions_recording_outbreaks(actor), ends_on__gt=day
    ).values("child")
    return Child.objects.filter(pk__in=placed)


def placement_for_diagnosis(child: Child, actor: object, day: datetime.date) -> Placement | None:
    """The child's place (held on ``day``) at an institution where the actor records health acts."""
    return (
        Placement.objects.filter(
            child=child, ends_on__gt=day, institution__in=institutions_recording_outbreaks(actor)
        )
        .select_related("institution", "care_class")
        .order_by("-start_date", "-pk")
        .first()
    )


def diagnoses_recordable_by(actor: object) -> QuerySet[Diagnosis]:
    return Diagnosis.objects.filter(institution__in=institutions_recording_outbreaks(actor)).select_related(
        "child", "disease", "care_class", "institution"
    )


def quarantines_visible_to(actor: object) -> QuerySet[ClassQuarantine]:
    institutions = institutions_visible_to(actor, Perm.WATCH_OUTBREAKS)
    return ClassQuarantine.objects.filter(care_class__institution__in=institutions).select_related(
        "care_class__institution", "outbreak", "created_by"
    )


def outbreak_subject(outbreak: OutbreakReport) -> str:
    """What the outbreak is about: the disease, else the symptom category (in the current language)."""
    if outbreak.disease is not None:
        return outbreak.disease.name
    labels = dict(Symptom.choices)
    return str(labels.get(outbreak.symptom, outbreak.symptom))


# Deadlines ------------------------------------------------------------------------------------------------


def report_grace(outbreak: OutbreakReport) -> datetime.timedelta:
    """What the OUT rule allows after ``due_at``: for a report due at once (a notifiable disease), the
    immediate-report hours; none for a report due within 24 hours."""
    if outbreak.due_at <= outbreak.opened_at:
        return datetime.timedelta(hours=IMMEDIATE_REPORT_HOURS)
    return datetime.timedelta()


def report_late_after(outbreak: OutbreakReport) -> datetime.datetime:
    return outbreak.due_at + report_grace(outbreak)


@dataclass(frozen=True)
class Deadline:
    """Where an outbreak report stands against its deadline at a moment."""

    due_at: datetime.datetime
    late_after: datetime.datetime
    reported_at: datetime.datetime | None
    overdue: bool  # not reported and past the deadline (with its grace)
    late: bool  # reported, but after the deadline (with its grace)
    minutes_left: int  # until ``due_at`` (negative: past it)

    @property
    def is_past_due(self) -> bool:
        return self.minutes_left < 0

    @property
    def left(self) -> tuple[int, int]:
        """Hours and minutes until ``due_at`` (0, 0 once past it)."""
        return divmod(max(self.minutes_left, 0), 60)

    @property
    def over(self) -> tuple[int, int]:
        """Hours and minutes past ``due_at`` (0, 0 before it)."""
        return divmod(max(-self.minutes_left, 0), 60)


def deadline_of(outbreak: OutbreakReport, now: datetime.datetime | None = None) -> Deadline:
    now = now or timezone.now()
    late_after = report_late_after(outbreak)
    reported = outbreak.reported_at
    return Deadline(
        due_at=outbreak.due_at,
        late_after=late_after,
        reported_at=reported,
        overdue=reported is None and now > late_after,
        late=reported is not None and reported > late_after,
        minutes_left=int((outbreak.due_at - now).total_seconds() // 60),
    )


# Cases ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseDay:
    """The children of an outbreak with its symptom (or disease onset) on one day."""

    day: datetime.date
    children: list[Child]


def outbreak_case_days(outbreak: OutbreakReport) -> list[CaseDay]:
    """The cases of an outbreak by day: by symptom for a cluster of symptoms, by onset for a disease."""
    children = {child.pk: child for child in outbreak.cases.order_by("name", "pk")}
    by_day: dict[datetime.date, set[int]] = defaultdict(set)
    if outbreak.disease_id is not None:
        diagnoses = Diagnosis.objects.filter(
            disease_id=outbreak.disease_id, institution_id=outbreak.institution_id, child_id__in=children
        ).values_list("child_id", "onset_on")
        for child_id, onset in diagnoses:
            by_day[onset].add(child_id)
    elif outbreak.care_class is not None:
        log = symptom_log(outbreak.care_class, outbreak.first_day, outbreak.last_day)
        for day, child_ids in log.get(outbreak.symptom, {}).items():
            by_day[day] |= child_ids & set(children)
    return [
        CaseDay(day, [children[pk] for pk in sorted(ids, key=lambda pk: (children[pk].name, pk))])
        for day, ids in sorted(by_day.items())
        if ids
    ]


# Exclusion and quarantine --------------------------------------------------------------------------------


def excluding_on(day: datetime.date) -> Q:
    """Diagnoses that keep their child out on ``day``: still within the exclusion period, or a notifiable
    disease whose return certificate (复课证明) has not been checked."""
    within = Q(excluded_until__gte=day)
    uncertified = Q(disease__notifiable=True, return_certificate__isnull=True)
    return Q(onset_on__lte=day) & (within | uncertified)


def exclusions_of(child: Child, day: datetime.date) -> list[Diagnosis]:
    """The child's diagnoses that exclude them from care on ``day``, the longest exclusion first."""
    return list(
        Diagnosis.objects.filter(excluding_on(day), child=child)
        .select_related("disease")
        .order_by("-excluded_until", "pk")
    )


def excluded_children(actor: object, day: datetime.date | None = None) -> QuerySet[Diagnosis]:
    """Diagnoses keeping children of the actor's institutions out of care today (one row per diagnosis)."""
    day = day or timezone.localdate()
    held = Placement.objects.filter(
        child=OuterRef("child"), institution=OuterRef("institution"), ends_on__gt=day
    )
    return (
        diagnoses_recordable_by(actor)
        .filter(excluding_on(day))
        .filter(Exists(held))
        .order_by("excluded_until", "child__name", "pk")
    )


def quarantine_covering(care_class: CareClass, day: datetime.date) -> ClassQuarantine | None:
    """The quarantine of the class on ``day`` (the one ending last), if any."""
    return (
        ClassQuarantine.objects.filter(care_class=care_class, starts_on__lte=day, ends_on__gte=day)
        .order_by("-ends_on", "-pk")
        .first()
    )
