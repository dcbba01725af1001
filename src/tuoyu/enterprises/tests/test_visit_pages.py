"""Recording a visit on a phone: the form, its rows of problems ("add another problem" without any script),
all or nothing; the visit list, its Excel and the visit's page; a 404 for those outside the region."""

import datetime
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import User
from tuoyu.enterprises.models import Enterprise, ServiceRequest, ServiceTeam, Visit
from tuoyu.enterprises.services.requests import Problem
from tuoyu.enterprises.services.visits import visit_record

pytestmark = pytest.mark.django_db

ClientAs = Callable[[str], Client]
VISITS = "/enterprise-service/visits/"


def new_visit(enterprise: Enterprise) -> str:
    return f"{VISITS}new/?enterprise={enterprise.code}"


def visit_data(teams: list[ServiceTeam], rows: list[tuple[str, str, str]], **fields: Any) -> dict[str, Any]:
    """What the phone posts: the visit's fields, one row per problem and an empty one (as the form has)."""
    data: dict[str, Any] = {
        "visited_on": "2026-11-25",
        "planned": "1",
        "teams": [str(team.pk) for team in teams],
        "met": "总经理王某",
        "discussed": "企业扩产计划与用地需求",
        "problems-TOTAL_FORMS": str(len(rows) + 1),
        "problems-INITIAL_FORMS": "0",
        "problems-MIN_NUM_FORMS": "0",
        "problems-MAX_NUM_FORMS": "20",
        f"problems-{len(rows)}-category": "",
        f"problems-{len(rows)}-urgency": "ordinary",
        f"problems-{len(rows)}-description": "",
    }
    for index, (category, urgency, description) in enumerate(rows):
        data[f"problems-{index}-category"] = category
        data[f"problems-{index}-urgency"] = urgency
        data[f"problems-{index}-description"] = description
    return {**data, **fields}


TWO_PROBLEMS = [
    ("land", "complex", "扩建厂房用地指标不足"),
    ("finance", "ordinary", "技改贷款贴息申报渠道不清楚"),
]


def test_the_form_offers_the_teams_the_officer_sees(
    client_as: ClientAs, officer: User, enterprise: Enterprise, city_team: ServiceTeam
) -> None:
    html = client_as("officer").get(new_visit(enterprise)).content.decode()

    assert "甲区企业服务队" in html and "甲市企业服务队" in html
    assert 'name="problems-TOTAL_FORMS" value="1"' in html
    assert "<script" not in html.split("<main", 1)[1]  # the form needs no script of its own


def test_a_joint_visit_with_two_problems_opens_two_requests_for_the_officer_s_team(
    client_as: ClientAs,
    officer: User,
    city_officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    city_team: ServiceTeam,
) -> None:
    data = visit_data([city_team, district_team], TWO_PROBLEMS, visitors=[str(city_officer.pk)])

    response = client_as("officer").post(new_visit(enterprise), data)

    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{VISITS}{visit.pk}/"
    assert visit.is_joint and visit.planned
    assert set(visit.visitors.all()) == {officer, city_officer}
    requests = list(ServiceRequest.objects.order_by("pk"))
    assert [(r.category, r.urgency, r.description) for r in requests] == TWO_PROBLEMS
    assert {(r.team, r.joint_team, r.visit) for r in requests} == {(district_team, city_team, visit)}

    html = client_as("officer").get(response["Location"]).content.decode()
    assert "data-joint" in html
    for request in requests:
        assert request.case.number in html


def test_add_another_problem_comes_back_with_one_more_row_and_saves_nothing(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    data = visit_data([district_team], TWO_PROBLEMS[:1], discussed="", add_problem="1")

    response = client_as("officer").post(new_visit(enterprise), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="problems-TOTAL_FORMS" value="3"' in html
    assert len(re.findall(r"data-problem-row", html)) == 3
    assert "扩建厂房用地指标不足" in html  # what was typed is kept
    assert "errorlist" not in html  # no error yet: the form is not finished
    assert not Visit.objects.exists()


def test_a_half_filled_problem_row_is_shown_and_nothing_is_saved(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    data = visit_data([district_team], [TWO_PROBLEMS[0], ("", "ordinary", "没选类别的问题")])

    response = client_as("officer").post(new_visit(enterprise), data)

    assert response.status_code == 400
    assert "Choose the category of the problem." in response.content.decode()
    assert not Visit.objects.exists() and not ServiceRequest.objects.exists()


def test_a_visit_in_the_future_is_refused(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    data = visit_data([district_team], TWO_PROBLEMS, visited_on="2026-11-26")

    response = client_as("officer").post(new_visit(enterprise), data)

    assert response.status_code == 400
    assert "A visit is recorded once it has taken place." in response.content.decode()
    assert not Visit.objects.exists()


def test_who_went_must_be_on_a_team_that_went(
    client_as: ClientAs,
    officer: User,
    city_officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    city_team: ServiceTeam,
) -> None:
    data = visit_data([district_team], [], visitors=[str(city_officer.pk)])

    response = client_as("officer").post(new_visit(enterprise), data)

    assert response.status_code == 400
    assert "孙专员 is not on a team that went." in response.content.decode()
    assert not Visit.objects.exists()


def test_a_follow_up_visit_names_the_earlier_requests(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    first = visit_record(
        actor=officer,
        enterprise=enterprise,
        visited_on=datetime.date(2026, 11, 2),
        teams=[district_team],
        discussed="首次走访",
        problems=[Problem("utilities", "simple", "园区停电频繁")],
    )
    (earlier,) = first.requests.all()
    client = client_as("officer")
    assert earlier.case.number in client.get(new_visit(enterprise)).content.decode()

    data = visit_data([district_team], [], follow_up_of=[str(earlier.pk)], planned="0")
    response = client.post(new_visit(enterprise), data)

    visit = Visit.objects.exclude(pk=first.pk).get()
    assert list(visit.follow_up_of.all()) == [earlier] and not visit.planned
    html = client.get(response["Location"]).content.decode()
    followed = html[html.index("data-followed-up") :]
    assert earlier.case.number in followed
    assert "No problem was raised at this visit." in html


@pytest.mark.parametrize("persona", ["officer_b", "market_contact", "director_x"])
def test_outsiders_get_404(
    client_as: ClientAs,
    persona: str,
    officer: User,
    officer_b: User,
    market_contact: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
) -> None:
    visit = visit_record(
        actor=officer,
        enterprise=enterprise,
        visited_on=datetime.date(2026, 11, 25),
        teams=[district_team],
        discussed="走访",
    )
    client = client_as(persona)
    assert client.get(f"{VISITS}{visit.pk}/").status_code == 404
    assert client.get(new_visit(enterprise)).status_code == 404
    response = client.post(new_visit(enterprise), visit_data([district_team], TWO_PROBLEMS))
    assert response.status_code == 404
    assert Visit.objects.count() == 1
    if persona != "officer_b":
        assert client.get(VISITS).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(anonymous_client: Client, enterprise: Enterprise) -> None:
    response = anonymous_client.get(new_visit(enterprise))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_visit_list_and_its_excel(
    client_as: ClientAs,
    officer: User,
    enterprise: Enterprise,
    enterprise_b: Enterprise,
    district_team: ServiceTeam,
    city_team: ServiceTeam,
) -> None:
    client = client_as("officer")
    assert "No visit recorded yet." in client.get(VISITS).content.decode()
    visit_record(
        actor=officer,
        enterprise=enterprise,
        visited_on=datetime.date(2026, 11, 25),
        teams=[district_team, city_team],
        discussed="走访",
        problems=[Problem(*TWO_PROBLEMS[0]), Problem(*TWO_PROBLEMS[1])],
    )

    html = client.get(VISITS).content.decode()
    assert enterprise.name in html and "2 problems raised" in html

    response = client.get(VISITS + "?format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[1][:2] == ("2026-11-25", enterprise.name)
    assert rows[1][4] == "Yes" and rows[1][8] == 2


def test_without_an_enterprise_the_officer_chooses_one(
    client_as: ClientAs, officer: User, enterprise: Enterprise, enterprise_b: Enterprise
) -> None:
    client = client_as("officer")
    assert f"?enterprise={enterprise.code}" in client.get(f"{VISITS}new/?q=岁耕").content.decode()
    html = client.get(f"{VISITS}new/?q=乙区").content.decode()
    assert enterprise_b.name not in html and "No enterprise on your register matches." in html


def test_a_visitor_of_another_team_may_be_chosen_when_their_team_went(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    """The list of who went holds every member of the teams the officer sees (their own included)."""
    colleague = UserFactory.create(display_name="王队员")
    district_team.members.add(colleague)
    data = visit_data([district_team], [], visitors=[str(colleague.pk)])

    client_as("officer").post(new_visit(enterprise), data)

    assert set(Visit.objects.get().visitors.all()) == {officer, colleague}
