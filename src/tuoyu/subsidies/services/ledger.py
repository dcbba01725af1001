"""The district's subsidy ledger: budget allocated → committed by decisions → paid. Append-only (the database
refuses UPDATE and DELETE); every write here runs with the district's row locked, so that two writers never
both see the same balance."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.refusals import Refusal
from tuoyu.regions.models import Region
from tuoyu.subsidies.models import Decision, EntryKind, LedgerEntry

ZERO = Decimal("0.00")


def _total(region: Region, year: int, kind: str) -> Decimal:
    entries = LedgerEntry.objects.filter(region=region, year=year, kind=kind)
    return entries.aggregate(total=Sum("amount_yuan"))["total"] or ZERO


def _locked_region(region_id: int) -> Region:
    return Region.objects.select_for_update().get(pk=region_id)


@transaction.atomic
def ledger_commit(
    *, decision: Decision, region: Region, actor: User, now: datetime.datetime | None = None
) -> LedgerEntry:
    """Commit a decision's amount (negative for a clawback) against the district's budget of the year it is
    decided in. Refused when the budget's uncommitted balance would go below zero."""
    now = now or timezone.now()
    year = timezone.localdate(now).year
    region = _locked_region(region.pk)
    if decision.amount_yuan > 0:
        remaining = _total(region, year, EntryKind.BUDGET) - _total(region, year, EntryKind.COMMITMENT)
        if decision.amount_yuan > remaining:
            raise Refusal(
                _(
                    "The %(year)d budget has ¥%(remaining)s left uncommitted; this decision needs "
                    "¥%(amount)s. Record the additional budget first."
                )
                % {"year": year, "remaining": f"{remaining:,.2f}", "amount": f"{decision.amount_yuan:,.2f}"},
                "budget_exceeded",
                conflict=True,
            )
    return LedgerEntry.objects.create(
        region=region,
        year=year,
        kind=EntryKind.COMMITMENT,
        amount_yuan=decision.amount_yuan,
        decision=decision,
        institution=decision.claim.institution,
        recorded_by=actor,
        recorded_at=now,
    )
