"""The ledger's pages: the ledger and dashboard for the district's regulator (404 for others), the budget
and payment forms, the exports and the yearly PDF; directors read their own decisions' payment state."""

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from tuoyu.accounts.models import User
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.subsidies.models import Decision, EntryKind, LedgerEntry
from tuoyu.subsidies.tests.ledger_helpers import budget, decision_made

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


@pytest.fixture
def decision(institution_x: Institution, district_a: Region, regulator_a: User) -> Decision:
    budget(district_a, regulator_a, "1234567.00")
    return decision_made(
        institution_x,
        regulator_a,
        amount="9000.00",
        month=datetime.date(2026, 2, 1),
        due_on=datetime.date(2026, 4, 9),
    )


def sheet(response: object) -> list[tuple[object, ...]]:
    workbook = load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    active = workbook.active
    assert active is not None
    return list(active.iter_rows(values_only=True))


def test_the_ledger_shows_the_figures_with_thousands_separators(
    client_as: ClientAs, decision: Decision
) -> None:
    response = client_as("regulator_a").get("/subsidies/ledger/", {"year": "2026"})

    text = response.content.decode()
    assert response.status_code == 200
    assert "¥1,234,567.00" in text and "¥9,000.00" in text and "¥1,225,567.00" in text
    assert decision.number in text


@pytest.mark.parametrize(
    "url", ["/subsidies/ledger/", "/subsidies/dashboard/", "/subsidies/claims.xlsx", "/subsidies/yearly.pdf"]
)
@pytest.mark.parametrize("persona", ["director_x", "guardian", "caregiver_x"])
def test_no_one_but_a_regulator_reaches_the_ledger(
    client_as: ClientAs, decision: Decision, url: str, persona: str
) -> None:
    assert client_as(persona).get(url).status_code == 404


def test_another_districts_regulator_gets_404_for_this_district(
    client_as: ClientAs, decision: Decision
) -> None:
    client = client_as("regulator_b")

    assert client.get("/subsidies/ledger/", {"region": "990101"}).status_code == 404
    own = client.get("/subsidies/ledger/")
    assert own.status_code == 200 and decision.number not in own.content.decode()


def test_a_malformed_year_is_a_400(client_as: ClientAs, decision: Decision) -> None:
    assert client_as("regulator_a").get("/subsidies/ledger/", {"year": "20x6"}).status_code == 400


def test_the_budget_form_records_only_when_confirmed(client_as: ClientAs, decision: Decision) -> None:
    client = client_as("regulator_a")
    body = {
        "region": "990101",
        "year": "2026",
        "change": "allocate",
        "amount_yuan": "5000",
        "document": "追加",
    }

    unconfirmed = client.post("/subsidies/ledger/budget/", body)
    confirmed = client.post("/subsidies/ledger/budget/", {**body, "confirm": "on"})

    assert unconfirmed.status_code == 200
    assert confirmed.status_code == 302
    assert LedgerEntry.objects.filter(kind=EntryKind.BUDGET).count() == 2


def test_the_payment_form_offers_decisions_with_an_amount_due_and_shows_a_refusal(
    client_as: ClientAs, decision: Decision
) -> None:
    client = client_as("regulator_a")

    form = client.get("/subsidies/ledger/payment/")
    body = {"decision": str(decision.code), "paid_on": "2026-04-01", "reference": "BOC-9"}
    refused = client.post("/subsidies/ledger/payment/", {**body, "amount_yuan": "9000.01"}, follow=True)
    paid = client.post("/subsidies/ledger/payment/", {**body, "amount_yuan": "9000.00"})

    assert "still due ¥9,000.00" in form.content.decode()
    assert "at most ¥9,000.00 more can be paid" in refused.content.decode()
    assert paid.status_code == 302
    assert LedgerEntry.objects.get(kind=EntryKind.PAYMENT).amount_yuan == Decimal("9000.00")


def test_the_dashboard_lists_overdue_payments_first(client_as: ClientAs, decision: Decision) -> None:
    text = client_as("regulator_a").get("/subsidies/dashboard/", {"year": "2026"}).content.decode()

    assert f'data-overdue="{decision.number}"' in text
    assert text.index("data-overdue") < text.index("data-institution")


def test_the_exports_list_the_years_ledger_claims_and_decisions(
    client_as: ClientAs, decision: Decision
) -> None:
    client = client_as("regulator_a")

    ledger = sheet(client.get("/subsidies/ledger/", {"year": "2026", "format": "xlsx"}))
    claims = sheet(client.get("/subsidies/claims.xlsx", {"year": "2026"}))
    decisions = sheet(client.get("/subsidies/decisions.xlsx", {"year": "2026"}))
    institutions = sheet(client.get("/subsidies/dashboard/", {"year": "2026", "format": "xlsx"}))

    assert [row[4] for row in ledger[1:]] == ["1234567.00", "9000.00"]
    assert claims[1][:6] == ("星星托育园", "普惠托育机构运营补助", "2026-02", "Decided", 0, "9000.00")
    assert decisions[1][:5] == (decision.number, "Decision", None, "星星托育园", "9000.00")
    assert institutions[1][:3] == ("星星托育园", "9000.00", "0.00")


def test_the_yearly_summary_is_a_pdf(client_as: ClientAs, decision: Decision) -> None:
    response = client_as("regulator_a").get("/subsidies/yearly.pdf", {"year": "2026"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_director_reads_their_own_decisions_payment_state_only(
    client_as: ClientAs, decision: Decision, institution_y: Institution, regulator_a: User
) -> None:
    other = decision_made(institution_y, regulator_a, amount="100.00")

    text = client_as("director_x").get("/subsidies/ledger/payments/").content.decode()

    assert decision.number in text and other.number not in text
    assert client_as("guardian").get("/subsidies/ledger/payments/").status_code == 404
