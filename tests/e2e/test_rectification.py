"""A rectification notice (整改通知) end to end through the browser: the regulator signs in (two steps) and
lands on the desk, sees 爱彼宝's open findings, issues a notice with a deadline; the director answers with a
photo; the regulator verifies and closes it.

Elements are found by ids, names, data- attributes and URLs; the words checked are data.
"""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tuoyu.registry.models import Institution
from tuoyu.supervision.models import Finding

pytestmark = pytest.mark.e2e

REGULATOR = "13800000001"
DIRECTOR = "13800000002"  # 爱彼宝's director
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00"
    b"\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def post(page, button) -> None:
    with page.expect_navigation():
        button.click()


def test_the_regulator_issues_a_notice_the_director_answers_with_a_photo_the_regulator_closes_it(
    demo_district, live_server, open_page, sign_in, tmp_path: Path
) -> None:
    aibibao = Institution.objects.get(name__contains="爱彼宝")
    if not Finding.objects.filter(institution=aibibao, resolved_at=None).exists():
        Finding.objects.create(
            rule_code="STF-01",
            severity="violation",
            institution=aibibao,
            subject_key="staff:e2e",
            subject_label="保育人员",
            evidence="保育人员无有效健康证",
            detected_at=timezone.now(),
        )
    photo = tmp_path / "消防通道已清理.png"
    photo.write_bytes(PNG)

    regulator = open_page()
    sign_in(regulator, REGULATOR)
    expect(regulator).to_have_url(re.compile(r"/supervision/desk/$"))
    row = regulator.locator(f'#findings tr[data-institution="{aibibao.code}"]')
    expect(row).to_be_visible()
    post(regulator, row.get_by_role("link", name=aibibao.name))
    expect(regulator).to_have_url(re.compile(rf"/supervision/institutions/{aibibao.code}/$"))
    post(regulator, regulator.locator("tr.finding a[data-issue]").first)
    expect(regulator).to_have_url(re.compile(r"/supervision/findings/\d+/rectification/$"))
    form = regulator.locator("main form.card")
    expect(form.locator("input[name=deadline_days]")).not_to_have_value("")
    expect(regulator.locator("[data-deadline-preview]")).to_be_visible()
    form.locator("textarea[name=requirement]").fill("限期补办健康证，补办前不得上岗。")
    form.locator("input[name=deadline_days]").fill("5")
    post(regulator, form.locator("button[type=submit]"))
    expect(regulator).to_have_url(re.compile(r"/supervision/cases/\d+/$"))
    case_url = regulator.url
    number = regulator.locator("main h1").inner_text().split()[0]
    assert number.startswith("整改〔")
    expect(regulator.locator("[data-status=issued]")).to_be_visible()
    expect(regulator.locator("[data-deadline]")).to_contain_text("5")

    director = open_page()
    sign_in(director, DIRECTOR)
    director.goto(live_server.url + "/supervision/rectifications/")
    post(director, director.get_by_role("link", name=number))
    answer = director.locator("#answer form")
    answer.locator("textarea[name=note]").fill("已组织补办健康证，证件照片见附件。")
    answer.locator("input[name=evidence]").set_input_files(photo)
    post(director, answer.locator("button[type=submit]"))
    expect(director.locator("[data-status=answered]")).to_be_visible()
    expect(director.locator("#answer")).to_have_count(0)

    regulator.goto(case_url)
    expect(regulator.locator("[data-attachment]")).to_have_count(1)
    image = regulator.request.get(
        live_server.url + regulator.locator("[data-attachment]").get_attribute("href")
    )
    assert image.status == 200 and image.headers["content-type"] == "image/png"
    verify = regulator.locator("#verify form")
    verify.locator("input[name=how][value=site]").check()
    verify.locator("input[name=confirm]").check()
    post(regulator, verify.locator("button[type=submit]"))
    expect(regulator.locator("[data-status=verified]")).to_be_visible()
    expect(regulator.locator("#verify")).to_have_count(0)

    director.goto(case_url)
    expect(director.locator("[data-status=verified]")).to_be_visible()

    # The public page of the institution shows the order, closed, to anyone.
    visitor = open_page()
    visitor.goto(f"{live_server.url}/institutions/{aibibao.code}/")
    closed = visitor.locator(".rectification-record tr", has_text=number)
    expect(closed).to_have_attribute("data-status", "verified")
    expect(closed).to_contain_text("已核查销号")
    expect(visitor.locator("main")).not_to_contain_text("已组织补办健康证")  # the answer stays private
