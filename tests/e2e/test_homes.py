"""Every role lands on its work: on a 390 px phone, sign in → the role's home → its most frequent task in at
most three taps, with nothing to scroll sideways on any page on the way; at 1440 px the header is one row.

One browser page per role. The demo's accounts: 张敏 looks after 爱彼宝's 托小班; 赵女士 is a guardian there.
"""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.screen import no_horizontal_scroll

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1440, "height": 900}
MAX_TAPS = 3
REGULATOR, DIRECTOR, CAREGIVER, HEALTH_WORKER, DOCTOR, GUARDIAN = (
    "13800000001",
    "13800000002",
    "13800000003",
    "13800000004",
    "13800000005",
    "13800000006",
)

# Where each role's header items sit at 1440 px: the top of each, and the header's height.
HEADER = """
() => {
  const header = document.querySelector(".site-header");
  const selector = ".brand, .nav a, .more > summary, .account > a, .account button";
  const middle = box => Math.round(box.top + box.height / 2);
  const tops = [...header.querySelectorAll(selector)].map(item => middle(item.getBoundingClientRect()));
  return {height: header.getBoundingClientRect().height, tops: tops};
}
"""


class Taps:
    def __init__(self, page: Any) -> None:
        self.page, self.count = page, 0

    def __call__(self, locator: Any) -> None:
        self.count += 1
        locator.click()
        self.page.wait_for_load_state()
        no_horizontal_scroll(self.page)


def header_is_one_row(page: Any) -> dict[str, Any]:
    page.set_viewport_size(WIDE)
    page.reload()
    header = page.evaluate(HEADER)
    assert max(header["tops"]) - min(header["tops"]) <= 8, (page.url, header)
    assert header["height"] <= 72, (page.url, header)
    return header


def landed(page: Any, sign_in: Any, phone: str) -> Taps:
    """Signed in on a phone: the home fits the screen and shows the tab bar."""
    sign_in(page, phone)
    page.wait_for_load_state()
    no_horizontal_scroll(page)
    expect(page.locator("ul.nav")).to_be_visible()
    assert page.locator("ul.nav > li").count() <= 6
    return Taps(page)


@pytest.fixture
def phone(demo_district: None, open_page: Any) -> Any:
    return open_page(viewport=PHONE)


def test_the_caregiver_checks_a_child_in_from_the_class_screen(phone: Any, sign_in: Any) -> None:
    taps = landed(phone, sign_in, CAREGIVER)
    assert "/care/classes/" in phone.url  # one class: its screen is the home

    row = phone.locator("li.child-row[data-state=expected]").first
    code = row.get_attribute("id")
    taps(row.locator("a.open-child"))
    form = phone.locator(f"#{code} form[data-check=morning]")
    taps(form.locator("label.chip:has(input[value='36.5'])"))
    taps(form.locator("button[name=decision][value=admit]"))
    expect(phone.locator(f"#{code}")).to_have_attribute("data-state", "checked_in")
    assert taps.count <= MAX_TAPS
    header_is_one_row(phone)


def test_the_guardian_reads_todays_report(phone: Any, sign_in: Any) -> None:
    taps = landed(phone, sign_in, GUARDIAN)
    assert phone.locator("[data-panel=reports]").is_visible()

    taps(phone.locator("[data-panel=reports] a").first)
    assert "/care/reports/" in phone.url
    assert taps.count <= MAX_TAPS
    header_is_one_row(phone)


def test_the_health_worker_opens_an_overdue_exam(phone: Any, sign_in: Any) -> None:
    taps = landed(phone, sign_in, HEALTH_WORKER)

    taps(phone.locator("[data-panel=overdue] li[data-child] a").first)
    assert "/care/" in phone.url and "/health/children/" in phone.url
    assert taps.count <= MAX_TAPS
    header_is_one_row(phone)


def test_the_director_opens_the_queue(phone: Any, sign_in: Any) -> None:
    taps = landed(phone, sign_in, DIRECTOR)
    assert phone.locator("[data-panel=classes_today]").is_visible()

    taps(phone.locator("[data-panel=enrolment] a[data-go=queue]"))
    assert phone.url.endswith("/enrolment/queue/")
    assert taps.count <= MAX_TAPS
    header_is_one_row(phone)


def test_the_doctor_opens_a_child_who_needs_attention(phone: Any, sign_in: Any) -> None:
    taps = landed(phone, sign_in, DOCTOR)

    taps(phone.locator("[data-panel=triage] li[data-child] a").first)
    assert "/health/children/" in phone.url
    # The whole list, filtered to those who need attention, fits the phone too.
    taps(phone.locator("ul.nav a[data-nav=health]"))
    taps(phone.locator("input[name=attention]"))
    phone.locator("form[data-children-filter] button[type=submit]").click()
    phone.wait_for_load_state()
    no_horizontal_scroll(phone)
    assert (
        phone.locator("li.result[data-child]").count() == phone.locator("li.result[data-attention]").count()
    )
    header_is_one_row(phone)


def test_the_regulator_lands_on_the_desk_and_the_daily_view_fits(phone: Any, sign_in: Any) -> None:
    taps = landed(phone, sign_in, REGULATOR)
    assert phone.url.endswith("/supervision/desk/")

    taps(phone.locator("ul.nav a[data-nav=district]"))
    expect(phone.locator("ul.nav a[data-nav=district]")).to_have_attribute("aria-current", "page")
    taps(phone.locator("details.more > summary"))
    expect(phone.locator(".more-items")).to_be_visible()
    header_is_one_row(phone)
