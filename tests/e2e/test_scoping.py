"""Scoping through the browser: a director sees their own institution; another director gets a 404."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

AIBIBAO = "爱彼宝济宁托育中心"
AIBIBAO_DIRECTOR = "13800000002"
OTHER_DIRECTOR = "13800000007"


def test_director_finds_their_institution_under_my_institution(
    live_server, demo_district, open_page, sign_in
):
    page = open_page()
    sign_in(page, AIBIBAO_DIRECTOR)

    page.locator("header [data-nav=manage]").click()

    expect(page).to_have_url(re.compile(r"/manage/institutions/$"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name=AIBIBAO).click()
    expect(page).to_have_url(re.compile(r"/manage/institutions/[0-9a-f-]{36}/$"))
    expect(page.locator("h1")).to_have_text(AIBIBAO)


def test_other_director_gets_not_found_on_aibibaos_page(live_server, demo_district, open_page, sign_in):
    director = open_page()
    sign_in(director, AIBIBAO_DIRECTOR)
    director.goto(live_server.url + "/manage/institutions/")
    aibibao_url = live_server.url + director.get_by_role("link", name=AIBIBAO).get_attribute("href")

    outsider = open_page()
    sign_in(outsider, OTHER_DIRECTOR)
    response = outsider.goto(aibibao_url)

    assert response is not None and response.status == 404
    expect(outsider.locator("main a.button[href='/']")).to_be_visible()  # the site's own 404 page
    expect(outsider.locator("body")).not_to_contain_text(AIBIBAO)
    outsider.goto(live_server.url + "/manage/institutions/")
    expect(outsider.locator("main")).not_to_contain_text(AIBIBAO)
