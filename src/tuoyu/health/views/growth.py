"""The growth page of a child: the measurements with their z-scores, classification and flags explained, the
growth chart (server-drawn SVG, printable), and the form to add a measurement.

The page evaluates against the standard of the region where the child holds a place (WS/T 423—2022 unless
the region says WHO 2006); ``?standard=who2006`` or ``?standard=wst423_2022`` shows the other.

Guardians (their own children), the institution's director and health worker, and the partner hospital's
doctor read it; each read is logged through ``health_record_open``. Professionals and guardians add
measurements (``services.growth.measurement_record`` decides the source). Anyone else gets a 404.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, Perm, get_visible_or_404
from tuoyu.enrolment.models import AccessChannel, Child
from tuoyu.health.forms import MeasurementForm
from tuoyu.health.growth.chart import CHARTS, DEFAULT_CHART, growth_chart
from tuoyu.health.growth.standards import GrowthStandard, is_standard_code, standard_of
from tuoyu.health.selectors.growth import (
    growth_recorder,
    growth_standard_of_child,
    measurement_rows,
    measurements_of,
)
from tuoyu.health.services.access import health_record_open, health_record_read
from tuoyu.health.services.growth import measurement_record
from tuoyu.health.views.common import form_recorded
from tuoyu.regions.choices import GrowthStandardCode

VIEW = "growth"


def _shown_standard(request: AuthenticatedRequest, region_standard: GrowthStandard) -> GrowthStandard:
    """The standard asked for (``?standard=``), else the region's; an unknown code is ignored."""
    asked = request.GET.get("standard", "")
    return standard_of(asked) if is_standard_code(asked) else region_standard


def _growth_page(request: AuthenticatedRequest, child: Child, form: MeasurementForm | None) -> HttpResponse:
    measurements = list(measurements_of(child))
    chart_code = request.GET.get("chart", DEFAULT_CHART)
    region_standard = growth_standard_of_child(child)
    standard = _shown_standard(request, region_standard)
    may_record = growth_recorder(request.user, child) is not None
    if may_record and form is None:
        form = MeasurementForm(child=child)
    context = {
        "child": child,
        "standard": standard,
        "region_standard": region_standard,
        "standards": [standard_of(code) for code in GrowthStandardCode],
        "rows": measurement_rows(child, measurements, standard),
        "chart": growth_chart(chart_code, sex=child.sex, measurements=measurements, standard=standard),
        "charts": CHARTS.values(),
        "form": form if may_record else None,
        "today": timezone.localdate(),
    }
    return render(request, "health/growth/growth.html", context)


@login_required
def growth(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The child's growth: measurements, chart, and the form to add one."""
    child = health_record_open(request.user, code, view=VIEW, channel=AccessChannel.PAGE)
    return _growth_page(request, child, None)


@login_required
@require_POST
def measurement_add(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Record a measurement; back to the growth page, or the page again with the form and what is wrong."""
    child = get_visible_or_404(
        Child.objects.visible_to(request.user, Perm.VIEW_HEALTH, on=timezone.localdate()), code=code
    )
    form = MeasurementForm(request.POST, child=child)
    measurement = form_recorded(request, form, partial(measurement_record, actor=request.user, child=child))
    if measurement is not None:
        if measurement.flags:
            messages.warning(request, _("Measurement recorded, with flags: see the explanations below."))
        else:
            messages.success(request, _("Measurement recorded."))
        return redirect(reverse("health:growth", kwargs={"code": child.code}))
    health_record_read(request.user, child, view=VIEW, channel=AccessChannel.PAGE)
    return _growth_page(request, child, form)


urlpatterns = [
    path("children/<uuid:code>/growth/", growth, name="growth"),
    path("children/<uuid:code>/growth/measurements/", measurement_add, name="measurement_add"),
]
