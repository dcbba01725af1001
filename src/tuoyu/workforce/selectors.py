import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from tuoyu.accounts.access import ROLE_PERMISSIONS, Perm, get_visible_or_404, role_assignments_of, scope_of
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution, OperatingStatus
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.rules import shared_read
from tuoyu.workforce.models import (
    Certificate,
    CertificateRequirement,
    DutyShift,
    Staff,
    TrainingEnrolment,
    TrainingSession,
    employed_on,
    valid_on,
)

EXPIRY_WARNING_DAYS = 45


def institution_get_for(actor: object, code: object, perm: Perm = Perm.VIEW_STAFF) -> Institution:
    """The institution with this code whose staff the actor reads (or, with ``perm``, changes); else 404."""
    return get_visible_or_404(institutions_visible_to(actor, perm), code=code)


def staff_visible_to(actor: object) -> QuerySet[Staff]:
    institutions = institutions_visible_to(actor, Perm.VIEW_STAFF)
    return Staff.objects.filter(institution__in=institutions).select_related("institution")


def staff_of_institution(actor: object, institution_id: int, *, on: datetime.date) -> QuerySet[Staff]:
    return staff_visible_to(actor).filter(employed_on(on), institution_id=institution_id)


def staff_enrolable_by(actor: object) -> QuerySet[Staff]:
    """Staff the actor may put forward (hire, end, certify, enrol): those of institutions they change."""
    return staff_visible_to(actor).filter(institution__in=institutions_visible_to(actor, Perm.CHANGE_STAFF))


def certificates_visible_to(actor: object) -> QuerySet[Certificate]:
    return Certificate.objects.filter(staff__in=staff_visible_to(actor)).select_related("staff")


def certificate_scan_get_for(actor: object, code: object) -> Certificate:
    """A certificate the actor reads that has a scan; 404 for any other code."""
    return get_visible_or_404(certificates_visible_to(actor).exclude(scan=""), code=code)


def roster_of(actor: object, institution_id: int, *, on: datetime.date) -> QuerySet[DutyShift]:
    """The duty roster of an institution on a day: its staff employed that day who are on duty."""
    return DutyShift.objects.filter(
        staff__in=staff_of_institution(actor, institution_id, on=on), day=on
    ).select_related("staff", "care_class")


def required_certificates() -> dict[str, set[str]]:
    """Role -> the certificate types it needs (the requirement table)."""
    required: dict[str, set[str]] = defaultdict(set)
    for role, certificate_type in CertificateRequirement.objects.values_list("role", "certificate_type"):
        required[role].add(certificate_type)
    return required


@dataclass(frozen=True)
class Certification:
    staff: Staff
    missing: frozenset[str]  # required certificate types with no certificate valid on the day

    @property
    def certified(self) -> bool:
        return not self.missing


def certification_of(staff: Iterable[Staff], on: datetime.date) -> list[Certification]:
    """Whether each person holds every certificate their role needs, valid on ``on`` (持证上岗)."""
    people = list(staff)
    required = required_certificates()
    held: dict[int, set[str]] = defaultdict(set)
    valid = Certificate.objects.filter(valid_on(on), staff__in=[person.pk for person in people]).order_by()
    for staff_id, certificate_type in valid.values_list("staff_id", "certificate_type"):
        held[staff_id].add(certificate_type)
    return [
        Certification(person, frozenset(required.get(person.role, set()) - held[person.pk]))
        for person in people
    ]


@shared_read
def staff_employed_at(institution: Institution, day: datetime.date) -> tuple[Staff, ...]:
    """The institution's staff employed on ``day``, by name (shared by the rules of one evaluation)."""
    return tuple(Staff.objects.filter(employed_on(day), institution=institution).order_by("name", "pk"))


@shared_read
def certification_at(institution: Institution, day: datetime.date) -> tuple[Certification, ...]:
    """``certification_of`` the staff employed at the institution on ``day``, by name (shared by the rules
    of one evaluation)."""
    return tuple(certification_of(staff_employed_at(institution, day), day))


def certified(staff: QuerySet[Staff], on: datetime.date) -> QuerySet[Staff]:
    """The staff holding every certificate their role needs, valid on ``on`` — in one query."""
    valid = Certificate.objects.filter(
        valid_on(on), staff=OuterRef(OuterRef("pk")), certificate_type=OuterRef("certificate_type")
    )
    unmet = CertificateRequirement.objects.filter(role=OuterRef("role")).exclude(Exists(valid))
    return staff.exclude(Exists(unmet))


def certified_count(staff: QuerySet[Staff], on: datetime.date) -> int:
    return certified(staff, on).count()


def certificates_expiring(
    actor: object, *, on: datetime.date, days: int = EXPIRY_WARNING_DAYS
) -> QuerySet[Certificate]:
    """Certificates of currently employed staff in the actor's scope that expire within ``days``."""
    return (
        Certificate.objects.filter(
            staff__in=staff_visible_to(actor).filter(employed_on(on)),
            expires_on__gte=on,
            expires_on__lte=on + datetime.timedelta(days=days),
        )
        .select_related("staff", "staff__institution")
        .order_by("expires_on", "staff__name")
    )


def training_sessions_visible_to(actor: object) -> QuerySet[TrainingSession]:
    """Sessions of the actor's supervised regions, and of every region above the institutions they see."""
    scope = scope_of(actor, Perm.VIEW_STAFF)
    sessions = TrainingSession.objects.select_related("region")
    if scope.everything:
        return sessions
    prefixes: set[str] = set()
    for path in (
        institutions_visible_to(actor, Perm.VIEW_STAFF).values_list("street__path", flat=True).distinct()
    ):
        parts = path.strip("/").split("/")
        prefixes.update("/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1))
    condition = Q(region__path__in=prefixes)
    for path in scope.region_paths:
        condition |= Q(region__path__startswith=path)
    return sessions.filter(condition)


def training_regions_of(actor: object) -> list[Region]:
    """The regions where the actor schedules training and records its attendance (a regulator's own)."""
    return [
        assignment.region
        for assignment in role_assignments_of(actor)
        if assignment.region is not None and Perm.MANAGE_TRAINING in ROLE_PERMISSIONS[assignment.role]
    ]


def manages_training(actor: object, session: TrainingSession) -> bool:
    return any(region.pk == session.region_id for region in training_regions_of(actor))


def training_enrolments_visible_to(actor: object, session: TrainingSession) -> QuerySet[TrainingEnrolment]:
    """The session's enrolments of the staff the actor sees (employed on the day of the session)."""
    return session.enrolments.filter(
        staff__in=staff_visible_to(actor).filter(employed_on(session.day))
    ).select_related("staff", "staff__institution")


@dataclass(frozen=True)
class TrainingCoverage:
    year: int
    institutions: int
    institutions_trained: int
    staff: int
    staff_trained: int

    @property
    def institution_share(self) -> float | None:
        return self.institutions_trained / self.institutions if self.institutions else None

    @property
    def staff_share(self) -> float | None:
        return self.staff_trained / self.staff if self.staff else None


def training_coverage(institutions: QuerySet[Institution], year: int, on: datetime.date) -> TrainingCoverage:
    """Share of institutions and of staff (employed on ``on``) who attended training in ``year``."""
    staff = Staff.objects.filter(employed_on(on), institution__in=institutions)
    attended = TrainingEnrolment.objects.filter(attended=True, session__day__year=year, staff__in=staff)
    return TrainingCoverage(
        year=year,
        institutions=institutions.count(),
        institutions_trained=attended.values("staff__institution").distinct().count(),
        staff=staff.count(),
        staff_trained=attended.values("staff").distinct().count(),
    )


def training_coverage_visible_to(actor: object, on: datetime.date) -> TrainingCoverage:
    """The coverage, in the year of ``on``, of the operating institutions whose staff the actor sees."""
    institutions = institutions_visible_to(actor, Perm.VIEW_STAFF).filter(
        operating_status=OperatingStatus.OPERATING
    )
    return training_coverage(institutions, on.year, on)


def training_hours(staff: QuerySet[Staff], year: int) -> dict[int, float]:
    """Training hours attended per staff member in ``year``."""
    rows = (
        TrainingEnrolment.objects.filter(attended=True, session__day__year=year, staff__in=staff)
        .values("staff")
        .annotate(hours=Sum("session__hours"))
    )
    return {row["staff"]: float(row["hours"]) for row in rows}
