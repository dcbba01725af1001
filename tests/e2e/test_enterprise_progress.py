"""An enterprise follows its request on a phone in Chromium: the progress link shows each step with its date
and the answer, in Chinese, without sideways scrolling; the contact rates the answer 不满意 with a comment,
confirms, and the page says the request is reopened with its new deadline."""

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.screen import no_horizontal_scroll
from tuoyu.accounts.factories import UserFactory
from tuoyu.enterprises.factories import DepartmentFactory, EnterpriseFactory, ServiceTeamFactory
from tuoyu.enterprises.models import Rating, ServiceRequest, TeamLevel
from tuoyu.enterprises.services.register import department_contact_add, team_member_add
from tuoyu.enterprises.services.requests import (
    Problem,
    dispatch_reply,
    progress_link,
    request_accept,
    request_close,
    request_dispatch,
    request_note,
    request_record,
)
from tuoyu.regions.models import Region

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
ANSWER = "经协调，贵公司的食品经营许可证已于今日延续，请携带营业执照原件到政务服务中心3号窗口领取。"
REPLY = "内部：材料缺一页，已口头告知"
NOTE = "内部备注：企业负责人希望加急"


def _closed_request() -> ServiceRequest:
    street = Region.objects.filter(level=Region.Level.STREET, path__startswith="37/3708/370872/").first()
    assert street is not None and street.parent is not None
    team = ServiceTeamFactory.create(
        name="太白湖新区企业服务队（测试）", level=TeamLevel.DISTRICT, region=street.parent
    )
    officer = UserFactory.create(display_name="测试专员")
    team_member_add(team=team, user=officer)
    department = DepartmentFactory.create(name="太白湖新区市场监督管理局（测试）", region=street.parent)
    contact = UserFactory.create(display_name="测试联络员")
    department_contact_add(department=department, user=contact)
    enterprise = EnterpriseFactory.create(name="岁耕农业发展有限公司（测试）", street=street)
    request = request_record(
        actor=officer,
        enterprise=enterprise,
        team=team,
        problem=Problem(category="approval", urgency="ordinary", description="食品经营许可证延续办理慢"),
    )
    request_accept(request=request, actor=officer)
    (dispatch,) = request_dispatch(request=request, actor=officer, departments=[department])
    dispatch_reply(dispatch=dispatch, actor=contact, reply=REPLY)
    request_note(request=request, actor=officer, note=NOTE)
    request_close(request=request, actor=officer, answer=ANSWER, resolved=True)
    return request


def test_the_enterprise_follows_its_request_and_rates_it_not_satisfied_on_a_phone(
    demo_district: None, live_server: Any, open_page: Any
) -> None:
    request = _closed_request()
    page = open_page(viewport=PHONE)

    page.goto(live_server.url + progress_link(request))

    main = page.locator("main")
    expect(main).to_contain_text("已办结")
    expect(main.locator("[data-answer]")).to_contain_text(ANSWER)
    expect(main.locator("[data-step]")).to_have_count(4)
    expect(main).not_to_contain_text(REPLY)
    expect(main).not_to_contain_text(NOTE)
    today = timezone.localdate()
    expect(main.locator("[data-step=recorded] time")).to_contain_text(
        f"{today.year}年{today.month}月{today.day}日"
    )
    no_horizontal_scroll(page)

    form = main.locator("form[data-rating-form]")
    form.locator("label", has_text="不满意").click()
    form.locator("textarea[name=comment]").fill("许可证还没拿到")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    expect(main.locator("[data-reopened]")).to_contain_text("新的办理期限")
    expect(main.locator("[data-step]").last).to_contain_text("许可证还没拿到")
    expect(main.locator("form[data-rating-form]")).to_have_count(0)
    no_horizontal_scroll(page)
    assert Rating.objects.get(request=request).satisfaction == "not_satisfied"
