"""Every page works under the Content-Security-Policy (no inline script or style, no eval): htmx swaps,
confirmations before destructive actions, the growth chart, the QR code of two-step verification, the API
documentation and the back office. Any violation the browser reports fails the test (tests/e2e/conftest.py
watches the console of every page of every end-to-end test)."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tuoyu.enrolment.models import Child
from tuoyu.registry.models import Institution
from tuoyu.workforce.models import Staff

pytestmark = pytest.mark.e2e

ADMIN = "13800000000"
DIRECTOR = "13800000002"
HEALTH_WORKER = "13800000004"
AIBIBAO = "爱彼宝济宁托育中心"


def policy_of(response: Any) -> str:
    return response.headers["content-security-policy"]


def test_the_finder_filters_with_htmx_under_the_policy(
    live_server: Any, demo_district: None, open_page: Any
) -> None:
    page = open_page()
    htmx_requests: list[str] = []
    page.on(
        "request", lambda request: request.headers.get("hx-request") and htmx_requests.append(request.url)
    )

    response = page.goto(live_server.url + "/institutions/")
    page.locator("select[name=has_vacancy]").select_option("true")

    page.wait_for_url(re.compile(r"has_vacancy=true"))  # htmx pushed the filtered address
    expect(page.locator("#results .result").first).to_be_visible()
    assert htmx_requests, "the filter did not go through htmx"
    assert "script-src 'self'" in policy_of(response)


def test_a_confirmation_guards_a_destructive_action(
    live_server: Any, demo_district: None, open_page: Any, sign_in: Any
) -> None:
    staff = Staff.objects.filter(institution__name=AIBIBAO, employed_until__isnull=True).first()
    assert staff is not None
    page = open_page()
    sign_in(page, DIRECTOR)
    page.goto(live_server.url + f"/workforce/staff/{staff.code}/")
    questions: list[str] = []

    def answer_no(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer_no)
    page.locator("form[action$='/end/'] button[type=submit]").click()

    assert questions, "no confirmation was asked"
    assert page.url.endswith(f"/workforce/staff/{staff.code}/")
    staff.refresh_from_db()
    assert staff.employed_until is None


def test_the_growth_chart_and_the_health_pages_draw_under_the_policy(
    live_server: Any, demo_district: None, open_page: Any, sign_in: Any
) -> None:
    child = Child.objects.get(name="周嘉树")
    page = open_page()
    sign_in(page, HEALTH_WORKER)

    page.goto(live_server.url + f"/health/children/{child.code}/growth/")
    expect(page.locator(".growth-chart svg").first).to_be_visible()
    page.goto(live_server.url + f"/health/children/{child.code}/care/")
    expect(page.locator(".schedule").first).to_be_visible()


def test_setting_up_two_step_verification_shows_its_qr_code(
    live_server: Any, demo_district: None, open_page: Any, sign_in: Any
) -> None:
    page = open_page()
    sign_in(page, DIRECTOR)
    page.goto(live_server.url + "/accounts/two-factor/")

    expect(page.locator(".qr svg")).to_be_visible()
    expect(page.locator("[data-secret]")).to_have_text(re.compile(r"^[A-Z2-7 ]{30,}$"))


def test_the_api_documentation_renders_under_the_policy(
    live_server: Any, demo_district: None, open_page: Any
) -> None:
    page = open_page()
    page.goto(live_server.url + "/api/docs/")

    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)


def test_the_back_office_works_under_the_policy_behind_the_second_factor(
    live_server: Any, demo_district: None, open_page: Any, sign_in: Any
) -> None:
    institution = Institution.objects.get(name=AIBIBAO)
    page = open_page()
    sign_in(page, ADMIN)  # the password, then the demo authenticator's code

    page.goto(live_server.url + "/admin/")
    expect(page.locator("#content")).to_be_visible()
    page.goto(live_server.url + f"/admin/registry/institution/{institution.pk}/change/")
    expect(page.locator("input[name=name]")).to_have_value(AIBIBAO)
    page.goto(live_server.url + "/admin/accounts/user/")
    expect(page.locator("#changelist")).to_be_visible()
