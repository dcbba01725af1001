"""The subsidy ledger is append-only in the database itself (SQLite and PostgreSQL): an UPDATE or DELETE is
refused from the ORM and from raw SQL; a correction is a new entry."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from tuoyu.accounts.models import User
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.subsidies.models import EntryKind, LedgerEntry
from tuoyu.subsidies.tests.ledger_helpers import budget, decision_made

pytestmark = pytest.mark.django_db


def refused(action: Callable[[], object]) -> bool:
    try:
        with transaction.atomic():
            action()
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


def raw(sql: str) -> Callable[[], None]:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)

    return run


@pytest.fixture
def entry(district_a: Region, regulator_a: User) -> LedgerEntry:
    return budget(district_a, regulator_a, "1000.00")


def test_the_orm_cannot_change_or_delete_an_entry(entry: LedgerEntry) -> None:
    rows = LedgerEntry.objects.filter(pk=entry.pk)

    assert refused(lambda: rows.update(amount_yuan=Decimal("2000.00")))
    assert refused(lambda: rows.update(note="改了"))
    assert refused(lambda: rows.delete())
    assert refused(lambda: entry.delete())
    entry.amount_yuan = Decimal("1.00")
    assert refused(lambda: entry.save())
    assert LedgerEntry.objects.get(pk=entry.pk).amount_yuan == Decimal("1000.00")


def test_raw_sql_cannot_change_or_delete_an_entry(entry: LedgerEntry) -> None:
    assert refused(raw("UPDATE subsidies_ledgerentry SET amount_yuan = 0"))
    assert refused(raw("UPDATE subsidies_ledgerentry SET reference = reference"))
    assert refused(raw("DELETE FROM subsidies_ledgerentry"))
    assert LedgerEntry.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_truncate_is_refused_on_postgresql(entry: LedgerEntry) -> None:
    def truncate() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE subsidies_ledgerentry CASCADE")

    assert refused(truncate)


def test_a_clawback_is_a_new_negative_entry_and_the_original_stays(
    institution_x: Institution, district_a: Region, regulator_a: User
) -> None:
    budget(district_a, regulator_a)
    decision = decision_made(institution_x, regulator_a, amount="9000.00")

    decision_made(institution_x, regulator_a, amount="-1200.00", corrects=decision)

    commitments = LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).order_by("pk")
    assert [(c.decision_id, c.amount_yuan) for c in commitments] == [
        (decision.pk, Decimal("9000.00")),
        (decision.corrections.get().pk, Decimal("-1200.00")),
    ]


def test_a_budget_entry_of_zero_is_refused_by_the_database(district_a: Region, regulator_a: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        budget(district_a, regulator_a, "0.00")
