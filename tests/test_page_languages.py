"""Every page renders in both languages, chosen by Accept-Language or by the django_language cookie.

English is the source language, so English pages are checked for English nav words. Simplified Chinese
comes from src/tuoyu/locale (written separately): the nav is checked for Chinese characters only when the
compiled catalogue is there.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.personas import sign_in
from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import User
from tuoyu.registry.models import CareClass, Institution
from tuoyu.workforce.models import Staff

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.mo"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ACCOUNT_ENTRIES = {"me", "login", "messages", "register"}
ENGLISH_NAV = {"overview": "District overview", "directory": "Find childcare"}

World = dict[str, Any]

# (who asks, URL, whether the page uses the site's own layout with its nav)
PAGES: list[tuple[str, str, bool]] = [
    ("anonymous", "/", True),
    ("anonymous", "/regions/990101/", True),
    ("anonymous", "/institutions/", True),
    ("anonymous", "/institutions/?inclusive=true&age_band=preschool", True),
    ("anonymous", "/institutions/{x.code}/", True),
    ("anonymous", "/accounts/login/", True),
    ("anonymous", "/accounts/login/code/", True),
    ("anonymous", "/accounts/password/reset/", True),
    ("guardian", "/care/absences/", True),
    ("anonymous", "/complaints/new/", True),
    ("anonymous", "/complaints/status/?ticket=TS2345678923", True),
    ("regulator_a", "/supervision/complaints/", True),
    ("anonymous", "/api/docs/", False),
    ("regulator_a", "/accounts/me/", True),
    ("regulator_a", "/accounts/password/", True),
    ("regulator_a", "/accounts/password/done/", True),
    ("regulator_a", "/manage/institutions/", True),
    ("regulator_a", "/manage/institutions/{x.code}/", True),
    ("director_x", "/manage/institutions/{x.code}/", True),
    ("doctor", "/manage/institutions/", True),
    ("director_x", "/conversations/", True),
    ("guardian", "/conversations/", True),
    ("director_x", "/notices/", True),
    ("regulator_a", "/admin/", False),
    ("regulator_a", "/admin/registry/institution/", False),
    ("regulator_a", "/admin/registry/institution/{x.pk}/change/", False),
    ("regulator_a", "/admin/registry/careclass/", False),
    ("regulator_a", "/admin/registry/careclass/{class_x.pk}/change/", False),
    ("regulator_a", "/admin/workforce/staff/", False),
    ("regulator_a", "/admin/workforce/staff/{staff_x.pk}/change/", False),
    ("director_x", "/admin/registry/institution/{x.pk}/change/", False),
    ("director_x", "/admin/registry/careclass/add/", False),
    ("director_x", "/admin/workforce/staff/add/", False),
    ("superuser", "/admin/accounts/user/", False),
    ("superuser", "/admin/accounts/user/{regulator.pk}/change/", False),
    ("superuser", "/admin/regions/region/", False),
    ("superuser", "/admin/registry/hospital/", False),
    ("superuser", "/admin/registry/institution/add/", False),
]


PAGE_IDS = [f"{persona} {path}" for persona, path, _ in PAGES]


@pytest.fixture
def world(
    institution_x: Institution,
    class_x: CareClass,
    staff_x: Staff,
    institution_y: Institution,
    regulator_a: User,
) -> World:
    return {"x": institution_x, "class_x": class_x, "staff_x": staff_x, "regulator": regulator_a}


@pytest.fixture
def client_in(request: pytest.FixtureRequest) -> Callable[[str, str, str], Client]:
    """A client signed in as ``persona`` that asks for ``language`` through a header or a cookie."""

    def make(persona: str, language: str, via: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language) if via == "header" else Client()
        if via == "cookie":
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if persona == "superuser":
            sign_in(client, UserFactory.create(is_staff=True, is_superuser=True))
        elif persona != "anonymous":
            sign_in(client, request.getfixturevalue(persona))
        return client

    return make


def nav_labels(html: str) -> dict[str, str]:
    entries = dict(re.findall(r'<a [^>]*data-nav="([^"]+)"[^>]*>([^<]*)</a>', html))
    assert entries, "the page has no navigation"
    return {key: label.strip() for key, label in entries.items() if key not in ACCOUNT_ENTRIES}


def html_lang(html: str) -> str:
    found = re.search(r'<html[^>]*\slang="([^"]+)"', html)
    assert found, "no <html lang>"
    return found.group(1)


@pytest.mark.parametrize("via", ["header", "cookie"])
@pytest.mark.parametrize(("persona", "path", "has_nav"), PAGES, ids=PAGE_IDS)
def test_page_renders_in_english_with_english_nav(
    world: World,
    client_in: Callable[[str, str, str], Client],
    persona: str,
    path: str,
    has_nav: bool,
    via: str,
) -> None:
    response = client_in(persona, "en", via).get(path.format(**world))

    assert response.status_code == 200
    html = response.content.decode()
    if path.startswith("/api/"):
        return
    assert html_lang(html) == "en"
    if has_nav:
        labels = nav_labels(html)
        for key, word in ENGLISH_NAV.items():
            assert labels[key] == word
        assert not CHINESE.search("".join(labels.values()))
    else:
        assert "Tuoyu back office" in html


@pytest.mark.parametrize("via", ["header", "cookie"])
@pytest.mark.parametrize(("persona", "path", "has_nav"), PAGES, ids=PAGE_IDS)
def test_page_renders_in_simplified_chinese(
    world: World,
    client_in: Callable[[str, str, str], Client],
    persona: str,
    path: str,
    has_nav: bool,
    via: str,
) -> None:
    response = client_in(persona, "zh-hans", via).get(path.format(**world))

    assert response.status_code == 200
    if not path.startswith("/api/"):
        assert html_lang(response.content.decode()) == "zh-hans"


@pytest.mark.skipif(not CATALOGUE.exists(), reason="the zh-hans catalogue is not compiled yet")
@pytest.mark.parametrize("via", ["header", "cookie"])
@pytest.mark.parametrize(
    ("persona", "path", "has_nav"),
    [page for page in PAGES if page[2]],
    ids=[i for i, page in zip(PAGE_IDS, PAGES, strict=True) if page[2]],
)
def test_page_in_simplified_chinese_has_a_chinese_nav(
    world: World,
    client_in: Callable[[str, str, str], Client],
    persona: str,
    path: str,
    has_nav: bool,
    via: str,
) -> None:
    html = client_in(persona, "zh-hans", via).get(path.format(**world)).content.decode()

    for key, label in nav_labels(html).items():
        assert CHINESE.search(label), f"nav entry {key} is not in Chinese: {label!r}"


@pytest.mark.parametrize(("language", "lang"), [("en", "en"), ("zh-hans", "zh-hans")])
def test_not_found_page_renders_in_the_language_asked_for(
    client_in: Callable[[str, str, str], Client], language: str, lang: str
) -> None:
    response = client_in("anonymous", language, "header").get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert html_lang(html) == lang
    assert set(nav_labels(html)) == {"overview", "directory"}


def test_language_switch_sets_the_cookie_and_later_pages_follow_it(world: World) -> None:
    client = Client()
    assert html_lang(client.get("/institutions/").content.decode()) == settings.LANGUAGE_CODE

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/institutions/"})

    assert response.status_code == 302
    assert response["Location"] == "/institutions/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/institutions/").content.decode()
    assert html_lang(html) == "en"
    assert nav_labels(html)["directory"] == "Find childcare"


def test_default_language_is_simplified_chinese(world: World) -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert html_lang(Client().get("/institutions/").content.decode()) == "zh-hans"
