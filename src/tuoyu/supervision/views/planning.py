"""Risk and planning pages: the risk ranking, inspection plans (draw, read, approve), the public plans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, Perm, get_visible_or_404, has_perm
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.refusals import refusal_shown
from tuoyu.supervision.forms.planning import PlanApproveForm, PlanDrawForm
from tuoyu.supervision.selectors.planning import (
    plan_regions_of,
    plan_results,
    plans_published,
    plans_visible_to,
)
from tuoyu.supervision.selectors.risk import (
    RiskGroup,
    operating_institutions_supervised_by,
    risk_of_institutions,
    risk_ranked,
    streets_of,
)
from tuoyu.supervision.services.planning import canonical, plan_approve, plan_draw, plan_matches

PAGE_SIZE = 50


def _supervisor_or_404(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.SUPERVISE_REGION):
        raise Http404


@login_required
def risk_ranking(request: AuthenticatedRequest) -> HttpResponse:
    """The risk of every operating institution the regulator supervises: by score (highest first, or lowest
    with ``?sort=score``), filtered by street and group."""
    _supervisor_or_404(request)
    institutions = operating_institutions_supervised_by(request.user)
    streets = streets_of(institutions)
    street = request.GET.get("street", "")
    if street:
        institutions = institutions.filter(street__code=street)
    risks = risk_ranked(risk_of_institutions(institutions.order_by("code"), timezone.localdate()))
    group = request.GET.get("group", "")
    counts = {value: sum(1 for risk in risks if risk.group == value) for value in RiskGroup.values}
    if group in RiskGroup.values:
        risks = [risk for risk in risks if risk.group == group]
    ascending = request.GET.get("sort") == "score"
    if ascending:
        risks.reverse()
    if wants_xlsx(request):
        return xlsx_response(
            filename="risk",
            title=_("Risk ranking"),
            header=[_("Institution"), _("Street / town"), _("Risk score"), _("Risk group"), _("Parts")],
            rows=(
                [
                    r.institution.name,
                    r.institution.street.name,
                    r.score,
                    r.group_label,
                    "；".join(f"{part.label} {part.points}" for part in r.parts),
                ]
                for r in risks
            ),
        )
    context = {
        "page": Paginator(risks, PAGE_SIZE).get_page(request.GET.get("page")),
        "streets": streets,
        "street": street,
        "group": group,
        "groups": RiskGroup.choices,
        "counts": [(label, counts[value], value) for value, label in RiskGroup.choices],
        "ascending": ascending,
    }
    return render(request, "supervision/risk.html", context)


@login_required
def plans(request: AuthenticatedRequest) -> HttpResponse:
    """The inspection plans of the regulator's regions, the latest period first."""
    _supervisor_or_404(request)
    page = Paginator(plans_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/plans.html", {"page": page})


@login_required
def draw(request: AuthenticatedRequest) -> HttpResponse:
    """The draw form: region, period, seed (one suggested), share per risk group."""
    _supervisor_or_404(request)
    today = timezone.localdate()
    regions = plan_regions_of(request.user)
    form = PlanDrawForm(request.POST or None, regions=regions, today=today)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request) as attempt:
            plan = plan_draw(
                region=form.cleaned_data["region"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                seed=form.cleaned_data["seed"],
                rates=form.rates(),
                actor=request.user,
            )
            messages.success(request, _("The plan was drawn. Check it, then approve it to publish it."))
        if attempt.refused is None:
            return redirect("supervision:plan", pk=plan.pk)
    return render(request, "supervision/plan_draw.html", {"form": form})


@login_required
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One plan: what was drawn, its seed and inputs, how to re-run the draw, results so far, approval."""
    plan = get_visible_or_404(plans_visible_to(request.user), pk=pk)
    results = plan_results(plan)
    rows = [(row, RiskGroup(row["group"]).label, results.get(row["code"])) for row in plan.drawn]
    context = {
        "plan": plan,
        "rows": rows,
        "matches": plan_matches(plan),
        "form": PlanApproveForm(),
        "institutions": len(plan.inputs["institutions"]),
        "inspectors": len(plan.inputs["inspectors"]),
    }
    return render(request, "supervision/plan.html", context)


@login_required
def plan_inputs(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The inputs of the draw as canonical JSON, with its seed, to re-run it anywhere."""
    plan = get_visible_or_404(plans_visible_to(request.user), pk=pk)
    response = HttpResponse(canonical(plan.inputs), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inspection-plan-{plan.pk}-inputs.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(plans_visible_to(request.user), pk=pk)
    form = PlanApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that you checked the plan."))
        return redirect("supervision:plan", pk=plan.pk)
    with refusal_shown(request):
        plan_approve(plan=plan, actor=request.user)
        messages.success(request, _("The plan is approved and published; the inspectors drawn were told."))
    return redirect("supervision:plan", pk=plan.pk)


def public_plans(request: HttpRequest) -> HttpResponse:
    """Public (一公开): approved plans with their seed, period, institutions drawn and results so far."""
    page = Paginator(plans_published(), 10).get_page(request.GET.get("page"))
    shown = []
    for plan in page:
        results = plan_results(plan)
        shown.append((plan, [(row, results.get(row["code"])) for row in plan.drawn]))
    return render(request, "supervision/public_plans.html", {"page": page, "plans": shown})


urlpatterns = [
    path("supervision/risk/", risk_ranking, name="risk"),
    path("supervision/inspection-plans/", plans, name="plans"),
    path("supervision/inspection-plans/draw/", draw, name="plan_draw"),
    path("supervision/inspection-plans/<int:pk>/", plan_detail, name="plan"),
    path("supervision/inspection-plans/<int:pk>/inputs.json", plan_inputs, name="plan_inputs"),
    path("supervision/inspection-plans/<int:pk>/approve/", approve, name="plan_approve"),
    path("inspection-plans/", public_plans, name="public_plans"),
]
