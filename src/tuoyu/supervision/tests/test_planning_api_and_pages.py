"""Risk and planning through the API and the pages: the contracts, who may use them, byte-for-byte plans."""

import datetime
import json
from typing import Any

import pytest

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.regions.models import Region
from tuoyu.registry.factories import FiledInstitutionFactory
from tuoyu.registry.models import Institution
from tuoyu.rules import Severity
from tuoyu.supervision.models import InspectionPlan
from tuoyu.supervision.services.planning import canonical, plan_approve, plan_draw
from tuoyu.supervision.tests.planning_helpers import finding, inspection

pytestmark = pytest.mark.django_db

BODY = {"region": "990101", "period_start": "2026-12-01", "period_end": "2026-12-31", "seed": "20261201-518"}


@pytest.fixture
def inspector_2(district_a: Region) -> User:
    user = UserFactory.create(display_name="监管员乙")
    RoleAssignmentFactory.create(user=user, role=Role.REGULATOR, region=district_a)
    return user


@pytest.fixture
def district(street_a1: Region, institution_x: Institution, institution_y: Institution) -> list[Institution]:
    finding(institution_x, Severity.BLOCK)
    finding(institution_x, Severity.BLOCK)  # 24: high
    return [
        institution_x,
        institution_y,
        *(FiledInstitutionFactory.create(street=street_a1) for _ in range(8)),
    ]


def drawn_bytes(response: Any) -> bytes:
    """The bytes of ``drawn`` exactly as the response carries them."""
    text = response.content.decode()
    start = text.index('"drawn":')
    end = text.index(',"drawn_sha256"')
    return text[start:end].encode()


# The risk API ------------------------------------------------------------------------------------------


def test_the_region_risk_lists_each_institution_with_its_score_and_parts(
    api_as: Any, district: list[Institution], institution_z: Institution
) -> None:
    response = api_as("regulator_a").get("/api/v1/regions/990101/risk/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 10
    first = body["results"][0]
    assert first == {
        "institution": {"code": str(district[0].code), "name": "星星托育园"},
        "score": 24,
        "group": "high",
        "parts": [
            {"key": "finding.block", "label": "2 open blocking findings", "count": 2, "points": 20},
            {"key": "never_inspected", "label": "never inspected", "count": 1, "points": 4},
        ],
    }
    assert {row["group"] for row in body["results"][1:]} == {"low"}
    assert str(institution_z.code) not in response.content.decode()  # district B's


def test_a_street_of_the_region_answers_its_own_institutions(
    api_as: Any, district: list[Institution], street_a2: Region
) -> None:
    body = api_as("regulator_a").get(f"/api/v1/regions/{street_a2.code}/risk/").json()
    assert [row["institution"]["name"] for row in body["results"]] == ["月亮托育园"]


@pytest.mark.parametrize("persona", ["regulator_b", "director_x", "caregiver_x", "doctor", "guardian"])
def test_the_region_risk_is_404_outside_the_regulators_scope(
    api_as: Any, district: list[Institution], persona: str
) -> None:
    assert api_as(persona).get("/api/v1/regions/990101/risk/").status_code == 404


def test_the_region_risk_is_paged(api_as: Any, district: list[Institution]) -> None:
    first = api_as("regulator_a").get("/api/v1/regions/990101/risk/").json()
    assert len(first["results"]) == 10 and first["next"] is None
    for _ in range(15):
        FiledInstitutionFactory.create(street=district[0].street)
    paged = api_as("regulator_a").get("/api/v1/regions/990101/risk/").json()
    assert paged["count"] == 25 and len(paged["results"]) == 20 and paged["next"]
    rest = api_as("regulator_a").get(paged["next"]).json()
    assert len(rest["results"]) == 5


# The plans API -----------------------------------------------------------------------------------------


def test_the_same_seed_posted_twice_draws_the_same_plan_byte_for_byte(
    api_as: Any, district: list[Institution], inspector_2: User
) -> None:
    client = api_as("regulator_a")
    first = client.post("/api/v1/inspection-plans/", {**BODY, "rates": {"low": 50}}, format="json")
    second = client.post("/api/v1/inspection-plans/", {**BODY, "rates": {"low": 50}}, format="json")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert drawn_bytes(first) == drawn_bytes(second)
    assert first.json()["drawn_sha256"] == second.json()["drawn_sha256"]
    drawn = first.json()["drawn"]
    assert len(drawn) == 1 + 5  # the high-risk one, half of the nine low-risk ones rounded up
    assert drawn[0] == {
        "code": str(district[0].code),
        "group": "high",
        "inspector_id": drawn[0]["inspector_id"],
        "inspector_name": drawn[0]["inspector_name"],
        "name": "星星托育园",
    }
    again = client.get(f"/api/v1/inspection-plans/{first.json()['id']}/")
    assert drawn_bytes(again) == drawn_bytes(first)
    assert again.json()["inputs"]["region"] == "990101"
    other = client.post(
        "/api/v1/inspection-plans/", {**BODY, "seed": "another", "rates": {"low": 50}}, format="json"
    )
    assert drawn_bytes(other) != drawn_bytes(first)


def test_a_plan_is_listed_read_and_approved_through_the_api(
    api_as: Any, district: list[Institution], inspector_2: User
) -> None:
    made = api_as("regulator_a").post("/api/v1/inspection-plans/", BODY, format="json").json()
    assert made["rates"] == {"high": 100, "medium": 30, "low": 10}
    listed = api_as("regulator_a").get("/api/v1/inspection-plans/").json()
    assert [plan["id"] for plan in listed["results"]] == [made["id"]]
    assert "inputs" not in listed["results"][0]
    approved = api_as("regulator_a").post(f"/api/v1/inspection-plans/{made['id']}/approve/")
    assert approved.status_code == 200 and approved.json()["approved"] is True
    again = api_as("regulator_a").post(f"/api/v1/inspection-plans/{made['id']}/approve/")
    assert again.status_code == 409 and again.json()["code"] == "plan_already_approved"


def test_plans_are_404_outside_the_regulators_scope(
    api_as: Any, district: list[Institution], regulator_a: User, inspector_2: User
) -> None:
    made = api_as("regulator_a").post("/api/v1/inspection-plans/", BODY, format="json").json()
    outsider = api_as("regulator_b")
    assert outsider.get(f"/api/v1/inspection-plans/{made['id']}/").status_code == 404
    assert outsider.post(f"/api/v1/inspection-plans/{made['id']}/approve/").status_code == 404
    assert outsider.post("/api/v1/inspection-plans/", BODY, format="json").status_code == 404
    assert outsider.get("/api/v1/inspection-plans/").json()["results"] == []
    for persona in ("director_x", "guardian"):
        assert api_as(persona).get("/api/v1/inspection-plans/").status_code == 404
        assert api_as(persona).post("/api/v1/inspection-plans/", BODY, format="json").status_code == 404


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"period_end": "2026-11-30"}, 400, "period_reversed"),
        ({"rates": {"low": 120}}, 400, "invalid"),
        ({"seed": "x" * 65}, 400, "invalid"),
    ],
)
def test_a_wrong_draw_is_refused(
    api_as: Any, district: list[Institution], changes: dict[str, Any], status: int, code: str
) -> None:
    response = api_as("regulator_a").post("/api/v1/inspection-plans/", {**BODY, **changes}, format="json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not InspectionPlan.objects.exists()


def test_nobody_left_to_inspect_is_a_conflict(
    api_as: Any, institution_x: Institution, regulator_a: User
) -> None:
    inspection(institution_x, regulator_a, grade="B")
    response = api_as("regulator_a").post(
        "/api/v1/inspection-plans/", {**BODY, "rates": {"low": 100}}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "no_inspector_left"


def test_the_schema_documents_the_risk_and_plans(client: Any) -> None:
    schema = client.get("/api/schema/?format=json").json()
    for route in (
        "/api/v1/regions/{code}/risk/",
        "/api/v1/inspection-plans/",
        "/api/v1/inspection-plans/{id}/",
        "/api/v1/inspection-plans/{id}/approve/",
    ):
        assert route in schema["paths"], route
    assert "post" in schema["paths"]["/api/v1/inspection-plans/"]


# Pages ---------------------------------------------------------------------------------------------------


def test_the_risk_page_ranks_filters_and_sorts(client_as: Any, district: list[Institution]) -> None:
    client = client_as("regulator_a")
    page = client.get("/supervision/risk/").content.decode()
    assert page.index("星星托育园") < page.index("月亮托育园")
    assert "2 open blocking findings" in page and "High risk" in page
    ascending = client.get("/supervision/risk/?sort=score").content.decode()
    assert ascending.index("星星托育园") > ascending.index("月亮托育园")
    high = client.get("/supervision/risk/?group=high").content.decode()
    assert "星星托育园" in high and "月亮托育园" not in high
    street = district[1].street.code
    by_street = client.get(f"/supervision/risk/?street={street}").content.decode()
    assert "月亮托育园" in by_street and "星星托育园" not in by_street


@pytest.mark.parametrize("persona", ["director_x", "guardian"])
def test_the_risk_and_plan_pages_are_404_for_others(client_as: Any, persona: str) -> None:
    for url in (
        "/supervision/risk/",
        "/supervision/inspection-plans/",
        "/supervision/inspection-plans/draw/",
    ):
        assert client_as(persona).get(url).status_code == 404


def test_a_regulator_draws_reads_and_approves_a_plan_on_the_pages(
    client_as: Any, district: list[Institution], inspector_2: User
) -> None:
    client = client_as("regulator_a")
    form = client.get("/supervision/inspection-plans/draw/").content.decode()
    assert 'name="seed"' in form and 'value="20261125-' in form  # a seed suggested from the day
    response = client.post(
        "/supervision/inspection-plans/draw/",
        {
            "region": "990101",
            "period_start": "2026-12-01",
            "period_end": "2026-12-31",
            "seed": "我的种子",
            "rate_high": "100",
            "rate_medium": "30",
            "rate_low": "20",
        },
    )
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/inspection-plans/{plan.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "我的种子" in detail and "Drawn again from its seed and inputs: identical" in detail
    assert f"python manage.py plan_verify {plan.pk}" in detail
    inputs = client.get(f"/supervision/inspection-plans/{plan.pk}/inputs.json")
    assert inputs["Content-Type"].startswith("application/json")
    assert inputs.content == canonical(plan.inputs)
    assert json.loads(inputs.content)["rates"] == {"high": 100, "low": 20, "medium": 30}
    unconfirmed = client.post(f"/supervision/inspection-plans/{plan.pk}/approve/", follow=True)
    assert "Tick the box" in unconfirmed.content.decode()
    plan.refresh_from_db()
    assert plan.approved_at is None
    client.post(f"/supervision/inspection-plans/{plan.pk}/approve/", {"confirm": "on"})
    plan.refresh_from_db()
    assert plan.approved_by is not None and plan.approved_at is not None
    listing = client.get("/supervision/inspection-plans/").content.decode()
    assert plan.title in listing and "Approved and published" in listing


def test_a_refused_draw_is_shown_on_the_form(
    client_as: Any, institution_x: Institution, regulator_a: User
) -> None:
    inspection(institution_x, regulator_a, grade="B")
    response = client_as("regulator_a").post(
        "/supervision/inspection-plans/draw/",
        {
            "region": "990101",
            "period_start": "2026-12-01",
            "period_end": "2026-12-31",
            "seed": "1",
            "rate_high": "100",
            "rate_medium": "100",
            "rate_low": "100",
        },
    )
    assert response.status_code == 200
    assert "No inspector is left for 星星托育园" in response.content.decode()


def test_only_approved_plans_are_public_with_seed_institutions_and_results(
    client_as: Any, district: list[Institution], district_a: Region, regulator_a: User, inspector_2: User
) -> None:
    plan_draw(
        region=district_a,
        period_start=datetime.date(2026, 12, 1),
        period_end=datetime.date(2026, 12, 31),
        seed="草稿种子",
        rates=None,
        actor=regulator_a,
    )
    published = plan_draw(
        region=district_a,
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 1, 31),
        seed="公开种子",
        rates=None,
        actor=regulator_a,
    )
    plan_approve(plan=published, actor=inspector_2)
    inspection(district[0], inspector_2, grade="B", plan=published)
    page = client_as("anonymous").get("/inspection-plans/").content.decode()
    assert "公开种子" in page and "草稿种子" not in page
    assert "星星托育园" in page and "Inspected: grade B" in page
    assert "监管员乙" not in page  # inspectors are not named publicly
