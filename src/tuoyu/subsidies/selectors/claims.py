"""Claims' reads: who sees which claim, whether an institution may claim, what holds a claim for review."""

import datetime
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from tuoyu.accounts.access import Perm, actor_may, in_scope_of, scope_of
from tuoyu.fees.selectors import prices_above_guided
from tuoyu.regions.models import Region
from tuoyu.registry.models import FilingStatus, Institution
from tuoyu.registry.selectors import district_of
from tuoyu.subsidies.models import Basis, Claim, ClaimLine, ClaimState, SubsidyPolicy
from tuoyu.supervision.models import Finding


def claims_visible_to(actor: Any) -> QuerySet[Claim]:
    """The claims of the institutions the actor claims for (a director) or decides on (the regulator)."""
    claims = Claim.objects.select_related("institution__street__parent", "policy", "filing")
    directed = in_scope_of(claims, actor, Perm.CLAIM_SUBSIDIES, "institution__")
    decided = in_scope_of(claims, actor, Perm.DECIDE_SUBSIDIES, "institution__")
    return (directed | decided).distinct()


def claims_queue(actor: Any) -> list[Claim]:
    """The actor's claims in the order of the regulator's queue: submitted first (the held ones first among
    them), then returned, drafts and decided; the latest month first."""
    claims = claims_visible_to(actor).annotate(
        queue=Case(
            When(state=ClaimState.SUBMITTED, then=Value(0)),
            When(state=ClaimState.RETURNED, then=Value(1)),
            When(state=ClaimState.DRAFT, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    )
    ordered = list(claims.order_by("queue", "-month", "-prepared_at", "institution__name", "pk"))
    # Stable: within each state, the held claims first.
    return sorted(ordered, key=lambda claim: (claim.queue, not claim.holds))  # type: ignore[attr-defined]


def claim_lines(claim: Claim) -> QuerySet[ClaimLine]:
    return claim.lines.select_related("child").order_by("-counted", "child__name", "pk")


def may_claim(actor: Any, claim: Claim) -> bool:
    return actor_may(actor, Perm.CLAIM_SUBSIDIES, claim.institution_id)


def may_decide(actor: Any, claim: Claim) -> bool:
    return actor_may(actor, Perm.DECIDE_SUBSIDIES, claim.institution_id)


def claiming_institutions(actor: Any) -> QuerySet[Institution]:
    """The institutions whose claims the actor prepares and submits (a director's own)."""
    scope = scope_of(actor, Perm.CLAIM_SUBSIDIES)
    if scope.everything:
        return Institution.objects.none()  # the administrator claims for nobody
    return in_scope_of(Institution.objects.select_related("street__parent"), actor, Perm.CLAIM_SUBSIDIES)


def institutions_claiming_or_decided(actor: Any) -> QuerySet[Institution]:
    """The institutions the actor claims for (a director) or decides on (the regulator)."""
    institutions = Institution.objects.select_related("street__parent")
    directed = in_scope_of(institutions, actor, Perm.CLAIM_SUBSIDIES)
    decided = in_scope_of(institutions, actor, Perm.DECIDE_SUBSIDIES)
    return (directed | decided).distinct()


def policies_in_force(region: Region, basis: str, *, first: datetime.date, last: datetime.date) -> QuerySet:
    """The district's policies of ``basis`` in force on some day from ``first`` to ``last``."""
    return SubsidyPolicy.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=first),
        region=region,
        basis=basis,
        effective_from__lte=last,
    ).order_by("-effective_from", "pk")


def operating_policy_for(institution: Institution, month: datetime.date) -> SubsidyPolicy | None:
    """The district's per-child-month policy in force in ``month`` (the latest one, if two meet there)."""
    from tuoyu.subsidies.selectors.child_months import month_bounds, month_last_day

    first, _following = month_bounds(month)
    return policies_in_force(
        district_of(institution), Basis.PER_CHILD_MONTH, first=first, last=month_last_day(first)
    ).first()


def claim_conditions(*, institution: Institution, policy: SubsidyPolicy, on: datetime.date) -> list[str]:
    """Why ``institution`` may not claim under ``policy`` on ``on``, in plain words (empty: it may)."""
    reasons: list[str] = []
    if policy.requires_inclusive and (
        institution.inclusive_recognized_on is None or institution.inclusive_recognized_on > on
    ):
        reasons.append(_("The institution is not recognised as inclusive (普惠)."))
    if policy.requires_filed and institution.filing_status != FilingStatus.FILED:
        reasons.append(_("The institution has no approved filing."))
    if policy.requires_guided_price:
        for excess in prices_above_guided(institution, on):
            reasons.append(
                _("The price of %(service)s, ¥%(price)s a month, is above the guided price of ¥%(guided)s.")
                % {
                    "service": excess.offering.get_service_type_display(),
                    "price": f"{excess.offering.price_yuan:,.2f}",
                    "guided": f"{excess.guided.price_yuan:,.2f}",
                }
            )
    return reasons


def claim_holds(institution: Institution, policy: SubsidyPolicy, on: datetime.date) -> list[dict[str, str]]:
    """What holds the institution's claim for a closer review: its open findings of the policy's holding
    severities or rule codes (the staff rules). A held claim is submitted and decided as any other, but the
    regulator sees it first, with these reasons, and decides it with a review note."""
    condition = Q(severity__in=list(policy.holding_severities or []))
    for prefix in policy.holding_rule_prefixes or []:
        condition |= Q(rule_code__startswith=prefix)
    findings = Finding.objects.filter(
        condition, institution=institution, resolved_at__isnull=True, detected_at__date__lte=on
    ).order_by("rule_code", "pk")
    return [
        {
            "code": f"finding:{finding.rule_code}",
            "text": _("Open finding %(rule)s: %(evidence)s")
            % {"rule": finding.rule_code, "evidence": finding.summary or finding.evidence},
        }
        for finding in findings
    ]
