"""Fees' pages: the district's guided prices (the regulator); the meal plan, a month's statements, the
arrears and the payments received (the director); the statements of a family's children (缴费通知) and
each statement with its PDF (the director and the child's guardians)."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, Perm, actor_may, get_visible_or_404, has_perm
from tuoyu.enrolment.models import Child
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.fees.forms import GuidedPriceForm, MealPlanForm, PaymentForm, parse_month
from tuoyu.fees.models import FeeStatement, LineKind, MealRefund
from tuoyu.fees.selectors import (
    arrears_of,
    fee_institutions_visible_to,
    guided_price_districts,
    guided_prices_visible_to,
    latest_statement_month,
    meal_plan_of,
    payments_of,
    statement_status,
    statements_of,
    statements_of_guardian,
    statements_visible_to,
)
from tuoyu.fees.services import (
    guided_price_add,
    meal_plan_set,
    month_of,
    paid_on_statement,
    payment_record,
    statement_issue,
    statement_lines,
    statements_issue_month,
)
from tuoyu.fees.statements import statement_pdf_bytes, statement_pdf_filename, statement_rows
from tuoyu.money import yuan
from tuoyu.pdf import pdf_response
from tuoyu.refusals import refusal_shown
from tuoyu.registry.models import Institution


def _status_label(status: str) -> str:
    return {"paid": _("Paid"), "part_paid": _("Partly paid"), "unpaid": _("Unpaid")}[status]


def _institution(request: AuthenticatedRequest, code: str) -> Institution:
    return get_visible_or_404(fee_institutions_visible_to(request.user), code=code)


def _this_month() -> datetime.date:
    return month_of(timezone.localdate())


def _show_form_errors(request: AuthenticatedRequest, form: object) -> None:
    for errors in form.errors.values():  # type: ignore[attr-defined]
        for error in errors:
            messages.error(request, str(error))


# Guided prices (the regulator) -----------------------------------------------------------------------------


@login_required
def guided_prices(request: AuthenticatedRequest) -> HttpResponse:
    """The guided prices of the regulator's districts, newest first, and the form to add one."""
    if not has_perm(request.user, Perm.DECIDE_SUBSIDIES):
        raise Http404
    districts = guided_price_districts(request.user)
    form = GuidedPriceForm(request.POST or None, districts=districts)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with refusal_shown(request) as attempt:
                guided_price_add(
                    region=data["region"],
                    service_type=data["service_type"],
                    price_yuan=data["price_yuan"],
                    effective_from=data["effective_from"],
                    source_document=data["source_document"],
                    is_demo_value=data["is_demo_value"],
                    actor=request.user,
                )
            if attempt.refused is None:
                messages.success(request, _("The guided price is added."))
                return redirect("fees:guided_prices")
        else:
            _show_form_errors(request, form)
    prices = guided_prices_visible_to(request.user).order_by(
        "region__code", "service_type", "-effective_from"
    )
    today = timezone.localdate()
    in_force: set[int] = set()
    seen: set[tuple[int, str]] = set()
    for price in prices:
        key = (price.region_id, price.service_type)
        if key not in seen and price.effective_from <= today:
            seen.add(key)
            in_force.add(price.pk)
    rows = [(price, yuan(price.price_yuan), price.pk in in_force) for price in prices]
    return render(request, "fees/guided_prices.html", {"rows": rows, "form": form})


# The director's ------------------------------------------------------------------------------------------


@login_required
def meal_plan(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The meal part of the institution's fee catalogue, beside its service offerings."""
    institution = _institution(request, code)
    plan = meal_plan_of(institution)
    initial = (
        {"price_per_day_yuan": plan.price_per_day_yuan, "refund": plan.refund}
        if plan
        else {"refund": MealRefund.PER_ABSENT_DAY}
    )
    form = MealPlanForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown(request) as attempt:
                meal_plan_set(
                    institution=institution,
                    price_per_day_yuan=form.cleaned_data["price_per_day_yuan"],
                    refund=form.cleaned_data["refund"],
                    actor=request.user,
                )
            if attempt.refused is None:
                messages.success(request, _("The meal plan is saved."))
                return redirect("fees:meal_plan", code=institution.code)
        else:
            _show_form_errors(request, form)
    offerings = [(offering, yuan(offering.price_yuan)) for offering in institution.services.all()]
    context = {
        "institution": institution,
        "plan": plan,
        "plan_price": yuan(plan.price_per_day_yuan) if plan else "",
        "offerings": offerings,
        "form": form,
    }
    return render(request, "fees/meal_plan.html", context)


@login_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    """The director's way in: their institution's statements (a choice when they manage several)."""
    institutions = list(fee_institutions_visible_to(request.user).order_by("name")[:50])
    if not institutions:
        raise Http404("no institution whose fees the user manages")
    if len(institutions) == 1:
        return redirect("fees:statements", code=institutions[0].code)
    return render(request, "fees/index.html", {"institutions": institutions})


@login_required
def statements(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Every child's statement of a month: total, paid, status (Excel with ``?format=xlsx``)."""
    institution = _institution(request, code)
    month = parse_month(request.GET.get("month"), latest_statement_month(institution) or _this_month())
    rows = []
    for statement in statements_of(institution, month):
        paid: Decimal = statement.paid_yuan  # type: ignore[attr-defined]
        rows.append((statement, paid, statement_status(statement.total_yuan, paid)))
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"fee-statements-{month:%Y%m}",
            title=_("Fee statements"),
            header=[_("Child"), _("Month"), _("Total (yuan)"), _("Paid (yuan)"), _("Status")],
            rows=(
                [s.child.name, f"{s.month:%Y-%m}", str(s.total_yuan), str(paid), _status_label(status)]
                for s, paid, status in rows
            ),
        )
    shown = [
        (statement, yuan(statement.total_yuan), yuan(paid), status, _status_label(status))
        for statement, paid, status in rows
    ]
    context = {
        "institution": institution,
        "month": month,
        "rows": shown,
        "total": yuan(sum((s.total_yuan for s, _p, _s in rows), Decimal("0"))),
        "paid": yuan(sum((paid for _s, paid, _st in rows), Decimal("0"))),
    }
    return render(request, "fees/statements.html", context)


@login_required
@require_POST
def statements_issue(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Issue the month's statements (the missing ones, and again those still unpaid), or one child's."""
    institution = _institution(request, code)
    month = parse_month(request.POST.get("month"), _this_month())
    child_code = request.POST.get("child")
    with refusal_shown(request):
        if child_code:
            child = get_visible_or_404(
                Child.objects.visible_to(request.user, Perm.MANAGE_FEES), code=child_code
            )
            statement_issue(child=child, institution=institution, month=month)
            messages.success(request, _("The statement is issued."))
        else:
            count = statements_issue_month(month=month, institution=institution, reissue=True)
            messages.success(request, _("%(count)d statement(s) issued.") % {"count": count})
    url = reverse("fees:statements", kwargs={"code": institution.code})
    return redirect(f"{url}?month={month:%Y-%m}")


@login_required
def arrears(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Statements with something still due: child, month, due, days since issue (Excel with ?format=xlsx)."""
    institution = _institution(request, code)
    found = arrears_of(institution, timezone.localdate())
    if wants_xlsx(request):
        return xlsx_response(
            filename="fee-arrears",
            title=_("Arrears"),
            header=[
                _("Child"),
                _("Month"),
                _("Total (yuan)"),
                _("Paid (yuan)"),
                _("Due (yuan)"),
                _("Days since issue"),
            ],
            rows=(
                [
                    a.statement.child.name,
                    f"{a.statement.month:%Y-%m}",
                    str(a.statement.total_yuan),
                    str(a.paid_yuan),
                    str(a.due_yuan),
                    a.days_since_issue,
                ]
                for a in found
            ),
        )
    rows = [(a, yuan(a.statement.total_yuan), yuan(a.paid_yuan), yuan(a.due_yuan)) for a in found]
    due = yuan(sum((a.due_yuan for a in found), Decimal("0")))
    return render(request, "fees/arrears.html", {"institution": institution, "rows": rows, "due": due})


# One statement (the director and the child's guardians) --------------------------------------------------


def _statement(request: AuthenticatedRequest, code: str) -> FeeStatement:
    return get_visible_or_404(statements_visible_to(request.user), code=code)


@login_required
def statement_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    statement = _statement(request, code)
    manages = actor_may(request.user, Perm.MANAGE_FEES, statement.institution_id)
    payments = list(payments_of(statement))
    paid = paid_on_statement(statement)
    changed = False
    if payments:
        # It stands as issued; say so when the data behind it has changed since.
        current = statement_lines(
            child=statement.child,
            institution=statement.institution,
            month=statement.month,
            today=timezone.localdate(),
        )
        changed = current != statement.lines
    context = {
        "statement": statement,
        "rows": statement_rows(statement),
        "kinds": dict(LineKind.choices),
        "payments": [(payment, yuan(payment.amount_yuan)) for payment in payments],
        "total": yuan(statement.total_yuan),
        "paid": yuan(paid),
        "due": yuan(statement.total_yuan - paid),
        "status_label": _status_label(statement_status(statement.total_yuan, paid)),
        "manages": manages,
        "changed": changed,
        "form": PaymentForm(
            initial={"paid_on": timezone.localdate(), "amount_yuan": statement.total_yuan - paid}
        ),
    }
    return render(request, "fees/statement.html", context)


@login_required
def statement_pdf(request: AuthenticatedRequest, code: str) -> HttpResponse:
    statement = _statement(request, code)
    return pdf_response(statement_pdf_bytes(statement), statement_pdf_filename(statement))


def _managed_statement(request: AuthenticatedRequest, code: str) -> FeeStatement:
    statement = _statement(request, code)
    if not actor_may(request.user, Perm.MANAGE_FEES, statement.institution_id):
        raise Http404
    return statement


@login_required
@require_POST
def statement_reissue(request: AuthenticatedRequest, code: str) -> HttpResponse:
    statement = _managed_statement(request, code)
    with refusal_shown(request) as attempt:
        statement_issue(child=statement.child, institution=statement.institution, month=statement.month)
    if attempt.refused is None:
        messages.success(request, _("The statement is issued again from the current data."))
    return redirect("fees:statement", code=statement.code)


@login_required
@require_POST
def payment_add(request: AuthenticatedRequest, code: str) -> HttpResponse:
    statement = _managed_statement(request, code)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        _show_form_errors(request, form)
        return redirect("fees:statement", code=statement.code)
    data = form.cleaned_data
    with refusal_shown(request) as attempt:
        payment_record(
            statement=statement,
            amount_yuan=data["amount_yuan"],
            paid_on=data["paid_on"],
            method=data["method"],
            reference=data["reference"],
            actor=request.user,
        )
    if attempt.refused is None:
        messages.success(request, _("The payment is recorded."))
    return redirect("fees:statement", code=statement.code)


@login_required
def family(request: AuthenticatedRequest) -> HttpResponse:
    """缴费通知: the statements of the user's own children, latest month first."""
    rows = []
    for statement in statements_of_guardian(request.user):
        paid: Decimal = statement.paid_yuan  # type: ignore[attr-defined]
        status = statement_status(statement.total_yuan, paid)
        rows.append(
            (
                statement,
                yuan(statement.total_yuan),
                yuan(paid),
                yuan(statement.total_yuan - paid),
                _status_label(status),
            )
        )
    return render(request, "fees/family.html", {"rows": rows})


# Routes ----------------------------------------------------------------------------------------------------

urlpatterns = [
    path("", index, name="index"),
    path("guided-prices/", guided_prices, name="guided_prices"),
    path("institutions/<uuid:code>/meal-plan/", meal_plan, name="meal_plan"),
    path("institutions/<uuid:code>/statements/", statements, name="statements"),
    path("institutions/<uuid:code>/statements/issue/", statements_issue, name="statements_issue"),
    path("institutions/<uuid:code>/arrears/", arrears, name="arrears"),
    path("statements/<uuid:code>/", statement_detail, name="statement"),
    path("statements/<uuid:code>/pdf/", statement_pdf, name="statement_pdf"),
    path("statements/<uuid:code>/reissue/", statement_reissue, name="statement_reissue"),
    path("statements/<uuid:code>/payments/", payment_add, name="payment_record"),
    path("family/", family, name="family"),
]
