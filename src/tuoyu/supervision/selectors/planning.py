"""Reads of inspection plans: what a draw reads, the regulator's plans (their regions'), the public's
(approved plans only)."""

import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from tuoyu.accounts.access import Perm, scope_of
from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.regions.models import Region
from tuoyu.supervision.models import Inspection, InspectionPlan
from tuoyu.supervision.selectors.risk import operating_institutions_in, risk_of_institutions


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


def _ancestor_paths(region: Region) -> list[str]:
    codes = [part for part in region.path.split("/") if part]
    return ["/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]


def inspectors_of(region: Region) -> QuerySet[User]:
    """The active users holding the regulator role over the region (its own or a region above it)."""
    holders = RoleAssignment.objects.filter(
        role=Role.REGULATOR, region__path__in=_ancestor_paths(region)
    ).values("user")
    return User.objects.filter(pk__in=holders, is_active=True).order_by("pk")


def plan_inputs(
    *,
    actor: User,
    region: Region,
    period_start: datetime.date,
    period_end: datetime.date,
    rates: dict[str, int],
    on: datetime.date,
) -> dict[str, Any]:
    """What the draw reads, as plain data: the region, period and rates, each operating institution (code,
    name, risk group on ``on``, who inspected it last) and the inspectors (id, name), each list by key."""
    last_inspector = (
        Inspection.objects.filter(institution=OuterRef("pk"))
        .order_by("-started_at", "-pk")
        .values("inspector")[:1]
    )
    institutions = operating_institutions_in(actor, region).annotate(last_inspector=Subquery(last_inspector))
    risks = risk_of_institutions(institutions, on)
    return {
        "region": region.code,
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "rates": {group: rates[group] for group in sorted(rates)},
        "institutions": sorted(
            (
                {
                    "code": str(risk.institution.code),
                    "name": risk.institution.name,
                    "group": risk.group,
                    "score": risk.score,
                    "last_inspector": getattr(risk.institution, "last_inspector", None),
                }
                for risk in risks
            ),
            key=lambda row: row["code"],
        ),
        "inspectors": [
            {"id": user.pk, "name": user.display_name or user.phone[-4:]} for user in inspectors_of(region)
        ],
    }
