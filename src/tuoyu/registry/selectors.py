from django.db.models import Prefetch, Q, QuerySet

from tuoyu.accounts.access import Perm, scope_of
from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.registry.models import (
    CareClass,
    FilingStatus,
    Institution,
    OperatingStatus,
    ProviderTag,
    ServiceOffering,
)


def institutions_visible_to(actor: object, perm: Perm = Perm.VIEW_INSTITUTION_FILE) -> QuerySet[Institution]:
    """Institutions whose non-public file the actor may see under ``perm``."""
    scope = scope_of(actor, perm)
    if scope.everything:
        return Institution.objects.all()
    if scope.is_empty:
        return Institution.objects.none()
    condition = Q(pk__in=scope.institution_ids) | Q(partner_hospital_id__in=scope.hospital_ids)
    for path in scope.region_paths:
        condition |= Q(street__path__startswith=path)
    return Institution.objects.filter(condition)


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


def classes_visible_to(actor: object) -> QuerySet[CareClass]:
    return CareClass.objects.filter(institution__in=institutions_visible_to(actor, Perm.VIEW_CLASSES))


def actor_may(actor: object, perm: Perm, institution_id: int) -> bool:
    """Whether ``actor`` holds ``perm`` for this institution."""
    return institutions_visible_to(actor, perm).filter(pk=institution_id).exists()


def institution_users_with_role(institution_id: int, role: str) -> QuerySet[User]:
    """The active users holding ``role`` at the institution (its directors, its health workers)."""
    holders = RoleAssignment.objects.filter(role=role, institution_id=institution_id).values("user")
    return User.objects.filter(pk__in=holders, is_active=True).order_by("pk")


def directors_of(institution_id: int) -> QuerySet[User]:
    return institution_users_with_role(institution_id, Role.DIRECTOR)


def health_workers_of(institution_id: int) -> QuerySet[User]:
    return institution_users_with_role(institution_id, Role.HEALTH_WORKER)
