"""Reads of a child's care record (examinations, development screenings, referrals, immunisation checks)
and of the lists a health worker follows up: open referrals first."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from tuoyu.accounts.access import Perm, get_visible_or_404, has_perm
from tuoyu.enrolment.models import Child, Placement
from tuoyu.health.development import checkpoints_for, signs_at
from tuoyu.health.models import DevelopmentScreening, HealthExam, ImmunisationCheck, Referral
from tuoyu.health.selectors.schedule import ChildSchedule, child_schedule
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import institutions_visible_to

ANAEMIA_BELOW_G_L = 110
"""Haemoglobin below 110 g/L is anaemia at 6–59 months (national rules §10.12)."""
REFERRAL_OUTCOME_DAYS = 30
"""A referral should have an outcome within this many days (national rules §16.8; rule HLT-02)."""


def anaemia_grade(haemoglobin_g_l: int | None) -> str:
    """``""`` (not anaemic), or the grade in the common bands: mild 90–109, moderate 60–89, severe < 60 g/L
    (the bands are commonly used but not verified against a national text, §10.12)."""
    if haemoglobin_g_l is None or haemoglobin_g_l >= ANAEMIA_BELOW_G_L:
        return ""
    if haemoglobin_g_l >= 90:
        return "mild"
    return "moderate" if haemoglobin_g_l >= 60 else "severe"


def exams_of(child: Child) -> QuerySet[HealthExam]:
    return (
        HealthExam.objects.filter(child=child).select_related("institution").order_by("-examined_on", "-pk")
    )


def screenings_of(child: Child) -> QuerySet[DevelopmentScreening]:
    return (
        DevelopmentScreening.objects.filter(child=child)
        .prefetch_related("referrals")
        .order_by("-screened_on", "-pk")
    )


def referrals_of(child: Child) -> QuerySet[Referral]:
    """Open referrals first (oldest first), then the closed ones (latest closed first)."""
    return Referral.objects.filter(child=child).order_by(
        F("closed_at").desc(nulls_first=True), "referred_on", "pk"
    )


def immunisation_checks_of(child: Child) -> QuerySet[ImmunisationCheck]:
    return (
        ImmunisationCheck.objects.filter(child=child)
        .select_related("institution")
        .order_by("-checked_on", "-pk")
    )


def may_record_medical(actor: object, child: Child) -> bool:
    """Exams, screenings and referrals: the institution's director and health worker, the partner doctor."""
    return (
        Child.objects.visible_to(actor, Perm.RECORD_MEDICAL, on=timezone.localdate())
        .filter(pk=child.pk)
        .exists()
    )


def institution_for_immunisation(
    actor: object, child: Child, *, day: datetime.date | None = None
) -> Institution | None:
    """The institution where the child holds a place and the actor checks certificates (``record_health``:
    its director and health worker; never a doctor)."""
    day = day or timezone.localdate()
    placement = (
        child.placements.filter(
            ends_on__gt=day, institution__in=institutions_visible_to(actor, Perm.RECORD_HEALTH)
        )
        .select_related("institution")
        .order_by("-start_date", "-pk")
        .first()
    )
    return placement.institution if placement else None


def child_to_record_for(actor: object, code: object, *, immunisation: bool = False) -> Child:
    """The child with this code if the actor may record their care data (exams, screenings, referrals; or,
    with ``immunisation``, certificate checks); else 404, before any input is read. Not a read of the
    record: nothing is logged."""
    child = get_visible_or_404(
        Child.objects.visible_to(actor, Perm.VIEW_HEALTH, on=timezone.localdate()), code=code
    )
    if immunisation:
        if institution_for_immunisation(actor, child) is None:
            raise Http404
    elif not may_record_medical(actor, child):
        raise Http404
    return child


@dataclass
class CareRecord:
    """What the care page shows of one child."""

    schedule: ChildSchedule
    exams: list[HealthExam]
    screenings: list[DevelopmentScreening]
    referrals: list[Referral]
    immunisation_checks: list[ImmunisationCheck]
    checkpoints_open: list[int]

    @property
    def open_referrals(self) -> list[Referral]:
        return [referral for referral in self.referrals if referral.closed_at is None]


def care_record(child: Child, *, day: datetime.date | None = None) -> CareRecord:
    day = day or timezone.localdate()
    return CareRecord(
        schedule=child_schedule(child, day=day),
        exams=list(exams_of(child)),
        screenings=list(screenings_of(child)),
        referrals=list(referrals_of(child)),
        immunisation_checks=list(immunisation_checks_of(child)),
        checkpoints_open=checkpoints_for(child.birth_date, day),
    )


def checklists_open(child: Child, day: datetime.date) -> list[tuple[int, list]]:
    """The checklists that may be recorded today: (checkpoint, its signs), the latest first."""
    return [
        (checkpoint, signs_at(checkpoint)) for checkpoint in reversed(checkpoints_for(child.birth_date, day))
    ]


def referrals_visible_to(actor: object, *, day: datetime.date | None = None) -> QuerySet[Referral]:
    """The referrals of the children whose health records the actor reads, open ones first; each child's
    current place of care comes along (``child.current_placements``)."""
    day = day or timezone.localdate()
    current = Placement.objects.filter(start_date__lte=day, ends_on__gt=day).select_related(
        "care_class", "institution"
    )
    return (
        Referral.objects.filter(child__in=Child.objects.visible_to(actor, Perm.VIEW_HEALTH, on=day))
        .select_related("child")
        .prefetch_related(Prefetch("child__placements", queryset=current, to_attr="current_placements"))
        .order_by(F("closed_at").desc(nulls_first=True), "referred_on", "pk")
    )


def follows_up_health(actor: object) -> bool:
    """Whether the actor follows up children's health at an institution (director, health worker, partner
    doctor): who sees the overdue and referral lists."""
    return has_perm(actor, Perm.VIEW_HEALTH)
