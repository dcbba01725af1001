"""The cases API: list and detail scoped, orders issued from a finding or typed, answered with files
(multipart), verified or returned; refusals as {"code", "detail"}; the desk's counts."""

import datetime
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.cases.models import Case, CaseAttachment
from tuoyu.cases.services import case_open
from tuoyu.registry.models import Institution
from tuoyu.supervision.casekinds import COMPLAINT
from tuoyu.supervision.services.rectification import rectification_answer, rectification_issue
from tuoyu.supervision.tests.rectification_helpers import finding_at, photo

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-06-01T10:00:00+08:00")]

Apis = Callable[[str], APIClient]


def test_the_regulator_issues_from_a_finding_and_the_director_answers_with_a_photo(
    api_as: Apis, institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    finding = finding_at(institution_x)
    regulator, director = api_as("regulator_a"), api_as("director_x")

    issued = regulator.post(
        f"/api/v1/findings/{finding.pk}/rectification/", {"deadline_days": 5}, format="json"
    )
    again = regulator.post(f"/api/v1/findings/{finding.pk}/rectification/", {}, format="json")
    case_id = issued.json()["id"]
    answered = director.post(
        f"/api/v1/cases/{case_id}/answer/",
        {"note": "已补办健康证", "evidence": [photo()]},
        format="multipart",
    )
    returned = regulator.post(f"/api/v1/cases/{case_id}/return/", {"note": "照片看不清"}, format="json")
    director.post(f"/api/v1/cases/{case_id}/answer/", {"note": "重新拍照"}, format="multipart")
    verified = regulator.post(f"/api/v1/cases/{case_id}/verify/", {"on_site": True}, format="json")

    assert issued.status_code == 201
    assert (issued.json()["deadline"], issued.json()["status"]) == ("2026-06-08", "issued")
    assert (again.status_code, again.json()["code"]) == (400, "case_already_open")
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    attachments = answered.json()["timeline"][1]["attachments"]
    assert len(attachments) == 1
    assert director.get(attachments[0]["url"]).status_code == 200
    assert returned.json()["status"] == "returned"
    body = verified.json()
    assert body["status"] == "verified" and body["closed_at"] is not None
    assert [event["action"] for event in body["timeline"]] == [
        "opened",
        "answer",
        "return",
        "answer",
        "verify",
    ]


def test_an_order_without_a_finding_and_the_refusals(
    api_as: Apis, institution_x: Institution, institution_z: Institution, regulator_a: User, director_x: User
) -> None:
    regulator = api_as("regulator_a")
    url = f"/api/v1/institutions/{institution_x.code}/rectifications/"

    created = regulator.post(url, {"subject": "消防通道堆放杂物", "requirement": "立即清理"}, format="json")
    too_long = regulator.post(url, {"subject": "x", "deadline_days": 400}, format="json")
    blank = regulator.post(url, {"subject": "   "}, format="json")
    elsewhere = regulator.post(
        f"/api/v1/institutions/{institution_z.code}/rectifications/", {"subject": "x"}, format="json"
    )
    by_director = api_as("director_x").post(url, {"subject": "x"}, format="json")
    case_id = created.json()["id"]
    verify_early = regulator.post(f"/api/v1/cases/{case_id}/verify/", {}, format="json")
    no_note = api_as("director_x").post(f"/api/v1/cases/{case_id}/answer/", {"note": ""}, format="multipart")

    assert created.status_code == 201 and created.json()["deadline_days"] == 10
    assert too_long.status_code == 400 and too_long.json()["code"] == "invalid"
    assert blank.status_code == 400 and set(blank.json()) == {"code", "detail"}
    assert elsewhere.status_code == 404 and by_director.status_code == 404
    assert verify_early.status_code == 400 and verify_early.json()["code"] == "case_wrong_status"
    assert no_note.status_code == 400
    assert Case.objects.count() == 1


def test_the_list_is_scoped_and_filtered_and_the_institution_never_reads_complaints(
    api_as: Apis,
    institution_x: Institution,
    institution_z: Institution,
    regulator_a: User,
    regulator_b: User,
    director_x: User,
) -> None:
    order = rectification_issue(institution=institution_x, subject="消防通道堆放杂物", actor=regulator_a)
    complaint = case_open(kind=COMPLAINT, institution=institution_x, subject="投诉", actor=None)
    elsewhere = rectification_issue(institution=institution_z, subject="乙区", actor=regulator_b)

    def ids(persona: str, query: str = "") -> set[int]:
        return {row["id"] for row in api_as(persona).get(f"/api/v1/cases/{query}").json()["results"]}

    assert ids("regulator_a") == {order.pk, complaint.pk}
    assert ids("regulator_a", "?kind=complaint") == {complaint.pk}
    assert ids("regulator_a", "?status=issued") == {order.pk}
    assert ids("regulator_a", f"?institution={institution_z.code}") == set()
    assert ids("regulator_a", "?institution=not-a-code") == set()
    assert ids("director_x") == {order.pk}
    assert ids("regulator_b") == {elsewhere.pk}
    assert api_as("director_x").get(f"/api/v1/cases/{complaint.pk}/").status_code == 404
    assert api_as("regulator_b").get(f"/api/v1/cases/{order.pk}/").status_code == 404
    assert api_as("regulator_a").get(f"/api/v1/cases/{order.pk}/").json()["number"] == order.number


def test_attachments_of_the_api_follow_the_case(
    api_as: Apis, institution_x: Institution, regulator_a: User, regulator_b: User, director_x: User
) -> None:
    case = rectification_issue(institution=institution_x, subject="消防通道堆放杂物", actor=regulator_a)
    rectification_answer(case=case, actor=director_x, note="已清理", evidence=[photo()])
    url = f"/api/v1/cases/{case.pk}/attachments/{CaseAttachment.objects.get().pk}/"
    assert api_as("regulator_a").get(url)["Content-Type"] == "image/jpeg"
    assert api_as("regulator_b").get(url).status_code == 404


def test_the_desk_counts(
    api_as: Apis, clock: object, institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    rectification_issue(institution=institution_x, subject="逾期", actor=regulator_a, deadline_days=1)
    finding_at(institution_x)
    clock.move_to(datetime.datetime(2026, 6, 4, 10, tzinfo=datetime.UTC))  # type: ignore[attr-defined]

    body = api_as("regulator_a").get("/api/v1/desk/").json()

    assert body == {
        "filings": 0,
        "findings": 1,
        "rectifications": 1,
        "complaints": 0,
        "outbreaks": 0,
        "certificates": 0,
    }
    assert api_as("director_x").get("/api/v1/desk/").status_code == 404
