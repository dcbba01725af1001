"""Navigation: each persona sees exactly the entries their roles allow (``data-nav`` in base.html)."""

import re
from collections.abc import Callable
from html import unescape

import pytest
from django.test import Client

from tests.personas import make_persona
from tuoyu import navigation
from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.enterprises.factories import EnterpriseFactory
from tuoyu.navigation import ANYONE, MAIN_ITEMS, Entry, NavItem
from tuoyu.regions.models import Region

pytestmark = pytest.mark.django_db


# The enterprise service desk's people: an officer (企业服务专员), a department contact (部门联络员), and an
# enterprise's contact who signed up with the contact phone (no role).
@pytest.fixture
def enterprise_officer(district_a: Region) -> User:
    return make_persona("企业服务专员李", Role.ENTERPRISE_SERVICE, region=district_a)


@pytest.fixture
def department_contact(district_a: Region) -> User:
    return make_persona("市监联络员", Role.DEPARTMENT_CONTACT, region=district_a)


@pytest.fixture
def enterprise_contact(street_a1: Region) -> User:
    enterprise = EnterpriseFactory.create(street=street_a1, contact_phone="13700002222")
    return UserFactory.create(display_name="王经理", phone=enterprise.contact_phone)


ACCOUNT_ENTRIES = {"me", "login", "messages", "register"}
EVERYONE = {"overview", "directory"}
HEALTH_FOLLOW_UP = {"overdue", "referrals"}
DIRECTOR = (
    EVERYONE
    | HEALTH_FOLLOW_UP
    | {
        "home",
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
        "family-messages",
        "notices",
    }
)
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
    "caregiver_x": EVERYONE | {"home", "manage", "care", "family-messages"},
    "health_worker_x": EVERYONE
    | HEALTH_FOLLOW_UP
    | {"home", "manage", "tasks", "care", "health", "outbreaks"},
    "doctor": EVERYONE | HEALTH_FOLLOW_UP | {"home", "manage", "health", "visits"},
    "guardian": EVERYONE
    | {
        "home",
        "family",
        "bookings",
        "reports",
        "health",
        "family-fees",
        "allowance",
        "family-messages",
        "family-absences",
    },
    "enterprise_officer": EVERYONE | {"service-desk", "service-requests"},
    "department_contact": EVERYONE | {"dispatches"},
    "enterprise_contact": EVERYONE | {"home", "my-requests"},
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
    "overdue": "/health/overdue/",
    "referrals": "/health/referrals/",
}


def nav_entries(html: str) -> dict[str, str]:
    """data-nav key -> link text, for the main navigation (not the account links)."""
    entries = dict(re.findall(r'<a [^>]*data-nav="([^"]+)"[^>]*>([^<]*)</a>', html))
    assert entries, "the page has no navigation"
    return {key: unescape(label.strip()) for key, label in entries.items() if key not in ACCOUNT_ENTRIES}


def account_entries(html: str) -> set[str]:
    return set(re.findall(r'data-nav="([^"]+)"', html)) & ACCOUNT_ENTRIES


def test_the_supervision_desk_comes_first_for_a_regulator(client_as: Callable[[str], Client]) -> None:
    html = client_as("regulator_a").get("/institutions/").content.decode()
    assert re.findall(r'data-nav="([^"]+)"', html)[0] == "desk"


@pytest.mark.parametrize("persona", EXPECTED_NAV)
@pytest.mark.parametrize("url", ["/institutions/", "/overview/"])
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
    "overdue": {"director_x", "director_y", "health_worker_x", "doctor"},
    "referrals": {"director_x", "director_y", "health_worker_x", "doctor"},
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


# The main items (the phone's tab bar) of each persona, in order; the rest is under 更多.
EXPECTED_MAIN = {
    "regulator_a": ["desk", "district", "manage", "rectifications", "inspections", "complaints"],
    "director_x": ["home", "care", "enrolment", "family-messages", "manage", "rectifications"],
    "caregiver_x": ["home", "care", "family-messages", "manage"],
    "health_worker_x": ["home", "health", "overdue", "referrals", "tasks", "outbreaks"],
    "doctor": ["home", "health", "overdue", "manage", "visits"],
    "guardian": ["home", "family", "reports", "family-messages", "health", "bookings"],
    "enterprise_officer": ["service-desk", "service-requests"],
    "department_contact": ["dispatches"],
    "enterprise_contact": ["my-requests"],
    "anonymous": ["overview", "directory"],
}


def main_entries(html: str) -> list[str]:
    main = html.split('<ul class="nav', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'data-nav="([^"]+)"', main)


def more_entries(html: str) -> list[str]:
    if '<details class="more"' not in html:
        return []
    more = html.split('<details class="more"', 1)[1].split("</details>", 1)[0]
    return re.findall(r'data-nav="([^"]+)"', more)


@pytest.mark.parametrize("persona", EXPECTED_MAIN)
def test_at_most_six_main_items_and_the_rest_under_more(
    client_as: Callable[[str], Client], persona: str
) -> None:
    html = client_as(persona).get("/institutions/").content.decode()

    assert main_entries(html) == EXPECTED_MAIN[persona]
    assert len(main_entries(html)) <= MAIN_ITEMS
    assert set(main_entries(html)) | set(more_entries(html)) == EXPECTED_NAV[persona]
    assert not set(main_entries(html)) & set(more_entries(html))


def test_a_main_item_beyond_six_moves_under_more(
    client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = Entry("extra", "Extra", "enrolment:finder", lambda user: True, ANYONE)
    monkeypatch.setattr(navigation, "ENTRIES", [extra, *navigation.ENTRIES])

    html = client_as("regulator_a").get("/institutions/").content.decode()

    assert main_entries(html) == ["extra", "desk", "district", "manage", "rectifications", "inspections"]
    assert more_entries(html)[0] == "complaints"


@pytest.mark.parametrize(
    ("persona", "path", "current"),
    [
        ("director_x", "/enrolment/queue/", "enrolment"),
        ("health_worker_x", "/health/overdue/", "overdue"),
        ("health_worker_x", "/health/children/", "health"),
        ("regulator_a", "/supervision/rectifications/", "rectifications"),
        ("guardian", "/", "home"),
        ("enterprise_officer", "/enterprise-service/", "service-desk"),
        ("enterprise_officer", "/enterprise-service/requests/", "service-requests"),
        ("department_contact", "/enterprise-service/dispatches/", "dispatches"),
        ("enterprise_contact", "/enterprise-service/mine/", "my-requests"),
    ],
)
def test_the_current_section_is_marked(
    client_as: Callable[[str], Client], persona: str, path: str, current: str
) -> None:
    html = client_as(persona).get(path).content.decode()

    assert re.findall(r'data-nav="([^"]+)" aria-current="page"', html) == [current]


def test_a_page_inside_a_section_marks_its_section() -> None:
    items = [
        NavItem("Home", "/", "home"),
        NavItem("Care", "/care/", "care"),
        NavItem("Class", "/care/x/", "x"),
    ]

    assert navigation._current(items, "/care/classes/1/") == "care"
    assert navigation._current(items, "/care/x/log/") == "x"
    assert navigation._current(items, "/health/") == ""
    assert navigation._current(items, "/") == "home"


def test_every_page_has_a_skip_link_to_the_content(client_as: Callable[[str], Client]) -> None:
    html = client_as("guardian").get("/institutions/").content.decode()

    assert '<a class="skip-link" href="#main">' in html
    assert '<main class="page" id="main"' in html


def test_more_shows_that_the_current_section_is_under_it(client_as: Callable[[str], Client]) -> None:
    under_more = client_as("director_x").get("/workforce/expiring/").content.decode()
    main = client_as("director_x").get("/enrolment/queue/").content.decode()

    assert '<details class="more" data-current>' in under_more
    assert '<details class="more">' in main
