"""The issue's acceptance, end to end on the demo district on a phone (390×844):

曹欣怡 of the Taibai Lake district team records a visit to 龙能's 济宁 branch with two problems; the first is
accepted and dispatched to the district's market regulation bureau, whose contact 韩雪 answers from her
dispatches; 曹欣怡 closes it with the answer to the enterprise; the enterprise's contact opens the progress
link (no account), rates the outcome 不满意 and sees the request reopened; when its new deadline passes, the
team leader 颜子涵 finds it on her overdue list. Nothing on the way scrolls sideways.
"""

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.screen import no_horizontal_scroll
from tuoyu.enterprises.models import Enterprise, ServiceRequest, Visit

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
OFFICER, LEADER, MARKET_CONTACT = "13800000015", "13800000014", "13800000018"
MARKET = "太白湖新区市场监督管理局"
FIRST = "物业服务企业资质备案材料要求不清楚，已两次补交仍未通过"
SECOND = "项目急需招聘20名保洁和安保人员"
REPLY = "已安排专人对接，备案材料清单已发企业联系人"
ANSWER = "经市场监管局对接，备案材料已一次性告知并当场受理，请于3个工作日内领取备案回执。"


def _go(page: Any, locator: Any) -> None:
    locator.click()
    page.wait_for_load_state()
    no_horizontal_scroll(page)


def test_a_visit_a_dispatch_a_closure_a_rating_of_not_satisfied_and_the_leaders_overdue_list(
    demo_district: None, live_server: Any, open_page: Any, sign_in: Any, clock: Any
) -> None:
    base = live_server.url
    longneng = Enterprise.objects.get(name="龙能城市运营管理股份有限公司济宁分公司")

    # The officer records the visit with two problems.
    officer = open_page(viewport=PHONE)
    sign_in(officer, OFFICER)
    officer.goto(f"{base}/enterprise-service/visits/new/?enterprise={longneng.code}")
    no_horizontal_scroll(officer)
    form = officer.locator("form[data-visit-form]")
    form.get_by_label("太白湖新区行政审批服务局企业服务队").check()
    form.locator("input[name=met]").fill("分公司经理")
    form.locator("textarea[name=discussed]").fill("回访物业服务项目落地情况，了解经营中遇到的困难")
    form.locator("select[name=problems-0-category]").select_option("approval")
    form.locator("select[name=problems-0-urgency]").select_option("simple")
    form.locator("textarea[name=problems-0-description]").fill(FIRST)
    form.get_by_role("button", name="再加一个问题").click()
    form = officer.locator("form[data-visit-form]")
    form.locator("select[name=problems-1-category]").select_option("labour")
    form.locator("textarea[name=problems-1-description]").fill(SECOND)
    no_horizontal_scroll(officer)
    form.get_by_role("button", name="保存走访记录").click()
    visit = Visit.objects.filter(enterprise=longneng).latest("pk")
    officer.wait_for_url(re.compile(rf"/enterprise-service/visits/{visit.pk}/$"))
    assert sorted(visit.requests.values_list("description", flat=True)) == sorted([FIRST, SECOND])
    request = ServiceRequest.objects.get(visit=visit, description=FIRST)

    # The first problem is accepted and dispatched to the market regulation bureau.
    _go(officer, officer.locator(f'[data-raised] a[href="/enterprise-service/requests/{request.code}/"]'))
    _go(officer, officer.locator("#accept button[type=submit]"))
    officer.locator(f"#dispatch label:has-text('{MARKET}')").click()
    officer.locator("#dispatch textarea").fill("请对接企业，一次性告知备案材料")
    _go(officer, officer.locator("#dispatch button[type=submit]"))
    expect(officer.locator("h1 [data-status]")).to_have_attribute("data-status", "dispatched")

    # The bureau's contact answers from her dispatches.
    contact = open_page(viewport=PHONE)
    sign_in(contact, MARKET_CONTACT)
    assert contact.url.endswith("/enterprise-service/dispatches/")
    _go(contact, contact.locator(f'#awaiting a[href^="/enterprise-service/requests/{request.code}/"]'))
    contact.locator("section[id^=reply-] textarea").fill(REPLY)
    _go(contact, contact.locator("section[id^=reply-] button[type=submit]"))
    expect(contact.locator("[data-reply]")).to_contain_text(REPLY)

    # The officer closes it with the answer to the enterprise.
    officer.reload()
    officer.locator("#close textarea").fill(ANSWER)
    officer.locator("#close input[name=resolved][value=yes]").check()
    officer.locator("#close input[name=confirm]").check()
    officer.once("dialog", lambda dialog: dialog.accept())
    _go(officer, officer.locator("#close button[type=submit]"))
    expect(officer.locator("h1 [data-status]")).to_have_attribute("data-status", "closed")
    progress_url = officer.locator("[data-progress-link]").input_value()

    # The enterprise's contact opens the progress link, with no account, and rates it 不满意.
    enterprise = open_page(viewport=PHONE)
    enterprise.goto(base + progress_url[progress_url.index("/service/progress/") :])
    main = enterprise.locator("main")
    expect(main.locator("[data-answer]")).to_contain_text(ANSWER)
    expect(main).not_to_contain_text(REPLY)  # the department's reply is internal
    no_horizontal_scroll(enterprise)
    rating = main.locator("form[data-rating-form]")
    rating.locator("label", has_text="不满意").click()
    rating.locator("textarea[name=comment]").fill("备案回执还没有拿到")
    enterprise.once("dialog", lambda dialog: dialog.accept())
    with enterprise.expect_navigation():
        rating.locator("button[type=submit]").click()
    expect(main.locator("[data-reopened]")).to_contain_text("新的办理期限")
    no_horizontal_scroll(enterprise)

    request.case.refresh_from_db()
    assert request.case.status == "reopened"
    new_deadline = request.case.deadline
    assert new_deadline is not None

    # The new deadline passes: the request is on the team leader's overdue list.
    clock.move_to(
        datetime.datetime.combine(new_deadline + datetime.timedelta(days=1), datetime.time(9), SHANGHAI)
    )
    leader = open_page(viewport=PHONE)
    sign_in(leader, LEADER)
    assert leader.url.endswith("/enterprise-service/")
    expect(leader.locator(f"#overdue li[data-request='{request.code}']")).to_be_visible()
    no_horizontal_scroll(leader)
