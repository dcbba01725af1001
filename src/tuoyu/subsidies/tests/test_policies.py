"""Subsidy policies kept by the district's regulator: created, edited while unused, ended; each refusal, the
scope (another district and the director get 404) and the demo-value badge."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.subsidies.factories import ConstructionPolicyFactory, SubsidyPolicyFactory
from tuoyu.subsidies.models import Basis, Claim, SubsidyPolicy
from tuoyu.subsidies.selectors.policies import policy_in_force
from tuoyu.subsidies.services.policies import policy_create, policy_end, policy_update

pytestmark = pytest.mark.django_db

ApiAs = Callable[[str], APIClient]
ClientAs = Callable[[str], Client]


def fields(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "普惠托育机构运营补助",
        "basis": Basis.PER_CHILD_MONTH,
        "rate_yuan": Decimal("300.00"),
        "holding_severities": ["block"],
        "effective_from": datetime.date(2027, 1, 1),
        "source_document": "演示用补助标准",
        "is_demo_value": True,
    }
    return {**base, **changes}


@pytest.fixture
def operating(district_a: Region) -> SubsidyPolicy:
    return SubsidyPolicyFactory.create(region=district_a, effective_from=datetime.date(2026, 1, 1))


def claim_under(policy: SubsidyPolicy, institution: Institution, month: datetime.date) -> Claim:
    return Claim.objects.create(
        institution=institution, policy=policy, month=month, prepared_at=timezone.now()
    )


def test_the_regulator_creates_a_policy(regulator_a: User, district_a: Region) -> None:
    policy = policy_create(region=district_a, actor=regulator_a, **fields())
    assert policy.rate_yuan == Decimal("300.00")
    assert policy.created_by == regulator_a
    assert policy_in_force(district_a, Basis.PER_CHILD_MONTH, datetime.date(2027, 3, 1)) == policy
    assert policy_in_force(district_a, Basis.PER_CHILD_MONTH, datetime.date(2026, 12, 31)) is None


def test_a_rate_of_zero_is_refused(regulator_a: User, district_a: Region) -> None:
    with pytest.raises(Refusal) as refusal:
        policy_create(region=district_a, actor=regulator_a, **fields(rate_yuan=Decimal("0")))
    assert refusal.value.code == "policy_rate_invalid"


@pytest.mark.parametrize("instalments", [[], [60, 30], [60, 50], [100, 0]])
def test_construction_instalments_must_add_up_to_100(
    regulator_a: User, district_a: Region, instalments: list[int]
) -> None:
    with pytest.raises(Refusal) as refusal:
        policy_create(
            region=district_a,
            actor=regulator_a,
            **fields(basis=Basis.PER_NEW_PLACE, rate_yuan=Decimal("10000"), instalments=instalments),
        )
    assert refusal.value.code == "policy_instalments_invalid"


def test_an_unknown_severity_is_refused(regulator_a: User, district_a: Region) -> None:
    with pytest.raises(Refusal) as refusal:
        policy_create(region=district_a, actor=regulator_a, **fields(holding_severities=["fatal"]))
    assert refusal.value.code == "policy_severity_invalid"


def test_two_policies_of_one_basis_in_force_the_same_day_are_refused(
    regulator_a: User, operating: SubsidyPolicy
) -> None:
    with pytest.raises(Refusal) as refusal:
        policy_create(region=operating.region, actor=regulator_a, **fields())  # the first runs without end
    assert refusal.value.code == "policy_overlap"
    # Another basis the same day is fine; so is the same basis once the first has ended.
    policy_create(
        region=operating.region,
        actor=regulator_a,
        **fields(basis=Basis.PER_NEW_PLACE, rate_yuan=Decimal("10000"), instalments=[60, 40]),
    )
    policy_end(policy=operating, effective_to=datetime.date(2026, 12, 31), actor=regulator_a)
    follower = policy_create(region=operating.region, actor=regulator_a, **fields())
    assert policy_in_force(operating.region, Basis.PER_CHILD_MONTH, datetime.date(2026, 12, 31)) == operating
    assert policy_in_force(operating.region, Basis.PER_CHILD_MONTH, datetime.date(2027, 1, 1)) == follower


def test_a_policy_no_claim_uses_is_edited(regulator_a: User, operating: SubsidyPolicy) -> None:
    policy_update(policy=operating, actor=regulator_a, rate_yuan=Decimal("350.00"))
    operating.refresh_from_db()
    assert operating.rate_yuan == Decimal("350.00")


def test_a_policy_a_claim_uses_is_not_edited(
    regulator_a: User, operating: SubsidyPolicy, institution_x: Institution
) -> None:
    claim_under(operating, institution_x, datetime.date(2026, 10, 1))
    with pytest.raises(Refusal) as refusal:
        policy_update(policy=operating, actor=regulator_a, rate_yuan=Decimal("350.00"))
    assert refusal.value.code == "policy_in_use"
    assert "End it" in refusal.value.text
    operating.refresh_from_db()
    assert operating.rate_yuan == Decimal("300.00")


def test_a_policy_cannot_end_before_it_starts(regulator_a: User, operating: SubsidyPolicy) -> None:
    with pytest.raises(Refusal) as refusal:
        policy_end(policy=operating, effective_to=datetime.date(2025, 12, 31), actor=regulator_a)
    assert refusal.value.code == "policy_end_before_start"


def test_a_policy_cannot_end_before_the_last_month_claimed(
    regulator_a: User, operating: SubsidyPolicy, institution_x: Institution
) -> None:
    claim_under(operating, institution_x, datetime.date(2026, 10, 1))
    with pytest.raises(Refusal) as refusal:
        policy_end(policy=operating, effective_to=datetime.date(2026, 10, 15), actor=regulator_a)
    assert refusal.value.code == "policy_end_before_claims"
    policy_end(policy=operating, effective_to=datetime.date(2026, 10, 31), actor=regulator_a)
    operating.refresh_from_db()
    assert operating.effective_to == datetime.date(2026, 10, 31)


def test_another_districts_regulator_and_the_director_may_not(
    regulator_b: User, director_x: User, operating: SubsidyPolicy
) -> None:
    for actor in (regulator_b, director_x):
        with pytest.raises(NotPermitted):
            policy_update(policy=operating, actor=actor, rate_yuan=Decimal("1"))
        with pytest.raises(NotPermitted):
            policy_create(region=operating.region, actor=actor, **fields())


def test_the_list_shows_the_demo_value_badge_and_the_status(
    client_as: ClientAs, operating: SubsidyPolicy, district_a: Region
) -> None:
    ConstructionPolicyFactory.create(
        region=district_a, effective_from=datetime.date(2027, 1, 1), is_demo_value=False, name="正式建设补助"
    )
    page = client_as("regulator_a").get("/subsidies/policies/").content.decode()
    assert page.count("data-demo-value") == 1
    assert "演示值" in page
    assert f'data-policy="{operating.code}" data-status="in_force"' in page
    assert 'data-status="future"' in page
    assert "¥300.00" in page


def test_the_page_creates_and_refuses_with_the_reason(client_as: ClientAs, district_a: Region) -> None:
    client = client_as("regulator_a")
    form = {
        "region": district_a.code,
        "name": "普惠托位建设补助",
        "basis": Basis.PER_NEW_PLACE,
        "rate_yuan": "10000",
        "min_attendance_days": "10",
        "instalments": "60，30",
        "effective_from": "2027-01-01",
        "source_document": "演示用补助标准",
        "is_demo_value": "on",
    }
    refused = client.post("/subsidies/policies/new/", form, follow=True)
    assert "add up to 100" in refused.content.decode()
    assert not SubsidyPolicy.objects.exists()
    response = client.post("/subsidies/policies/new/", {**form, "instalments": "60,40"})
    assert response.status_code == 302
    assert SubsidyPolicy.objects.get().instalments == [60, 40]


def test_the_page_ends_a_policy(client_as: ClientAs, operating: SubsidyPolicy) -> None:
    client = client_as("regulator_a")
    response = client.post(f"/subsidies/policies/{operating.code}/end/", {"effective_to": "2026-12-31"})
    assert response.status_code == 302
    operating.refresh_from_db()
    assert operating.effective_to == datetime.date(2026, 12, 31)


@pytest.mark.parametrize("persona", ["regulator_b", "director_x", "guardian"])
def test_outsiders_get_404_on_pages(client_as: ClientAs, operating: SubsidyPolicy, persona: str) -> None:
    client = client_as(persona)
    listed = client.get("/subsidies/policies/")
    if persona == "regulator_b":  # their own district's list, without district A's policy
        assert listed.status_code == 200 and str(operating.code) not in listed.content.decode()
    else:
        assert listed.status_code == 404
    assert client.get(f"/subsidies/policies/{operating.code}/edit/").status_code == 404
    end = client.post(f"/subsidies/policies/{operating.code}/end/", {"effective_to": "2026-12-31"})
    assert end.status_code == 404


def test_the_api_lists_creates_updates_and_ends(api_as: ApiAs, operating: SubsidyPolicy) -> None:
    api = api_as("regulator_a")
    listed = api.get("/api/v1/subsidies/policies/").json()
    assert [row["code"] for row in listed["results"]] == [str(operating.code)]
    body = {
        "region": "990101",
        "name": "普惠托位建设补助",
        "basis": "per_new_place",
        "rate_yuan": "10000.00",
        "instalments": [60, 40],
        "effective_from": "2027-01-01",
        "source_document": "演示用补助标准",
    }
    created = api.post("/api/v1/subsidies/policies/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["instalments"] == [60, 40]
    again = api.post("/api/v1/subsidies/policies/", body, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "policy_overlap")
    bad = api.post("/api/v1/subsidies/policies/", {**body, "instalments": [50]}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "policy_instalments_invalid")
    code = created.json()["code"]
    updated = api.put(f"/api/v1/subsidies/policies/{code}/", {**body, "rate_yuan": "12000.00"}, format="json")
    assert updated.status_code == 200 and updated.json()["rate_yuan"] == "12000.00"
    ended = api.post(f"/api/v1/subsidies/policies/{code}/end/", {"effective_to": "2027-12-31"}, format="json")
    assert ended.json()["effective_to"] == "2027-12-31"


def test_the_api_refuses_editing_a_policy_in_use(
    api_as: ApiAs, operating: SubsidyPolicy, institution_x: Institution
) -> None:
    claim_under(operating, institution_x, datetime.date(2026, 10, 1))
    body = {**fields(), "rate_yuan": "350.00", "effective_from": "2026-01-01", "basis": "per_child_month"}
    response = api_as("regulator_a").put(f"/api/v1/subsidies/policies/{operating.code}/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "policy_in_use")


@pytest.mark.parametrize("persona", ["regulator_b", "director_x"])
def test_outsiders_get_404_in_the_api(api_as: ApiAs, operating: SubsidyPolicy, persona: str) -> None:
    api = api_as(persona)
    listed = api.get("/api/v1/subsidies/policies/")
    if persona == "regulator_b":
        assert listed.status_code == 200 and listed.json()["results"] == []
    else:
        assert listed.status_code == 404
    assert api.get(f"/api/v1/subsidies/policies/{operating.code}/").status_code == 404
    end = api.post(f"/api/v1/subsidies/policies/{operating.code}/end/", {"effective_to": "2026-12-31"})
    assert end.status_code == 404
