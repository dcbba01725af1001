"""The complaints API: the two public contracts exactly (POST complaints/ → 201 {"ticket"}; GET
complaints/{ticket}/ → status and updated, nothing of who), and the regulator's list, complaint, start and
conclusion."""

from collections.abc import Callable
from typing import Any

import pytest

from tuoyu.accounts.models import User
from tuoyu.cases.models import Case
from tuoyu.registry.models import Institution
from tuoyu.supervision.casekinds import RECTIFICATION
from tuoyu.supervision.models import Complaint
from tuoyu.supervision.tests.test_complaints import NAME, PHONE, colleague_of, submit

pytestmark = pytest.mark.django_db

Api = Callable[[str], Any]


def body(institution: Institution, **kwargs: Any) -> dict[str, Any]:
    return {
        "institution": str(institution.code),
        "category": "health",
        "content": "午餐饭菜发凉，留样柜未上锁。",
        "anonymous": True,
        **kwargs,
    }


def test_an_anonymous_post_answers_201_with_the_ticket_only(api_as: Api, institution_x: Institution) -> None:
    response = api_as("anonymous").post("/api/v1/complaints/", body(institution_x), format="json")

    assert response.status_code == 201
    assert response.json() == {"ticket": Complaint.objects.get().ticket}


def test_a_named_post_keeps_who_and_a_signed_in_account(
    api_as: Api, institution_x: Institution, guardian: User
) -> None:
    response = api_as("guardian").post(
        "/api/v1/complaints/", body(institution_x, anonymous=False, name=NAME, phone=PHONE), format="json"
    )
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert (complaint.complainant_name, complaint.complainant_phone, complaint.complainant) == (
        NAME,
        PHONE,
        guardian,
    )


def test_refusals_and_invalid_input(api_as: Api, institution_x: Institution) -> None:
    api = api_as("anonymous")
    no_identity = api.post("/api/v1/complaints/", body(institution_x, anonymous=False), format="json")
    assert no_identity.status_code == 400 and no_identity.json()["code"] == "complaint_identity_required"
    too_long = api.post("/api/v1/complaints/", body(institution_x, content="字" * 2001), format="json")
    assert too_long.status_code == 400 and too_long.json()["code"] == "invalid"
    unknown = api.post(
        "/api/v1/complaints/",
        {**body(institution_x), "institution": "00000000-0000-0000-0000-000000000000"},
        format="json",
    )
    assert unknown.json()["code"] == "complaint_institution_unknown"
    huge = api.post("/api/v1/complaints/", {**body(institution_x), "padding": "x" * 30_000}, format="json")
    assert huge.status_code == 413 and huge.json()["code"] == "too_large"
    assert not Complaint.objects.exists()


def test_the_status_by_ticket_is_exactly_status_updated_and_progress(
    api_as: Api, institution_x: Institution, regulator_a: User
) -> None:
    complaint = submit(institution_x)
    response = api_as("anonymous").get(f"/api/v1/complaints/{complaint.ticket}/")

    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"status", "updated", "progress"}
    assert answer["status"] == "received"
    assert answer["updated"].startswith(complaint.case.updated_at.astimezone().strftime("%Y-%m-%dT%H:%M"))
    assert NAME not in response.content.decode() and PHONE not in response.content.decode()
    assert api_as("anonymous").get("/api/v1/complaints/TS2345678923/").status_code == 404


def test_the_status_api_is_throttled(api_as: Api) -> None:
    api = api_as("anonymous")
    statuses = [api.get(f"/api/v1/complaints/TS{n:010d}/").status_code for n in range(31)]
    assert statuses == [404] * 30 + [429]


def test_the_regulator_lists_starts_and_concludes_and_reads_who_only_as_handler(
    api_as: Api, institution_x: Institution, regulator_a: User, district_a: Any
) -> None:
    complaint = submit(institution_x)
    api = api_as("regulator_a")

    rows = api.get("/api/v1/supervision/complaints/").json()["results"]
    assert [row["id"] for row in rows] == [complaint.pk]
    assert rows[0]["start_by"] == "2026-12-09" and rows[0]["late"] is False
    assert NAME not in str(rows)
    detail = api.get(f"/api/v1/supervision/complaints/{complaint.pk}/").json()
    assert detail["complainant"] is None and detail["content"] == complaint.content

    started = api.post(f"/api/v1/supervision/complaints/{complaint.pk}/start/", {}, format="json")
    assert started.status_code == 200
    assert started.json()["complainant"] == {"name": NAME, "phone": PHONE, "account": ""}
    assert started.json()["handler"] == regulator_a.display_name

    colleague = colleague_of(district_a)
    from rest_framework.test import APIClient

    other = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    other.force_authenticate(colleague)
    assert other.get(f"/api/v1/supervision/complaints/{complaint.pk}/").json()["complainant"] is None
    refused = other.post(
        f"/api/v1/supervision/complaints/{complaint.pk}/conclude/",
        {"outcome": "unfounded", "reasons": "无"},
        format="json",
    )
    assert refused.status_code == 409 and refused.json()["code"] == "complaint_not_handler"

    concluded = api.post(
        f"/api/v1/supervision/complaints/{complaint.pk}/conclude/",
        {
            "outcome": "substantiated",
            "reasons": "属实",
            "rectification_subject": "留样柜未上锁",
            "rectification_days": 5,
        },
        format="json",
    )
    assert concluded.status_code == 200
    order = Case.objects.get(kind=RECTIFICATION)
    assert concluded.json()["rectifications"] == [order.number]
    assert concluded.json()["status"] == "concluded" and concluded.json()["outcome"] == "substantiated"


def test_outsiders_get_404(api_as: Api, institution_x: Institution) -> None:
    complaint = submit(institution_x)
    assert api_as("regulator_b").get("/api/v1/supervision/complaints/").json()["results"] == []
    for persona in ("regulator_b", "director_x", "guardian"):
        api = api_as(persona)
        if persona != "regulator_b":
            assert api.get("/api/v1/supervision/complaints/").status_code == 404
        assert api.get(f"/api/v1/supervision/complaints/{complaint.pk}/").status_code == 404
        assert api.post(f"/api/v1/supervision/complaints/{complaint.pk}/start/").status_code == 404
    assert api_as("anonymous").get("/api/v1/supervision/complaints/").status_code in (401, 403)


def test_the_schema_has_the_complaint_operations(api_as: Api) -> None:
    schema = api_as("anonymous").get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/complaints/"]
    assert "get" in paths["/api/v1/complaints/{ticket}/"]
    assert "get" in paths["/api/v1/institutions/{code}/inspections/"]
    for action in ("start", "conclude"):
        assert "post" in paths[f"/api/v1/supervision/complaints/{{id}}/{action}/"]
