from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tuoyu.insights.selectors import (
    NATIONAL_2025_PER_1000,
    NATIONAL_TARGET_PER_1000,
    region_indicators_published,
)
from tuoyu.regions.models import Region
from tuoyu.regions.selectors import region_get
from tuoyu.registry.models import ProviderModel


def home(request: HttpRequest) -> HttpResponse:
    try:
        region = region_get(code=settings.TUOYU_HOME_REGION_CODE)
    except Region.DoesNotExist:
        return render(request, "insights/no_region.html", {"code": settings.TUOYU_HOME_REGION_CODE})
    return _overview(request, region)


def region_overview(request: HttpRequest, code: str) -> HttpResponse:
    try:
        region = region_get(code=code)
    except Region.DoesNotExist as error:
        raise Http404 from error
    return _overview(request, region)


def _overview(request: HttpRequest, region: Region) -> HttpResponse:
    indicators = region_indicators_published(region, timezone.localdate())
    labels = dict(ProviderModel.choices)
    largest = max(indicators.by_provider_model.values(), default=0) or 1
    provider_bars = [
        {"label": labels[model], "count": count, "percent": round(count / largest * 100)}
        for model, count in indicators.by_provider_model.items()
    ]
    context = {
        "indicators": indicators,
        "provider_bars": provider_bars,
        "national_target": NATIONAL_TARGET_PER_1000,
        "national_2025": NATIONAL_2025_PER_1000,
        "subregions": region.children.order_by("code"),
    }
    return render(request, "insights/overview.html", context)
