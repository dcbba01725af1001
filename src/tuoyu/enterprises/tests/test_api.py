"""The enterprise service desk's API: the public progress contract and rating (token, throttles, nothing
internal), and every action of the desk and the departments for the right side, 404 for anyone else, a
refusal's code in the JSON."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import User
from tuoyu.enterprises import kinds
from tuoyu.enterprises.factories import DepartmentFactory, EnterpriseFactory
from tuoyu.enterprises.models import (
    Department,
    Dispatch,
    Enterprise,
    Extension,
    Rating,
    ServiceRequest,
    ServiceTeam,
    Visit,
)
from tuoyu.enterprises.services.requests import request_dispatch, request_rate
from tuoyu.enterprises.services.visits import visit_record
from tuoyu.enterprises.tests.progress_helpers import ANSWER, NOTE, PROBLEM, REPLY, handled, recorded
from tuoyu.regions.models import Region
from tuoyu.registry.factories import make_credit_code
from tuoyu.registry.models import RegistrationType

pytestmark = pytest.mark.django_db

ApiAs = Callable[[str], APIClient]
PROGRESS_KEYS = {
    "number",
    "enterprise",
    "category",
    "category_label",
    "problem",
    "status",
    "status_label",
    "recorded_at",
    "deadline",
    "answer",
    "rating_due",
    "steps",
}
UNKNOWN = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def closed(
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
) -> ServiceRequest:
    return handled(officer, enterprise, district_team, market_bureau, market_contact)


def _progress(request: ServiceRequest, token: str | None = None) -> str:
    return (
        f"/api/v1/service-requests/{request.code}/progress/?token={request.token if token is None else token}"
    )


def _rating(request: ServiceRequest, token: str | None = None) -> str:
    return (
        f"/api/v1/service-requests/{request.code}/rating/?token={request.token if token is None else token}"
    )


def _url(request: ServiceRequest, action: str = "") -> str:
    return f"/api/v1/service-requests/{request.code}/{action}"


# The public progress --------------------------------------------------------------------------------------


def test_the_progress_is_exactly_the_contract_without_anything_internal(
    api_as: ApiAs, closed: ServiceRequest
) -> None:
    response = api_as("anonymous").get(_progress(closed))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == PROGRESS_KEYS
    assert body["number"] == closed.case.number and body["enterprise"] == closed.enterprise.name
    assert (body["category"], body["category_label"]) == ("approval", "Approvals and licences")
    assert (body["problem"], body["answer"], body["rating_due"]) == (PROBLEM, ANSWER, True)
    assert (body["status"], body["deadline"]) == ("closed", "2026-12-04")
    assert [step["action"] for step in body["steps"]] == ["recorded", "accepted", "dispatched", "closed"]
    assert all(set(step) == {"at", "action", "label", "note"} for step in body["steps"])
    assert REPLY not in response.content.decode() and NOTE not in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "private" in response["Cache-Control"]


def test_a_wrong_or_missing_token_is_the_404_of_an_unknown_code(
    api_as: ApiAs, closed: ServiceRequest
) -> None:
    api = api_as("anonymous")
    unknown = api.get(f"/api/v1/service-requests/{UNKNOWN}/progress/?token={closed.token}")
    wrong = api.get(_progress(closed, "wrong"))
    missing = api.get(f"/api/v1/service-requests/{closed.code}/progress/")

    assert unknown.status_code == wrong.status_code == missing.status_code == 404
    assert unknown.json() == wrong.json() == missing.json() == {"code": "not_found", "detail": "Not found."}


def test_the_progress_is_throttled(api_as: ApiAs, closed: ServiceRequest) -> None:
    api = api_as("anonymous")
    statuses = [api.get(_progress(closed, "guess")).status_code for _ in range(61)]

    assert statuses == [404] * 60 + [429]
    assert api.get(_progress(closed)).json()["code"] == "throttled"


def test_a_rating_of_not_satisfied_reopens_with_a_new_deadline(api_as: ApiAs, closed: ServiceRequest) -> None:
    api = api_as("anonymous")
    no_comment = api.post(_rating(closed), {"satisfaction": "not_satisfied"}, format="json")
    assert no_comment.status_code == 400 and no_comment.json()["code"] == "rating_comment_required"

    response = api.post(
        _rating(closed), {"satisfaction": "not_satisfied", "comment": "证没拿到"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["satisfaction"], body["status"], body["deadline"]) == (
        "not_satisfied",
        "reopened",
        "2026-12-04",
    )
    assert body["comment"] == "证没拿到"
    progress = api.get(_progress(closed)).json()
    assert progress["status"] == "reopened" and progress["rating_due"] is False
    assert progress["steps"][-1]["action"] == "reopened"
    again = api.post(_rating(closed), {"satisfaction": "satisfied"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "rating_not_due"


def test_a_rating_with_a_wrong_token_is_a_404(api_as: ApiAs, closed: ServiceRequest) -> None:
    response = api_as("anonymous").post(
        _rating(closed, "wrong"), {"satisfaction": "satisfied"}, format="json"
    )

    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not Rating.objects.exists()


def test_ratings_are_throttled(api_as: ApiAs, closed: ServiceRequest) -> None:
    api = api_as("anonymous")
    statuses = [api.post(_rating(closed), {}, format="json").status_code for _ in range(11)]

    assert statuses == [400] * 10 + [429]


def test_the_signed_in_contact_rates_as_themselves(
    api_as: ApiAs, closed: ServiceRequest, contact_user: User
) -> None:
    api_as("contact_user").post(_rating(closed), {"satisfaction": "satisfied"}, format="json")

    assert Rating.objects.get().recorded_by == contact_user


# Enterprises, teams, departments ---------------------------------------------------------------------------


def test_enterprises_masked_in_the_list_in_full_in_the_detail(
    api_as: ApiAs, officer: User, enterprise: Enterprise, enterprise_b: Enterprise
) -> None:
    api = api_as("officer")
    rows = api.get("/api/v1/enterprises/").json()["results"]

    assert [row["code"] for row in rows] == [str(enterprise.code)]
    assert rows[0]["contact_phone"] == "137****1111"
    detail = api.get(f"/api/v1/enterprises/{enterprise.code}/").json()
    assert detail["contact_phone"] == "13700001111"
    assert api.get(f"/api/v1/enterprises/{enterprise_b.code}/").status_code == 404


def test_an_officer_registers_and_changes_an_enterprise_in_their_region(
    api_as: ApiAs, officer: User, street_a1: Region, street_b1: Region, city: Region
) -> None:
    api = api_as("officer")
    credit_code = make_credit_code(RegistrationType.ENTERPRISE, street_a1.code, 777_001)
    wrong_check = credit_code[:-1] + ("0" if credit_code[-1] != "0" else "1")
    body = {
        "name": "理美酒店管理有限公司",
        "credit_code": credit_code,
        "address": "甲一路8号",
        "street": street_a1.code,
        "industry": "hospitality",
        "contact_name": "刘经理",
        "contact_phone": "13700002222",
    }
    bad = api.post("/api/v1/enterprises/", {**body, "credit_code": wrong_check}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    outside = api.post("/api/v1/enterprises/", {**body, "street": street_b1.code}, format="json")
    assert outside.status_code == 400 and outside.json()["code"] == "enterprise_street_outside"

    created = api.post("/api/v1/enterprises/", body, format="json")

    assert created.status_code == 201, created.json()
    code = created.json()["code"]
    changed = api.patch(f"/api/v1/enterprises/{code}/", {"contact_name": "刘总"}, format="json")
    assert changed.status_code == 200 and changed.json()["contact_name"] == "刘总"
    assert Enterprise.objects.get(code=code).contact_name == "刘总"


def test_outsiders_of_the_desk_get_404_on_its_register(
    api_as: ApiAs, enterprise: Enterprise, market_contact: User, officer_b: User, director_x: User
) -> None:
    for persona in ("market_contact", "director_x", "guardian"):
        api = api_as(persona)
        for url in ("/api/v1/enterprises/", "/api/v1/service-teams/", "/api/v1/enterprise-departments/"):
            assert api.get(url).status_code == 404, (persona, url)
        assert api.get(f"/api/v1/enterprises/{enterprise.code}/").status_code == 404
    assert api_as("officer_b").get(f"/api/v1/enterprises/{enterprise.code}/").status_code == 404
    assert api_as("anonymous").get("/api/v1/enterprises/").status_code == 401


def test_teams_and_departments_of_the_officers_region(
    api_as: ApiAs,
    officer: User,
    city_team: ServiceTeam,
    district_team: ServiceTeam,
    market_bureau: Department,
    tax_bureau: Department,
    officer_b: User,
) -> None:
    teams = api_as("officer").get("/api/v1/service-teams/").json()["results"]
    assert [team["name"] for team in teams] == [city_team.name, district_team.name]
    assert officer.display_name in teams[1]["members"]
    departments = api_as("officer").get("/api/v1/enterprise-departments/").json()["results"]
    assert {row["id"] for row in departments} == {market_bureau.pk, tax_bureau.pk}
    assert api_as("officer_b").get("/api/v1/enterprise-departments/").json()["results"] == []


# Visits ----------------------------------------------------------------------------------------------------


def test_a_visit_with_two_problems_records_two_requests(
    api_as: ApiAs,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    city_team: ServiceTeam,
    officer_b: User,
) -> None:
    earlier = recorded(officer, enterprise, district_team)
    api = api_as("officer")
    body = {
        "enterprise": str(enterprise.code),
        "visited_on": "2026-11-24",
        "teams": [district_team.pk, city_team.pk],
        "discussed": "用地手续和用工问题",
        "problems": [
            {"category": "land", "urgency": "complex", "description": "厂房扩建用地指标"},
            {"category": "labour", "urgency": "simple", "description": "缺少电工"},
        ],
        "follow_up_of": [str(earlier.code)],
    }
    future = api.post("/api/v1/enterprise-visits/", {**body, "visited_on": "2026-11-30"}, format="json")
    assert future.status_code == 400 and future.json()["code"] == "visit_in_future"

    response = api.post("/api/v1/enterprise-visits/", body, format="json")

    assert response.status_code == 201, response.json()
    visit = response.json()
    assert visit["joint"] is True and len(visit["requests"]) == 2
    assert visit["follow_up_of"][0]["number"] == earlier.case.number
    raised = ServiceRequest.objects.filter(visit_id=visit["id"])
    assert {(r.team, r.joint_team) for r in raised} == {(district_team, city_team)}
    assert [row["id"] for row in api.get("/api/v1/enterprise-visits/").json()["results"]] == [visit["id"]]
    assert api.get(f"/api/v1/enterprise-visits/{visit['id']}/").json()["discussed"] == "用地手续和用工问题"
    assert api_as("officer_b").get(f"/api/v1/enterprise-visits/{visit['id']}/").status_code == 404
    assert api_as("market_contact").get("/api/v1/enterprise-visits/").status_code == 404


def test_a_visit_to_an_enterprise_of_another_region_is_a_404(
    api_as: ApiAs, officer: User, enterprise_b: Enterprise, district_team: ServiceTeam
) -> None:
    body = {
        "enterprise": str(enterprise_b.code),
        "visited_on": "2026-11-24",
        "teams": [district_team.pk],
        "discussed": "走访",
    }
    assert api_as("officer").post("/api/v1/enterprise-visits/", body, format="json").status_code == 404
    assert not Visit.objects.exists()


# Requests: reading ---------------------------------------------------------------------------------------


def test_the_list_is_scoped_to_each_side(
    api_as: ApiAs,
    closed: ServiceRequest,
    officer: User,
    district_team: ServiceTeam,
    enterprise_b: Enterprise,
    officer_b: User,
    market_contact: User,
    tax_contact: User,
    contact_user: User,
) -> None:
    other = recorded(officer, closed.enterprise, district_team)

    def codes(persona: str, query: str = "") -> list[str]:
        return [
            row["code"] for row in api_as(persona).get(f"/api/v1/service-requests/{query}").json()["results"]
        ]

    assert codes("officer") == [str(other.code), str(closed.code)]
    assert codes("officer", "?status=closed") == [str(closed.code)]
    assert codes("market_contact") == [str(closed.code)]
    assert codes("contact_user") == [str(other.code), str(closed.code)]
    assert codes("officer_b") == codes("tax_contact") == codes("director_x") == []
    bad = api_as("officer").get("/api/v1/service-requests/?status=lost")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert api_as("officer").get("/api/v1/service-requests/?overdue=maybe").status_code == 400


def test_the_overdue_filter(
    api_as: ApiAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam, clock: Any
) -> None:
    late = recorded(officer, enterprise, district_team)
    api = api_as("officer")
    api.post(_url(late, "accept/"), {}, format="json")
    recorded(officer, enterprise, district_team)
    assert api.get("/api/v1/service-requests/?overdue=true").json()["results"] == []

    clock.move_to(datetime.datetime(2026, 12, 7, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))

    rows = api.get("/api/v1/service-requests/?overdue=true").json()["results"]
    assert [row["code"] for row in rows] == [str(late.code)] and rows[0]["overdue"] is True


def test_the_detail_is_internal_for_the_desk_and_the_department_public_for_the_contact(
    api_as: ApiAs, closed: ServiceRequest, market_contact: User, contact_user: User, officer_b: User
) -> None:
    for persona, note in (("officer", ["note"]), ("market_contact", [])):
        body = api_as(persona).get(_url(closed)).json()
        assert [step["action"] for step in body["timeline"]] == [
            "opened",
            "accept",
            "dispatch",
            "reply",
            *note,
            "close",
        ]
        assert body["dispatches"][0]["reply"] == REPLY and body["answer"] == ANSWER
    link = api_as("officer").get(_url(closed)).json()["progress_link"]
    assert link == f"{settings.TUOYU_SITE_URL}/service/progress/{closed.code}/?token={closed.token}"
    assert api_as("market_contact").get(_url(closed)).json()["progress_link"] is None

    mine = api_as("contact_user").get(_url(closed))
    assert mine.status_code == 200
    text = mine.content.decode()
    assert REPLY not in text and NOTE not in text and closed.token not in text
    assert [step["action"] for step in mine.json()["timeline"]] == [
        "recorded",
        "accepted",
        "dispatched",
        "closed",
    ]
    assert mine.json()["dispatches"] == [] and mine.json()["extension"] is None
    for persona in ("officer_b", "tax_contact", "director_x", "guardian"):
        assert api_as(persona).get(_url(closed)).status_code == 404, persona


# Requests: actions ---------------------------------------------------------------------------------------


def test_the_loop_through_the_api(
    api_as: ApiAs,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
    team_leader: User,
) -> None:
    desk = api_as("officer")
    created = desk.post(
        "/api/v1/service-requests/",
        {
            "enterprise": str(enterprise.code),
            "team": district_team.pk,
            "category": "market",
            "urgency": "simple",
            "description": "营业执照变更",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    request = ServiceRequest.objects.get(code=created.json()["code"])
    assert created.json()["status"] == kinds.RECORDED

    accepted = desk.post(_url(request, "accept/"), {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["deadline"] == "2026-11-30"
    twice = desk.post(_url(request, "accept/"), {}, format="json")
    assert twice.status_code == 400 and twice.json()["code"] == "case_wrong_status"

    dispatched = desk.post(
        _url(request, "dispatch/"),
        {"departments": [market_bureau.pk], "instruction": "请核实"},
        format="json",
    )
    assert dispatched.status_code == 200 and dispatched.json()["status"] == kinds.DISPATCHED
    unanswered = desk.post(_url(request, "close/"), {"answer": "已办", "resolved": True}, format="json")
    assert unanswered.status_code == 400 and unanswered.json()["code"] == "request_dispatch_unanswered"

    extension = desk.post(_url(request, "extension/"), {"days": 3, "reason": "等部门答复"}, format="json")
    assert extension.status_code == 200 and extension.json()["extension"]["status"] == "asked"
    assert desk.post(_url(request, "extension/decision/"), {"grant": True}, format="json").status_code == 404
    decided = api_as("team_leader").post(_url(request, "extension/decision/"), {"grant": True}, format="json")
    assert decided.status_code == 200 and decided.json()["deadline"] == "2026-12-03"

    inbox = api_as("market_contact").get("/api/v1/enterprise-dispatches/").json()["results"]
    assert [row["number"] for row in inbox] == [request.case.number] and inbox[0]["instruction"] == "请核实"
    reply = api_as("market_contact").post(
        f"/api/v1/enterprise-dispatches/{inbox[0]['id']}/reply/", {"reply": "已变更"}, format="json"
    )
    assert reply.status_code == 200 and reply.json()["reply"] == "已变更"
    again = api_as("market_contact").post(
        f"/api/v1/enterprise-dispatches/{inbox[0]['id']}/reply/", {"reply": "再答"}, format="json"
    )
    assert again.status_code == 400 and again.json()["code"] == "dispatch_already_replied"

    noted = desk.post(_url(request, "note/"), {"note": "电话已告知企业"}, format="json")
    assert noted.status_code == 200 and noted.json()["timeline"][-1]["public"] is False
    closed = desk.post(_url(request, "close/"), {"answer": "执照已变更", "resolved": True}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == kinds.CLOSED

    followed = desk.post(
        _url(request, "follow-up/"),
        {"channel": "phone", "satisfaction": "not_satisfied", "comment": "还要再跑一趟"},
        format="json",
    )
    assert followed.status_code == 200
    assert followed.json()["status"] == kinds.REOPENED and followed.json()["times_reopened"] == 1
    assert followed.json()["ratings"][0]["channel"] == "phone"
    assert Rating.objects.get(request=request).recorded_by == officer


def test_every_action_is_a_404_for_outsiders_and_the_other_sides(
    api_as: ApiAs,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
    officer_b: User,
    tax_contact: User,
    contact_user: User,
    team_leader: User,
) -> None:
    request = handled(officer, enterprise, district_team, market_bureau, market_contact, close=False)
    bodies = {
        "accept/": {},
        "dispatch/": {"departments": [market_bureau.pk]},
        "close/": {"answer": "答复", "resolved": True},
        "follow-up/": {"channel": "phone", "satisfaction": "satisfied"},
        "extension/": {"days": 2, "reason": "理由"},
        "extension/decision/": {"grant": True},
        "note/": {"note": "备注"},
    }
    before = list(request.case.events.values_list("pk", flat=True))
    for persona in ("officer_b", "tax_contact", "contact_user", "director_x"):
        for action, body in bodies.items():
            response = api_as(persona).post(_url(request, action), body, format="json")
            assert response.status_code == 404, (persona, action, response.json())
    for action in ("accept/", "dispatch/", "close/", "follow-up/", "note/", "extension/decision/"):
        response = api_as("market_contact").post(_url(request, action), bodies[action], format="json")
        assert response.status_code == 404, action
    assert api_as("anonymous").post(_url(request, "accept/"), {}, format="json").status_code == 401
    assert list(request.case.events.values_list("pk", flat=True)) == before
    assert not Extension.objects.exists()


def test_a_department_may_ask_for_the_extension(
    api_as: ApiAs,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
) -> None:
    request = handled(officer, enterprise, district_team, market_bureau, market_contact, close=False)

    response = api_as("market_contact").post(
        _url(request, "extension/"), {"days": 2, "reason": "需会商"}, format="json"
    )

    assert response.status_code == 200
    assert Extension.objects.get(request=request).asked_by == market_contact


def test_the_inbox_is_the_contacts_own(
    api_as: ApiAs, closed: ServiceRequest, market_contact: User, tax_contact: User, officer: User
) -> None:
    dispatch = Dispatch.objects.get(request=closed)
    assert api_as("tax_contact").get("/api/v1/enterprise-dispatches/").json()["results"] == []
    response = api_as("tax_contact").post(
        f"/api/v1/enterprise-dispatches/{dispatch.pk}/reply/", {"reply": "答"}, format="json"
    )
    assert response.status_code == 404
    for persona in ("officer", "director_x", "guardian"):
        assert api_as(persona).get("/api/v1/enterprise-dispatches/").status_code == 404, persona


def test_dispatching_to_a_department_beyond_the_officers_reach_is_refused(
    api_as: ApiAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam, district_b: Region
) -> None:
    elsewhere = DepartmentFactory.create(name="乙区税务局", region=district_b)
    request = recorded(officer, enterprise, district_team)
    api = api_as("officer")
    api.post(_url(request, "accept/"), {}, format="json")

    response = api.post(_url(request, "dispatch/"), {"departments": [elsewhere.pk]}, format="json")

    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not Dispatch.objects.exists()


# Query counts ----------------------------------------------------------------------------------------------


def _queries(api: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured.captured_queries)


def _fresh(user: User) -> APIClient:
    """A client of the user as a new request sees them (their roles not yet read)."""
    api = APIClient()
    api.force_authenticate(User.objects.get(pk=user.pk))
    return api


def test_lists_run_the_same_queries_for_one_row_or_many(
    api_as: ApiAs,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    city_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
) -> None:
    def one_more() -> None:
        other = EnterpriseFactory.create(street=enterprise.street)
        handled(officer, other, district_team, market_bureau, market_contact)
        visit_record(
            actor=officer,
            enterprise=other,
            visited_on=datetime.date(2026, 11, 24),
            teams=[district_team, city_team],
            discussed="走访",
        )

    people = {"officer": officer, "market_contact": market_contact}
    lists = {
        "officer": [
            "/api/v1/enterprises/",
            "/api/v1/enterprise-visits/",
            "/api/v1/service-requests/",
            "/api/v1/service-teams/",
        ],
        "market_contact": ["/api/v1/enterprise-dispatches/", "/api/v1/service-requests/"],
    }
    one_more()
    first = {(who, url): _queries(_fresh(people[who]), url) for who, urls in lists.items() for url in urls}
    one_more()
    one_more()
    again = {(who, url): _queries(_fresh(people[who]), url) for who, urls in lists.items() for url in urls}

    assert again == first


def test_the_progress_runs_the_same_queries_however_many_steps(
    api_as: ApiAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam, closed: ServiceRequest
) -> None:
    api = api_as("anonymous")
    short = recorded(officer, enterprise, district_team)
    request_rate(request=closed, satisfaction="not_satisfied", channel="online", comment="再看看")

    # the long one also reads its ratings
    assert _queries(api, _progress(closed)) == _queries(api, _progress(short)) + 1


def test_the_supervision_cases_of_a_superuser_leave_the_requests_to_the_desk(
    officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    """A request is a case about no institution: the cases API lists institutions' cases only."""
    recorded(officer, enterprise, district_team)
    superuser = UserFactory.create(is_superuser=True, is_staff=True)
    api = APIClient()
    api.force_authenticate(superuser)

    response = api.get("/api/v1/cases/")

    assert response.status_code == 200 and response.json()["results"] == []
    assert api.get("/api/v1/service-requests/").json()["count"] == 1


def test_a_department_reads_neither_the_desks_notes_nor_another_departments_reply(
    api_as: ApiAs,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
    tax_bureau: Department,
    tax_contact: User,
) -> None:
    request = handled(officer, enterprise, district_team, market_bureau, market_contact, close=False)
    request_dispatch(request=request, actor=officer, departments=[tax_bureau])

    body = api_as("tax_contact").get(_url(request)).json()

    text = str(body)
    assert REPLY not in text and NOTE not in text
    assert [step["action"] for step in body["timeline"]] == ["opened", "accept", "dispatch", "dispatch"]
    assert [d["department"] for d in body["dispatches"]] == [market_bureau.pk, tax_bureau.pk]
    mine = api_as("market_contact").get(_url(request)).json()
    assert REPLY in str(mine) and NOTE not in str(mine)
    assert [step["action"] for step in mine["timeline"]] == [
        "opened",
        "accept",
        "dispatch",
        "reply",
        "dispatch",
    ]
