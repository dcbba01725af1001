"""Claims' pages: the list (补助申报: a director's claims, the regulator's queue), a claim line by line, and
the actions on it (recompute, submit; exclude a line, return, decide, reassess)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, Perm, get_visible_or_404, has_perm
from tuoyu.refusals import refusal_shown
from tuoyu.subsidies.forms.claims import ClaimSubmitForm, PrepareForm, ReassessForm, ReviewNoteForm
from tuoyu.subsidies.models import Claim, ClaimState
from tuoyu.subsidies.selectors.child_months import child_months
from tuoyu.subsidies.selectors.claims import (
    claim_conditions,
    claim_lines,
    claiming_institutions,
    claims_queue,
    claims_visible_to,
    may_claim,
    may_decide,
    operating_policy_for,
)
from tuoyu.subsidies.selectors.decisions import (
    claim_reassess_preview,
    decided_claims_changed,
    decisions_visible_to,
)
from tuoyu.subsidies.services.claims import (
    claim_line_exclude,
    claim_prepare,
    claim_recompute,
    claim_return,
    claim_submit,
    previous_month,
)
from tuoyu.subsidies.services.decisions import claim_decide, claim_reassess

PAGE_SIZE = 50


def _claimant_or_regulator(request: AuthenticatedRequest) -> None:
    if not (has_perm(request.user, Perm.CLAIM_SUBSIDIES) or has_perm(request.user, Perm.DECIDE_SUBSIDIES)):
        raise Http404


def _claim(request: AuthenticatedRequest, code: str) -> Claim:
    return get_visible_or_404(claims_visible_to(request.user), code=code)


def _claimed(request: AuthenticatedRequest, code: str) -> Claim:
    """A claim the actor claims for (its institution's director); 404 otherwise."""
    claim = _claim(request, code)
    if not may_claim(request.user, claim):
        raise Http404
    return claim


def _reviewed(request: AuthenticatedRequest, code: str) -> Claim:
    """A claim the actor decides on (the district's regulator); 404 otherwise."""
    claim = _claim(request, code)
    if not may_decide(request.user, claim):
        raise Http404
    return claim


@login_required
def claims(request: AuthenticatedRequest) -> HttpResponse:
    """补助申报: the director's claims with, when the institution may not claim, why; for the regulator the
    queue, submitted claims first and the held ones flagged."""
    _claimant_or_regulator(request)
    last_month = previous_month(timezone.localdate())
    eligibility = []
    for institution in claiming_institutions(request.user):
        policy = operating_policy_for(institution, last_month)
        reasons = (
            claim_conditions(institution=institution, policy=policy, on=last_month)
            if policy is not None
            else [_("The district has no operating subsidy in force.")]
        )
        eligibility.append((institution, reasons))
    deciding = has_perm(request.user, Perm.DECIDE_SUBSIDIES)
    context = {
        "page": Paginator(claims_queue(request.user), PAGE_SIZE).get_page(request.GET.get("page")),
        "eligibility": eligibility,
        "prepare_form": PrepareForm(initial={"month": last_month.strftime("%Y-%m")}),
        "deciding": deciding,
        # Decided claims whose attendance or places changed since: each wants a difference decision.
        "changed": decided_claims_changed(request.user) if deciding else [],
    }
    return render(request, "subsidies/claims.html", context)


@login_required
@require_POST
def prepare(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The director prepares (or recomputes) a month's claim of their institution."""
    institution = get_visible_or_404(claiming_institutions(request.user), code=code)
    form = PrepareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a month."))
        return redirect("subsidies:claims")
    month = form.cleaned_data["month"]
    policy = operating_policy_for(institution, month)
    if policy is None:
        messages.error(request, _("The district has no operating subsidy in force in that month."))
        return redirect("subsidies:claims")
    with refusal_shown(request) as attempt:
        claim = claim_prepare(institution=institution, policy=policy, month=month)
    if attempt.refused is None:
        return redirect("subsidies:claim", code=claim.code)
    return redirect("subsidies:claims")


@login_required
def claim_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """A claim line by line: each child's attendance days (the dates on demand), counted or why not; the
    director's remarks and submission, the reviewer's exclusions, return and decision."""
    claim = _claim(request, code)
    deciding = may_decide(request.user, claim)
    lines = list(claim_lines(claim))
    counted_at = {}
    if deciding and claim.month is not None:  # the regulator may see where a child was counted instead
        rows = child_months(institution=claim.institution, month=claim.month, policy=claim.policy)
        counted_at = {row.child.pk: row.counted_at for row in rows if row.counted_at is not None}
    context = {
        "claim": claim,
        "lines": [(line, counted_at.get(line.child_id or 0)) for line in lines],
        "counted": sum(1 for line in lines if line.counted),
        "decisions": decisions_visible_to(request.user).filter(claim=claim).order_by("decided_at", "pk"),
        "claiming": may_claim(request.user, claim),
        "deciding": deciding,
        "open": claim.state in (ClaimState.DRAFT, ClaimState.RETURNED),
        "submitted": claim.state == ClaimState.SUBMITTED,
        "preview": claim_reassess_preview(claim) if deciding and claim.state == ClaimState.DECIDED else [],
        "submit_form": ClaimSubmitForm(initial={"remarks": claim.remarks}),
        "note_form": ReviewNoteForm(),
        "reassess_form": ReassessForm(),
    }
    return render(request, "subsidies/claim.html", context)


@login_required
@require_POST
def recompute(request: AuthenticatedRequest, code: str) -> HttpResponse:
    claim = _claimed(request, code)
    with refusal_shown(request):
        claim_recompute(claim=claim, actor=request.user)
        messages.success(request, _("The claim was recomputed from the attendance records."))
    return redirect("subsidies:claim", code=claim.code)


@login_required
@require_POST
def submit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    claim = _claimed(request, code)
    form = ClaimSubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that you checked the lines."))
        return redirect("subsidies:claim", code=claim.code)
    with refusal_shown(request):
        claim_submit(claim=claim, actor=request.user, remarks=form.cleaned_data["remarks"])
        messages.success(request, _("The claim was submitted for review."))
    return redirect("subsidies:claim", code=claim.code)


def _note(request: AuthenticatedRequest) -> str:
    form = ReviewNoteForm(request.POST)
    return form.cleaned_data["note"] if form.is_valid() else ""


@login_required
@require_POST
def line_exclude(request: AuthenticatedRequest, code: str, line: int) -> HttpResponse:
    claim = _reviewed(request, code)
    target = get_visible_or_404(claim.lines.all(), pk=line)
    with refusal_shown(request):
        claim_line_exclude(line=target, actor=request.user, note=_note(request))
        messages.success(request, _("The line was excluded."))
    return redirect("subsidies:claim", code=claim.code)


@login_required
@require_POST
def return_(request: AuthenticatedRequest, code: str) -> HttpResponse:
    claim = _reviewed(request, code)
    with refusal_shown(request):
        claim_return(claim=claim, actor=request.user, note=_note(request))
        messages.success(request, _("The claim was returned to the institution."))
    return redirect("subsidies:claim", code=claim.code)


@login_required
@require_POST
def decide(request: AuthenticatedRequest, code: str) -> HttpResponse:
    claim = _reviewed(request, code)
    with refusal_shown(request) as attempt:
        decision = claim_decide(claim=claim, actor=request.user, note=_note(request))
        messages.success(request, _("Decided: %(number)s.") % {"number": decision.number})
    if attempt.refused is None:
        return redirect("subsidies:decision", code=decision.code)
    return redirect("subsidies:claim", code=claim.code)


@login_required
@require_POST
def reassess(request: AuthenticatedRequest, code: str) -> HttpResponse:
    claim = _reviewed(request, code)
    form = ReassessForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    with refusal_shown(request) as attempt:
        decision = claim_reassess(claim=claim, actor=request.user, reason=reason)
        messages.success(request, _("Difference decision made: %(number)s.") % {"number": decision.number})
    if attempt.refused is None:
        return redirect("subsidies:decision", code=decision.code)
    return redirect("subsidies:claim", code=claim.code)


urlpatterns = [
    path("claims/", claims, name="claims"),
    path("institutions/<uuid:code>/claims/prepare/", prepare, name="claim_prepare"),
    path("claims/<uuid:code>/", claim_detail, name="claim"),
    path("claims/<uuid:code>/recompute/", recompute, name="claim_recompute"),
    path("claims/<uuid:code>/submit/", submit, name="claim_submit"),
    path("claims/<uuid:code>/lines/<int:line>/exclude/", line_exclude, name="claim_line_exclude"),
    path("claims/<uuid:code>/return/", return_, name="claim_return"),
    path("claims/<uuid:code>/decide/", decide, name="claim_decide"),
    path("claims/<uuid:code>/reassess/", reassess, name="claim_reassess"),
]
