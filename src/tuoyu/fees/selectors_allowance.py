"""Reads of the childcare allowance helper: a guardian's children, and the children in care of eligible age in
a district, counted per institution (counts only, no names)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from tuoyu.accounts.access import Perm, scope_of
from tuoyu.enrolment.models import Child, Placement
from tuoyu.fees.allowance import birth_dates_eligible_on, yuan_per_month
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import institutions_visible_to

ALLOWANCE_DISTRICT_PERM = Perm.SUPERVISE_REGION


def allowance_children_of(actor: object) -> QuerySet[Child]:
    """The actor's own children, as their guardian (nobody else's), by birth date."""
    return Child.objects.of_guardian(actor).order_by("birth_date", "name", "pk")


def allowance_regions_of(actor: object) -> QuerySet[Region]:
    """The districts (and the regions within them) the regulator supervises."""
    scope = scope_of(actor, ALLOWANCE_DISTRICT_PERM)
    if scope.everything:
        return Region.objects.all()
    if not scope.region_paths:
        return Region.objects.none()
    condition = Q()
    for path in scope.region_paths:
        condition |= Q(path__startswith=path)
    return Region.objects.filter(condition).order_by("path")


@dataclass(frozen=True)
class InstitutionCount:
    institution: Institution
    children: int
    yuan_per_year: Decimal


@dataclass(frozen=True)
class DistrictAllowance:
    region: Region
    day: datetime.date
    rows: tuple[InstitutionCount, ...]

    @property
    def children(self) -> int:
        return sum(row.children for row in self.rows)

    @property
    def yuan_per_year(self) -> Decimal:
        return sum((row.yuan_per_year for row in self.rows), Decimal("0.00"))


def allowance_in_care(actor: object, region: Region, day: datetime.date) -> DistrictAllowance:
    """Per institution of ``region`` the actor supervises: the children in care on ``day`` (an active
    placement) whose age makes ``day``'s month one of their allowance months, and the yuan a year they
    represent (12 months at the rate in force). A child placed at two institutions counts at each."""
    earliest, latest = birth_dates_eligible_on(day)
    placements = Placement.objects.filter(
        start_date__lte=day,
        ends_on__gt=day,
        child__birth_date__gte=earliest,
        child__birth_date__lte=latest,
    )
    institutions = (
        institutions_visible_to(actor, ALLOWANCE_DISTRICT_PERM)
        .filter(street__path__startswith=region.path)
        .annotate(
            eligible=Count(
                "placements__child",
                filter=Q(placements__in=placements),
                distinct=True,
            )
        )
        .filter(eligible__gt=0)
        .order_by("-eligible", "name", "pk")
    )
    per_year = yuan_per_month(day) * 12
    rows = tuple(InstitutionCount(i, i.eligible, per_year * i.eligible) for i in institutions)
    return DistrictAllowance(region=region, day=day, rows=rows)
