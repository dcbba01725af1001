import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from tuoyu.accounts.access import Perm, actor_pk
from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.regions.models import Region
from tuoyu.registry.models import (
    CareClass,
    ClosedDay,
    FilingStatus,
    Institution,
    InstitutionPhoto,
    OperatingStatus,
    ProviderTag,
    ServiceOffering,
)
from tuoyu.rules import shared_read
from tuoyu.workdays import is_working_day


def institutions_visible_to(actor: object, perm: Perm = Perm.VIEW_INSTITUTION_FILE) -> QuerySet[Institution]:
    """Institutions whose non-public file the actor may see under ``perm``."""
    return Institution.objects.visible_to(actor, perm)


def with_open_findings(institutions: QuerySet[Institution]) -> QuerySet[Institution]:
    """``open_findings``: how many findings of each institution are open (supervision's findings, counted
    through their reverse relation without importing supervision)."""
    return institutions.annotate(
        open_findings=Count("findings", filter=Q(findings__resolved_at__isnull=True), distinct=True)
    )


def institutions_public() -> QuerySet[Institution]:
    """The public directory: filed institutions that are operating, with what a list shows."""
    return (
        Institution.objects.filter(
            filing_status=FilingStatus.FILED, operating_status=OperatingStatus.OPERATING
        )
        .select_related("street", "partner_hospital")
        .prefetch_related(
            Prefetch("provider_tags", queryset=ProviderTag.objects.order_by("model")),
            Prefetch("services", queryset=ServiceOffering.objects.order_by("service_type")),
            Prefetch("classes", queryset=CareClass.objects.order_by("age_band", "name")),
        )
    )


def institution_photos_visible_to(actor: object) -> QuerySet[InstitutionPhoto]:
    """Photos of the public institutions (anyone: the page is public) and of the institutions the actor
    may see (a director's before the filing)."""
    return InstitutionPhoto.objects.filter(
        Q(institution__in=institutions_public()) | Q(institution__in=institutions_visible_to(actor))
    ).select_related("institution")


def classes_visible_to(actor: object) -> QuerySet[CareClass]:
    return CareClass.objects.filter(institution__in=institutions_visible_to(actor, Perm.VIEW_CLASSES))


@shared_read
def classes_of(institution: Institution) -> tuple[CareClass, ...]:
    """The institution's classes by age band and name, as ``institution.classes`` lists them (shared by the
    rules of one evaluation)."""
    return tuple(CareClass.objects.filter(institution=institution).order_by("age_band", "name"))


def institution_users_with_role(institution_id: int, role: str) -> QuerySet[User]:
    """The active users holding ``role`` at the institution (its directors, its health workers)."""
    holders = RoleAssignment.objects.filter(role=role, institution_id=institution_id).values("user")
    return User.objects.filter(pk__in=holders, is_active=True).order_by("pk")


def caregivers_of(care_class: CareClass) -> QuerySet[User]:
    """The class's caregivers who still hold the caregiver role at its institution."""
    holders = RoleAssignment.objects.filter(
        role=Role.CAREGIVER, institution_id=care_class.institution_id
    ).values("user")
    return care_class.caregivers.filter(pk__in=holders, is_active=True).order_by("pk")


def classes_of_caregiver(user: object) -> QuerySet[CareClass]:
    """The classes a caregiver looks after, where they still hold the caregiver role."""
    institutions = RoleAssignment.objects.filter(role=Role.CAREGIVER, user_id=actor_pk(user)).values(
        "institution"
    )
    return (
        CareClass.objects.filter(caregivers__pk=actor_pk(user), institution__in=institutions)
        .select_related("institution")
        .order_by("institution__name", "age_band", "name")
    )


def directors_of(institution_id: int) -> QuerySet[User]:
    return institution_users_with_role(institution_id, Role.DIRECTOR)


def health_workers_of(institution_id: int) -> QuerySet[User]:
    return institution_users_with_role(institution_id, Role.HEALTH_WORKER)


def region_paths_containing(institution: Institution) -> list[str]:
    """The paths of the regions that contain the institution's street ("37/", "37/3708/", ...)."""
    codes = [part for part in institution.street.path.split("/") if part]
    return ["/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]


def regulators_of(institution: Institution) -> QuerySet[User]:
    """The active users holding the regulator role over a region that contains the institution."""
    holders = RoleAssignment.objects.filter(
        role=Role.REGULATOR, region__path__in=region_paths_containing(institution)
    ).values("user")
    return User.objects.filter(pk__in=holders, is_active=True).order_by("pk")


# Open days and hours ----------------------------------------------------------------------------------------


def closed_days_visible_to(actor: object) -> QuerySet[ClosedDay]:
    return ClosedDay.objects.filter(institution__in=institutions_visible_to(actor))


def closure_of(institution: Institution, day: datetime.date) -> str | None:
    """Why the institution is closed on ``day`` (not a working day on the national calendar, or one of its
    own closed days); None when it is open."""
    if not is_working_day(day):
        return gettext("%(day)s is not a working day") % {"day": day.isoformat()}
    closed = ClosedDay.objects.filter(institution=institution, day=day).first()
    if closed is not None:
        return gettext("%(institution)s is closed on %(day)s (%(reason)s)") % {
            "institution": institution.name,
            "day": day.isoformat(),
            "reason": closed.reason,
        }
    return None


def opening_warning(institution: Institution, moment: datetime.datetime) -> str | None:
    """What to warn of when the day in care is recorded at ``moment``: a closed day, or outside the hours."""
    local = timezone.localtime(moment)
    closure = closure_of(institution, local.date())
    if closure is not None:
        return closure
    if not institution.opens_at <= local.time() < institution.closes_at:
        return gettext("%(time)s is outside the opening hours of %(institution)s (%(opens)s–%(closes)s)") % {
            "time": local.strftime("%H:%M"),
            "institution": institution.name,
            "opens": institution.opens_at.strftime("%H:%M"),
            "closes": institution.closes_at.strftime("%H:%M"),
        }
    return None


def district_of(institution: Institution) -> Region:
    """The district an institution belongs to (its street's parent): its prices and subsidies apply."""
    street = institution.street
    return street.parent if street.parent is not None else street
