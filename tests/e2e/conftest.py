"""End-to-end tests: the system's Chromium, driven by Playwright, against pytest-django's live server.

Nothing is downloaded: the browser is Debian's Chromium (``CHROMIUM`` overrides its path). Without it the
tests are skipped with the command that installs it, except under ``CI=true``, where that is a failure.
"""

import io
import os
import re
import shutil
import sqlite3
import tempfile
import time
from base64 import b32decode
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django_otp.oath import totp

from tuoyu.demo.management.commands.seed_demo import DEMO_OTP_SECRET

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse to touch the
# database from that thread (SynchronousOnlyOperation) when a test loads data or the server shares it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

INSTALL_HINT = "apt-get install chromium fonts-noto-cjk"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
DEMO_PASSWORD = "tuoyu2026"
SCREENSHOT_DIR = Path(tempfile.gettempdir()) / "tuoyu-e2e"

PAGES_KEY = pytest.StashKey[list[Any]]()


def chromium_executable() -> str | None:
    """The Chromium to drive: $CHROMIUM, else the one on PATH, else Debian's; None if not there."""
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    path = Path(candidate)
    return str(path) if path.is_file() and os.access(path, os.X_OK) else None


def browser_unavailable(reason: str) -> None:
    message = f"{reason}. Install it with: {INSTALL_HINT} (or set CHROMIUM to the browser's path)."
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_executable()
    if executable is None:
        browser_unavailable("Chromium was not found for the end-to-end tests")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as error:
            browser_unavailable(f"Chromium at {executable} did not start ({error.message.splitlines()[0]})")
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context (own cookies), Chinese by default like the district's users.

    Every context a test opens is closed after it; on failure each page is saved as a screenshot.
    """
    pages: list[Any] = []
    request.node.stash[PAGES_KEY] = pages
    contexts: list[Any] = []

    violations: list[str] = []

    def open_page(*, viewport: dict[str, int] = DESKTOP, locale: str = "zh-CN") -> Any:
        context = browser.new_context(viewport=viewport, locale=locale, timezone_id="Asia/Shanghai")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: _note_violation(message, page, violations))
        pages.append(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def _note_violation(message: Any, page: Any, violations: list[str]) -> None:
    """Every page of every end-to-end test runs under the Content-Security-Policy: the browser reports
    anything it refused (an inline script or style, eval, a foreign source) on the console."""
    if "Content Security Policy" in message.text or "Refused to" in message.text:
        violations.append(f"{page.url}: {message.text}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """On a failure, save a screenshot of every open page and name the files in the report."""
    report = yield
    pages = item.stash.get(PAGES_KEY, [])
    if report.when == "call" and report.failed and pages:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "_", item.name)
        saved = []
        for number, page in enumerate(pages, start=1):
            path = SCREENSHOT_DIR / f"{stem}-{number}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as error:  # a crashed page must not hide the test's own failure
                saved.append(f"{path}: not saved ({error})")
            else:
                saved.append(f"{path} ({page.url})")
        report.sections.append(("screenshots", "\n".join(saved)))
    return report


def enter_demo_code(page: Any) -> None:
    """Type the demo authenticator's current code; a code is good once, so a second sign-in within the same
    30 seconds waits for the next one."""
    for _attempt in range(2):
        page.locator("input[name=code]").fill(f"{totp(b32decode(DEMO_OTP_SECRET)):06d}")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        if not page.url.endswith("/login/verify/"):
            return
        time.sleep(30 - time.time() % 30 + 1)


@pytest.fixture
def demo_district(transactional_db: None) -> None:
    """The demo district 太白湖新区, loaded the way `manage.py seed_demo` loads it.

    The first test's demo is kept in memory and put back for each later test (in a second or less, where
    seeding takes most of a minute): on SQLite as a copy of the database, on PostgreSQL as each table's rows
    in COPY's binary format. Each test's writes are flushed after it as usual."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        _demo_on_sqlite(connection.connection)
    else:
        _demo_on_postgresql()


_seeded_copy: list[sqlite3.Connection] = []  # the demo as first seeded in this process (SQLite)
_seeded_rows: list[tuple[str, bytes]] = []  # the same on PostgreSQL: (table, its rows in COPY BINARY)


def _demo_on_sqlite(database: sqlite3.Connection) -> None:
    if _seeded_copy:
        _seeded_copy[0].backup(database)
        return
    call_command("seed_demo", stdout=io.StringIO())
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    database.backup(copy)
    _seeded_copy.append(copy)


def _demo_on_postgresql() -> None:
    if not _seeded_rows:
        call_command("seed_demo", stdout=io.StringIO())
        tables = [table for table in connection.introspection.table_names() if table != "django_migrations"]
        with connection.connection.cursor() as cursor:
            for table in tables:
                with cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT BINARY)') as copy:
                    _seeded_rows.append((table, b"".join(bytes(block) for block in copy)))
        return
    # The flush left the rows that migrations load (content types, policy values): replaced by the demo's,
    # as a replica would load them: without the triggers (the append-only logs' and the foreign keys', whose
    # rows were consistent when copied). The test database's owner is a superuser, who may do this.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("TRUNCATE " + ", ".join(f'"{table}"' for table, _ in _seeded_rows))
        for table, rows in _seeded_rows:
            with cursor.cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT BINARY)') as copy:
                copy.write(rows)
    ContentType.objects.clear_cache()


@pytest.fixture
def sign_in(live_server: Any) -> Callable[[Any, str], None]:
    """Sign in through the login form as the demo account with this mobile number."""

    def sign_in(page: Any, phone: str) -> None:
        page.goto(live_server.url + "/accounts/login/")
        form = page.locator("main form")
        form.locator("input[name=username]").fill(phone)
        form.locator("input[name=password]").fill(DEMO_PASSWORD)
        form.locator("button[type=submit]").click()
        page.wait_for_url(lambda url: not url.endswith("/accounts/login/"))
        if page.url.endswith("/login/verify/"):  # the regulator and the administrator: the app's code
            enter_demo_code(page)
        # Each role lands on its home: a regulator on the desk, a caregiver of one class on its screen.
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return sign_in
