"""Two regulators deciding the same claim at the same moment make one decision. On PostgreSQL the claim's
row lock makes the second wait and then see it decided; on SQLite the IMMEDIATE transaction mode queues the
writers at BEGIN; either way the unique constraint ``decision_one_original_per_claim`` stands behind them and
its violation is the same refusal."""

from functools import partial

import pytest
from django.db import connection
from django.utils import timezone

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.enrolment.tests.helpers import run_together
from tuoyu.refusals import Refusal
from tuoyu.regions.models import Region
from tuoyu.registry.models import CareClass
from tuoyu.subsidies.models import Claim, Decision, DecisionKind, LedgerEntry, SubsidyPolicy
from tuoyu.subsidies.services.claims import claim_prepare, claim_submit
from tuoyu.subsidies.services.decisions import basis_of, claim_decide
from tuoyu.subsidies.tests.conftest import OCTOBER, Attend, Place, october_days


def submitted_claim(
    class_x: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend, director: User
) -> Claim:
    attend(place(class_x), october_days(12))
    claim = claim_prepare(institution=class_x.institution, policy=policy, month=OCTOBER)
    return claim_submit(claim=claim, actor=director)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_two_regulators_deciding_at_once_make_one_decision(
    vendor: str,
    class_x: CareClass,
    policy: SubsidyPolicy,
    place: Place,
    attend: Attend,
    director_x: User,
    regulator_a: User,
    district_a: Region,
    budget: None,
) -> None:
    if connection.vendor != vendor:
        pytest.skip(f"runs on {vendor}; this run uses {connection.vendor}")
    claim = submitted_claim(class_x, policy, place, attend, director_x)
    second = UserFactory.create(display_name="甲区监管员二")
    RoleAssignmentFactory.create(user=second, role=Role.REGULATOR, region=district_a)

    outcomes = run_together([partial(claim_decide, claim=claim, actor=who) for who in (regulator_a, second)])

    decisions = [o for o in outcomes if isinstance(o, Decision)]
    refusals = [o for o in outcomes if isinstance(o, Refusal)]
    assert len(decisions) == 1 and len(refusals) == 1, outcomes
    assert refusals[0].code == "claim_already_decided"
    assert Decision.objects.count() == 1 and LedgerEntry.objects.filter(kind="commitment").count() == 1


@pytest.mark.django_db
def test_a_second_original_decision_that_slips_past_the_state_is_refused_by_the_constraint(
    class_x: CareClass,
    policy: SubsidyPolicy,
    place: Place,
    attend: Attend,
    director_x: User,
    regulator_a: User,
    budget: None,
) -> None:
    claim = submitted_claim(class_x, policy, place, attend, director_x)
    # Another decider's row, committed while this claim still reads as submitted.
    Decision.objects.create(
        number="甲区托育补〔2026〕999号",
        claim=claim,
        kind=DecisionKind.ORIGINAL,
        amount_yuan=claim.amount_yuan,
        basis=basis_of(policy),
        decided_at=timezone.now(),
        decided_by=regulator_a,
        payment_due_on=timezone.localdate(),
    )

    with pytest.raises(Refusal) as refused:
        claim_decide(claim=claim, actor=regulator_a)

    assert (refused.value.code, refused.value.conflict) == ("claim_already_decided", True)
    assert Decision.objects.count() == 1
