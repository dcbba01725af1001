"""The API of claims and decisions: the child-months contract, exactly; who may call what."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.registry.models import CareClass
from tuoyu.subsidies.models import Claim, ClaimState, SubsidyPolicy
from tuoyu.subsidies.services.claims import claim_prepare
from tuoyu.subsidies.tests.conftest import OCTOBER, Attend, Place, october_days

pytestmark = pytest.mark.django_db
ApiAs = Callable[[str], APIClient]


@pytest.fixture
def october(
    class_x: CareClass, class_y: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend
) -> None:
    attend(place(class_x, name="甲"), october_days(12))
    attend(place(class_x, name="乙"), october_days(3))
    place(class_x, name="丙")


def url(class_x: CareClass, month: str | None = "2026-10") -> str:
    query = f"?month={month}" if month is not None else ""
    return f"/api/v1/institutions/{class_x.institution.code}/child-months/{query}"


@pytest.mark.usefixtures("october")
@pytest.mark.parametrize("persona", ["director_x", "regulator_a"])
def test_the_child_months_contract_is_exact(api_as: ApiAs, class_x: CareClass, persona: str) -> None:
    response = api_as(persona).get(url(class_x))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"month", "child_months", "children"}
    assert (body["month"], body["child_months"]) == ("2026-10", 1)
    assert all(set(row) == {"child", "attendance_days", "counted", "reason"} for row in body["children"])
    assert sorted((row["attendance_days"], row["counted"], row["reason"]) for row in body["children"]) == [
        (0, False, "no_attendance"),
        (3, False, "too_few_days"),
        (12, True, "counted"),
    ]


@pytest.mark.usefixtures("october")
@pytest.mark.parametrize("persona", ["director_y", "caregiver_x", "guardian", "regulator_b"])
def test_others_get_404(api_as: ApiAs, class_x: CareClass, persona: str) -> None:
    assert api_as(persona).get(url(class_x)).status_code == 404


@pytest.mark.usefixtures("october")
@pytest.mark.parametrize("month", [None, "2026-13", "october", "2026-10-01"])
def test_a_missing_or_malformed_month_is_a_400_naming_it(
    api_as: ApiAs, class_x: CareClass, month: str | None
) -> None:
    response = api_as("director_x").get(url(class_x, month))

    assert response.status_code == 400
    assert "month" in response.json()["detail"]


@pytest.mark.usefixtures("october")
def test_a_month_without_a_policy_is_a_400(api_as: ApiAs, class_x: CareClass) -> None:
    response = api_as("director_x").get(url(class_x, "2025-10"))

    assert response.status_code == 400 and "month" in response.json()["detail"]


@pytest.mark.usefixtures("october", "budget")
def test_a_claim_through_the_api_prepare_submit_decide(
    api_as: ApiAs, class_x: CareClass, director_x: User, regulator_a: User
) -> None:
    director, regulator = api_as("director_x"), api_as("regulator_a")
    prepared = director.post(
        "/api/v1/subsidies/claims/", {"institution": str(class_x.institution.code), "month": "2026-10"}
    )
    assert prepared.status_code == 201, prepared.content
    code = prepared.json()["code"]
    assert len(prepared.json()["lines"]) == 3

    assert regulator.post(f"/api/v1/subsidies/claims/{code}/decide/").json()["code"] == "claim_not_submitted"
    assert director.post(f"/api/v1/subsidies/claims/{code}/submit/", {"remarks": "十月"}).status_code == 200
    assert director.post(f"/api/v1/subsidies/claims/{code}/decide/").status_code == 404
    decided = regulator.post(f"/api/v1/subsidies/claims/{code}/decide/", {"note": ""})
    assert decided.status_code == 201, decided.content
    assert decided.json()["amount_yuan"] == "300.00"
    again = regulator.post(f"/api/v1/subsidies/claims/{code}/decide/")
    assert (again.status_code, again.json()["code"]) == (409, "claim_already_decided")
    decision = decided.json()["code"]
    assert (
        director.get(f"/api/v1/subsidies/decisions/{decision}/").json()["lines"][0]["amount_yuan"] == "300.00"
    )
    assert api_as("director_y").get(f"/api/v1/subsidies/decisions/{decision}/").status_code == 404
    assert api_as("director_y").get(f"/api/v1/subsidies/claims/{code}/").status_code == 404
    assert regulator.get(f"/api/v1/subsidies/claims/{code}/reassess/").json() == []


@pytest.mark.usefixtures("october")
def test_the_regulator_excludes_a_line_and_returns_the_claim(
    api_as: ApiAs, class_x: CareClass, policy: SubsidyPolicy
) -> None:
    claim = claim_prepare(institution=class_x.institution, policy=policy, month=OCTOBER)
    Claim.objects.filter(pk=claim.pk).update(state=ClaimState.SUBMITTED)
    line = claim.lines.get(counted=True)
    regulator = api_as("regulator_a")

    excluded = regulator.post(
        f"/api/v1/subsidies/claims/{claim.code}/lines/{line.pk}/exclude/", {"note": "已转园"}
    )
    assert excluded.status_code == 200 and excluded.json()["amount_yuan"] == "0.00"
    returned = regulator.post(f"/api/v1/subsidies/claims/{claim.code}/return/", {"note": "请核对"})
    assert returned.json()["state"] == "returned"
