"""Decisions (补助决定): the regulator decides a submitted claim; a later correction is a difference decision.

A decision is numbered "{district}托育补〔{year}〕{n:03d}号", per district and year, with the district's row
locked while the number is taken. Its lines are copies of the claim's, its amount their sum, its basis the
policy as it stood; it is committed against the district's budget (``ledger_commit``) in the same
transaction, so a refused commitment leaves no decision. A decision is never edited: when the data change
(attendance corrected, a child found placed twice) a difference decision carries the change per line,
positive or a clawback, and refers to the original.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts.models import Role, User
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.policies.values import policy as policy_value
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.regions.models import Region
from tuoyu.registry.selectors import district_of
from tuoyu.subsidies.models import (
    Claim,
    ClaimState,
    Decision,
    DecisionKind,
    DecisionLine,
    SubsidyPolicy,
)
from tuoyu.subsidies.selectors.claims import may_decide
from tuoyu.subsidies.selectors.decisions import claim_reassess_preview
from tuoyu.subsidies.services.claims import claim_title
from tuoyu.subsidies.services.ledger import ledger_commit
from tuoyu.workdays import add_working_days

ZERO = Decimal("0.00")
PAYMENT_DAYS = "subsidy.payment_working_days"


def basis_of(policy: SubsidyPolicy) -> dict[str, Any]:
    """The policy as it stands, as the decision keeps it (the letter prints it)."""
    return {
        "policy": policy.name,
        "policy_code": str(policy.code),
        "source_document": policy.source_document,
        "article": policy.article,
        "rate_yuan": f"{policy.rate_yuan:.2f}",
        "min_attendance_days": policy.min_attendance_days,
        "basis": policy.basis,
        "is_demo_value": policy.is_demo_value,
        "instalments": list(policy.instalments or []),
    }


def _next_number(region: Region, year: int) -> str:
    """The district's next decision number of ``year``; call it with the district's row locked."""
    prefix = f"{region.name}托育补〔{year}〕"
    taken = Decision.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}号"


def payment_due_on(day: datetime.date) -> datetime.date:
    return add_working_days(day, policy_value(PAYMENT_DAYS, on=day))


def directors_of(claim: Claim) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.DIRECTOR,
            role_assignments__institution_id=claim.institution_id,
        )
        .distinct()
        .order_by("pk")
    )


def notify_directors(
    claim: Claim,
    *,
    kind: NotificationKind,
    title: str | Promise,
    body: str | Promise,
    params: Mapping[str, object],
    link: str,
) -> None:
    notify_all(directors_of(claim), kind=kind, title=title, body=body, params=params, link=link)


def _locked_claim(claim: Claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("institution__street__parent", "policy", "filing")
        .get(pk=claim.pk)
    )


def _new_decision(
    *,
    claim: Claim,
    kind: str,
    corrects: Decision | None,
    amount: Decimal,
    basis: dict[str, Any],
    reason: str,
    actor: User,
    now: datetime.datetime,
) -> Decision:
    """The decision row, numbered under the district's lock. A second original decision of the same claim
    (two deciders at once, the lock notwithstanding) is refused as already decided."""
    region = Region.objects.select_for_update().get(pk=district_of(claim.institution).pk)
    day = timezone.localdate(now)
    decision = Decision(
        number=_next_number(region, day.year),
        claim=claim,
        kind=kind,
        corrects=corrects,
        amount_yuan=amount,
        basis=basis,
        reason=reason,
        decided_at=now,
        decided_by=actor,
        payment_due_on=payment_due_on(day),
    )
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise Refusal(_("This claim is decided already."), "claim_already_decided", conflict=True) from None
    return decision


def _announce(decision: Decision, claim: Claim) -> None:
    link = reverse("subsidies:decision", kwargs={"code": decision.code})
    notify_directors(
        claim,
        kind=NotificationKind.SUBSIDY_DECIDED,
        title=gettext_lazy("Subsidy decided: %(number)s"),
        body=gettext_lazy("%(claim)s: ¥%(amount)s."),
        params={
            "number": decision.number,
            "claim": claim_title(claim),
            "amount": f"{decision.amount_yuan:,.2f}",
        },
        link=link,
    )


@transaction.atomic
def claim_decide(
    *, claim: Claim, actor: User, note: str = "", now: datetime.datetime | None = None
) -> Decision:
    """Decide a submitted claim: a numbered decision with the claim's lines, their sum and the policy's
    basis, committed against the district's budget; the director is told. A held claim needs a note."""
    now = now or timezone.now()
    claim = _locked_claim(claim)
    if not may_decide(actor, claim):
        raise NotPermitted(f"{actor} does not decide on {claim.institution_id}")
    if claim.state == ClaimState.DECIDED:
        raise Refusal(_("This claim is decided already."), "claim_already_decided", conflict=True)
    if claim.state != ClaimState.SUBMITTED:
        raise Refusal(_("This claim is not submitted."), "claim_not_submitted", conflict=True)
    note = note.strip()
    if claim.holds and not note:
        raise Refusal(
            _("This claim is held for review: say in a note what you checked."), "review_note_required"
        )
    lines = list(claim.lines.all())
    amount = sum((line.amount_yuan for line in lines), ZERO)
    decision = _new_decision(
        claim=claim,
        kind=DecisionKind.ORIGINAL,
        corrects=None,
        amount=amount,
        basis=basis_of(claim.policy),
        reason=note,
        actor=actor,
        now=now,
    )
    DecisionLine.objects.bulk_create(
        DecisionLine(
            decision=decision,
            child_id=line.child_id,
            places=line.places,
            attendance_days=line.attendance_days,
            days=line.days,
            counted=line.counted,
            reason=line.reason,
            reason_detail=line.reason_detail,
            amount_yuan=line.amount_yuan,
        )
        for line in lines
    )
    assert decision.amount_yuan == sum((line.amount_yuan for line in decision.lines.all()), ZERO)
    claim.state, claim.review_note, claim.amount_yuan = ClaimState.DECIDED, note, amount
    claim.save(update_fields=["state", "review_note", "amount_yuan"])
    ledger_commit(decision=decision, region=district_of(claim.institution), actor=actor, now=now)
    _announce(decision, claim)
    return decision


@transaction.atomic
def claim_reassess(
    *, claim: Claim, actor: User, reason: str, now: datetime.datetime | None = None
) -> Decision:
    """A difference decision for a decided claim whose data changed: one line per changed child (or the
    new places) with the change and what was decided before; its amount their sum (negative: a clawback),
    committed against the budget. The original decision is never edited."""
    now = now or timezone.now()
    claim = _locked_claim(claim)
    if not may_decide(actor, claim):
        raise NotPermitted(f"{actor} does not decide on {claim.institution_id}")
    if claim.state != ClaimState.DECIDED:
        raise Refusal(_("Only a decided claim is reassessed."), "claim_not_decided", conflict=True)
    reason = reason.strip()
    if not reason:
        raise Refusal(_("Say why the claim is reassessed."), "reason_required")
    deltas = claim_reassess_preview(claim)
    if not deltas:
        raise Refusal(
            _("Nothing changed since the decision: there is no difference to decide."),
            "no_difference",
            conflict=True,
        )
    original = claim.decisions.get(kind=DecisionKind.ORIGINAL)
    decision = _new_decision(
        claim=claim,
        kind=DecisionKind.DIFFERENCE,
        corrects=original,
        amount=sum((delta.change for delta in deltas), ZERO),
        basis=original.basis,
        reason=reason,
        actor=actor,
        now=now,
    )
    DecisionLine.objects.bulk_create(
        DecisionLine(
            decision=decision,
            child=delta.child,
            places=delta.places,
            attendance_days=delta.attendance_days,
            days=delta.days,
            counted=delta.counted,
            reason=delta.reason,
            reason_detail=delta.detail[:200],
            amount_yuan=delta.change,
            previous_amount_yuan=delta.previous,
        )
        for delta in deltas
    )
    assert decision.amount_yuan == sum((line.amount_yuan for line in decision.lines.all()), ZERO)
    ledger_commit(decision=decision, region=district_of(claim.institution), actor=actor, now=now)
    _announce(decision, claim)
    return decision
