from django.db import transaction

from tuoyu.regions.models import Population, Region


@transaction.atomic
def region_create(*, code: str, name: str, level: str, parent: Region | None = None) -> Region:
    region = Region(code=code, name=name, level=level, parent=parent)
    region.path = f"{parent.path if parent else ''}{code}/"
    region.full_clean()
    region.save()
    return region


@transaction.atomic
def population_record(*, region: Region, year: int, residents: int, source: str) -> Population:
    """Record (or correct) a region's resident population for a year."""
    population, _ = Population.objects.update_or_create(
        region=region, year=year, defaults={"residents": residents, "source": source}
    )
    return population
