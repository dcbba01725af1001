"""The ledger's writes: the budget (allocated, reduced no lower than what is committed), commitments within
the budget, payments within what a decision commits, refunds within what is to be recovered."""

import datetime
from decimal import Decimal

import pytest

from tuoyu.accounts.models import User
from tuoyu.refusals import Refusal
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.subsidies.models import Decision, EntryKind, LedgerEntry
from tuoyu.subsidies.selectors.ledger import ledger_summary
from tuoyu.subsidies.services.ledger import (
    budget_allocate,
    budget_reduce,
    payment_record,
    refund_record,
)
from tuoyu.subsidies.tests.ledger_helpers import at, budget, decision_made

pytestmark = pytest.mark.django_db

PAID_ON = datetime.date(2026, 4, 1)


def pay(
    decision: Decision,
    actor: User,
    amount: str,
    *,
    paid_on: datetime.date = PAID_ON,
    reference: str = "BOC-20260401-0001",
    now: datetime.datetime | None = None,
) -> LedgerEntry:
    return payment_record(
        decision=decision,
        amount_yuan=Decimal(amount),
        paid_on=paid_on,
        reference=reference,
        actor=actor,
        now=now or at(datetime.date(2026, 4, 2)),
    )


def test_a_budget_allocation_is_a_budget_entry_with_its_document(
    district_a: Region, regulator_a: User
) -> None:
    entry = budget_allocate(
        region=district_a,
        year=2026,
        amount_yuan=Decimal("500000"),
        document="济财社〔2026〕5号",
        actor=regulator_a,
        now=at(datetime.date(2026, 1, 6)),
    )

    assert (entry.kind, entry.amount_yuan, entry.note, entry.year) == (
        EntryKind.BUDGET,
        Decimal("500000.00"),
        "济财社〔2026〕5号",
        2026,
    )
    assert ledger_summary(district_a, 2026).budget == Decimal("500000.00")


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_a_budget_of_nothing_or_less_is_refused(district_a: Region, regulator_a: User, amount: str) -> None:
    with pytest.raises(Refusal) as refused:
        budget_allocate(
            region=district_a, year=2026, amount_yuan=Decimal(amount), document="文件", actor=regulator_a
        )

    assert refused.value.code == "amount_not_positive"
    assert not LedgerEntry.objects.exists()


def test_a_budget_without_its_document_is_refused(district_a: Region, regulator_a: User) -> None:
    with pytest.raises(Refusal) as refused:
        budget_allocate(
            region=district_a, year=2026, amount_yuan=Decimal("1"), document="  ", actor=regulator_a
        )

    assert refused.value.code == "document_required"


def test_a_reduction_is_a_negative_budget_entry_down_to_what_is_committed(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a, "100000.00")
    decision_made(institution_x, regulator_a, amount="60000.00")

    entry = budget_reduce(
        region=district_a, year=2026, amount_yuan=Decimal("40000"), document="调减", actor=regulator_a
    )
    with pytest.raises(Refusal) as refused:
        budget_reduce(
            region=district_a, year=2026, amount_yuan=Decimal("0.01"), document="调减", actor=regulator_a
        )

    assert entry.amount_yuan == Decimal("-40000.00")
    assert refused.value.code == "budget_below_committed"
    assert "¥60,000.00" in refused.value.text
    summary = ledger_summary(district_a, 2026)
    assert (summary.budget, summary.committed, summary.remaining) == (
        Decimal("60000.00"),
        Decimal("60000.00"),
        Decimal("0.00"),
    )


def test_a_commitment_beyond_the_budget_is_refused(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a, "1000.00")

    with pytest.raises(Refusal) as refused:
        decision_made(institution_x, regulator_a, amount="1000.01")

    assert refused.value.code == "budget_exceeded"
    assert not LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).exists()


def test_a_payment_is_recorded_for_the_decisions_institution_in_its_commitments_year(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    decision = decision_made(institution_x, regulator_a, amount="9000.00")

    entry = pay(decision, regulator_a, "9000.00")

    assert (entry.kind, entry.amount_yuan, entry.institution, entry.decision, entry.year, entry.region) == (
        EntryKind.PAYMENT,
        Decimal("9000.00"),
        institution_x,
        decision,
        2026,
        district_a,
    )
    assert entry.reference == "BOC-20260401-0001"
    assert ledger_summary(district_a, 2026).unpaid == Decimal("0.00")


def test_a_payment_beyond_the_commitment_is_refused(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    decision = decision_made(institution_x, regulator_a, amount="9000.00")
    pay(decision, regulator_a, "5000.00")

    with pytest.raises(Refusal) as refused:
        pay(decision, regulator_a, "4000.01")

    assert (refused.value.code, refused.value.conflict) == ("payment_exceeds_commitment", True)
    assert "¥4,000.00" in refused.value.text
    assert ledger_summary(district_a, 2026).paid == Decimal("5000.00")


def test_a_difference_decision_raises_or_lowers_what_may_be_paid(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    decision = decision_made(institution_x, regulator_a, amount="9000.00")
    decision_made(institution_x, regulator_a, amount="600.00", corrects=decision)
    clawback = decision_made(institution_x, regulator_a, amount="-300.00", corrects=decision)

    entry = pay(clawback, regulator_a, "9300.00")  # recorded against the original

    assert entry.decision == decision
    with pytest.raises(Refusal):
        pay(decision, regulator_a, "0.01")


def test_a_clawback_after_full_payment_is_recovered_by_a_refund_a_negative_payment(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    decision = decision_made(institution_x, regulator_a, amount="9000.00")
    pay(decision, regulator_a, "9000.00")
    clawback = decision_made(
        institution_x, regulator_a, amount="-300.00", corrects=decision, decided_on=datetime.date(2026, 5, 1)
    )

    with pytest.raises(Refusal) as too_much:
        refund_record(
            decision=clawback,
            amount_yuan=Decimal("300.01"),
            paid_on=datetime.date(2026, 5, 20),
            reference="退回-001",
            actor=regulator_a,
        )
    refund = refund_record(
        decision=clawback,
        amount_yuan=Decimal("300.00"),
        paid_on=datetime.date(2026, 5, 20),
        reference="退回-001",
        actor=regulator_a,
    )

    assert too_much.value.code == "refund_exceeds_recoverable"
    assert (refund.kind, refund.amount_yuan, refund.decision) == (
        EntryKind.PAYMENT,
        Decimal("-300.00"),
        decision,
    )
    commitments = LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).order_by("pk")
    assert [entry.amount_yuan for entry in commitments] == [Decimal("9000.00"), Decimal("-300.00")]
    summary = ledger_summary(district_a, 2026)
    assert (summary.committed, summary.paid, summary.unpaid) == (
        Decimal("8700.00"),
        Decimal("8700.00"),
        Decimal("0.00"),
    )


def test_nothing_is_to_be_recovered_from_a_decision_not_overpaid(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    decision = decision_made(institution_x, regulator_a, amount="9000.00")

    with pytest.raises(Refusal) as refused:
        refund_record(
            decision=decision,
            amount_yuan=Decimal("1"),
            paid_on=PAID_ON,
            reference="退回-002",
            actor=regulator_a,
        )

    assert refused.value.code == "refund_exceeds_recoverable"


def test_a_payment_dated_tomorrow_is_refused(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    decision = decision_made(institution_x, regulator_a, amount="9000.00")

    with pytest.raises(Refusal) as refused:
        pay(
            decision,
            regulator_a,
            "1.00",
            paid_on=datetime.date(2026, 4, 3),
            now=at(datetime.date(2026, 4, 2)),
        )

    assert refused.value.code == "paid_on_in_future"


def test_a_payment_without_the_vouchers_number_is_refused(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    decision = decision_made(institution_x, regulator_a, amount="9000.00")

    with pytest.raises(Refusal) as refused:
        pay(decision, regulator_a, "1.00", reference=" ")

    assert refused.value.code == "reference_required"
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_a_decision_never_committed_cannot_be_paid(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    decision = decision_made(institution_x, regulator_a, amount="9000.00", commit=False)

    with pytest.raises(Refusal) as refused:
        pay(decision, regulator_a, "1.00")

    assert refused.value.code == "decision_not_committed"
