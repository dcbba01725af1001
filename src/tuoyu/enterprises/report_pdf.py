"""The desk's monthly report (企业服务月报), a PDF in Chinese: the four rates with their counts, the
figures by team and by department, the 堵点 most often raised, the requests overdue and those reopened in the
month, and the day it was printed."""

import datetime

from django.db.models import QuerySet

from tuoyu.enterprises.models import ServiceRequest
from tuoyu.enterprises.selectors.figures import (
    Month,
    monthly_figures,
    overdue_in_month,
    reopened_in_month,
)
from tuoyu.pdf import pdf_bytes
from tuoyu.regions.models import Region

TOP_BLOCKAGES = 5


def monthly_report_context(
    *, requests: QuerySet[ServiceRequest], region: Region, month: Month, today: datetime.date
) -> dict[str, object]:
    figures = monthly_figures(requests, region, month)
    year_counts = {ranked.category: ranked.requests for ranked in figures.blockages_year}
    return {
        "figures": figures,
        "region": region,
        "month": month,
        "month_first": month.first,
        "blockages": [
            (ranked, year_counts.get(ranked.category, 0))
            for ranked in figures.blockages_month[:TOP_BLOCKAGES]
        ],
        "blockages_year": figures.blockages_year[:TOP_BLOCKAGES],
        "overdue": overdue_in_month(requests, month, today),
        "reopened": reopened_in_month(requests, month),
        "today": today,
    }


def monthly_report_pdf(
    *, requests: QuerySet[ServiceRequest], region: Region, month: Month, today: datetime.date
) -> bytes:
    """The region's report of ``month`` over ``requests`` (already scoped to the region), printed
    ``today``."""
    context = monthly_report_context(requests=requests, region=region, month=month, today=today)
    return pdf_bytes("enterprises/figures_report_pdf.html", context)


def monthly_report_filename(region: Region, month: Month) -> str:
    return f"enterprise-service-report-{region.code}-{month.year:04d}{month.month:02d}.pdf"
