"""The childcare allowance helper's pages: a guardian's "育儿补贴" page, and the regulator's count of the
children in care of eligible age in the district (counts only, no names)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from tuoyu.accounts.access import AuthenticatedRequest, get_visible_or_404
from tuoyu.fees.allowance import PLATFORM, REVIEW_WORKING_DAYS, SOURCE, allowance_of, yuan_per_month
from tuoyu.fees.selectors_allowance import (
    allowance_children_of,
    allowance_in_care,
    allowance_regions_of,
)


@login_required
def allowance(request: AuthenticatedRequest) -> HttpResponse:
    """For each of the guardian's children: the eligible months by year, the total, what is left, what to
    prepare and where to apply. Information only: Tuoyu neither pays it nor takes the application."""
    today = timezone.localdate()
    children = [
        (child, allowance_of(child.birth_date, on=today)) for child in allowance_children_of(request.user)
    ]
    context = {
        "children": children,
        "platform": PLATFORM,
        "source": SOURCE,
        "review_days": REVIEW_WORKING_DAYS,
        "per_month": yuan_per_month(today),
        "today": today,
    }
    return render(request, "fees/allowance.html", context)


@login_required
def allowance_district(request: AuthenticatedRequest) -> HttpResponse:
    """The regulator's district: children in care today whose age makes them eligible, per institution, and
    the yuan a year they represent. ``?region=`` picks one of the regulator's regions."""
    regions = allowance_regions_of(request.user)
    code = request.GET.get("region", "")
    region = get_visible_or_404(regions, code=code) if code else regions.first()
    if region is None:
        raise Http404
    today = timezone.localdate()
    context = {"district": allowance_in_care(request.user, region, today), "per_month": yuan_per_month(today)}
    return render(request, "fees/allowance_district_page.html", context)


urlpatterns = [
    path("allowance/", allowance, name="allowance"),
    path("allowance/district/", allowance_district, name="allowance_district"),
]
