"""The filing workflow (备案) through the browser: a director files, the regulator approves or returns it.

Both tests start from the demo district: 太白湖新区金色童年托育园 is preparing to open and its initial filing
was returned for a missing fire-safety pass; 万达广场宝贝港湾托育中心 has a change filing (98 → 108 places)
awaiting review. Elements are found by ids, names, data- attributes and URLs; the words checked are data
(institution names, reasons, receipt numbers), not translated labels, except where a label is looked up
through the same catalogue the server uses.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

REGULATOR = "13800000001"
PREPARING_DIRECTOR = "13800000008"
PREPARING = "太白湖新区金色童年托育园"
MALL_DIRECTOR = "13800000007"
MALL = "万达广场宝贝港湾托育中心"
RECEIPT_NO = re.compile(r"\S*托育?备〔\d{4}〕\d{3}号")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path: Path) -> None:
    """Uploaded and seeded files go to this test's directory, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pdf(tmp_path: Path):
    """A small PDF scan named after the material it stands for."""

    def make(name: str) -> Path:
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(PDF)
        return path

    return make


def label(msgid: str) -> str:
    """A label as the zh-hans pages show it (the server and the test read the same catalogue)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def fact(page, msgid: str):
    """The value of a fact (<dt>label</dt><dd>value</dd>) on a detail page."""
    return page.locator("main dl.facts dt", has_text=re.compile(f"^{re.escape(label(msgid))}$")).locator(
        "xpath=following-sibling::dd[1]"
    )


def post(page, button) -> None:
    """Click a form's submit button and wait for the page the redirect leads to."""
    with page.expect_navigation():
        button.click()


def filing_row(page, table_id: str, name: str):
    return page.locator(f"#{table_id} tbody tr").filter(has=page.get_by_role("link", name=name, exact=True))


def sign_out(page) -> None:
    post(page, page.locator("header form[action$='/accounts/logout/'] button[type=submit]"))
    expect(page.locator("header [data-nav=login]")).to_be_visible()


def accept_commitment(page, *, filed_places: int | None = None) -> None:
    """On the filing page: open the filing form, (change the places,) accept the commitment, save."""
    page.locator("main a[href$='/edit/']").click()
    form = page.locator("#filing-form")
    expect(form).to_be_visible()
    if filed_places is not None:
        form.locator("input[name=filed_places]").fill(str(filed_places))
    form.locator("input[name=commitment]").check()
    post(page, form.locator("button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/filings/[0-9a-f-]{36}/$"))
    expect(page.locator("ul.messages li.error")).to_have_count(0)


def attach(page, kind: str, scan: Path, **facts: str) -> None:
    """Attach a material through the materials form; facts fill the date and select fields by name."""
    form = page.locator("#material-form")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=file]").set_input_files(scan)
    for name, value in facts.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    post(page, form.locator("button[type=submit]"))
    expect(page.locator("ul.messages li.error")).to_have_count(0)
    expect(page.locator("ul.messages li.success")).to_be_visible()


def material_facts(today: datetime.date) -> dict[str, dict[str, str]]:
    """What a complete material of each kind says: a 5-year lease, a health evaluation rated 合格..."""
    lease_start = today - datetime.timedelta(days=30)
    return {
        "business_licence": {},
        "premises": {
            "tenure": "leased",
            "lease_start": lease_start.isoformat(),
            "lease_end": lease_start.replace(year=lease_start.year + 5).isoformat(),
        },
        "health_evaluation": {"rating": "pass"},
        "fire_safety": {"valid_until": (today + datetime.timedelta(days=365)).isoformat()},
        "food_licence": {"valid_until": (today + datetime.timedelta(days=3 * 365)).isoformat()},
    }


def problems(page) -> list[str]:
    """The items that still stop the filing from being submitted: material kinds, "commitment", "staff"."""
    return page.locator("ul.problems li[data-item]").evaluate_all("items => items.map(li => li.dataset.item)")


def filed_places(page):
    return page.locator("main dd[data-field=filed_places]")


def submit(page) -> None:
    button = page.locator("main form[action$='/submit/'] button[type=submit]")
    expect(button).to_be_enabled()
    post(page, button)
    expect(page.locator("p.meta[data-state]")).to_have_attribute("data-state", "submitted")


def approve(page) -> str:
    """Approve the filing shown (accepting the confirmation) and return the receipt number it shows."""
    page.once("dialog", lambda dialog: dialog.accept())
    post(page, page.locator("main form[action$='/approve/'] button[name=approve]"))
    expect(page.locator("p.meta[data-state]")).to_have_attribute("data-state", "approved")
    receipt = page.locator("p.meta [data-receipt]")
    expect(receipt).to_have_text(RECEIPT_NO)
    return receipt.inner_text().strip()


def open_in_directory(page, live_server, name: str) -> None:
    """As a visitor: find the institution in the public directory and open its page."""
    page.goto(live_server.url + "/institutions/")
    link = page.locator("#results li.result h3 a", has_text=re.compile(f"^{re.escape(name)}$"))
    expect(link).to_have_count(1)
    link.click()
    expect(page).to_have_url(re.compile(r"/institutions/[0-9a-f-]{36}/$"))
    expect(page.locator("h1")).to_have_text(name)


def test_director_files_a_new_institution_and_the_regulator_approves_it(
    live_server, demo_district, open_page, sign_in, pdf
):
    visitor = open_page()
    visitor.goto(live_server.url + "/institutions/")
    expect(visitor.locator("#results li.result").first).to_be_visible()
    expect(visitor.locator("#results")).not_to_contain_text(PREPARING)  # not filed yet

    director = open_page()
    sign_in(director, PREPARING_DIRECTOR)
    director.goto(live_server.url + "/filings/")
    returned = filing_row(director, "all-filings", PREPARING).and_(
        director.locator("[data-kind=initial][data-state=returned]")
    )
    if returned.count():
        returned.get_by_role("link", name=PREPARING, exact=True).click()
        expect(director.locator("p.meta[data-state]")).to_have_attribute("data-state", "returned")
        # The regulator's reason for returning it: the fire-safety pass is missing.
        expect(director.locator("section.returned")).to_contain_text("消防安全检查合格证明")
    else:  # no filing yet: start the initial filing
        post(director, director.locator("main form[data-kind='initial'] button[type=submit]"))
        expect(director).to_have_url(re.compile(r"/edit/$"))
        director.goto(director.url.removesuffix("edit/"))
    expect(director).to_have_url(re.compile(r"/filings/[0-9a-f-]{36}/$"))
    filing_url = director.url
    assert "fire_safety" in problems(director)

    facts = material_facts(timezone.localdate())
    for kind in [item for item in problems(director) if item in facts]:
        attach(director, kind, pdf(kind), **facts[kind])
    accept_commitment(director)

    expect(director.locator("ul.problems")).to_have_count(0)
    materials = director.locator("section[aria-labelledby=materials] li a[href*='/filings/materials/']")
    expect(materials.filter(has_text="fire_safety.pdf")).to_have_count(1)
    earlier_versions = director.locator("#versions li[data-version]").count()  # 1: the returned one
    submit(director)
    latest = director.locator("#versions li[data-version]").first
    expect(latest).to_have_attribute("data-version", str(earlier_versions + 1))
    sign_out(director)

    sign_in(director, REGULATOR)  # the same browser, now the regulator's session
    regulator = director
    regulator.goto(live_server.url + "/filings/")
    queued = filing_row(regulator, "review-queue", PREPARING).and_(regulator.locator("[data-kind=initial]"))
    expect(queued).to_have_count(1)
    queued.get_by_role("link", name=PREPARING, exact=True).click()
    expect(regulator).to_have_url(filing_url)
    receipt_no = approve(regulator)
    regulator.goto(live_server.url + "/filings/")
    expect(filing_row(regulator, "review-queue", PREPARING)).to_have_count(0)
    expect(filing_row(regulator, "all-filings", PREPARING).locator("td").last).to_have_text(receipt_no)

    open_in_directory(visitor, live_server, PREPARING)
    expect(fact(visitor, "Filing")).to_contain_text(receipt_no)


def test_regulator_returns_a_change_filing_with_reasons_and_approves_the_correction(
    live_server, demo_district, open_page, sign_in
):
    reason = "备案托位数超出场地核定容量（每名婴幼儿建筑面积不低于8平方米），请核减后重新提交。"
    visitor = open_page()
    open_in_directory(visitor, live_server, MALL)
    expect(fact(visitor, "Filed places")).to_have_text("98")  # the change awaits review
    mall_page = visitor.url

    regulator = open_page()
    sign_in(regulator, REGULATOR)
    regulator.goto(live_server.url + "/filings/")
    queued = filing_row(regulator, "review-queue", MALL).and_(regulator.locator("[data-kind=change]"))
    expect(queued).to_have_count(1)
    queued.get_by_role("link", name=MALL, exact=True).click()
    filing_url = regulator.url
    expect(filed_places(regulator)).to_have_text("108")
    form = regulator.locator("#return-form")
    form.locator("textarea[name=reason_filed_places]").fill(reason)
    form.locator("input[name=publish]").check()
    post(regulator, form.locator("button[name=return]"))
    expect(regulator.locator("p.meta[data-state]")).to_have_attribute("data-state", "returned")
    regulator.goto(live_server.url + "/filings/")
    expect(filing_row(regulator, "review-queue", MALL)).to_have_count(0)
    # The decision was published: anyone can read it, with the reason.
    visitor.goto(live_server.url + "/filings/decisions/")
    decision = visitor.locator("main ul.results li.result").filter(
        has=visitor.locator("h3", has_text=re.compile(f"^{re.escape(MALL)}$"))
    )
    expect(decision).to_have_count(1)
    expect(decision).to_contain_text(reason)

    director = open_page()
    sign_in(director, MALL_DIRECTOR)
    director.goto(live_server.url + "/filings/")
    returned = filing_row(director, "all-filings", MALL).and_(director.locator("[data-state=returned]"))
    returned.get_by_role("link", name=MALL, exact=True).click()
    expect(director).to_have_url(filing_url)
    expect(director.locator("section.returned li")).to_have_count(1)
    expect(director.locator("section.returned li")).to_contain_text(reason)
    accept_commitment(director, filed_places=100)
    expect(filed_places(director)).to_have_text("100")
    expect(director.locator("ul.problems")).to_have_count(0)
    submit(director)
    expect(director.locator("section.returned")).to_have_count(0)  # the reasons were for version 1
    visitor.goto(mall_page)
    expect(fact(visitor, "Filed places")).to_have_text("98")  # version 2 awaits review

    regulator.goto(live_server.url + "/filings/")
    queued = filing_row(regulator, "review-queue", MALL)
    expect(queued).to_have_count(1)
    queued.get_by_role("link", name=MALL, exact=True).click()
    expect(regulator).to_have_url(filing_url)
    expect(filed_places(regulator)).to_have_text("100")
    approve(regulator)
    versions = regulator.locator("#versions li[data-version]")
    expect(versions).to_have_count(2)
    expect(versions.locator("a[href$='/versions/1/']")).to_have_count(1)
    expect(versions.locator("a[href$='/versions/2/']")).to_have_count(1)
    regulator.locator("#versions a[href$='/versions/1/']").click()
    expect(filed_places(regulator)).to_have_text("108")
    expect(regulator.locator("section.returned")).to_contain_text(reason)

    director.goto(filing_url)
    expect(director.locator("#versions li[data-version]")).to_have_count(2)

    visitor.goto(mall_page)
    expect(fact(visitor, "Filed places")).to_have_text("100")
