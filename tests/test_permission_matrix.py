"""Every scoped URL, asked for by every persona: insiders get the page, outsiders a plain 404.

Who is an insider depends on the permission the URL needs (tuoyu.accounts.access.ROLE_PERMISSIONS):
the file and classes of institution X are open to its staff, its regulator and the doctor of its partner
hospital; its staff list only to its director and its regulator; the back office only to users with
back-office access (regulators and directors). Outsiders — the regulator of district B, the director of
Y, a guardian — get the same 404 as for an object that does not exist. Anonymous visitors are sent to
sign in (pages) or get 401 (API).
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tuoyu.registry.factories import InstitutionFactory
from tuoyu.registry.models import CareClass, Institution
from tuoyu.workforce.models import Staff

pytestmark = pytest.mark.django_db

PERSONAS = [
    "regulator_a",
    "regulator_b",
    "director_x",
    "caregiver_x",
    "health_worker_x",
    "director_y",
    "doctor",
    "guardian",
    "anonymous",
]
OK, NOT_FOUND, UNAUTHORIZED = 200, 404, 401
SIGN_IN, ADMIN_SIGN_IN = "redirect to sign in", "redirect to back-office sign in"

FILE_READERS = {"regulator_a", "director_x", "caregiver_x", "health_worker_x", "doctor"}
STAFF_READERS = {"regulator_a", "director_x"}
BACK_OFFICE = {"regulator_a", "regulator_b", "director_x", "director_y"}  # is_staff, like seed_demo's

World = dict[str, Any]
X, Y, Z, W = "星星托育园", "月亮托育园", "太阳托育园", "甲区未备案托育园"

# url key -> (URL of X's object, kind of URL, personas who may see it)
OBJECT_URLS: dict[str, tuple[Callable[[World], str], str, set[str]]] = {
    "manage_detail": (lambda w: f"/manage/institutions/{w['x'].code}/", "page", FILE_READERS),
    "admin_institution_change": (
        lambda w: f"/admin/registry/institution/{w['x'].pk}/change/",
        "admin",
        FILE_READERS,
    ),
    "admin_careclass_change": (
        lambda w: f"/admin/registry/careclass/{w['class_x'].pk}/change/",
        "admin",
        FILE_READERS,
    ),
    "admin_staff_change": (
        lambda w: f"/admin/workforce/staff/{w['staff_x'].pk}/change/",
        "admin",
        STAFF_READERS,
    ),
    "api_classes": (lambda w: f"/api/v1/institutions/{w['x'].code}/classes/", "api", FILE_READERS),
    "api_staff": (lambda w: f"/api/v1/institutions/{w['x'].code}/staff/", "api", STAFF_READERS),
}
# The same URLs for an object that does not exist.
MISSING_URLS: dict[str, str] = {
    "manage_detail": "/manage/institutions/00000000-0000-0000-0000-000000000000/",
    "admin_institution_change": "/admin/registry/institution/999999/change/",
    "admin_careclass_change": "/admin/registry/careclass/999999/change/",
    "admin_staff_change": "/admin/workforce/staff/999999/change/",
    "api_classes": "/api/v1/institutions/00000000-0000-0000-0000-000000000000/classes/",
    "api_staff": "/api/v1/institutions/00000000-0000-0000-0000-000000000000/staff/",
}


def expected(persona: str, kind: str, insiders: set[str]) -> int | str:
    if persona == "anonymous":
        return {"page": SIGN_IN, "admin": ADMIN_SIGN_IN, "api": UNAUTHORIZED}[kind]
    if kind == "admin" and persona not in BACK_OFFICE:
        return NOT_FOUND  # no back office at all: a plain 404, like everything else outside one's reach
    return OK if persona in insiders else NOT_FOUND


def outcome(response: Any) -> int | str:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/?next="):
            return SIGN_IN
        if location.startswith("/admin/login/?next="):
            return ADMIN_SIGN_IN
        return f"redirect to {location}"
    return int(response.status_code)


@pytest.fixture
def world(
    institution_x: Institution,
    class_x: CareClass,
    staff_x: Staff,
    institution_y: Institution,
    class_y: CareClass,
    staff_y: Staff,
    institution_z: Institution,
    class_z: CareClass,
    staff_z: Staff,
) -> World:
    unfiled = InstitutionFactory.create(name=W, street=institution_x.street)
    return {"x": institution_x, "class_x": class_x, "staff_x": staff_x, "unfiled_a": unfiled}


@pytest.fixture
def get_as(
    client_as: Callable[[str], Client], api_as: Callable[[str], APIClient]
) -> Callable[[str, str, str], Any]:
    def get(persona: str, url: str, kind: str) -> Any:
        client = api_as(persona) if kind == "api" else client_as(persona)
        return client.get(url)

    return get


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_key", OBJECT_URLS)
def test_scoped_object_url_answers_each_persona_as_their_role_allows(
    world: World, get_as: Callable[[str, str, str], Any], persona: str, url_key: str
) -> None:
    build, kind, insiders = OBJECT_URLS[url_key]

    response = get_as(persona, build(world), kind)

    assert outcome(response) == expected(persona, kind, insiders)


@pytest.mark.parametrize(
    ("url_key", "persona"),
    [
        (key, persona)
        for key, (_, _, insiders) in OBJECT_URLS.items()
        for persona in PERSONAS
        if persona not in insiders
    ],
)
def test_out_of_scope_object_answers_exactly_like_a_missing_one(
    world: World, get_as: Callable[[str, str, str], Any], persona: str, url_key: str
) -> None:
    build, kind, _insiders = OBJECT_URLS[url_key]

    present = get_as(persona, build(world), kind)
    missing = get_as(persona, MISSING_URLS[url_key], kind)

    assert outcome(present) == outcome(missing)
    if present.status_code == 404:
        assert "星星托育园" not in present.content.decode()


@pytest.mark.parametrize(
    ("persona", "url_key"),
    [
        ("director_y", "admin_careclass_change"),
        ("director_y", "admin_staff_change"),
        ("director_y", "admin_institution_change"),
        ("regulator_b", "admin_institution_change"),
        ("regulator_a", "admin_careclass_change"),  # regulators supervise; they do not edit classes
    ],
)
def test_outsider_cannot_change_an_object_through_the_back_office(
    world: World, client_as: Callable[[str], Client], persona: str, url_key: str
) -> None:
    build, _kind, _insiders = OBJECT_URLS[url_key]
    client = client_as(persona)

    response = client.post(build(world), {"name": "改名"})

    # 404 when the user may change such objects but not this one; 403 when they may change none at all.
    # Either way the answer is the same as for an object that does not exist.
    assert response.status_code in (403, 404)
    assert response.status_code == client.post(MISSING_URLS[url_key], {"name": "改名"}).status_code
    world["x"].refresh_from_db()
    world["class_x"].refresh_from_db()
    world["staff_x"].refresh_from_db()
    assert (world["x"].name, world["class_x"].name, world["staff_x"].name) == (X, "星星托大班", "钱星保育")


@pytest.mark.parametrize("persona", ["regulator_a", "director_x"])
def test_insider_with_back_office_access_can_open_the_admin_history_of_the_object(
    world: World, client_as: Callable[[str], Client], persona: str
) -> None:
    assert client_as(persona).get(f"/admin/registry/institution/{world['x'].pk}/history/").status_code == 200


def test_outsider_gets_404_for_the_admin_history_of_the_object(
    world: World, client_as: Callable[[str], Client]
) -> None:
    url = f"/admin/registry/institution/{world['x'].pk}/history/"

    assert client_as("director_y").get(url).status_code == 404


MANAGE_LIST_ROWS = {
    "regulator_a": {X, Y, W},  # the whole district, filed or not
    "regulator_b": {Z},
    "director_x": {X},
    "caregiver_x": {X},
    "health_worker_x": {X},
    "director_y": {Y},
    "doctor": {X},  # the institutions his hospital partners with
    "guardian": set(),
}


@pytest.mark.parametrize(("persona", "rows"), MANAGE_LIST_ROWS.items())
def test_manage_list_shows_only_institutions_in_scope(
    world: World, client_as: Callable[[str], Client], persona: str, rows: set[str]
) -> None:
    response = client_as(persona).get("/manage/institutions/")

    assert response.status_code == 200
    assert {institution.name for institution in response.context["institutions"]} == rows
    html = response.content.decode()
    for name in {X, Y, Z, W} - rows:
        assert name not in html


def test_manage_list_asks_anonymous_to_sign_in(world: World, anonymous_client: Client) -> None:
    response = anonymous_client.get("/manage/institutions/")

    assert outcome(response) == SIGN_IN


def test_manage_detail_shows_staff_only_to_those_who_may_see_staff(
    world: World, client_as: Callable[[str], Client]
) -> None:
    url = f"/manage/institutions/{world['x'].code}/"

    for persona in FILE_READERS:
        html = client_as(persona).get(url).content.decode()
        assert "星星托大班" in html, persona
        assert ("钱星保育" in html) == (persona in STAFF_READERS), persona


ADMIN_LIST_ROWS: dict[str, dict[str, set[str]]] = {
    "/admin/registry/institution/": {
        "regulator_a": {X, Y, W},
        "regulator_b": {Z},
        "director_x": {X},
        "director_y": {Y},
    },
    "/admin/registry/careclass/": {
        "regulator_a": {"星星托大班", "月亮托小班"},
        "regulator_b": {"太阳混龄班"},
        "director_x": {"星星托大班"},
        "director_y": {"月亮托小班"},
    },
    "/admin/workforce/staff/": {
        "regulator_a": {"钱星保育", "孙月保育"},
        "regulator_b": {"李阳保育"},
        "director_x": {"钱星保育"},
        "director_y": {"孙月保育"},
    },
}
ALL_ADMIN_ROWS = {url: set().union(*rows.values()) for url, rows in ADMIN_LIST_ROWS.items()}


@pytest.mark.parametrize(
    ("url", "persona", "rows"),
    [
        (url, persona, rows)
        for url, by_persona in ADMIN_LIST_ROWS.items()
        for persona, rows in by_persona.items()
    ],
)
def test_admin_changelist_shows_only_rows_in_scope(
    world: World, client_as: Callable[[str], Client], url: str, persona: str, rows: set[str]
) -> None:
    response = client_as(persona).get(url)

    assert response.status_code == 200
    assert {row.name for row in response.context["cl"].result_list} == rows
    html = response.content.decode()
    for name in ALL_ADMIN_ROWS[url] - rows:
        assert name not in html


@pytest.mark.parametrize("url", ADMIN_LIST_ROWS)
@pytest.mark.parametrize("persona", ["caregiver_x", "health_worker_x", "doctor", "guardian", "anonymous"])
def test_admin_changelist_is_closed_to_users_without_back_office_access(
    world: World, client_as: Callable[[str], Client], url: str, persona: str
) -> None:
    assert outcome(client_as(persona).get(url)) == (ADMIN_SIGN_IN if persona == "anonymous" else NOT_FOUND)


def test_admin_changelist_search_does_not_reach_out_of_scope_rows(
    world: World, client_as: Callable[[str], Client]
) -> None:
    response = client_as("director_y").get("/admin/registry/institution/", {"q": "星星"})

    assert list(response.context["cl"].result_list) == []


def test_api_class_list_of_partner_institution_lists_its_classes_for_the_doctor(
    world: World, api_as: Callable[[str], APIClient]
) -> None:
    response = api_as("doctor").get(f"/api/v1/institutions/{world['x'].code}/classes/")

    assert [row["name"] for row in response.json()["results"]] == ["星星托大班"]


def test_api_staff_list_lists_only_the_institutions_staff(
    world: World, api_as: Callable[[str], APIClient]
) -> None:
    response = api_as("regulator_a").get(f"/api/v1/institutions/{world['x'].code}/staff/")

    assert [row["name"] for row in response.json()["results"]] == ["钱星保育"]


def test_api_with_token_answers_as_the_token_holder(
    world: World, token_api_as: Callable[[str], APIClient]
) -> None:
    inside = token_api_as("director_x").get(f"/api/v1/institutions/{world['x'].code}/staff/")
    outside = token_api_as("director_y").get(f"/api/v1/institutions/{world['x'].code}/staff/")

    assert (inside.status_code, outside.status_code) == (200, 404)


ADD_FORMS = {
    "/admin/registry/careclass/add/": (
        CareClass,
        {"name": "新开托小班", "age_band": "toddler", "capacity": "12", "room_area_m2": "50.0"},
    ),
    "/admin/workforce/staff/add/": (
        Staff,
        {
            "name": "新来保育员",
            "id_number": "11010519491231002X",
            "role": "caregiver",
            "education": "college",
            "management_years": "0",
            "employed_from": "2025-09-01",
            "certificates-TOTAL_FORMS": "0",
            "certificates-INITIAL_FORMS": "0",
        },
    ),
}


@pytest.mark.parametrize("url", ADD_FORMS)
def test_director_adds_a_class_or_staff_member_to_own_institution_in_the_back_office(
    world: World, client_as: Callable[[str], Client], url: str
) -> None:
    model, data = ADD_FORMS[url]

    response = client_as("director_x").post(url, {**data, "institution": world["x"].pk, "_save": "1"})

    assert response.status_code == 302, response.content.decode()[-2000:]
    assert model._default_manager.filter(name=data["name"], institution=world["x"]).exists()


@pytest.mark.parametrize("url", ADD_FORMS)
def test_director_cannot_add_a_class_or_staff_member_to_another_institution(
    world: World, institution_y: Institution, client_as: Callable[[str], Client], url: str
) -> None:
    model, data = ADD_FORMS[url]

    response = client_as("director_x").post(url, {**data, "institution": institution_y.pk, "_save": "1"})

    assert response.status_code == 200  # the form again, with an error on the institution
    assert "institution" in response.context["adminform"].form.errors
    assert not model._default_manager.filter(name=data["name"]).exists()


@pytest.mark.parametrize("url", ADD_FORMS)
def test_regulator_cannot_add_classes_or_staff(
    world: World, client_as: Callable[[str], Client], url: str
) -> None:
    model, data = ADD_FORMS[url]

    response = client_as("regulator_a").post(url, {**data, "institution": world["x"].pk, "_save": "1"})

    assert response.status_code == 404
    assert not model._default_manager.filter(name=data["name"]).exists()


def test_director_can_change_own_class_but_not_move_it_to_another_institution(
    world: World, institution_y: Institution, client_as: Callable[[str], Client]
) -> None:
    url = f"/admin/registry/careclass/{world['class_x'].pk}/change/"
    data = {
        "name": "星星托大班",
        "age_band": "preschool",
        "capacity": "18",
        "room_area_m2": "60.0",
        "_save": "1",
    }
    client = client_as("director_x")

    moved = client.post(url, {**data, "institution": institution_y.pk})
    changed = client.post(url, {**data, "institution": world["x"].pk})

    assert moved.status_code == 200
    assert changed.status_code == 302
    world["class_x"].refresh_from_db()
    assert (world["class_x"].institution_id, world["class_x"].capacity) == (world["x"].pk, 18)
