"""Navigation: each persona sees exactly the entries their roles allow (``data-nav`` in base.html)."""

import re
from collections.abc import Callable
from html import unescape

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ACCOUNT_ENTRIES = {"me", "login", "messages", "register"}
EVERYONE = {"overview", "directory"}
DIRECTOR = EVERYONE | {
    "manage",
    "admin",
    "filings",
    "expiring",
    "training",
    "rules",
    "enrolment",
    "bookings-manage",
    "tasks",
    "care",
    "health",
    "outbreaks",
    "rectifications",
    "subsidies",
    "fees",
}
REGULATOR = EVERYONE | {
    "desk",
    "rectifications",
    "inspections",
    "complaints",
    "risk",
    "plans",
    "manage",
    "admin",
    "filings",
    "expiring",
    "training",
    "rules",
    "district",
    "outbreaks",
    "access-log",
    "lockouts",
    "subsidy-funds",
    "subsidies",
}
EXPECTED_NAV = {
    "regulator_a": REGULATOR,
    "regulator_b": REGULATOR,
    "director_x": DIRECTOR,
    "director_y": DIRECTOR,
    "caregiver_x": EVERYONE | {"manage", "care"},
    "health_worker_x": EVERYONE | {"manage", "tasks", "care", "health", "outbreaks"},
    "doctor": EVERYONE | {"manage", "health", "visits"},
    "guardian": EVERYONE | {"family", "bookings", "reports", "health", "family-fees", "allowance"},
    "anonymous": EVERYONE,
}
MANAGE_LABEL = {
    "regulator_a": "Institutions under supervision",
    "director_x": "My institution",
    "caregiver_x": "My institution",
    "health_worker_x": "My institution",
    "doctor": "Partner institutions",
}
HEALTH_LABEL = {
    "director_x": "Children's health",
    "health_worker_x": "Children's health",
    "doctor": "Children's health",
    "guardian": "Growth and health",
}
# Entries of the health pages and the page each opens (the outbreak watch is checked with its page).
HEALTH_ENTRIES = {
    "health": "/health/children/",
    "visits": "/health/visits/",
    "access-log": "/health/access-log/",
}


def nav_entries(html: str) -> dict[str, str]:
    """data-nav key -> link text, for the main navigation (not the account links)."""
    entries = dict(re.findall(r'<a [^>]*data-nav="([^"]+)"[^>]*>([^<]*)</a>', html))
    assert entries, "the page has no navigation"
    return {key: unescape(label.strip()) for key, label in entries.items() if key not in ACCOUNT_ENTRIES}


def account_entries(html: str) -> set[str]:
    return set(re.findall(r'data-nav="([^"]+)"', html)) & ACCOUNT_ENTRIES


def test_the_supervision_desk_comes_first_for_a_regulator(client_as: Callable[[str], Client]) -> None:
    html = client_as("regulator_a").get("/").content.decode()
    assert re.findall(r'data-nav="([^"]+)"', html)[0] == "desk"


@pytest.mark.parametrize("persona", EXPECTED_NAV)
@pytest.mark.parametrize("url", ["/institutions/", "/"])
def test_persona_sees_exactly_the_nav_entries_their_role_allows(
    client_as: Callable[[str], Client], persona: str, url: str
) -> None:
    response = client_as(persona).get(url)

    assert response.status_code == 200
    assert set(nav_entries(response.content.decode())) == EXPECTED_NAV[persona]


@pytest.mark.parametrize("persona", EXPECTED_NAV)
def test_signed_in_persona_sees_own_account_link_and_anonymous_sees_sign_in(
    client_as: Callable[[str], Client], persona: str
) -> None:
    html = client_as(persona).get("/institutions/").content.decode()

    assert account_entries(html) == ({"login", "register"} if persona == "anonymous" else {"me", "messages"})


@pytest.mark.parametrize(("persona", "label"), MANAGE_LABEL.items())
def test_manage_entry_is_labelled_for_the_role(
    client_as: Callable[[str], Client], persona: str, label: str
) -> None:
    html = client_as(persona).get("/institutions/").content.decode()

    assert nav_entries(html)["manage"] == label


@pytest.mark.parametrize("persona", ["guardian", "anonymous"])
def test_guardian_and_anonymous_see_no_manage_and_no_admin_entry(
    client_as: Callable[[str], Client], persona: str
) -> None:
    html = client_as(persona).get("/institutions/").content.decode()

    assert 'data-nav="manage"' not in html
    assert 'data-nav="admin"' not in html
    assert "/manage/institutions/" not in html
    assert "/admin/" not in html


@pytest.mark.parametrize("persona", [p for p, keys in EXPECTED_NAV.items() if "admin" in keys])
def test_every_persona_shown_the_back_office_entry_can_open_the_back_office(
    client_as: Callable[[str], Client], persona: str
) -> None:
    assert client_as(persona).get("/admin/").status_code == 200


@pytest.mark.parametrize("persona", [p for p, keys in EXPECTED_NAV.items() if "manage" in keys])
def test_every_persona_shown_the_manage_entry_can_open_it(
    client_as: Callable[[str], Client], persona: str
) -> None:
    assert client_as(persona).get("/manage/institutions/").status_code == 200


@pytest.mark.parametrize(("persona", "label"), HEALTH_LABEL.items())
def test_health_entry_is_labelled_for_the_role(
    client_as: Callable[[str], Client], persona: str, label: str
) -> None:
    html = client_as(persona).get("/institutions/").content.decode()

    assert nav_entries(html)["health"] == label


@pytest.mark.parametrize(
    ("persona", "key"),
    [(p, key) for p, keys in EXPECTED_NAV.items() for key in sorted(keys & set(HEALTH_ENTRIES))],
)
def test_every_persona_shown_a_health_entry_can_open_its_page(
    client_as: Callable[[str], Client], persona: str, key: str
) -> None:
    html = client_as(persona).get("/institutions/").content.decode()

    assert f'href="{HEALTH_ENTRIES[key]}" data-nav="{key}"' in html
    assert client_as(persona).get(HEALTH_ENTRIES[key]).status_code == 200


# Who may open each health page at all; the directors and health workers reach the visits from the
# children page rather than the navigation.
HEALTH_PAGE_READERS = {
    "health": {"director_x", "director_y", "health_worker_x", "doctor", "guardian"},
    "visits": {"director_x", "director_y", "health_worker_x", "doctor"},
    "access-log": {"regulator_a", "regulator_b"},
}


@pytest.mark.parametrize("persona", EXPECTED_NAV)
@pytest.mark.parametrize("key", HEALTH_ENTRIES)
def test_health_pages_open_only_for_those_who_may_read_them(
    client_as: Callable[[str], Client], persona: str, key: str
) -> None:
    response = client_as(persona).get(HEALTH_ENTRIES[key])

    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == (200 if persona in HEALTH_PAGE_READERS[key] else 404)
    if key in EXPECTED_NAV[persona]:
        assert persona in HEALTH_PAGE_READERS[key]
