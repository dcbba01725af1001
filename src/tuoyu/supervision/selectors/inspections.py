"""Reads of on-site inspections: who sees which inspection, and the items of one."""

from django.db.models import Count, Prefetch, Q, QuerySet

from tuoyu.accounts.access import Perm, actor_may, in_scope_of
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.supervision.models import (
    Checklist,
    Inspection,
    InspectionItem,
    InspectionPhoto,
    InspectionStatus,
    ItemResult,
)


def inspections_visible_to(actor: object) -> QuerySet[Inspection]:
    """Every inspection of the institutions the actor supervises; for the institution's own director (who
    sees its findings), its completed inspections, read-only."""
    supervised = in_scope_of(Inspection.objects.all(), actor, Perm.SUPERVISE_REGION, "institution__")
    own = in_scope_of(
        Inspection.objects.filter(status=InspectionStatus.COMPLETED),
        actor,
        Perm.CHANGE_INSTITUTION,
        "institution__",
    )
    return Inspection.objects.filter(
        Q(pk__in=supervised.values("pk")) | Q(pk__in=own.values("pk"))
    ).select_related("institution", "checklist", "inspector")


def inspections_editable_by(actor: object) -> QuerySet[Inspection]:
    """The inspections in progress of the institutions the actor supervises: theirs to fill in."""
    return in_scope_of(
        Inspection.objects.filter(status=InspectionStatus.IN_PROGRESS),
        actor,
        Perm.SUPERVISE_REGION,
        "institution__",
    ).select_related("institution", "checklist", "inspector")


def institutions_inspectable_by(actor: object) -> QuerySet[Institution]:
    return institutions_visible_to(actor, Perm.SUPERVISE_REGION)


def may_inspect(actor: object, inspection: Inspection) -> bool:
    return inspection.status == InspectionStatus.IN_PROGRESS and actor_may(
        actor, Perm.SUPERVISE_REGION, inspection.institution_id
    )


def checklists_in_use() -> QuerySet[Checklist]:
    return Checklist.objects.filter(active=True).order_by("code")


def items_of(inspection: Inspection) -> list[InspectionItem]:
    """The inspection's items in the checklist's order, with their checklist item, photos and case."""
    return list(
        inspection.items.select_related("item", "case")
        .prefetch_related(Prefetch("photos", queryset=InspectionPhoto.objects.order_by("taken_at", "pk")))
        .order_by("item__position")
    )


def progress_of(inspection: Inspection) -> dict[str, int]:
    """How many items there are and how many are answered."""
    return inspection.items.aggregate(total=Count("pk"), answered=Count("pk", filter=~Q(result="")))


def failed_items(items: list[InspectionItem]) -> list[InspectionItem]:
    return [item for item in items if item.result == ItemResult.FAIL]


def photos_visible_to(actor: object) -> QuerySet[InspectionPhoto]:
    return InspectionPhoto.objects.filter(item__inspection__in=inspections_visible_to(actor))
