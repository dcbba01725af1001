"""Guided prices: dated rows added by the district's regulator, never edited; FEE-01 finds an inclusive
institution's monthly price above the one in force, and not one at or below it."""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.fees.models import GuidedPrice
from tuoyu.fees.rules import price_above_guided
from tuoyu.fees.services import guided_price_add
from tuoyu.refusals import Refusal
from tuoyu.regions.models import Region
from tuoyu.registry.factories import ServiceOfferingFactory
from tuoyu.registry.models import Institution
from tuoyu.rules import RULES, Severity

TODAY = datetime.date(2026, 11, 25)


def add(
    region: Region, actor: User, price: str, day: datetime.date, service: str = "full_day"
) -> GuidedPrice:
    return guided_price_add(
        region=region,
        service_type=service,
        price_yuan=Decimal(price),
        effective_from=day,
        source_document="演示：区发改委普惠托育指导价",
        is_demo_value=True,
        actor=actor,
    )


@pytest.mark.django_db
def test_a_later_row_replaces_the_price_and_a_duplicate_day_is_refused(
    district_a: Region, regulator_a: User
) -> None:
    from tuoyu.fees.selectors import guided_price_on

    add(district_a, regulator_a, "1800", datetime.date(2026, 1, 1))
    add(district_a, regulator_a, "1900", datetime.date(2026, 9, 1))
    before, now = (
        guided_price_on(district_a, "full_day", datetime.date(2026, 8, 31)),
        guided_price_on(district_a, "full_day", TODAY),
    )
    assert before is not None and before.price_yuan == Decimal("1800")
    assert now is not None and now.price_yuan == Decimal("1900")
    with pytest.raises(Refusal) as refused:
        add(district_a, regulator_a, "2000", datetime.date(2026, 9, 1))
    assert refused.value.code == "guided_price_duplicate"
    with pytest.raises(Refusal) as refused:
        add(district_a, regulator_a, "50", datetime.date(2026, 9, 1), service="hourly")
    assert refused.value.code == "guided_price_service_type"


@pytest.mark.django_db
def test_guided_prices_by_the_districts_regulator_only(
    district_a: Region, api_as: Callable[[str], APIClient]
) -> None:
    body = {
        "region": district_a.code,
        "service_type": "full_day",
        "price_yuan": "1800.00",
        "effective_from": "2026-01-01",
        "source_document": "演示值",
        "is_demo_value": True,
    }
    assert api_as("regulator_b").post("/api/v1/fees/guided-prices/", body, format="json").status_code == 404
    assert api_as("director_x").get("/api/v1/fees/guided-prices/").status_code == 404
    created = api_as("regulator_a").post("/api/v1/fees/guided-prices/", body, format="json")
    assert created.status_code == 201
    again = api_as("regulator_a").post("/api/v1/fees/guided-prices/", body, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "guided_price_duplicate")
    assert api_as("regulator_b").get("/api/v1/fees/guided-prices/").json() == []
    (row,) = api_as("regulator_a").get("/api/v1/fees/guided-prices/").json()
    assert (row["price_yuan"], row["is_demo_value"]) == ("1800.00", True)


@pytest.mark.django_db
def test_the_guided_prices_page(
    client_as: Callable[[str], object], district_a: Region, regulator_a: User
) -> None:
    add(district_a, regulator_a, "1800", datetime.date(2026, 1, 1))
    page = client_as("regulator_a").get("/fees/guided-prices/")  # type: ignore[attr-defined]
    assert "¥1,800.00" in page.content.decode() and "data-demo-value" in page.content.decode()
    assert client_as("director_x").get("/fees/guided-prices/").status_code == 404  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.parametrize(("price", "found"), [("1900.00", True), ("1800.00", False), ("1700.00", False)])
def test_fee_01_finds_a_price_above_the_guided_price_only(
    institution_x: Institution, district_a: Region, regulator_a: User, price: str, found: bool
) -> None:
    add(district_a, regulator_a, "1800", datetime.date(2026, 1, 1))
    ServiceOfferingFactory.create(institution=institution_x, price_yuan=Decimal(price))
    detected = list(price_above_guided(institution_x, TODAY))
    assert bool(detected) is found
    if found:
        assert "¥1,900.00" in detected[0].evidence and "¥1,800.00" in detected[0].evidence
    assert RULES["FEE-01"].severity == Severity.VIOLATION


@pytest.mark.django_db
def test_fee_01_leaves_a_private_institution_alone(
    institution_y: Institution, district_a: Region, regulator_a: User
) -> None:
    add(district_a, regulator_a, "1800", datetime.date(2026, 1, 1))
    ServiceOfferingFactory.create(institution=institution_y, price_yuan=Decimal("2500"))
    assert list(price_above_guided(institution_y, TODAY)) == []
