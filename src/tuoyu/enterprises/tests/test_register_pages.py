"""The register's pages: the enterprises list, registering and editing, the enterprise's page and its
timeline, the teams and departments with their membership; each for the officers of the region, a 404 for the
others."""

import datetime
import io
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.personas import signed_in_client
from tuoyu.accounts.access import roles_of
from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.enterprises import kinds
from tuoyu.enterprises.factories import EnterpriseFactory, ServiceTeamFactory
from tuoyu.enterprises.models import Department, Enterprise, Industry, ServiceTeam, TeamLevel
from tuoyu.enterprises.services.register import team_member_add
from tuoyu.enterprises.services.requests import Problem, request_accept, request_dispatch
from tuoyu.enterprises.services.visits import visit_record
from tuoyu.regions.models import Region
from tuoyu.registry.factories import make_credit_code
from tuoyu.registry.models import Institution

pytestmark = pytest.mark.django_db

ClientAs = Callable[[str], Client]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST = "/enterprise-service/enterprises/"
OUTSIDERS = ["officer_b", "market_contact", "director_x"]


def page(enterprise: Enterprise) -> str:
    return f"/enterprise-service/enterprises/{enterprise.code}/"


def a_code(street: Region, serial: int) -> str:
    return make_credit_code("enterprise", street.code, 700_000 + serial)


# The list ----------------------------------------------------------------------------------------------


def test_the_list_shows_the_region_s_enterprises_with_the_phone_masked(
    client_as: ClientAs, officer: User, enterprise: Enterprise, enterprise_b: Enterprise
) -> None:
    response = client_as("officer").get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert enterprise.name in html and enterprise_b.name not in html
    assert "137****1111" in html
    assert "13700001111" not in html


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_those_who_serve_no_enterprise_get_404(
    client_as: ClientAs, persona: str, enterprise: Enterprise, officer_b: User, market_contact: User
) -> None:
    client = client_as(persona)
    if persona != "officer_b":
        assert client.get(LIST).status_code == 404
        assert client.get(LIST + "new/").status_code == 404
        assert client.get(LIST + "import/").status_code == 404
    assert client.get(page(enterprise)).status_code == 404
    assert client.get(page(enterprise) + "edit/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(anonymous_client: Client, enterprise: Enterprise) -> None:
    for url in (LIST, page(enterprise), LIST + "import/", "/enterprise-service/teams/"):
        response = anonymous_client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_searches_by_name_or_credit_code_and_filters_by_street_and_industry(
    client_as: ClientAs, officer: User, enterprise: Enterprise, street_a2: Region
) -> None:
    hotel = EnterpriseFactory.create(
        name="理美酒店管理有限公司", street=street_a2, industry=Industry.HOSPITALITY
    )
    client = client_as("officer")

    def names(query: str) -> set[str]:
        html = client.get(LIST + "?" + query).content.decode()
        return {name for name in (enterprise.name, hotel.name) if name in html}

    assert names("q=酒店") == {hotel.name}
    assert names(f"q={enterprise.credit_code[-8:].lower()}") == {enterprise.name}
    assert names(f"street={street_a2.pk}") == {hotel.name}
    assert names("industry=hospitality") == {hotel.name}
    assert names("industry=manufacturing") == {enterprise.name}
    assert "No enterprise matches this search." in client.get(LIST + "?q=没有这家").content.decode()


def test_the_list_downloads_as_excel_with_the_phone_masked(
    client_as: ClientAs, officer: User, enterprise: Enterprise, enterprise_b: Enterprise
) -> None:
    response = client_as("officer").get(LIST + "?format=xlsx")

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[0][:2] == ("Enterprise name", "Unified social credit code")
    assert [row[0] for row in rows[1:]] == [enterprise.name]
    assert rows[1][6] == "137****1111"


def test_the_list_runs_as_many_queries_for_3_as_for_30_enterprises(
    client_as: ClientAs, officer: User, street_a1: Region, enterprise: Enterprise
) -> None:
    client = client_as("officer")
    EnterpriseFactory.create_batch(2, street=street_a1)
    client.get(LIST)  # the session and the language settle
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    EnterpriseFactory.create_batch(27, street=street_a1)
    with CaptureQueriesContext(connection) as many:
        assert "30 enterprises" in client.get(LIST).content.decode()
    assert len(many) == len(few)


# Registering and editing -------------------------------------------------------------------------------


def _form(street: Region, **changes: str) -> dict[str, str]:
    data = {
        "name": "龙能城市运营管理股份有限公司济宁分公司",
        "credit_code": a_code(street, 1).lower(),
        "address": "太白湖路8号",
        "street": str(street.pk),
        "industry": "property",
        "contact_name": "赵经理",
        "contact_phone": "13912345678",
        "note": "",
    }
    return {**data, **changes}


def test_an_officer_registers_an_enterprise_in_a_street_of_their_region(
    client_as: ClientAs, officer: User, street_a1: Region, city: Region
) -> None:
    street_a1.refresh_from_db()
    response = client_as("officer").post(LIST + "new/", _form(street_a1))

    enterprise = Enterprise.objects.get(name="龙能城市运营管理股份有限公司济宁分公司")
    assert response.status_code == 302 and response["Location"] == page(enterprise)
    assert enterprise.credit_code == a_code(street_a1, 1)  # upper case
    assert enterprise.street == street_a1


def test_a_street_outside_the_region_is_not_offered(
    client_as: ClientAs, officer: User, street_a1: Region, street_b1: Region
) -> None:
    client = client_as("officer")
    assert street_b1.name not in client.get(LIST + "new/").content.decode()

    response = client.post(LIST + "new/", _form(street_b1))

    assert response.status_code == 200
    assert not Enterprise.objects.exists()


def test_a_wrong_check_character_is_shown_on_the_form(
    client_as: ClientAs, officer: User, street_a1: Region
) -> None:
    code = a_code(street_a1, 2)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")

    response = client_as("officer").post(LIST + "new/", _form(street_a1, credit_code=wrong))

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_an_enterprise_with_an_institution_s_credit_code_is_linked_to_its_public_page(
    client_as: ClientAs, officer: User, institution_x: Institution, street_a1: Region
) -> None:
    client = client_as("officer")
    client.post(
        LIST + "new/", _form(street_a1, name="星星托育园的举办单位", credit_code=institution_x.credit_code)
    )

    enterprise = Enterprise.objects.get(credit_code=institution_x.credit_code)
    assert enterprise.institution == institution_x
    html = client.get(page(enterprise)).content.decode()
    assert f'href="/institutions/{institution_x.code}/"' in html


def test_an_officer_edits_the_record(client_as: ClientAs, officer: User, enterprise: Enterprise) -> None:
    client = client_as("officer")
    assert client.get(page(enterprise) + "edit/").status_code == 200
    data = _form(
        enterprise.street, name=enterprise.name, credit_code=enterprise.credit_code, address="新地址9号"
    )

    response = client.post(page(enterprise) + "edit/", data)

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.address == "新地址9号" and enterprise.contact_phone == "13912345678"


# The enterprise's page and its timeline ---------------------------------------------------------------


def test_the_enterprise_page_shows_the_full_contact_phone(
    client_as: ClientAs, officer: User, city_officer: User, enterprise: Enterprise
) -> None:
    for persona in ("officer", "city_officer"):
        html = client_as(persona).get(page(enterprise)).content.decode()
        assert 'href="tel:13700001111"' in html
        assert "No visit and no request yet." in html


def test_the_timeline_shows_every_visit_and_every_step_newest_first(
    client_as: ClientAs,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    clock,
) -> None:
    earlier = visit_record(
        actor=officer,
        enterprise=enterprise,
        visited_on=datetime.date(2026, 11, 20),
        teams=[district_team],
        discussed="了解用工需求",
    )
    visit = visit_record(
        actor=officer,
        enterprise=enterprise,
        visited_on=datetime.date(2026, 11, 25),
        teams=[district_team],
        discussed="冷库用地手续",
        problems=[Problem("land", "complex", "冷库用地规划许可办理慢")],
    )
    (request,) = visit.requests.all()
    clock.shift(datetime.timedelta(minutes=30))
    request_accept(request=request, actor=officer)
    clock.shift(datetime.timedelta(hours=1))
    request_dispatch(request=request, actor=officer, departments=[market_bureau])

    html = client_as("officer").get(page(enterprise)).content.decode()

    entries = re.findall(r'data-entry="(visit|step)"(?: data-visit="(\d+)")?(?: data-action="(\w+)")?', html)
    assert [(kind, visit_pk or action) for kind, visit_pk, action in entries] == [
        ("step", kinds.DISPATCH),
        ("step", kinds.ACCEPT),
        ("step", "opened"),
        ("visit", str(visit.pk)),
        ("visit", str(earlier.pk)),
    ]
    assert request.case.number in html and "冷库用地规划许可办理慢" in html
    assert market_bureau.name in html  # the dispatch step names the department


def test_another_district_s_requests_never_reach_the_timeline(
    client_as: ClientAs, officer: User, officer_b: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    visit_record(
        actor=officer,
        enterprise=enterprise,
        visited_on=datetime.date(2026, 11, 24),
        teams=[district_team],
        discussed="走访",
        problems=[Problem("tax", "simple", "发票申领")],
    )
    assert client_as("officer_b").get(page(enterprise)).status_code == 404


# Teams --------------------------------------------------------------------------------------------------


def team_page(team: ServiceTeam) -> str:
    return f"/enterprise-service/teams/{team.pk}/"


def test_the_teams_an_officer_sees_are_theirs_and_the_city_s(
    client_as: ClientAs, officer: User, team_leader: User, city_team: ServiceTeam, district_b: Region
) -> None:
    other = ServiceTeamFactory.create(name="乙区企业服务队", region=district_b)

    html = client_as("officer").get("/enterprise-service/teams/").content.decode()

    assert "甲区企业服务队" in html and "甲市企业服务队" in html and other.name not in html
    assert client_as("officer").get(team_page(other)).status_code == 404


def test_a_team_page_shows_its_leader_and_members(
    client_as: ClientAs, officer: User, team_leader: User, district_team: ServiceTeam
) -> None:
    html = client_as("officer").get(team_page(district_team)).content.decode()

    assert "周队长" in html and "李专员" in html
    assert "Add a member" not in html  # only the leader adds
    members = html[html.index("data-members") :]
    assert members.index("周队长") < members.index("李专员")  # the leader first


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_on_a_team(
    client_as: ClientAs, persona: str, district_team: ServiceTeam, officer_b: User, market_contact: User
) -> None:
    client = client_as(persona)
    assert client.get(team_page(district_team)).status_code == 404
    assert client.post(team_page(district_team) + "members/", {"phone": "13900000001"}).status_code == 404


def test_the_leader_adds_a_member_by_mobile_number_who_then_serves_the_region(
    client_as: ClientAs,
    team_leader: User,
    district_team: ServiceTeam,
    district_a: Region,
    enterprise: Enterprise,
) -> None:
    newcomer = UserFactory.create(display_name="新队员", phone="13911112222")

    response = client_as("team_leader").post(team_page(district_team) + "members/", {"phone": "13911112222"})

    assert response.status_code == 302
    assert district_team.members.filter(pk=newcomer.pk).exists()
    assert Role.ENTERPRISE_SERVICE in roles_of(User.objects.get(pk=newcomer.pk))
    assert client_as("team_leader").get(team_page(district_team)).status_code == 200
    assert signed_in_client(User.objects.get(pk=newcomer.pk)).get(page(enterprise)).status_code == 200


def test_a_number_without_an_account_is_told(
    client_as: ClientAs, team_leader: User, district_team: ServiceTeam
) -> None:
    response = client_as("team_leader").post(team_page(district_team) + "members/", {"phone": "13999999999"})

    assert response.status_code == 400
    assert "No account has this mobile number" in response.content.decode()


def test_a_member_cannot_add_or_remove_members(
    client_as: ClientAs, officer: User, team_leader: User, district_team: ServiceTeam
) -> None:
    UserFactory.create(phone="13911112222")
    client = client_as("officer")
    assert client.post(team_page(district_team) + "members/", {"phone": "13911112222"}).status_code == 404
    remove = team_page(district_team) + f"members/{team_leader.pk}/remove/"
    assert client.post(remove).status_code == 404
    assert district_team.members.count() == 2


def test_removing_a_member_takes_the_role_away_unless_another_team_of_the_region_keeps_it(
    client_as: ClientAs, officer: User, team_leader: User, district_team: ServiceTeam, district_a: Region
) -> None:
    second = ServiceTeamFactory.create(name="甲区第二服务队", region=district_a, level=TeamLevel.DISTRICT)
    team_member_add(team=second, user=officer)
    client = client_as("team_leader")

    client.post(team_page(district_team) + f"members/{officer.pk}/remove/")

    assert not district_team.members.filter(pk=officer.pk).exists()
    assert RoleAssignment.objects.filter(user=officer, role=Role.ENTERPRISE_SERVICE).exists()

    second.members.remove(officer)
    team_member_add(team=district_team, user=officer)
    client.post(team_page(district_team) + f"members/{officer.pk}/remove/")

    assert not RoleAssignment.objects.filter(user=officer, role=Role.ENTERPRISE_SERVICE).exists()


def test_the_leader_is_not_removed(
    client_as: ClientAs, team_leader: User, district_team: ServiceTeam
) -> None:
    response = client_as("team_leader").post(
        team_page(district_team) + f"members/{team_leader.pk}/remove/", follow=True
    )

    assert "name another leader first" in response.content.decode()
    assert district_team.members.filter(pk=team_leader.pk).exists()


# Departments --------------------------------------------------------------------------------------------

DEPARTMENTS = "/enterprise-service/departments/"


def test_the_departments_an_officer_may_dispatch_to_with_their_contacts(
    client_as: ClientAs, officer: User, market_contact: User, tax_bureau: Department, district_b: Region
) -> None:
    elsewhere = Department.objects.create(name="乙区税务局", region=district_b)

    html = client_as("officer").get(DEPARTMENTS).content.decode()

    assert "甲区市场监督管理局" in html and "市监联络员" in html and "甲区税务局" in html
    assert elsewhere.name not in html
    assert "No contact yet" in html  # the tax bureau has none
    assert "Add a contact" not in html  # a member, not a leader
    assert client_as("market_contact").get(DEPARTMENTS).status_code == 404


def test_a_team_leader_names_and_removes_a_department_s_contact(
    client_as: ClientAs, team_leader: User, tax_bureau: Department
) -> None:
    person = UserFactory.create(display_name="税务新联络员", phone="13922223333")
    client = client_as("team_leader")
    prefix = f"d{tax_bureau.pk}"

    client.post(f"{DEPARTMENTS}{tax_bureau.pk}/contacts/", {f"{prefix}-phone": "13922223333"})

    assert tax_bureau.contacts.filter(pk=person.pk).exists()
    assert Role.DEPARTMENT_CONTACT in roles_of(User.objects.get(pk=person.pk))

    client.post(f"{DEPARTMENTS}{tax_bureau.pk}/contacts/{person.pk}/remove/")

    assert not tax_bureau.contacts.exists()
    assert Role.DEPARTMENT_CONTACT not in roles_of(User.objects.get(pk=person.pk))


def test_a_member_who_leads_no_team_cannot_name_contacts(
    client_as: ClientAs,
    officer: User,
    tax_bureau: Department,
    market_bureau: Department,
    market_contact: User,
) -> None:
    UserFactory.create(phone="13922223333")
    client = client_as("officer")
    prefix = f"d{tax_bureau.pk}"
    assert (
        client.post(f"{DEPARTMENTS}{tax_bureau.pk}/contacts/", {f"{prefix}-phone": "13922223333"}).status_code
        == 404
    )
    remove = f"{DEPARTMENTS}{market_bureau.pk}/contacts/{market_contact.pk}/remove/"
    assert client.post(remove).status_code == 404
    assert not tax_bureau.contacts.exists() and market_bureau.contacts.count() == 1


# The back office ----------------------------------------------------------------------------------------


def test_the_back_office_registers_through_the_register_s_service_and_shows_membership_read_only(
    institution_x: Institution, street_a1: Region, district_team: ServiceTeam, officer: User
) -> None:
    admin = UserFactory.create(display_name="管理员", is_staff=True, is_superuser=True)
    client = signed_in_client(admin)
    data = _form(street_a1, name="星星托育园的举办单位", credit_code=institution_x.credit_code)

    response = client.post("/admin/enterprises/enterprise/add/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Enterprise.objects.get().institution == institution_x  # linked by the credit code
    html = client.get(f"/admin/enterprises/serviceteam/{district_team.pk}/change/").content.decode()
    assert "李专员" in html
    assert 'name="members"' not in html and 'name="leader"' not in html


def test_the_back_office_is_closed_to_a_regulator(regulator_a: User, enterprise: Enterprise) -> None:
    client = signed_in_client(regulator_a)
    assert client.get("/admin/enterprises/enterprise/").status_code == 404
    assert client.get(f"/admin/enterprises/enterprise/{enterprise.pk}/change/").status_code == 404
