"""Reads of inspection plans: the regulator's (their regions' plans), the public's (approved plans only)."""

from django.db.models import Q, QuerySet

from tuoyu.accounts.access import Perm, scope_of
from tuoyu.regions.models import Region
from tuoyu.supervision.models import Inspection, InspectionPlan


def plans_visible_to(actor: object) -> QuerySet[InspectionPlan]:
    """The plans of the regions the actor supervises."""
    scope = scope_of(actor, Perm.SUPERVISE_REGION)
    plans = InspectionPlan.objects.select_related("region", "drawn_by", "approved_by")
    if scope.everything:
        return plans
    if not scope.region_paths:
        return plans.none()
    condition = Q()
    for path in scope.region_paths:
        condition |= Q(region__path__startswith=path)
    return plans.filter(condition)


def plans_published() -> QuerySet[InspectionPlan]:
    """Approved plans: public (一公开)."""
    return InspectionPlan.objects.filter(approved_at__isnull=False).select_related("region")


def plan_regions_of(actor: object) -> QuerySet[Region]:
    """The regions a regulator draws plans for: those of their own assignments (a superuser: districts)."""
    scope = scope_of(actor, Perm.SUPERVISE_REGION)
    if scope.everything:
        return Region.objects.filter(level=Region.Level.DISTRICT).order_by("code")
    return Region.objects.filter(path__in=scope.region_paths).order_by("code")


def plan_results(plan: InspectionPlan) -> dict[str, Inspection]:
    """The latest inspection done under the plan, per institution code."""
    results: dict[str, Inspection] = {}
    for inspection in (
        Inspection.objects.filter(plan=plan).select_related("institution").order_by("started_at", "pk")
    ):
        results[str(inspection.institution.code)] = inspection
    return results
