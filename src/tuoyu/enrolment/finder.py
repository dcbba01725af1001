"""The finder: the public directory plus what a family asks first — is there a place for my child, near me,
at a price I can pay? One filter set serves the page and the API (``GET /api/v1/institutions/``).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, FloatField, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt
from django.utils.translation import gettext_lazy as _

from tuoyu.enrolment.eligibility import eligible_bands
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.selectors import (
    BandVacancy,
    classes_with_vacancy,
    institutions_with_vacancy,
    vacancies_by_band,
)
from tuoyu.registry.filters import DirectoryFilter, YesNoFilter
from tuoyu.registry.models import CareClass, Institution, ServiceOffering, ServiceType
from tuoyu.registry.selectors import institutions_public
from tuoyu.registry.standards import BAND_STANDARDS

EARTH_RADIUS_KM = 6371.0088
COORDINATE_STEP = Decimal("0.000001")  # latitude and longitude are stored to 6 decimal places


def finder_queryset() -> QuerySet[Institution]:
    """Public institutions with each class's live vacancy prefetched."""
    classes = classes_with_vacancy(CareClass.objects.order_by("age_band", "name"))
    return (
        institutions_public()
        .prefetch_related(None)
        .prefetch_related("provider_tags", "services", Prefetch("classes", queryset=classes))
    )


@dataclass(frozen=True)
class FinderFit:
    """Whom a signed-in guardian looks for: their children, the one chosen (if any), and the age bands that
    fit (``None``: every band, for a visitor, a user without children, or children no class fits)."""

    children: list[Child] = field(default_factory=list)
    chosen: Child | None = None
    bands: list[str] | None = None

    def vacancies(self, classes: Sequence[CareClass]) -> list[BandVacancy]:
        """The institution's vacancies in the bands that fit (every band when none is set)."""
        every = vacancies_by_band(classes)
        return every if self.bands is None else [v for v in every if v.age_band in self.bands]


def finder_fit(actor: object, chosen: object = None) -> FinderFit:
    """The bands that fit the guardian's children (or the chosen child, by code) on the finder."""
    if not getattr(actor, "is_authenticated", False):
        return FinderFit()
    children = list(Child.objects.of_guardian(actor).order_by("birth_date", "pk"))
    picked = next((child for child in children if str(child.code) == str(chosen or "")), None)
    fitting = {
        band for child in ([picked] if picked else children) for band in eligible_bands(child.age_months())
    }
    bands = [band for band in BAND_STANDARDS if band in fitting]
    return FinderFit(children=children, chosen=picked, bands=bands or None)


def with_distance(
    queryset: QuerySet[Institution], latitude: float, longitude: float
) -> QuerySet[Institution]:
    """Annotate ``distance_km`` (great-circle, haversine) from the given point."""
    lat = Radians(Cast("latitude", FloatField()))
    lon = Radians(Cast("longitude", FloatField()))
    lat0, lon0 = Radians(latitude), Radians(longitude)
    haversine = Power(Sin((lat - lat0) / 2), 2) + Cos(lat0) * Cos(lat) * Power(Sin((lon - lon0) / 2), 2)
    return queryset.annotate(distance_km=2 * EARTH_RADIUS_KM * ASin(Sqrt(haversine)))


def bounding_box(latitude: float, longitude: float, radius_km: float) -> Q:
    """The latitudes and longitudes within which every point at most ``radius_km`` from the given point lies:
    a prefilter that an index can answer, before the exact distance.

    The box is that of the spherical cap (latitude ± r, longitude ± asin(sin r / cos latitude), r the
    angle of the radius), widened to the stored precision and by one step more, so that it never leaves out
    a point the exact distance keeps. Where the cap reaches a pole every longitude is in; where it crosses
    the 180th meridian the longitudes wrap round.
    """
    angle = radius_km / EARTH_RADIUS_KM
    low, high = latitude - math.degrees(angle), latitude + math.degrees(angle)
    box = Q(latitude__gte=_outward(low, ROUND_FLOOR), latitude__lte=_outward(high, ROUND_CEILING))
    if low <= -90 or high >= 90 or angle >= math.pi / 2:
        return box
    reach = math.sin(angle) / math.cos(math.radians(latitude))
    if reach >= 1:
        return box
    spread = math.degrees(math.asin(reach))
    west, east = _outward(longitude - spread, ROUND_FLOOR), _outward(longitude + spread, ROUND_CEILING)
    if west < -180:
        return box & (Q(longitude__gte=west + 360) | Q(longitude__lte=east))
    if east > 180:
        return box & (Q(longitude__gte=west) | Q(longitude__lte=east - 360))
    return box & Q(longitude__gte=west, longitude__lte=east)


def _outward(degrees: float, rounding: str) -> Decimal:
    """``degrees`` rounded away from the point to the stored precision, and one step further."""
    step = COORDINATE_STEP if rounding == ROUND_CEILING else -COORDINATE_STEP
    return Decimal(degrees).quantize(COORDINATE_STEP, rounding=rounding) + step


class PointField(forms.CharField):
    """A point typed as "latitude,longitude" (what a phone's location gives)."""

    def to_python(self, value: str | None) -> tuple[float, float] | None:  # type: ignore[override]
        text = (value or "").strip()
        if not text:
            return None
        try:
            lat_text, lon_text = text.replace("，", ",").split(",")
            latitude, longitude = float(lat_text), float(lon_text)
        except ValueError:
            raise forms.ValidationError(
                _("Give the point as latitude,longitude, for example 35.3921,116.5874."), code="point"
            ) from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise forms.ValidationError(_("This point is not on the map."), code="point")
        return latitude, longitude


class PointFilter(django_filters.Filter):
    field_class = PointField


class FinderFilter(DirectoryFilter):
    age_months = django_filters.NumberFilter(
        label=_("Child's age (months)"),
        method="filter_age_months",
        min_value=0,
        max_value=48,
    )
    has_vacancy = YesNoFilter(label=_("Vacancy now"), method="filter_has_vacancy")
    price_min = django_filters.NumberFilter(label=_("Price from (yuan)"), method="filter_price", min_value=0)
    price_max = django_filters.NumberFilter(label=_("Price up to (yuan)"), method="filter_price", min_value=0)
    near = PointFilter(label=_("Near (latitude,longitude)"), method="filter_near")
    radius_km = django_filters.NumberFilter(
        label=_("Within (km)"), method="filter_near", min_value=Decimal("0.1"), max_value=100
    )

    child = django_filters.UUIDFilter(
        label=_("For my child"),
        method="filter_child",
        help_text="A signed-in guardian's child (code): vacancies of the bands that fit that child only.",
    )

    FIRST = ("age_months", "has_vacancy", "service_type", "near")
    """What a family asks first: shown first, the other filters after them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = kwargs.get("request")
        self.fit = finder_fit(getattr(request, "user", None), self.data.get("child"))
        filters: dict[str, django_filters.Filter] = self.filters  # type: ignore[has-type]
        order = [*self.FIRST, *(name for name in filters if name not in self.FIRST)]
        self.filters = {name: filters[name] for name in order}

    def _bands(self) -> list[str] | None:
        data = self.form.cleaned_data
        if data.get("age_months") is not None:
            bands = eligible_bands(int(data["age_months"]))
            return [b for b in bands if b == data["age_band"]] if data.get("age_band") else bands
        return [data["age_band"]] if data.get("age_band") else self.fit.bands

    def filter_child(
        self, queryset: QuerySet[Institution], name: str, value: object
    ) -> QuerySet[Institution]:
        return queryset  # the bands shown and counted (``fit``), not which institutions are listed

    def filter_age_months(
        self, queryset: QuerySet[Institution], name: str, value: Decimal
    ) -> QuerySet[Institution]:
        bands = eligible_bands(int(value))
        return queryset.filter(
            Exists(CareClass.objects.filter(institution=OuterRef("pk"), age_band__in=bands))
        )

    def filter_has_vacancy(
        self, queryset: QuerySet[Institution], name: str, value: bool
    ) -> QuerySet[Institution]:
        return queryset  # applied last in filter_queryset: vacancies are counted among what is left

    def _by_vacancy(self, queryset: QuerySet[Institution], *, nearby: bool) -> QuerySet[Institution]:
        """Near a point, vacancies are counted among the few institutions there; across a whole region,
        once for every class (cheaper than narrowing by the other filters first)."""
        wanted = self.form.cleaned_data.get("has_vacancy")
        if wanted is None:
            return queryset
        # The few ids near the point, read first: cheaper than compiling the filters into each count.
        among = list(queryset.order_by().values_list("pk", flat=True)) if nearby else None
        vacant = Q(pk__in=institutions_with_vacancy(self._bands(), among=among))
        return queryset.filter(vacant) if wanted else queryset.exclude(vacant)

    def filter_price(
        self, queryset: QuerySet[Institution], name: str, value: Decimal
    ) -> QuerySet[Institution]:
        """Prices of the chosen service type (full-day care when none is chosen)."""
        service_type = self.form.cleaned_data.get("service_type") or ServiceType.FULL_DAY
        bound = Q(price_yuan__gte=value) if name == "price_min" else Q(price_yuan__lte=value)
        return queryset.filter(
            Exists(
                ServiceOffering.objects.filter(bound, institution=OuterRef("pk"), service_type=service_type)
            )
        )

    def filter_near(self, queryset: QuerySet[Institution], name: str, value: object) -> QuerySet[Institution]:
        return queryset  # applied together in filter_queryset: the radius needs the point

    def filter_queryset(self, queryset: QuerySet[Institution]) -> QuerySet[Institution]:
        queryset = super().filter_queryset(queryset)
        point = self.form.cleaned_data.get("near")
        if point is None:
            return self._by_vacancy(queryset, nearby=False).order_by("name")
        latitude, longitude = point
        radius = self.form.cleaned_data.get("radius_km")
        if radius is not None:
            queryset = queryset.filter(bounding_box(latitude, longitude, float(radius)))
        queryset = with_distance(queryset, latitude, longitude)
        if radius is not None:
            queryset = queryset.filter(Q(distance_km__lte=float(radius)))
        return self._by_vacancy(queryset, nearby=True).order_by("distance_km", "name")  # type: ignore[misc]  # an annotation
