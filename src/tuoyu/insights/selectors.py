"""The district's figures, computed from the registry and the workforce on a given date."""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, Sum

from tuoyu.regions.models import Region
from tuoyu.regions.selectors import population_on
from tuoyu.registry.models import (
    CareClass,
    FilingStatus,
    Institution,
    OperatingStatus,
    ProviderModel,
    ProviderTag,
)
from tuoyu.workforce.models import Staff, employed_on
from tuoyu.workforce.selectors import certified_count

# Reference lines for places per 1,000 people (docs/national-rules.md §16.9).
NATIONAL_TARGET_PER_1000 = 4.5  # 14th Five-Year Plan target
NATIONAL_2025_PER_1000 = 4.73
INDICATORS_FRESH_FOR = 300
"""Seconds the published figures of a region may be old: they change over days, everyone may read them, and
a province's take about half a second to count (bench/load.py)."""


@dataclass(frozen=True)
class RegionIndicators:
    region: Region
    on: datetime.date
    institutions: int
    filed_institutions: int
    staff: int
    certified_staff: int
    classes: int
    places: int
    population: int | None
    population_year: int | None
    population_source: str
    inclusive_places: int
    medical_integrated: int
    by_provider_model: dict[str, int] = field(default_factory=dict)

    @property
    def places_per_1000(self) -> float | None:
        if not self.population:
            return None
        return self.places / self.population * 1000

    @property
    def certified_share(self) -> float | None:
        return self.certified_staff / self.staff if self.staff else None

    @property
    def inclusive_share(self) -> float | None:
        return self.inclusive_places / self.places if self.places else None


def _operating_in(region: Region) -> Q:
    return Q(street__path__startswith=region.path, operating_status=OperatingStatus.OPERATING)


def region_indicators(region: Region, on: datetime.date) -> RegionIndicators:
    """Indicators of ``region`` and every region below it on ``on`` (regions and their figures are public)."""
    institutions = Institution.objects.filter(_operating_in(region))
    filed = Q(filing_status=FilingStatus.FILED, filed_on__lte=on)
    inclusive = Q(inclusive_recognized_on__lte=on)
    totals = institutions.aggregate(
        institutions=Count("pk"),
        filed_institutions=Count("pk", filter=filed),
        places=Sum("filed_places", filter=filed, default=0),
        inclusive_places=Sum("filed_places", filter=filed & inclusive, default=0),
        medical_integrated=Count("pk", filter=Q(partner_hospital__isnull=False)),
    )
    by_model = dict(
        ProviderTag.objects.filter(institution__in=institutions)
        .values_list("model")
        .annotate(n=Count("institution", distinct=True))
        .values_list("model", "n")
    )
    population = population_on(region, on)
    staff = Staff.objects.filter(employed_on(on), institution__in=institutions)
    return RegionIndicators(
        region=region,
        on=on,
        institutions=totals["institutions"],
        filed_institutions=totals["filed_institutions"],
        staff=staff.count(),
        certified_staff=certified_count(staff, on),
        classes=CareClass.objects.filter(institution__in=institutions).count(),
        places=totals["places"],
        population=population.residents if population else None,
        population_year=population.year if population else None,
        population_source=population.source if population else "",
        inclusive_places=totals["inclusive_places"],
        medical_integrated=totals["medical_integrated"],
        by_provider_model={model: by_model.get(model, 0) for model in ProviderModel.values},
    )


def region_indicators_published(region: Region, on: datetime.date) -> RegionIndicators:
    """The figures the public pages and API show: ``region_indicators`` as counted at most
    ``INDICATORS_FRESH_FOR`` seconds ago (the shared cache)."""
    key = f"indicators:{region.pk}:{on.isoformat()}"
    indicators = cache.get(key)
    if not isinstance(indicators, RegionIndicators):
        indicators = region_indicators(region, on)
        cache.set(key, indicators, INDICATORS_FRESH_FOR)
    return indicators
