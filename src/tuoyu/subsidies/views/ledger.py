"""The ledger's pages ("三到位"): the year's ledger with its budget and payment forms, the dashboard, the
exports of the year's claims and decisions, the yearly PDF summary; and, read-only for a director, the
payment state of their institution's decisions."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from tuoyu.accounts.access import AuthenticatedRequest, Perm, get_visible_or_404, has_perm
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.pdf import pdf_response
from tuoyu.refusals import refusal_shown
from tuoyu.regions.models import Region
from tuoyu.subsidies.forms.ledger import MAX_YEAR, MIN_YEAR, BudgetForm, PaymentForm
from tuoyu.subsidies.models import DecisionKind, EntryKind, LedgerEntry
from tuoyu.subsidies.selectors.ledger import (
    claims_of_year,
    decisions_of_year,
    decisions_to_recover,
    decisions_unpaid,
    ledger_entries,
    ledger_regions_of,
    ledger_summary,
    ledger_years,
    payments_by_institution,
    payments_of_originals,
    payments_overall,
    payments_overdue,
    payments_visible_to,
)
from tuoyu.subsidies.services.ledger import budget_allocate, budget_reduce, payment_record, refund_record
from tuoyu.subsidies.yearly import yearly_summary_pdf


def year_of(params: Any, today: datetime.date) -> int:
    """The ``year`` query parameter (this year when absent); anything but a year is a 400."""
    value = str(params.get("year") or "").strip()
    if not value:
        return today.year
    if not value.isdigit() or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise BadRequest(f"year: {value!r} is not a year")
    return int(value)


def _region(request: AuthenticatedRequest) -> Region:
    """The district whose ledger is shown (``?region=<code>``, else the first the actor keeps); 404 for
    anyone who keeps none."""
    regions = ledger_regions_of(request.user)
    code = request.GET.get("region") or request.POST.get("region")
    if code:
        return get_visible_or_404(regions, code=code)
    region = regions.first()
    if region is None:
        raise Http404
    return region


def _back(name: str, region: Region, year: int | None = None) -> str:
    query = f"?region={region.code}" + (f"&year={year}" if year else "")
    return reverse(name) + query


def _entry_kind(entry: LedgerEntry) -> str:
    if entry.kind == EntryKind.BUDGET and entry.amount_yuan < 0:
        return _("Budget reduced")
    if entry.kind == EntryKind.COMMITMENT and entry.amount_yuan < 0:
        return _("Clawback")
    if entry.kind == EntryKind.PAYMENT and entry.amount_yuan < 0:
        return _("Refund received")
    return str(entry.get_kind_display())


@login_required
def ledger(request: AuthenticatedRequest) -> HttpResponse:
    """补助资金台账: the district's ledger for a year (``?year=``), its figures and every entry."""
    region = _region(request)
    today = timezone.localdate()
    year = year_of(request.GET, today)
    entries = list(ledger_entries(region, year))
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"subsidy-ledger-{region.code}-{year}",
            title=_("Subsidy ledger"),
            header=[
                _("Recorded at"),
                _("Kind"),
                _("Institution"),
                pgettext("subsidy", "Decision"),
                _("Amount (yuan)"),
                _("Paid on"),
                _("Reference"),
                _("Note"),
            ],
            rows=(
                [
                    entry.recorded_at,
                    _entry_kind(entry),
                    entry.institution.name if entry.institution else "",
                    entry.decision.number if entry.decision else "",
                    f"{entry.amount_yuan:.2f}",
                    entry.paid_on,
                    entry.reference,
                    entry.note,
                ]
                for entry in entries
            ),
        )
    context = {
        "region": region,
        "regions": ledger_regions_of(request.user),
        "year": year,
        "years": ledger_years(region, today),
        "summary": ledger_summary(region, year),
        "entries": [(entry, _entry_kind(entry)) for entry in entries],
    }
    return render(request, "subsidies/ledger.html", context)


@login_required
def budget(request: AuthenticatedRequest) -> HttpResponse:
    """Record the year's budget: an allocation or a reduction, confirmed, with its document."""
    region = _region(request)
    today = timezone.localdate()
    form = BudgetForm(request.POST or None, initial={"year": year_of(request.GET, today)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = budget_reduce if data["change"] == BudgetForm.REDUCE else budget_allocate
        with refusal_shown(request) as attempt:
            record(
                region=region,
                year=data["year"],
                amount_yuan=data["amount_yuan"],
                document=data["document"],
                actor=request.user,
            )
            messages.success(request, _("The budget entry was recorded in the ledger."))
        if attempt.refused is None:
            return redirect(_back("subsidies:ledger", region, data["year"]))
    context = {"region": region, "form": form, "title": _("Record the year's budget"), "recover": False}
    return render(request, "subsidies/ledger_form.html", context)


def _payment_page(request: AuthenticatedRequest, *, recover: bool) -> HttpResponse:
    region = _region(request)
    groups = decisions_to_recover(region) if recover else decisions_unpaid(region)
    form = PaymentForm(request.POST or None, groups=groups, recover=recover)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = refund_record if recover else payment_record
        with refusal_shown(request) as attempt:
            entry = record(
                decision=form.chosen().decision,
                amount_yuan=data["amount_yuan"],
                paid_on=data["paid_on"],
                reference=data["reference"],
                actor=request.user,
            )
            messages.success(
                request,
                _("The refund was recorded in the ledger.")
                if recover
                else _("The payment was recorded in the ledger."),
            )
        if attempt.refused is None:
            return redirect(_back("subsidies:ledger", region, entry.year))
    title = _("Record a refund received") if recover else _("Record a payment")
    context = {"region": region, "form": form, "title": title, "recover": recover, "groups": groups}
    return render(request, "subsidies/ledger_form.html", context)


@login_required
def payment(request: AuthenticatedRequest) -> HttpResponse:
    """Record a payment against a decision with an amount still due."""
    return _payment_page(request, recover=False)


@login_required
def refund(request: AuthenticatedRequest) -> HttpResponse:
    """Record money an institution paid back after a clawback."""
    return _payment_page(request, recover=True)


def _institution_rows(rows: list[Any]) -> list[list[Any]]:
    return [
        [
            row.institution.name,
            f"{row.committed:.2f}",
            f"{row.paid:.2f}",
            f"{row.unpaid:.2f}",
            row.paid_decisions,
            row.average_days if row.average_days is not None else "",
            row.max_days if row.max_days is not None else "",
            f"{row.on_time_percent}%" if row.on_time_percent is not None else "",
        ]
        for row in rows
    ]


INSTITUTION_HEADER = [
    gettext_lazy("Institution"),
    gettext_lazy("Committed (yuan)"),
    gettext_lazy("Paid (yuan)"),
    gettext_lazy("Unpaid (yuan)"),
    gettext_lazy("Decisions fully paid"),
    gettext_lazy("Average days from decision to payment"),
    gettext_lazy("Longest days from decision to payment"),
    gettext_lazy("Paid on time"),
]


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """The "三到位" dashboard: budget, committed, paid and remaining as figures and bars; overdue payments
    first; per institution the days from decision to payment and the share paid on time (``?format=xlsx``:
    that table)."""
    region = _region(request)
    today = timezone.localdate()
    year = year_of(request.GET, today)
    rows = payments_by_institution(region, year)
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"subsidy-payments-{region.code}-{year}",
            title=_("Payments by institution"),
            header=INSTITUTION_HEADER,
            rows=_institution_rows(rows),
        )
    summary = ledger_summary(region, year)
    context = {
        "region": region,
        "regions": ledger_regions_of(request.user),
        "year": year,
        "years": ledger_years(region, today),
        "summary": summary,
        "bars": [
            (_("Budget"), summary.budget, summary.percent(summary.budget)),
            (_("Committed"), summary.committed, summary.percent(summary.committed)),
            (pgettext("subsidy", "Paid"), summary.paid, summary.percent(summary.paid)),
            (_("Remaining"), summary.remaining, summary.percent(summary.remaining)),
        ],
        "rows": rows,
        "overall": payments_overall(rows),
        "overdue": payments_overdue(region, today),
    }
    return render(request, "subsidies/dashboard.html", context)


@login_required
def claims_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    """The district's claims of the year as a spreadsheet."""
    region = _region(request)
    year = year_of(request.GET, timezone.localdate())
    return xlsx_response(
        filename=f"subsidy-claims-{region.code}-{year}",
        title=_("Subsidy claims"),
        header=[
            _("Institution"),
            _("Policy"),
            _("Month or filing"),
            _("State"),
            _("Child-months"),
            _("Amount (yuan)"),
            _("Submitted at"),
        ],
        rows=(
            [
                claim.institution.name,
                claim.policy.name,
                f"{claim.month:%Y-%m}" if claim.month else str(claim.filing),
                claim.get_state_display(),
                claim.child_months,  # type: ignore[attr-defined]  # annotated by claims_of_year
                f"{claim.amount_yuan:.2f}",
                claim.submitted_at,
            ]
            for claim in claims_of_year(region, year)
        ),
    )


@login_required
def decisions_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    """The district's decisions of the year as a spreadsheet, with what was paid and when (on the original
    decision's row: payments are recorded against it)."""
    region = _region(request)
    year = year_of(request.GET, timezone.localdate())
    paid = payments_of_originals(region)
    rows = []
    for decision in decisions_of_year(region, year):
        group = paid.get(decision.pk) if decision.kind == DecisionKind.ORIGINAL else None
        rows.append(
            [
                decision.number,
                decision.get_kind_display(),
                decision.corrects.number if decision.corrects else "",
                decision.claim.institution.name,
                f"{decision.amount_yuan:.2f}",
                decision.decided_at,
                decision.payment_due_on,
                f"{group.paid:.2f}" if group else "",
                group.last_paid_on if group else None,
            ]
        )
    return xlsx_response(
        filename=f"subsidy-decisions-{region.code}-{year}",
        title=_("Subsidy decisions"),
        header=[
            _("Number"),
            _("Kind"),
            _("Corrects"),
            _("Institution"),
            _("Amount (yuan)"),
            _("Decided at"),
            _("Payment due on"),
            _("Paid (yuan)"),
            _("Paid on"),
        ],
        rows=rows,
    )


@login_required
def yearly_pdf(request: AuthenticatedRequest) -> HttpResponse:
    """The year's summary of the use of subsidy funds, as a PDF in Chinese."""
    region = _region(request)
    today = timezone.localdate()
    year = year_of(request.GET, today)
    content = yearly_summary_pdf(region=region, year=year, today=today)
    return pdf_response(content, f"subsidy-summary-{region.code}-{year}.pdf")


@login_required
def payments(request: AuthenticatedRequest) -> HttpResponse:
    """The payment state of the decisions the actor may read (a director: their institution's), read-only."""
    if not (has_perm(request.user, Perm.CLAIM_SUBSIDIES) or has_perm(request.user, Perm.DECIDE_SUBSIDIES)):
        raise Http404
    groups = payments_visible_to(request.user)
    return render(request, "subsidies/ledger_payments.html", {"groups": groups})


urlpatterns = [
    path("ledger/", ledger, name="ledger"),
    path("ledger/budget/", budget, name="budget"),
    path("ledger/payment/", payment, name="payment"),
    path("ledger/refund/", refund, name="refund"),
    path("ledger/payments/", payments, name="payments"),
    path("dashboard/", dashboard, name="dashboard"),
    path("claims.xlsx", claims_xlsx, name="claims_xlsx"),
    path("decisions.xlsx", decisions_xlsx, name="decisions_xlsx"),
    path("yearly.pdf", yearly_pdf, name="yearly_pdf"),
]
