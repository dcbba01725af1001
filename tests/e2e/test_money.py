"""Subsidies and fees end to end through the browser, on the demo district: 爱彼宝's director submits last
month's operating claim, computed from the attendance records; the regulator opens a line and sees the
child's attendance days, decides, and downloads the decision letter (a PDF in Chinese); the ledger and the
三到位 dashboard move by the decided amount; the demo family downloads its fee statement.

Elements are found by ids, names, data- attributes and URLs; the words checked are data.
"""

import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tuoyu.money import yuan
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import district_of
from tuoyu.subsidies.models import Claim, ClaimState, Decision
from tuoyu.subsidies.selectors.ledger import ledger_summary

pytestmark = pytest.mark.e2e

REGULATOR = "13800000001"
DIRECTOR = "13800000002"  # 爱彼宝's director
GUARDIAN = "13800000006"


def post(page, button) -> None:
    with page.expect_navigation():
        button.click()


def pdf_text(path: str) -> str:
    reader = PdfReader(io.BytesIO(Path(path).read_bytes()))
    return "".join(page.extract_text() for page in reader.pages)


def test_the_director_submits_the_month_the_regulator_decides_it_and_the_money_is_traceable(
    demo_district, live_server, open_page, sign_in
) -> None:
    aibibao = Institution.objects.get(name="爱彼宝济宁托育中心")
    last_month = (timezone.localdate().replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    claim = Claim.objects.get(institution=aibibao, month=last_month, state=ClaimState.DRAFT)
    district = district_of(aibibao)
    before = ledger_summary(district, timezone.localdate().year)

    director = open_page()
    director.on("dialog", lambda dialog: dialog.accept())
    sign_in(director, DIRECTOR)
    director.goto(live_server.url + "/subsidies/claims/")
    post(director, director.locator(f'tr[data-claim="{claim.code}"] a'))
    expect(director.locator("tr[data-line]").first).to_be_visible()
    form = director.locator("form[data-confirm]", has=director.locator("textarea[name=remarks]"))
    form.locator("textarea[name=remarks]").fill("本月出勤数据已核对，请审核。")
    form.locator("input[name=confirm]").check()
    post(director, form.locator("button[type=submit]"))
    claim.refresh_from_db()
    assert claim.state == ClaimState.SUBMITTED

    regulator = open_page()
    regulator.on("dialog", lambda dialog: dialog.accept())
    sign_in(regulator, REGULATOR)
    regulator.goto(live_server.url + "/subsidies/claims/")
    post(regulator, regulator.locator(f'tr[data-claim="{claim.code}"] a'))
    counted = claim.lines.filter(counted=True).order_by("child__name").first()
    assert counted is not None
    line = regulator.locator(f'tr[data-line="{counted.pk}"]')
    line.locator("details.line-days summary").click()
    days = line.locator("details.line-days small")
    expect(days).to_be_visible()
    expect(days).to_contain_text(counted.days[0])
    expect(line.locator("details.line-days summary")).to_have_text(str(counted.attendance_days))
    decide = regulator.locator("form[data-confirm]", has=regulator.locator("textarea[name=note]"))
    decide.locator("textarea[name=note]").fill("逐行核对出勤记录，无异议。")
    post(regulator, decide.locator("button[type=submit]").first)
    expect(regulator).to_have_url(re.compile(r"/subsidies/decisions/[0-9a-f-]+/$"))
    decision = Decision.objects.get(claim=claim)
    assert decision.amount_yuan == claim.amount_yuan == sum(line.amount_yuan for line in decision.lines.all())
    expect(regulator.locator("main h1")).to_have_text(decision.number)

    with regulator.expect_download() as download:
        regulator.locator(f'a[href$="/subsidies/decisions/{decision.code}/letter.pdf"]').click()
    letter = pdf_text(download.value.path())
    assert "托育补助资金核定决定书" in letter
    assert decision.number in letter
    assert aibibao.name in letter
    assert counted.child.name in letter

    after = ledger_summary(district, timezone.localdate().year)
    assert after.committed - before.committed == decision.amount_yuan
    regulator.goto(live_server.url + "/subsidies/ledger/")
    expect(regulator.locator("main")).to_contain_text(decision.number)
    regulator.goto(live_server.url + "/subsidies/dashboard/")
    expect(regulator.locator(".figures")).to_contain_text(yuan(after.committed))
    expect(regulator.locator(".figures")).to_contain_text(yuan(after.budget - after.committed))


def test_the_family_downloads_its_fee_statement(demo_district, live_server, open_page, sign_in) -> None:
    guardian = open_page()
    sign_in(guardian, GUARDIAN)
    guardian.goto(live_server.url + "/fees/family/")
    row = guardian.locator("tr[data-statement]").first
    expect(row).to_be_visible()
    with guardian.expect_download() as download:
        row.locator('a[href$="/pdf/"]').click()
    statement = pdf_text(download.value.path())
    assert "缴费通知单" in statement
    assert "陆可馨" in statement
    assert "伙食费退还" in statement  # her absent days' meals, refunded
