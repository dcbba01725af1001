"""The decision letter (托育补助资金核定决定书): a PDF drawn by ``tuoyu.pdf`` in Chinese, with the decision's
number, institution, policy and article, the period, child-months × rate = amount, the lines, the instalments
with their due dates, for a difference decision the original's number and the change, and the district health
authority as the issuer."""

from typing import Any

from django.http import HttpResponse

from tuoyu.pdf import pdf_bytes, pdf_response
from tuoyu.registry.selectors import district_of
from tuoyu.subsidies.models import Decision, DecisionKind
from tuoyu.subsidies.selectors.decisions import decision_lines, instalments_of

TEMPLATE = "subsidies/decision_letter.html"


def issuer_of(decision: Decision) -> str:
    """The district health authority that issues the decision."""
    return f"{district_of(decision.claim.institution).name}卫生健康局"


def decision_letter_context(decision: Decision) -> dict[str, Any]:
    lines = list(decision_lines(decision))
    return {
        "decision": decision,
        "claim": decision.claim,
        "institution": decision.claim.institution,
        "lines": lines,
        "counted": sum(1 for line in lines if line.counted),
        "instalments": instalments_of(decision),
        "is_difference": decision.kind == DecisionKind.DIFFERENCE,
        "issuer": issuer_of(decision),
    }


def decision_letter_pdf(decision: Decision) -> bytes:
    return pdf_bytes(TEMPLATE, decision_letter_context(decision))


def decision_letter_response(decision: Decision) -> HttpResponse:
    return pdf_response(decision_letter_pdf(decision), f"subsidy-decision-{decision.code}.pdf")
