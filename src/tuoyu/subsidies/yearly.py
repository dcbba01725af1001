"""The yearly summary of the use of subsidy funds (年度托育补助资金使用情况), a PDF in Chinese: the year's
budget, committed, paid and remaining, per policy and per institution, the share paid on time and the average
days from decision to payment, the overdue payments, and the day it was generated."""

import datetime

from tuoyu.pdf import pdf_bytes
from tuoyu.regions.models import Region
from tuoyu.subsidies.selectors.ledger import (
    ledger_summary,
    payments_by_institution,
    payments_overall,
    payments_overdue,
    totals_by_policy,
)


def yearly_summary_context(*, region: Region, year: int, today: datetime.date) -> dict[str, object]:
    rows = payments_by_institution(region, year)
    return {
        "region": region,
        "year": year,
        "summary": ledger_summary(region, year),
        "policies": totals_by_policy(region, year),
        "rows": rows,
        "overall": payments_overall(rows),
        "overdue": [row for row in payments_overdue(region, today) if row.decision.decided_at.year <= year],
        "generated_on": today,
    }


def yearly_summary_pdf(*, region: Region, year: int, today: datetime.date) -> bytes:
    """The district's summary of ``year`` as of ``today``, printed with the document stylesheet."""
    return pdf_bytes(
        "subsidies/yearly_summary.html", yearly_summary_context(region=region, year=year, today=today)
    )
