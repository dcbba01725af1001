"""Chinese as an official writes it, on every page of the demo district a persona opens, in Chinese.

One pass over the URLconf's pages (the access tests' world, tests/access_world.py): each page is asked for by
every demo persona the permission matrix lets in, in Simplified Chinese, and its visible text is scanned for
- a half-width colon after a Chinese character (手机号码: rather than 手机号码：),
- half-width brackets around Chinese text ((托小班) rather than （托小班）),
- a class name inside its own band (托小班（托小班（12—24个月））): brackets nested in brackets.
"""

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

from tests.access_routes import url_of, walk_routes
from tests.access_world import World, build_world
from tests.personas import sign_in
from tests.test_access_matrix import ALLOWED

# The demo's own personas (the outsiders and the administrator see nothing of their own).
PERSONAS = (
    "anonymous",
    "regulator",
    "director",
    "caregiver",
    "health_worker",
    "doctor",
    "family",
    "guardian",
)
SKIPPED = {"accounts:logout", "set_language"}
HAN = "\u4e00-\u9fff"
PROBLEMS = {
    "a half-width colon after Chinese": re.compile(rf"[{HAN}]:(?!//)"),
    # not a formula's call, SHA-256(种子 …)
    "half-width brackets around Chinese": re.compile(rf"(?<![A-Za-z0-9_.-])\([^()\n]*[{HAN}][^()\n]*\)"),
    "nested brackets (a class name in its own band?)": re.compile(r"（[^（）]*（"),
}


class VisibleText(HTMLParser):
    """The text a reader sees: no scripts, styles or tags; each element's text on its own line."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self.hidden += 1
        self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self.hidden -= 1
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    def text(self) -> str:
        return "".join(self.parts)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return parser.text()


TITLES = re.compile(
    r"《[^《》]*》"
)  # a document's title keeps its own brackets: 《托育机构设置标准（试行）》


def problems_in(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        line = TITLES.sub("《》", line)
        for problem, pattern in PROBLEMS.items():
            for match in pattern.finditer(line):
                start = max(match.start() - 12, 0)
                found.append(f"{problem}: …{line[start : match.end() + 12].strip()}…")
    return found


def test_the_scan_finds_what_an_official_would_not_write() -> None:
    html = (
        "<p>手机号码: 138</p><p>托小班(12—24个月)</p><p>托小班（托小班（12—24个月））</p>"
        "<p>手机号码：138 · 08:30 · (1 : 5) · https://example.org · SHA-256(种子)</p>"
        "<script>a = {b:1}</script>"
        "<p>（依据《托育机构设置标准（试行）》）</p>"
    )

    found = problems_in(visible_text(html))

    assert [problem.split(":")[0] for problem in found] == [
        "a half-width colon after Chinese",
        "half-width brackets around Chinese",
        "nested brackets (a class name in its own band?)",
    ]


@pytest.fixture(scope="module")
def world(seeded_demo: str, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        yield build_world()


def _pages() -> list[Any]:
    return [
        route
        for route in walk_routes()
        if not route.name.startswith(("api", "admin:")) and route.name not in SKIPPED
    ]


@pytest.mark.django_db
def test_every_page_of_the_demo_writes_chinese_as_an_official_does(world: World) -> None:
    clients: dict[str, Client] = {}
    for persona in PERSONAS:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        user = world.users[persona]
        clients[persona] = sign_in(client, user) if user is not None else client
    found: dict[str, set[str]] = {}
    for route in _pages():
        url = url_of(route, world)
        for persona in PERSONAS:
            if persona not in ALLOWED.get(route.name, ()):
                continue
            cache.clear()
            with transaction.atomic():
                response = clients[persona].get(url)
                transaction.set_rollback(True)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for problem in problems_in(visible_text(response.content.decode())):
                found.setdefault(problem, set()).add(f"{route.name} ({persona})")
    connection.close_if_unusable_or_obsolete()
    report = "\n".join(
        f"{problem}\n    {', '.join(sorted(where)[:4])}" for problem, where in sorted(found.items())
    )
    assert not found, f"{len(found)} places write Chinese as an official would not:\n{report}"
