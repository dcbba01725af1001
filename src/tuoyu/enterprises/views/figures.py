"""The desk's figures page (企业服务数据): the four rates of a month with their counts, by team, department,
category and month, the 堵点 most often raised; the same as Excel (``?format=xlsx``) and the monthly report
as a PDF. For the enterprise service officers of the region (``?region=``, by default their team's)."""

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts.access import AuthenticatedRequest, get_visible_or_404
from tuoyu.enterprises.forms.figures import FiguresForm
from tuoyu.enterprises.report_pdf import monthly_report_filename, monthly_report_pdf
from tuoyu.enterprises.selectors.figures import (
    Counts,
    Month,
    MonthlyFigures,
    Rate,
    home_region_of,
    last_full_month,
    monthly_figures,
    regions_served_by,
    requests_of_region,
    subregions_of,
)
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.pdf import pdf_response
from tuoyu.regions.models import Region


def _query(request: AuthenticatedRequest) -> tuple[Region, Month]:
    """The region (``?region=``, by default the actor's team's; 404 unless the actor serves enterprises
    there) and the month (``?month=``, by default the last full month; 400 when it is not a month)."""
    code = str(request.GET.get("region") or "").strip()
    if code:
        region: Region | None = get_visible_or_404(regions_served_by(request.user), code=code)
    else:
        region = home_region_of(request.user)
    if region is None:
        raise Http404
    form = FiguresForm(request.GET)
    if not form.is_valid():
        raise BadRequest("month: a month is written YYYY-MM")
    return region, form.cleaned_data["month"] or last_full_month(timezone.localdate())


def _percent(rate: Rate) -> Any:
    return "—" if rate.percent is None else float(rate.percent)


def _line(section: str, name: str, counts: Counts) -> list[Any]:
    return [
        section,
        name,
        counts.recorded,
        counts.accepted_on_time,
        _percent(counts.response_rate),
        counts.closed,
        counts.closed_on_time,
        _percent(counts.on_time_closure_rate),
        counts.resolved,
        _percent(counts.resolution_rate),
        counts.ratings,
        counts.satisfied,
        _percent(counts.satisfaction_rate),
    ]


def _workbook_rows(figures: MonthlyFigures) -> Iterator[list[Any]]:
    yield _line(_("Overall"), figures.region.name, figures.overall)
    for section, rows in (
        (_("By team"), figures.by_team),
        (_("By department"), figures.by_department),
        (_("By category"), figures.by_category),
        (_("By month"), figures.by_month),
    ):
        for row in rows:
            yield _line(section, row.label, row.counts)
    for section, ranked in (
        (_("Problems most often raised, this month"), figures.blockages_month),
        (_("Problems most often raised, 12 months"), figures.blockages_year),
    ):
        for each in ranked:
            yield [section, each.label, each.requests]


WORKBOOK_HEADER = [
    gettext_lazy("Section"),
    gettext_lazy("Figures for"),
    gettext_lazy("Requests recorded"),
    gettext_lazy("Accepted on time"),
    gettext_lazy("Response rate (%)"),
    gettext_lazy("Requests closed"),
    gettext_lazy("Closed on time"),
    gettext_lazy("On-time closure rate (%)"),
    gettext_lazy("Requests resolved"),
    gettext_lazy("Resolution rate (%)"),
    gettext_lazy("Ratings given"),
    gettext_lazy("Satisfied or fairly satisfied"),
    gettext_lazy("Satisfaction rate (%)"),
]


@login_required
def figures(request: AuthenticatedRequest) -> HttpResponse:
    """The figures of a month (``?month=YYYY-MM``, by default the last full month) for the region."""
    region, month = _query(request)
    data = monthly_figures(requests_of_region(request.user, region), region, month)
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"enterprise-service-figures-{region.code}-{month.year:04d}{month.month:02d}",
            title=_("Enterprise service figures"),
            header=WORKBOOK_HEADER,
            rows=_workbook_rows(data),
        )
    context = {
        "figures": data,
        "region": region,
        "month": month,
        "month_first": month.first,
        "form": FiguresForm(initial={"month": month, "region": region.code}),
        "subregions": subregions_of(region),
        "parent": region.parent if region.parent_id and _serves(request, region.parent_id) else None,
        "previous": month.shifted(-1),
        "next": month.shifted(1),
        "trend": [
            (row, row.key.first)
            for row in data.by_month  # (row, first day of its month for the date filter)
        ],
    }
    return render(request, "enterprises/figures.html", context)


def _serves(request: AuthenticatedRequest, region_id: int) -> bool:
    return regions_served_by(request.user).filter(pk=region_id).exists()


@login_required
def report_pdf(request: AuthenticatedRequest) -> HttpResponse:
    """The monthly report (企业服务月报) of the region as a PDF in Chinese."""
    region, month = _query(request)
    content = monthly_report_pdf(
        requests=requests_of_region(request.user, region),
        region=region,
        month=month,
        today=timezone.localdate(),
    )
    return pdf_response(content, monthly_report_filename(region, month))
