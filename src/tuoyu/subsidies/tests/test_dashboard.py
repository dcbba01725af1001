"""The year's figures: days from decision to payment, the share paid on time, overdue instalments."""

import datetime
from decimal import Decimal

import pytest

from tuoyu.accounts.models import User
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.subsidies.selectors.ledger import payments_by_institution, payments_overall, payments_overdue
from tuoyu.subsidies.services.ledger import payment_record
from tuoyu.subsidies.tests.ledger_helpers import at, budget, decision_made

pytestmark = pytest.mark.django_db


def pay(decision: object, actor: User, amount: str, on: datetime.date) -> None:
    payment_record(
        decision=decision,  # type: ignore[arg-type]
        amount_yuan=Decimal(amount),
        paid_on=on,
        reference=f"V{on:%m%d}{amount}",
        actor=actor,
        now=at(on),
    )


def test_days_from_decision_to_payment_count_to_the_last_payment_of_a_fully_paid_decision(
    institution_x: Institution, institution_y: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    march = datetime.date(2026, 3, 10)
    quick = decision_made(institution_x, regulator_a, amount="1000.00", decided_on=march)
    slow = decision_made(institution_x, regulator_a, amount="2000.00", decided_on=march)
    partly = decision_made(institution_y, regulator_a, amount="3000.00", decided_on=march)
    pay(quick, regulator_a, "1000.00", datetime.date(2026, 3, 20))  # 10 days, on time
    pay(slow, regulator_a, "500.00", datetime.date(2026, 3, 25))
    pay(slow, regulator_a, "1500.00", datetime.date(2026, 5, 9))  # 60 days, late (due 04-09)
    pay(partly, regulator_a, "1000.00", datetime.date(2026, 3, 20))  # not fully paid: no days

    x, y = payments_by_institution(district_a, 2026)  # by name: 星星 before 月亮

    assert (x.institution, y.institution) == (institution_x, institution_y)
    assert sorted(x.days) == [10, 60]
    assert (x.average_days, x.max_days, x.on_time_percent) == (Decimal("35.0"), 60, 50)
    assert (x.committed, x.paid) == (Decimal("3000.00"), Decimal("3000.00"))
    # Past its due date and not paid in full: no days to payment yet, and not on time.
    assert (y.days, y.average_days, y.on_time_percent, y.unpaid) == ([], None, 0, Decimal("2000.00"))
    overall = payments_overall([x, y])
    assert (overall.paid_decisions, overall.on_time, overall.committed) == (2, 1, Decimal("6000.00"))
    assert (overall.due_decisions, overall.on_time_percent) == (3, 33)


def test_an_unpaid_operating_decision_is_overdue_the_day_after_its_due_date(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    decision = decision_made(
        institution_x,
        regulator_a,
        amount="9000.00",
        decided_on=datetime.date(2026, 3, 10),
        due_on=datetime.date(2026, 4, 9),
    )
    pay(decision, regulator_a, "4000.00", datetime.date(2026, 4, 1))

    assert payments_overdue(district_a, datetime.date(2026, 4, 9)) == []
    (row,) = payments_overdue(district_a, datetime.date(2026, 4, 19))

    assert (row.decision, row.instalment, row.instalments, row.due_on) == (
        decision,
        1,
        1,
        datetime.date(2026, 4, 9),
    )
    assert (row.due_yuan, row.unpaid_yuan, row.days_overdue) == (Decimal("9000.00"), Decimal("5000.00"), 10)


def test_a_construction_decisions_instalments_fall_due_twelve_months_apart(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    decision = decision_made(
        institution_x,
        regulator_a,
        amount="100000.00",
        construction=True,  # 60 % then 40 %
        decided_on=datetime.date(2026, 3, 10),
        due_on=datetime.date(2026, 4, 9),
    )

    first = payments_overdue(district_a, datetime.date(2026, 5, 1))
    pay(decision, regulator_a, "60000.00", datetime.date(2026, 5, 2))
    none_yet = payments_overdue(district_a, datetime.date(2027, 4, 9))
    second = payments_overdue(district_a, datetime.date(2027, 4, 12))

    assert [(row.instalment, row.unpaid_yuan, row.days_overdue) for row in first] == [
        (1, Decimal("60000.00"), 22)
    ]
    assert none_yet == []
    assert [(row.instalment, row.instalments, row.due_on, row.unpaid_yuan) for row in second] == [
        (2, 2, datetime.date(2027, 4, 9), Decimal("40000.00"))
    ]


def test_a_clawback_lowers_what_is_overdue(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    decision = decision_made(institution_x, regulator_a, amount="9000.00", due_on=datetime.date(2026, 4, 9))
    decision_made(institution_x, regulator_a, amount="-9000.00", corrects=decision)

    assert payments_overdue(district_a, datetime.date(2026, 6, 1)) == []


def test_a_decision_past_its_due_date_and_unpaid_counts_as_not_paid_on_time(
    district_a: Region, institution_x: Institution, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    paid = decision_made(institution_x, regulator_a, amount="3000.00", decided_on=datetime.date(2026, 3, 10))
    pay(paid, regulator_a, "3000.00", datetime.date(2026, 3, 20))  # due 04-09: on time
    decision_made(institution_x, regulator_a, amount="1000.00", decided_on=datetime.date(2026, 4, 10))

    (row,) = payments_by_institution(district_a, 2026, today=datetime.date(2026, 11, 25))

    assert (row.on_time, row.late_unpaid, row.due_decisions, row.on_time_percent) == (1, 1, 2, 50)
    (before,) = payments_by_institution(district_a, 2026, today=datetime.date(2026, 4, 11))
    assert (before.late_unpaid, before.on_time_percent) == (0, 100)  # due 05-10: not yet
