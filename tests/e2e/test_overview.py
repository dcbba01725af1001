"""The district overview, as a visitor's browser shows it: the demo district's figures, in both languages."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CJK = re.compile(r"[\u4e00-\u9fff]")
PLACES_PER_1000_EN = "Places per 1,000 residents"
PHONE = {"width": 390, "height": 844}


def figure(page, name: str):
    return page.locator(f"[data-figure={name}]")


def test_overview_shows_the_demo_district_figures_in_chinese(live_server, demo_district, open_page):
    page = open_page()
    response = page.goto(live_server.url + "/")

    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_contain_text("太白湖新区")
    expect(figure(page, "institutions").locator(".value")).to_have_text("14")
    expect(figure(page, "staff").locator(".value")).to_have_text("180")
    expect(figure(page, "places").locator(".value")).to_have_text(re.compile(r"^1,?300$"))
    expect(figure(page, "places_per_1000").locator(".value")).to_have_text("7.6")
    # The labels come from the zh-hans catalogue, not the English source strings.
    label = figure(page, "places_per_1000").locator(".label")
    expect(label).not_to_have_text(PLACES_PER_1000_EN)
    expect(label).to_have_text(CJK)


def test_language_switch_in_the_header_shows_the_overview_in_english(live_server, demo_district, open_page):
    page = open_page()
    page.goto(live_server.url + "/")

    page.locator("header form.lang button[value=en]").click()

    page.wait_for_url(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(figure(page, "places_per_1000").locator(".label")).to_have_text(PLACES_PER_1000_EN)
    expect(figure(page, "places_per_1000").locator(".value")).to_have_text("7.6")
    expect(page.locator("h1")).to_contain_text("太白湖新区")
    # ...and back: the header now offers Chinese.
    page.locator("header form.lang button[value=zh-hans]").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_overview_fits_a_phone_screen_without_horizontal_scrolling(
    live_server, demo_district, open_page, language
):
    page = open_page(viewport=PHONE)
    page.goto(live_server.url + "/")
    if language == "en":
        page.locator("header form.lang button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(figure(page, "places_per_1000")).to_be_visible()

    scroll_width = page.evaluate("document.documentElement.scrollWidth")

    assert scroll_width <= PHONE["width"], f"the page is {scroll_width}px wide on a {PHONE['width']}px screen"
