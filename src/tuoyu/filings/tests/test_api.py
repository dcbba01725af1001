"""The filing API under /api/v1/filings/: every action of the pages, by the persona who takes it on the pages;
outsiders get 404, refusals their code with 409 (the state) or 400 (the input)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.filings.models import Filing, FilingKind, FilingMaterial, FilingState
from tuoyu.filings.services import filing_return, filing_start
from tuoyu.filings.tests.helpers import NEW_NAME, PDF, fill_in, material_facts
from tuoyu.registry.models import FilingStatus, Institution
from tuoyu.workforce.tests.helpers import hire_certified_team

pytestmark = pytest.mark.django_db

ApiAs = Callable[[str], APIClient]
OUTSIDERS = ["director_y", "regulator_b", "caregiver_x", "health_worker_x", "doctor", "guardian"]


def url(filing: Filing, action: str = "") -> str:
    return f"/api/v1/filings/{filing.code}/" + (f"{action}/" if action else "")


def upload(kind: str, content: bytes = PDF, **facts: str) -> dict[str, Any]:
    return {"kind": kind, "file": SimpleUploadedFile(f"{kind}.pdf", content, "application/pdf"), **facts}


# The director prepares and submits ------------------------------------------------------------------------


def test_the_director_starts_fills_in_attaches_and_submits_a_filing_through_the_api(
    newcomer: Institution, director_n: User, api_as: ApiAs
) -> None:
    today = timezone.localdate()
    hire_certified_team(newcomer, today)
    api = api_as("director_n")

    started = api.post(
        "/api/v1/filings/", {"institution": str(newcomer.code), "kind": "initial"}, format="json"
    )

    assert started.status_code == 201, started.content
    body = started.json()
    assert (body["state"], body["kind"], body["name"], body["institution"]) == (
        "draft",
        "initial",
        NEW_NAME,
        str(newcomer.code),
    )
    assert body["services"] == [{"service_type": "full_day", "price_yuan": "1800.00", "price_unit": "month"}]
    assert (body["may_prepare"], body["may_review"]) == (True, False)
    assert "commitment" in {problem["item"] for problem in body["problems"]}
    filing = Filing.objects.get(code=body["code"])

    changed = api.patch(
        url(filing),
        {
            "filed_places": 40,
            "director_name": "吴园长",
            "services": [{"service_type": "full_day", "price_yuan": "1900"}],
            "commitment_accepted": True,
        },
        format="json",
    )

    assert changed.status_code == 200, changed.content
    assert (changed.json()["filed_places"], changed.json()["name"]) == (40, NEW_NAME)  # the rest kept
    assert changed.json()["services"][0]["price_yuan"] == "1900.00"
    assert changed.json()["commitment_accepted_at"] is not None

    for kind in ("business_licence", "premises", "health_evaluation", "fire_safety", "food_licence"):
        attached = api.post(
            url(filing, "materials"),
            upload(kind, PDF, **{key: str(value) for key, value in material_facts(kind, today).items()}),
            format="multipart",
        )
        assert attached.status_code == 201, attached.content
        assert attached.json()["kind"] == kind

    detail = api.get(url(filing)).json()
    assert detail["problems"] == []
    assert {material["kind"] for material in detail["materials"]} == {
        "business_licence",
        "premises",
        "health_evaluation",
        "fire_safety",
        "food_licence",
    }

    submitted = api.post(url(filing, "submit"))

    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert (body["state"], body["version"], body["may_prepare"]) == ("submitted", 1, False)
    assert [version["number"] for version in body["versions"]] == [1]
    assert body["versions"][0]["snapshot"]["filed_places"] == 40
    assert body["review_deadline"] is not None


def test_an_incomplete_filing_is_refused_with_every_problem_and_stays_a_draft(
    newcomer: Institution, director_n: User, api_as: ApiAs
) -> None:
    hire_certified_team(newcomer, timezone.localdate())
    filing = fill_in(
        director_n, filing_start(actor=director_n, institution=newcomer, kind=FilingKind.INITIAL)
    )

    response = api_as("director_n").post(url(filing, "submit"))

    assert response.status_code == 409
    assert response.json()["code"] == "filing_incomplete"
    lines = response.json()["detail"].splitlines()
    assert len(lines) == 5
    assert all(line.startswith("Missing: ") for line in lines)
    filing.refresh_from_db()
    assert (filing.state, filing.version) == (FilingState.DRAFT, 0)


def test_a_second_filing_in_progress_is_a_409_and_an_initial_filing_of_a_filed_institution_a_400(
    institution_x: Institution, director_x: User, api_as: ApiAs
) -> None:
    api = api_as("director_x")
    assert institution_x.filing_status == FilingStatus.FILED

    initial = api.post("/api/v1/filings/", {"institution": str(institution_x.code), "kind": "initial"})
    change = api.post("/api/v1/filings/", {"institution": str(institution_x.code), "kind": "change"})
    again = api.post("/api/v1/filings/", {"institution": str(institution_x.code), "kind": "deregistration"})

    assert (initial.status_code, initial.json()["code"]) == (400, "already_filed")
    assert "already filed" in initial.json()["detail"]
    assert change.status_code == 201
    assert (again.status_code, again.json()["code"]) == (409, "filing_in_progress")
    assert Filing.objects.filter(institution=institution_x).count() == 1


def test_a_submitted_filing_can_no_longer_be_changed_or_added_to(submitted: Filing, api_as: ApiAs) -> None:
    api = api_as("director_n")

    changed = api.patch(url(submitted), {"filed_places": 99}, format="json")
    attached = api.post(url(submitted, "materials"), upload("other"), format="multipart")
    again = api.post(url(submitted, "submit"))

    for response in (changed, attached, again):
        assert (response.status_code, response.json()["code"]) == (409, "filing_not_editable")
    submitted.refresh_from_db()
    assert (submitted.filed_places, submitted.version) == (50, 1)


def test_a_text_file_named_pdf_is_refused_as_material_as_on_the_page(
    newcomer: Institution, director_n: User, api_as: ApiAs
) -> None:
    filing = filing_start(actor=director_n, institution=newcomer, kind=FilingKind.INITIAL)

    response = api_as("director_n").post(
        url(filing, "materials"), upload("business_licence", b"plain text"), format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "is not a PDF, JPEG or PNG file" in str(response.json()["detail"])
    assert not FilingMaterial.objects.exists()


def test_invalid_fields_are_a_400_naming_the_field(
    newcomer: Institution, director_n: User, api_as: ApiAs
) -> None:
    filing = filing_start(actor=director_n, institution=newcomer, kind=FilingKind.INITIAL)

    response = api_as("director_n").patch(
        url(filing),
        {
            "filed_places": 0,
            "services": [
                {"service_type": "full_day", "price_yuan": "1"},
                {"service_type": "full_day", "price_yuan": "2"},
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["detail"]) == {"filed_places", "services"}


# The regulator reviews --------------------------------------------------------------------------------------


def test_the_regulator_finds_the_filing_in_the_queue_and_approves_it(
    submitted: Filing, newcomer: Institution, api_as: ApiAs
) -> None:
    api = api_as("regulator_a")

    queue = api.get("/api/v1/filings/?state=submitted").json()
    drafts = api.get("/api/v1/filings/?state=draft").json()

    assert [item["code"] for item in queue["results"]] == [str(submitted.code)]
    assert queue["results"][0]["overdue"] is False
    assert drafts["results"] == []
    detail = api.get(url(submitted)).json()
    assert (detail["may_review"], detail["may_prepare"], detail["problems"]) == (True, False, [])

    approved = api.post(url(submitted, "approve"))

    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved"
    assert "托育备〔" in approved.json()["receipt_no"]
    newcomer.refresh_from_db()
    assert newcomer.filing_status == FilingStatus.FILED

    twice = api.post(url(submitted, "approve"))

    assert (twice.status_code, twice.json()["code"]) == (409, "not_awaiting_review")


def test_the_regulator_returns_the_filing_with_a_reason_per_item_and_the_director_reads_them(
    submitted: Filing, api_as: ApiAs
) -> None:
    response = api_as("regulator_a").post(
        url(submitted, "return"),
        {
            "reasons": [
                {"item": "fire_safety", "reason": "消防检查合格证明已过期"},
                {"item": "address", "reason": "地址缺少门牌号"},
                {"item": "name", "reason": " "},
            ],
            "publish": True,
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "returned"
    mine = api_as("director_n").get(url(submitted)).json()
    assert mine["may_prepare"] is True
    assert mine["versions"][0]["reasons"] == [
        {"item": "address", "reason": "地址缺少门牌号"},
        {"item": "fire_safety", "reason": "消防检查合格证明已过期"},
    ]
    assert [problem["item"] for problem in mine["problems"]] == []


def test_a_return_without_any_reason_is_a_400_and_changes_nothing(submitted: Filing, api_as: ApiAs) -> None:
    api = api_as("regulator_a")

    blank = api.post(url(submitted, "return"), {"reasons": [{"item": "name", "reason": "  "}]}, format="json")
    unknown = api.post(
        url(submitted, "return"), {"reasons": [{"item": "resettlement", "reason": "?"}]}, format="json"
    )

    assert (blank.status_code, blank.json()["code"]) == (400, "return_reason_missing")
    assert (unknown.status_code, unknown.json()["code"]) == (
        400,
        "invalid",
    )  # not an item of an initial filing
    assert "reasons" in unknown.json()["detail"]
    submitted.refresh_from_db()
    assert submitted.state == FilingState.SUBMITTED
    assert not submitted.return_reasons.exists()


def test_a_draft_cannot_be_approved(ready_filing: Callable[..., Filing], api_as: ApiAs) -> None:
    filing = ready_filing()

    response = api_as("regulator_a").post(url(filing, "approve"))

    assert (response.status_code, response.json()["code"]) == (409, "not_awaiting_review")


def test_published_decisions_are_public(
    submitted: Filing, regulator_a: User, anonymous_api: APIClient
) -> None:
    assert anonymous_api.get("/api/v1/filings/decisions/").json()["results"] == []
    filing_return(
        actor=regulator_a, filing=submitted, reasons={"fire_safety": "未提交消防验收材料"}, publish=True
    )

    response = anonymous_api.get("/api/v1/filings/decisions/")

    assert response.status_code == 200
    (decision,) = response.json()["results"]
    assert (decision["institution_name"], decision["kind"], decision["version"]) == (NEW_NAME, "initial", 1)
    assert decision["reasons"] == ["未提交消防验收材料"]
    assert decision["approved_since"] is None


# Who may do what --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["director_x", "regulator_a"])
def test_insiders_read_the_filing_and_its_materials(filing_of_x: Filing, api_as: ApiAs, persona: str) -> None:
    api = api_as(persona)

    detail = api.get(url(filing_of_x))

    assert detail.status_code == 200
    assert detail.json()["institution_name"] == "星星托育园"
    material = detail.json()["materials"][0]
    download = api.get(material["url"])
    assert download.status_code == 200
    assert download.getvalue() == PDF
    assert [item["code"] for item in api.get("/api/v1/filings/").json()["results"]] == [str(filing_of_x.code)]


def test_the_director_of_another_institution_cannot_read_the_filing(
    filing_of_x: Filing, api_as: ApiAs
) -> None:
    api = api_as("director_y")

    response = api.get(url(filing_of_x))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "星星托育园" not in response.content.decode()
    assert api.get("/api/v1/filings/").json()["results"] == []


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_on_every_filing_endpoint(filing_of_x: Filing, api_as: ApiAs, persona: str) -> None:
    api = api_as(persona)
    material = filing_of_x.materials.first()
    assert material is not None

    answers = {
        "read": api.get(url(filing_of_x)),
        "change": api.patch(url(filing_of_x), {"filed_places": 1}, format="json"),
        "attach": api.post(url(filing_of_x, "materials"), upload("other"), format="multipart"),
        "submit": api.post(url(filing_of_x, "submit")),
        "approve": api.post(url(filing_of_x, "approve")),
        "return": api.post(
            url(filing_of_x, "return"), {"reasons": [{"item": "name", "reason": "不同意"}]}, format="json"
        ),
        "material": api.get(f"/api/v1/filings/materials/{material.code}/"),
    }

    assert {action: response.status_code for action, response in answers.items()} == dict.fromkeys(
        answers, 404
    )
    assert "星星托育园" not in "".join(response.content.decode() for response in answers.values())
    filing_of_x.refresh_from_db()
    assert (filing_of_x.state, filing_of_x.receipt_no) == (FilingState.SUBMITTED, "")
    assert not filing_of_x.return_reasons.exists()


def test_the_director_cannot_decide_and_the_regulator_cannot_prepare(
    filing_of_x: Filing, api_as: ApiAs
) -> None:
    director, regulator = api_as("director_x"), api_as("regulator_a")

    assert director.post(url(filing_of_x, "approve")).status_code == 404
    assert director.post(url(filing_of_x, "return"), {"reasons": []}, format="json").status_code == 404
    assert regulator.patch(url(filing_of_x), {"filed_places": 1}, format="json").status_code == 404
    assert regulator.post(url(filing_of_x, "submit")).status_code == 404
    assert (
        regulator.post(url(filing_of_x, "materials"), upload("other"), format="multipart").status_code == 404
    )


@pytest.mark.parametrize("persona", ["director_y", "regulator_a", "regulator_b", "caregiver_x"])
def test_only_the_director_can_start_a_filing_for_x(
    institution_x: Institution, api_as: ApiAs, persona: str
) -> None:
    response = api_as(persona).post(
        "/api/v1/filings/", {"institution": str(institution_x.code), "kind": "change"}
    )

    assert response.status_code == 404
    assert not Filing.objects.exists()


def test_anonymous_gets_401(filing_of_x: Filing, anonymous_api: APIClient) -> None:
    for response in (
        anonymous_api.get("/api/v1/filings/"),
        anonymous_api.get(url(filing_of_x)),
        anonymous_api.post(url(filing_of_x, "submit")),
    ):
        assert response.status_code == 401


def test_an_unknown_state_filter_is_a_400(api_as: ApiAs, director_x: User) -> None:
    response = api_as("director_x").get("/api/v1/filings/?state=lost")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
