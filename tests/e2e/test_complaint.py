"""A complaint end to end in Chromium: a visitor complains anonymously from an institution's public page and
gets a ticket; the status page shows where it stands by the ticket alone; the regulator starts it with a
line of progress, which the status page then shows; the institution's director sees nothing of it."""

import re

import pytest
from playwright.sync_api import expect

from tuoyu.registry.models import Institution

pytestmark = pytest.mark.e2e

REGULATOR = "13800000001"
DIRECTOR = "13800000002"  # 爱彼宝's director
WHAT_HAPPENED = "下午四点接孩子时，看到两名保育人员在班级里大声呵斥孩子。"
PROGRESS = "已受理，监管人员将于本周到园核查。"


def post(page, button) -> None:
    with page.expect_navigation():
        button.click()


def check_status(page, live_server, ticket: str) -> None:
    page.goto(live_server.url + "/complaints/status/")
    page.locator("main form input[name=ticket]").fill(ticket.lower())  # typed as a person would
    post(page, page.locator("main form button[type=submit]"))


def test_an_anonymous_complaint_gets_a_ticket_and_its_progress_without_the_director_seeing_it(
    demo_district, live_server, open_page, sign_in
) -> None:
    aibibao = Institution.objects.get(name="爱彼宝济宁托育中心")

    visitor = open_page(viewport={"width": 390, "height": 844})
    visitor.goto(f"{live_server.url}/institutions/{aibibao.code}/")
    post(visitor, visitor.locator("main a[href*='/complaints/new/']"))
    form = visitor.locator("main form")
    expect(form.locator("select[name=institution]")).to_have_value(str(aibibao.code))
    form.locator("select[name=category]").select_option("care")
    form.locator("textarea[name=content]").fill(WHAT_HAPPENED)
    form.locator("input[name=anonymous]").check()
    post(visitor, form.locator("button[type=submit]"))
    ticket = visitor.locator("[data-ticket]").get_attribute("data-ticket")
    assert ticket and re.fullmatch(r"TS[A-Z2-9]{10}", ticket)

    check_status(visitor, live_server, ticket)
    found = visitor.locator("[data-result=found]")
    expect(found).to_contain_text(ticket)
    expect(found).to_contain_text("已受理，待办理")

    regulator = open_page()
    sign_in(regulator, REGULATOR)
    regulator.goto(live_server.url + "/supervision/complaints/")
    post(regulator, regulator.locator("main tr", has_text=aibibao.name).locator("a").first)
    start = regulator.locator("form[data-action=start]")
    start.locator("input[name=progress]").fill(PROGRESS)
    post(regulator, start.locator("button[type=submit]"))
    expect(regulator.locator("main")).to_contain_text("办理中")

    check_status(visitor, live_server, ticket)
    expect(found).to_contain_text("办理中")
    expect(found).to_contain_text(PROGRESS)

    director = open_page()
    sign_in(director, DIRECTOR)
    for path in (
        "/accounts/me/",
        "/messages/",
        "/supervision/rectifications/",
        f"/institutions/{aibibao.code}/",
    ):
        director.goto(live_server.url + path)
        expect(director.locator("body")).not_to_contain_text(WHAT_HAPPENED)
        expect(director.locator("body")).not_to_contain_text(ticket)
