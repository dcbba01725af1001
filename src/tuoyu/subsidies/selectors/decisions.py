"""Decisions' reads: who sees which decision, its instalments, and what a decided claim would be today."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from tuoyu.accounts.access import Perm, in_scope_of
from tuoyu.enrolment.models import Child
from tuoyu.subsidies.models import (
    Claim,
    ClaimState,
    Decision,
    DecisionLine,
    LineReason,
)
from tuoyu.subsidies.selectors.child_months import child_months
from tuoyu.subsidies.selectors.claims import claims_visible_to
from tuoyu.workdays import months_later

ZERO = Decimal("0.00")


def decisions_visible_to(actor: Any) -> QuerySet[Decision]:
    """The decisions on the claims of the institutions the actor claims for or decides on."""
    decisions = Decision.objects.select_related(
        "claim__institution__street__parent", "claim__policy", "claim__filing", "corrects", "decided_by"
    )
    directed = in_scope_of(decisions, actor, Perm.CLAIM_SUBSIDIES, "claim__institution__")
    decided = in_scope_of(decisions, actor, Perm.DECIDE_SUBSIDIES, "claim__institution__")
    return (directed | decided).distinct().order_by("-decided_at", "-pk")


def decision_lines(decision: Decision) -> QuerySet[DecisionLine]:
    return decision.lines.select_related("child").order_by("-counted", "child__name", "pk")


@dataclass(frozen=True)
class Instalment:
    number: int  # 1-based, as printed
    percent: int
    amount: Decimal
    due_on: datetime.date


def instalment_plan(decision: Decision, total: Decimal) -> list[Instalment]:
    """``total`` split into the decision's instalments (its basis's percentages): the k-th (0-based) due 12·k
    months after the payment date; one instalment of 100 % when the policy defines none. The rounding goes
    to the last one."""
    percents = [int(p) for p in decision.basis.get("instalments") or []] or [100]
    amounts = [(total * percent / 100).quantize(Decimal("0.01")) for percent in percents]
    amounts[-1] = total - sum(amounts[:-1], ZERO)
    return [
        Instalment(k + 1, percent, amount, months_later(decision.payment_due_on, 12 * k))
        for k, (percent, amount) in enumerate(zip(percents, amounts, strict=True))
    ]


def instalments_of(decision: Decision) -> list[Instalment]:
    """The decision's own amount in its instalments."""
    return instalment_plan(decision, decision.amount_yuan)


# Difference decisions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineDelta:
    """One child's (or the new places') line recomputed from today's data against what was decided so far."""

    child: Child | None
    places: int | None
    attendance_days: int
    days: list[str]
    counted: bool
    reason: str
    detail: str
    amount: Decimal  # what today's data give
    previous: Decimal  # the sum of this line in every decision of the claim so far

    @property
    def change(self) -> Decimal:
        return self.amount - self.previous


def decided_so_far(claim: Claim) -> dict[int | None, Decimal]:
    """Per child (None: the construction line), the sum of its lines over every decision of the claim."""
    totals: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for row in (
        DecisionLine.objects.filter(decision__claim=claim)
        .values("child_id")
        .annotate(total=Sum("amount_yuan"))
        .order_by()
    ):
        totals[row["child_id"]] = row["total"]
    return totals


def claim_reassess_preview(claim: Claim) -> list[LineDelta]:
    """A decided claim's lines recomputed from today's data (the child-months for an operating claim, the
    new places for a construction one), each compared with what its decisions gave so far; only the lines
    that changed. The reviewer's exclusions stand."""
    if claim.state != ClaimState.DECIDED:
        return []
    previous = decided_so_far(claim)
    policy = claim.policy
    deltas: list[LineDelta] = []
    if claim.filing_id is not None:
        from tuoyu.subsidies.services.claims import new_places_of

        assert claim.filing is not None
        places = max(new_places_of(claim.filing), 0)
        amount = places * policy.rate_yuan
        deltas.append(
            LineDelta(None, places, 0, [], places > 0, LineReason.NEW_PLACES, "", amount, previous[None])
        )
    else:
        assert claim.month is not None
        excluded = set(
            claim.lines.filter(reason=LineReason.EXCLUDED_BY_REVIEW).values_list("child_id", flat=True)
        )
        rows = child_months(
            institution=claim.institution, month=claim.month, policy=policy, exclude_claim=claim
        )
        seen: set[int] = set()
        for row in rows:
            seen.add(row.child.pk)
            counted = row.counted and row.child.pk not in excluded
            reason = LineReason.EXCLUDED_BY_REVIEW if row.child.pk in excluded else row.reason
            amount = policy.rate_yuan if counted else ZERO
            deltas.append(
                LineDelta(
                    row.child,
                    None,
                    row.attendance_days,
                    row.days,
                    counted,
                    reason,
                    row.detail,
                    amount,
                    previous[row.child.pk],
                )
            )
        # A child decided before who no longer appears at all (attendance and placement removed).
        gone = [pk for pk in previous if pk is not None and pk not in seen and previous[pk] != ZERO]
        for child in Child.objects.filter(pk__in=gone).order_by("name", "pk"):
            deltas.append(
                LineDelta(child, None, 0, [], False, LineReason.NO_ATTENDANCE, "", ZERO, previous[child.pk])
            )
    return [delta for delta in deltas if delta.change != ZERO]


def decided_claims_changed(actor: Any, *, months: int = 6, today: datetime.date | None = None) -> list[Claim]:
    """The actor's decided claims of the last ``months`` months whose data changed since their decisions
    (computed, not stored: a handful of queries per claim)."""
    today = today or timezone.localdate()
    since = months_later(today.replace(day=1), -months)
    claims = claims_visible_to(actor).filter(state=ClaimState.DECIDED, month__gte=since).order_by("-month")
    return [claim for claim in claims if claim_reassess_preview(claim)]
