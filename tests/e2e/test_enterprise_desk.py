"""The enterprise service desk on a 390 px phone: the officer accepts a recorded request from the desk and
sends it to a department, whose contact replies from their dispatches; the officer closes it and records the
follow-up call, 不满意; the request is reopened, and once its new deadline passes it is on the team leader's
overdue list. Nothing on the way scrolls sideways."""

import datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD
from tests.e2e.screen import no_horizontal_scroll
from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import User
from tuoyu.enterprises.factories import DepartmentFactory, EnterpriseFactory, ServiceTeamFactory
from tuoyu.enterprises.models import ServiceRequest, TeamLevel
from tuoyu.enterprises.services.register import department_contact_add, team_member_add
from tuoyu.enterprises.services.requests import Problem, request_record
from tuoyu.regions.models import Region

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
OFFICER, LEADER, CONTACT = "13700000101", "13700000102", "13700000103"


def _person(phone: str, name: str) -> User:
    user = UserFactory.create(phone=phone, display_name=name)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@pytest.fixture
def request_recorded(transactional_db: None, district_a: Region, street_a1: Region) -> ServiceRequest:
    team = ServiceTeamFactory.create(name="甲区企业服务队", level=TeamLevel.DISTRICT, region=district_a)
    officer = _person(OFFICER, "李专员")
    team_member_add(team=team, user=officer)
    team_member_add(team=team, user=_person(LEADER, "周队长"), leader=True)
    department = DepartmentFactory.create(name="甲区市场监督管理局", region=district_a)
    department_contact_add(department=department, user=_person(CONTACT, "市监联络员"))
    enterprise = EnterpriseFactory.create(name="岁耕农业发展有限公司", street=street_a1)
    return request_record(
        actor=officer,
        enterprise=enterprise,
        team=team,
        problem=Problem(category="approval", urgency="simple", description="食品经营许可证延续办理慢"),
    )


def _go(page: Any, locator: Any) -> None:
    locator.click()
    page.wait_for_load_state()
    no_horizontal_scroll(page)


def test_a_request_goes_round_the_loop_on_a_phone(
    request_recorded: ServiceRequest, open_page: Any, sign_in: Any, clock: Any
) -> None:
    code = request_recorded.code
    officer = open_page(viewport=PHONE)
    sign_in(officer, OFFICER)
    assert officer.url.endswith("/enterprise-service/")  # the officer's home is the desk
    no_horizontal_scroll(officer)

    _go(officer, officer.locator(f"#accept li[data-request='{code}'] h3 a"))
    no_horizontal_scroll(officer)
    _go(officer, officer.locator("#accept button[type=submit]"))
    officer.locator("#dispatch label:has-text('甲区市场监督管理局')").click()
    officer.locator("#dispatch textarea").fill("请三日内答复")
    _go(officer, officer.locator("#dispatch button[type=submit]"))
    expect(officer.locator("h1 [data-status]")).to_have_attribute("data-status", "dispatched")

    department = open_page(viewport=PHONE)
    sign_in(department, CONTACT)
    assert department.url.endswith("/enterprise-service/dispatches/")
    no_horizontal_scroll(department)
    _go(department, department.locator("#awaiting li[data-dispatch] h3 a"))
    department.locator("section[id^=reply-] textarea").fill("已开通绿色通道，3日内办结")
    _go(department, department.locator("section[id^=reply-] button[type=submit]"))
    expect(department.locator("[data-reply]")).to_contain_text("已开通绿色通道")

    officer.reload()
    officer.locator("#close textarea").fill("许可证已延续")
    officer.locator("#close input[name=resolved][value=yes]").check()
    officer.locator("#close input[name=confirm]").check()
    officer.once("dialog", lambda dialog: dialog.accept())  # the confirmation before closing
    _go(officer, officer.locator("#close button[type=submit]"))
    expect(officer.locator("h1 [data-status]")).to_have_attribute("data-status", "closed")

    officer.locator("#follow-up input[name=channel][value=phone]").check()
    officer.locator("#follow-up input[name=satisfaction][value=not_satisfied]").check()
    officer.locator("#follow-up textarea").fill("证还没拿到")
    _go(officer, officer.locator("#follow-up button[type=submit]"))
    expect(officer.locator("h1 [data-status]")).to_have_attribute("data-status", "reopened")

    # The new deadline (3 working days from today, Wednesday 2026-11-25) passes: the leader's overdue list.
    clock.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    leader = open_page(viewport=PHONE)
    sign_in(leader, LEADER)
    expect(leader.locator(f"#overdue li[data-request='{code}']")).to_be_visible()
    expect(leader.locator(f"#overdue li[data-request='{code}'] [data-mine]")).to_be_visible()
    no_horizontal_scroll(leader)
    _go(leader, leader.locator("ul.nav a[data-nav=service-requests]"))
    expect(leader.locator(f"li[data-request='{code}']")).to_be_visible()
