"""Defaults that hold on every response: a Content-Security-Policy without inline script or eval, no caching
of personal data, JSON errors under /api/, the project's own error pages, and throttles that count by the
real client address."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client, RequestFactory, override_settings
from rest_framework.test import APIClient

from tuoyu.clients import client_address

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "tuoyu"


@pytest.mark.parametrize("url", ["/", "/institutions/", "/accounts/login/", "/api/v1/rules/", "/rules/"])
def test_every_page_and_answer_carries_the_strict_policy(anonymous_client: Client, url: str) -> None:
    policy = anonymous_client.get(url)["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_no_template_holds_inline_script_style_or_event_handlers() -> None:
    """The policy would block them: every behaviour lives in static/tuoyu/tuoyu.js, every style in the
    stylesheet tuoyu.css."""
    import re

    offenders = []
    for path in TEMPLATES.rglob("templates/**/*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or "<style" in text:
            offenders.append(f"{path}: inline <script> or <style>")
        if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text or "hx-on" in text:
            offenders.append(f"{path}: inline event handler")
    assert offenders == []


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("guardian", "/family/"),
        ("director_x", "/manage/institutions/"),
        ("regulator_a", "/health/access-log/"),
        ("guardian", "/api/v1/me/"),
        ("anonymous", "/"),
    ],
)
def test_no_response_may_be_stored_by_a_browser_or_proxy(
    client_as: Callable[[str], Client], persona: str, url: str
) -> None:
    response = client_as(persona).get(url)

    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_an_unknown_api_address_answers_json_404(anonymous_api: APIClient) -> None:
    response = anonymous_api.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_an_api_object_outside_the_scope_answers_json_404_with_its_code(
    api_as: Callable[[str], APIClient],
) -> None:
    response = api_as("guardian").get("/api/v1/children/00000000-0000-0000-0000-000000000000/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_invalid_api_input_names_the_field_under_detail(api_as: Callable[[str], APIClient]) -> None:
    response = api_as("guardian").post("/api/v1/children/", {}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "name" in body["detail"]


def test_an_unknown_page_is_the_projects_chinese_404(db: None) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/no-such-page/")

    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_form_without_its_security_token_gets_the_projects_page_saying_what_to_do(db: None) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")

    response = client.post("/accounts/login/", {"username": "13800000001", "password": "x"})

    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()
    assert "CSRF" not in response.content.decode()


# The client address -----------------------------------------------------------------------------------


def request_from(remote: str, forwarded: str = "") -> object:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored() -> None:
    assert client_address(request_from("10.0.0.5", "1.2.3.4")) == "10.0.0.5"  # type: ignore[arg-type]


@override_settings(TRUSTED_PROXIES=1)
def test_behind_one_proxy_the_address_it_saw_counts() -> None:
    request = request_from("10.0.0.1", "6.6.6.6, 1.2.3.4")  # a client's forged entry, then the proxy's

    assert client_address(request) == "1.2.3.4"  # type: ignore[arg-type]


@override_settings(TRUSTED_PROXIES=2)
def test_behind_two_proxies_the_outer_ones_view_counts() -> None:
    request = request_from("10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2")

    assert client_address(request) == "1.2.3.4"  # type: ignore[arg-type]


def test_a_rotating_forwarded_header_does_not_lift_the_token_throttle(db: None) -> None:
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/auth/token/",
            {"phone": f"1390000{n:04d}", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(11)
    ]

    assert statuses == [400] * 10 + [429]


def test_the_registration_page_and_the_api_share_one_count_of_codes_per_client(db: None) -> None:
    page, api = Client(HTTP_ACCEPT_LANGUAGE="en"), APIClient()
    for n in range(5):
        page.post("/accounts/register/", {"phone": f"1371234{n:04d}", "send_code": "1"})
    for n in range(5, 10):
        assert api.post("/api/v1/auth/verification-code/", {"phone": f"1371234{n:04d}"}).status_code == 202

    refused_page = page.post("/accounts/register/", {"phone": "13712349999", "send_code": "1"})
    refused_api = api.post("/api/v1/auth/verification-code/", {"phone": "13712349998"})

    assert "Too many requests from this network" in refused_page.content.decode()
    assert refused_api.status_code == 429
