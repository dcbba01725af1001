import datetime

from django.db.models import QuerySet

from tuoyu.regions.models import Population, Region


def region_get(*, code: str) -> Region:
    """Regions are public: any region may be looked up by its code (raises Region.DoesNotExist)."""
    return Region.objects.get(code=code)


def region_and_descendants(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(path__startswith=region.path)


def population_on(region: Region, on: datetime.date) -> Population | None:
    """The latest population figure of the region for the year of ``on`` or earlier."""
    return region.populations.filter(year__lte=on.year).order_by("-year").first()
