"""Decisions for the ledger's tests, written directly (the claims' services make them in the application):
a claim of a month under an operating or construction policy, its decision, committed in the ledger."""

import datetime
import itertools
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from tuoyu.accounts.models import User
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import district_of
from tuoyu.subsidies.factories import BudgetEntryFactory, ConstructionPolicyFactory, SubsidyPolicyFactory
from tuoyu.subsidies.models import Claim, ClaimState, Decision, DecisionKind, LedgerEntry, SubsidyPolicy
from tuoyu.subsidies.services.ledger import ledger_commit

_numbers = itertools.count(1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )


def budget(region: Region, actor: User, amount: str = "1000000.00", year: int = 2026) -> LedgerEntry:
    return BudgetEntryFactory.create(region=region, year=year, amount_yuan=Decimal(amount), recorded_by=actor)


def policy_of(region: Region, *, construction: bool = False) -> SubsidyPolicy:
    factory = ConstructionPolicyFactory if construction else SubsidyPolicyFactory
    existing = SubsidyPolicy.objects.filter(region=region, basis=factory.basis).first()
    return existing or factory.create(region=region)


def decision_made(
    institution: Institution,
    actor: User,
    *,
    amount: str,
    decided_on: datetime.date = datetime.date(2026, 3, 10),
    due_on: datetime.date | None = None,
    month: datetime.date | None = None,
    construction: bool = False,
    corrects: Decision | None = None,
    commit: bool = True,
) -> Decision:
    """A decision (or, with ``corrects``, a difference decision) of ``amount`` yuan, committed in the ledger
    of the institution's district on the day it is made."""
    region = district_of(institution)
    policy = policy_of(region, construction=construction)
    number = next(_numbers)
    if corrects is not None:
        claim = corrects.claim
    else:
        claim = Claim.objects.create(
            institution=institution,
            policy=policy,
            month=month or datetime.date(2000, 1, 1) + relativedelta(months=number),
            state=ClaimState.DECIDED,
            amount_yuan=Decimal(amount),
            prepared_at=at(decided_on, 9),
            submitted_at=at(decided_on, 9),
        )
    decision = Decision.objects.create(
        number=f"补决〔{decided_on.year}〕{number}号",
        claim=claim,
        kind=DecisionKind.DIFFERENCE if corrects else DecisionKind.ORIGINAL,
        corrects=corrects,
        amount_yuan=Decimal(amount),
        basis={
            "policy": policy.name,
            "source_document": policy.source_document,
            "article": policy.article,
            "rate_yuan": str(policy.rate_yuan),
            "instalments": policy.instalments,
        },
        decided_at=at(decided_on),
        decided_by=actor,
        payment_due_on=due_on or decided_on + datetime.timedelta(days=30),
    )
    if commit:
        ledger_commit(decision=decision, region=region, actor=actor, now=at(decided_on))
    return decision
