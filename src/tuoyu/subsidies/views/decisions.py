"""Decisions' pages: a decision (number, amount, basis, lines, instalments, corrections) and its letter."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from tuoyu.accounts.access import AuthenticatedRequest, get_visible_or_404
from tuoyu.subsidies.letters import decision_letter_response, issuer_of
from tuoyu.subsidies.models import DecisionKind
from tuoyu.subsidies.selectors.decisions import decision_lines, decisions_visible_to, instalments_of


@login_required
def decision_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    decision = get_visible_or_404(decisions_visible_to(request.user), code=code)
    context = {
        "decision": decision,
        "claim": decision.claim,
        "lines": decision_lines(decision),
        "instalments": instalments_of(decision),
        "is_difference": decision.kind == DecisionKind.DIFFERENCE,
        "corrections": decisions_visible_to(request.user).filter(corrects=decision).order_by("decided_at"),
        "issuer": issuer_of(decision),
    }
    return render(request, "subsidies/decision.html", context)


@login_required
def decision_pdf(request: AuthenticatedRequest, code: str) -> HttpResponse:
    decision = get_visible_or_404(decisions_visible_to(request.user), code=code)
    return decision_letter_response(decision)


urlpatterns = [
    path("decisions/<uuid:code>/", decision_detail, name="decision"),
    path("decisions/<uuid:code>/letter.pdf", decision_pdf, name="decision_pdf"),
]
