"""The ledger's API: the contract of GET regions/{code}/subsidy-ledger/, who may read it, the year parameter,
and the budget, payment and dashboard endpoints through the same services."""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.subsidies.models import EntryKind, LedgerEntry
from tuoyu.subsidies.tests.ledger_helpers import budget, decision_made

pytestmark = pytest.mark.django_db
ApiAs = Callable[[str], APIClient]


@pytest.fixture
def decided(institution_x: Institution, district_a: Region, regulator_a: User) -> LedgerEntry:
    budget(district_a, regulator_a, "500000.00")
    decision = decision_made(institution_x, regulator_a, amount="9000.00", due_on=datetime.date(2026, 4, 9))
    return LedgerEntry.objects.get(decision=decision)


def test_the_ledger_answers_exactly_the_contract(api_as: ApiAs, decided: LedgerEntry) -> None:
    response = api_as("regulator_a").get("/api/v1/regions/990101/subsidy-ledger/", {"year": "2026"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"budget", "committed", "paid", "entries"}
    assert (body["budget"], body["committed"], body["paid"]) == ("500000.00", "9000.00", "0.00")
    assert [set(entry) for entry in body["entries"]] == [
        {"kind", "amount", "decision", "institution", "paid_on", "reference", "recorded_at"}
    ] * 2
    budget_row, commitment = body["entries"]
    assert (budget_row["kind"], budget_row["decision"], budget_row["institution"]) == ("budget", None, None)
    assert (commitment["kind"], commitment["amount"], commitment["decision"], commitment["institution"]) == (
        "commitment",
        "9000.00",
        decided.decision.number,  # type: ignore[union-attr]
        "星星托育园",
    )


@pytest.mark.parametrize("persona", ["regulator_b", "director_x", "guardian", "caregiver_x"])
def test_anyone_but_the_districts_regulator_gets_404(
    api_as: ApiAs, decided: LedgerEntry, persona: str
) -> None:
    assert api_as(persona).get("/api/v1/regions/990101/subsidy-ledger/", {"year": "2026"}).status_code == 404


@pytest.mark.parametrize("year", [None, "", "26", "2026x", "abcd", "1800"])
def test_a_missing_or_malformed_year_is_a_400_naming_the_parameter(
    api_as: ApiAs, district_a: Region, year: str | None
) -> None:
    params = {} if year is None else {"year": year}
    response = api_as("regulator_a").get("/api/v1/regions/990101/subsidy-ledger/", params)

    assert response.status_code == 400
    assert "year" in response.json()["detail"]


def test_the_budget_is_recorded_and_reduced_through_the_api(api_as: ApiAs, decided: LedgerEntry) -> None:
    api = api_as("regulator_a")
    url = "/api/v1/regions/990101/subsidy-ledger/budget/"

    added = api.post(url, {"year": 2026, "amount_yuan": "1000.00", "document": "追加"}, format="json")
    too_much = api.post(
        url, {"year": 2026, "amount_yuan": "492000.01", "document": "调减", "reduction": True}, format="json"
    )

    assert added.status_code == 201 and added.json()["amount"] == "1000.00"
    assert (too_much.status_code, too_much.json()["code"]) == (409, "budget_below_committed")
    assert LedgerEntry.objects.filter(kind=EntryKind.BUDGET).count() == 2


def test_a_payment_beyond_the_commitment_is_a_409_and_one_within_it_201(
    api_as: ApiAs, decided: LedgerEntry
) -> None:
    api = api_as("regulator_a")
    url = f"/api/v1/subsidy-decisions/{decided.decision.code}/payments/"  # type: ignore[union-attr]
    body = {"paid_on": "2026-04-01", "reference": "BOC-1"}

    over = api.post(url, {**body, "amount_yuan": "9000.01"}, format="json")
    paid = api.post(url, {**body, "amount_yuan": "9000.00"}, format="json")

    assert (over.status_code, over.json()["code"]) == (409, "payment_exceeds_commitment")
    assert paid.status_code == 201
    assert (paid.json()["kind"], paid.json()["paid_on"], paid.json()["reference"]) == (
        "payment",
        "2026-04-01",
        "BOC-1",
    )


@pytest.mark.parametrize("persona", ["regulator_b", "director_x"])
def test_only_the_districts_regulator_records_payments(
    api_as: ApiAs, decided: LedgerEntry, persona: str
) -> None:
    url = f"/api/v1/subsidy-decisions/{decided.decision.code}/payments/"  # type: ignore[union-attr]
    body = {"paid_on": "2026-04-01", "reference": "BOC-1", "amount_yuan": "1.00"}

    assert api_as(persona).post(url, body, format="json").status_code == 404
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_the_dashboard_lists_the_overdue_payment_and_the_figures(api_as: ApiAs, decided: LedgerEntry) -> None:
    response = api_as("regulator_a").get("/api/v1/regions/990101/subsidy-dashboard/", {"year": "2026"})

    assert response.status_code == 200
    body = response.json()
    assert (body["budget"], body["committed"], body["remaining"]) == ("500000.00", "9000.00", "491000.00")
    (overdue,) = body["overdue"]
    assert (overdue["due_on"], overdue["unpaid"]) == ("2026-04-09", "9000.00")
    assert overdue["days_overdue"] == (datetime.date(2026, 11, 25) - datetime.date(2026, 4, 9)).days
    assert body["institutions"][0]["committed"] == str(Decimal("9000.00"))
