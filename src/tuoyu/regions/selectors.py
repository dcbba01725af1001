import datetime
from typing import Any

from django.db.models import QuerySet

from tuoyu.regions.choices import DEFAULT_GROWTH_STANDARD
from tuoyu.regions.models import Population, Region


def region_get(*, code: str) -> Region:
    """Regions are public: any region may be looked up by its code (raises Region.DoesNotExist)."""
    return Region.objects.get(code=code)


def region_and_descendants(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(path__startswith=region.path)


def population_on(region: Region, on: datetime.date) -> Population | None:
    """The latest population figure of the region for the year of ``on`` or earlier."""
    return region.populations.filter(year__lte=on.year).order_by("-year").first()


# Areas and their streets (the directory's "district, then street" filter) ----------------------------


def areas_with_streets() -> QuerySet[Region]:
    """The regions right above the streets and towns: districts and counties (and a city without districts,
    whose streets are its own)."""
    return Region.objects.filter(pk__in=Region.objects.filter(level=Region.Level.STREET).values("parent"))


def area_choices() -> list[tuple[str, Any]]:
    """``areas_with_streets`` as choices of a select: (code, name), grouped under their city."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    loose: list[tuple[str, Any]] = []
    for area in areas_with_streets().select_related("parent").order_by("code"):
        parent = area.parent
        if parent is not None and parent.level == Region.Level.CITY:
            grouped.setdefault(parent.name, []).append((area.code, area.name))
        else:
            loose.append((area.code, area.name))
    return [*loose, *grouped.items()]


def streets_of_area(area_code: str) -> QuerySet[Region]:
    """The streets and towns of the area (a district, county or city) whose code is given."""
    return Region.objects.filter(level=Region.Level.STREET, parent__code=area_code).order_by("code")


def area_of_street(street_code: str) -> str | None:
    """The code of the area above the street or town whose code is given (None if there is no such street)."""
    return (
        Region.objects.filter(level=Region.Level.STREET, code=street_code)
        .values_list("parent__code", flat=True)
        .first()
    )


# The growth standard in force ------------------------------------------------------------------------


def growth_standard_of(region: Region | None) -> str:
    """The growth standard the region evaluates against: its own setting, else the nearest region above
    with one, else China's WS/T 423—2022 (``DEFAULT_GROWTH_STANDARD``)."""
    if region is None:
        return DEFAULT_GROWTH_STANDARD
    codes = [code for code in region.path.split("/") if code]
    set_above = dict(
        Region.objects.filter(code__in=codes)
        .exclude(growth_standard="")
        .values_list("code", "growth_standard")
    )
    for code in reversed(codes):
        if code in set_above:
            return set_above[code]
    return DEFAULT_GROWTH_STANDARD


def growth_standards_below(region: Region) -> dict[str, list[int]]:
    """The region and every region below it, grouped by the growth standard each evaluates against
    (``growth_standard_of`` for each, in two queries and a walk down the paths)."""
    above = growth_standard_of(region.parent) if region.parent_id is not None else DEFAULT_GROWTH_STANDARD
    by_path: dict[str, str] = {}
    grouped: dict[str, list[int]] = {}
    rows = region_and_descendants(region).order_by("path").values_list("pk", "path", "growth_standard")
    for pk, path, setting in rows:  # a parent's path sorts before its children's
        parent_path = path[: path.rstrip("/").rfind("/") + 1]
        standard = setting or by_path.get(parent_path, above)
        by_path[path] = standard
        grouped.setdefault(standard, []).append(pk)
    return grouped
