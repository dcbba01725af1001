"""An enterprise service officer records, on a phone (390×844), a joint city–district visit with two problems,
adding the second problem's row with "再加一个问题" (no script of the page's own), and finds both requests on
the visit's page and on the enterprise's timeline. Every page of the register fits the phone's width."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.screen import no_horizontal_scroll
from tuoyu.accounts.models import User
from tuoyu.enterprises.factories import EnterpriseFactory, ServiceTeamFactory
from tuoyu.enterprises.models import ServiceRequest, TeamLevel, Visit
from tuoyu.enterprises.services.register import team_member_add
from tuoyu.registry.factories import make_credit_code
from tuoyu.registry.models import Institution

pytestmark = pytest.mark.e2e

PHONE_VIEWPORT = {"width": 390, "height": 844}
OFFICER = "13700009901"


def test_an_officer_records_a_joint_visit_with_two_problems_on_a_phone(
    demo_district: None, live_server: Any, open_page: Any, sign_in: Any
) -> None:
    street = Institution.objects.get(name="爱彼宝济宁托育中心").street
    district = street.parent
    assert district is not None and district.parent is not None
    district_team = ServiceTeamFactory.create(
        name="走访测试区服务队", level=TeamLevel.DISTRICT, region=district
    )
    city_team = ServiceTeamFactory.create(
        name="走访测试市服务队", level=TeamLevel.CITY, region=district.parent
    )
    officer = User.objects.create_user(OFFICER, password="tuoyu2026", display_name="走访测试专员")
    team_member_add(team=district_team, user=officer, leader=True)
    enterprise = EnterpriseFactory.create(
        name="湖畔城市物业服务有限公司（走访测试）",
        street=street,
        credit_code=make_credit_code("enterprise", street.code, 990_101),
    )
    base = live_server.url

    page = open_page(viewport=PHONE_VIEWPORT)
    sign_in(page, OFFICER)
    page.goto(base + "/enterprise-service/enterprises/")
    no_horizontal_scroll(page)
    page.get_by_role("link", name=enterprise.name).click()
    page.get_by_role("link", name="登记走访").click()
    page.wait_for_url(re.compile(r"/enterprise-service/visits/new/\?enterprise="))
    no_horizontal_scroll(page)

    form = page.locator("form[data-visit-form]")
    form.get_by_label("走访测试区服务队").check()
    form.get_by_label("走访测试市服务队").check()
    form.locator("input[name=met]").fill("分公司经理")
    form.locator("textarea[name=discussed]").fill("物业服务项目落地，了解经营中遇到的困难")
    form.locator("select[name=problems-0-category]").select_option("approval")
    form.locator("textarea[name=problems-0-description]").fill("物业服务企业资质备案材料要求不清楚")
    form.get_by_role("button", name="再加一个问题").click()

    rows = page.locator("[data-problem-row]")
    expect(rows).to_have_count(2)
    form = page.locator("form[data-visit-form]")
    expect(form.locator("textarea[name=problems-0-description]")).to_have_value(
        "物业服务企业资质备案材料要求不清楚"
    )
    form.locator("select[name=problems-1-category]").select_option("labour")
    form.locator("select[name=problems-1-urgency]").select_option("simple")
    form.locator("textarea[name=problems-1-description]").fill("项目急需招聘20名保洁和安保人员")
    no_horizontal_scroll(page)
    form.get_by_role("button", name="保存走访记录").click()

    visit = Visit.objects.get(enterprise=enterprise)
    page.wait_for_url(re.compile(rf"/enterprise-service/visits/{visit.pk}/$"))
    expect(page.locator("[data-joint]")).to_have_text("市县联动")
    requests = list(ServiceRequest.objects.filter(visit=visit).order_by("pk"))
    assert [(r.team, r.joint_team) for r in requests] == [(district_team, city_team)] * 2
    for request in requests:
        expect(
            page.locator(f'[data-raised] a[href="/enterprise-service/requests/{request.code}/"]')
        ).to_be_visible()
    no_horizontal_scroll(page)

    page.get_by_role("link", name=enterprise.name).first.click()
    timeline = page.locator("[data-timeline] > li")
    expect(timeline).to_have_count(3)  # two requests recorded, then the visit
    expect(timeline.last).to_have_attribute("data-entry", "visit")
    no_horizontal_scroll(page)
