"""An on-site inspection on a 390 px phone, from the demo district: the regulator starts it from 爱彼宝's
file, finds the items prefilled with their evidence, confirms them, overrides one with a reason, takes two
photos, has the inspector and the director sign on the screen, completes, and downloads the record, a PDF in
Chinese.
A change made while the phone is offline is kept on it and reaches the server when the connection returns.

Elements are found by ids, names and data- attributes; the words checked are data (item texts, reasons).
"""

import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.screen import no_horizontal_scroll
from tuoyu.accounts.models import User
from tuoyu.registry.models import Institution
from tuoyu.supervision.models import Checklist, Inspection, InspectionItem, InspectionStatus, ItemResult
from tuoyu.supervision.services.inspections import inspection_start
from tuoyu.supervision.tests.inspection_helpers import png_bytes

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
REGULATOR = "13800000001"
AIBIBAO = "爱彼宝济宁托育中心"
REASON = "现场查验备案回执已过期，与系统记录不一致"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def nothing_pending(page: Any, inspection: Inspection) -> None:
    """Wait until every change kept on the phone has reached the server."""
    page.wait_for_function(
        "key => Object.keys(JSON.parse(localStorage.getItem(key) || '{}')).length === 0",
        arg=f"tuoyu-inspection-{inspection.pk}",
    )


def sign_on(page: Any, pad: Any) -> None:
    """Draw a signature on the pad with the mouse."""
    pad.locator("canvas").scroll_into_view_if_needed()
    box = pad.locator("canvas").bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 22, y + (18 if step % 2 else -18), steps=3)
    page.mouse.up()


def test_an_inspector_fills_an_inspection_on_a_phone_and_the_pdf_is_in_chinese(
    demo_district: None, live_server: Any, open_page: Any, sign_in: Any, tmp_path: Path
) -> None:
    institution = Institution.objects.get(name=AIBIBAO)
    page = open_page(viewport=PHONE)
    sign_in(page, REGULATOR)
    page.goto(f"{live_server.url}/supervision/institutions/{institution.code}/")
    with page.expect_navigation():
        page.locator("main a[href*='/supervision/inspections/new/']").click()
    page.locator("select[name=checklist]").select_option("routine")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    inspection = Inspection.objects.get(institution=institution, status=InspectionStatus.IN_PROGRESS)
    items = {item.item.number: item for item in inspection.items.select_related("item")}
    cards = page.locator(".inspection-item")
    expect(cards).to_have_count(len(items))
    no_horizontal_scroll(page)
    # Prefilled from Tuoyu's data, with the evidence shown.
    filing = page.locator(f"#item-{items['R01'].pk}")
    expect(filing.locator(".evidence")).to_contain_text("备案")
    expect(page.locator(f"#item-{items['R06'].pk} .evidence")).to_contain_text("近30日")

    # Confirm what the data says (met where it cannot say); override the filing item with a reason.
    for number, item in items.items():
        if number == "R01":
            continue
        card = page.locator(f"#item-{item.pk}")
        card.locator(f".result-button[data-value='{item.prefilled or ItemResult.PASS}']").click()
    filing.locator(".result-button[data-value=fail]").click()
    reason = filing.locator("input[name=override_reason]")
    expect(reason).to_be_visible()
    reason.fill(REASON)

    # Two photos of the e-bike item.
    ebikes = page.locator(f"#item-{items['R03'].pk}")
    for name in ("stairs", "exit"):
        photo = tmp_path / f"{name}.png"
        photo.write_bytes(png_bytes(8, 8))
        ebikes.locator("input.photo-input").set_input_files(str(photo))
        expect(ebikes.locator(".photos li")).to_have_count(1 if name == "stairs" else 2)

    # Both sign on the screen.
    inspector = page.locator(".signature[data-signer=inspector]")
    sign_on(page, inspector)
    inspector.locator(".sign-save").click()
    expect(inspector.locator(".signed")).to_have_class("signed tag done")
    director = page.locator(".signature[data-signer=director]")
    director.locator("#director-name").fill("孔园长")
    sign_on(page, director)
    director.locator(".sign-save").click()
    expect(director.locator(".signed")).to_have_class("signed tag done")
    nothing_pending(page, inspection)
    inspection.refresh_from_db()
    assert inspection.inspector_signature and inspection.director_signature
    assert inspection.director_name == "孔园长"

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator(".complete-button").click()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED and inspection.ended_at is not None
    overridden = InspectionItem.objects.get(pk=items["R01"].pk)
    assert (overridden.result, overridden.override_reason) == (ItemResult.FAIL, REASON)
    assert overridden.case is not None
    overridden.refresh_from_db()
    assert overridden.case is not None and overridden.case.source_key.startswith("finding:")
    assert InspectionItem.objects.get(pk=items["R03"].pk).photos.count() == 2
    assert inspection.grade == "D" and inspection.vetoed  # the filing is a basic item
    no_horizontal_scroll(page)

    with page.expect_download() as download:
        page.locator("main a[href$='/record.pdf']").click()
    pdf = Path(download.value.path()).read_bytes()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "托育机构不设在四层及以上楼层" in compact
    assert REASON in compact
    assert AIBIBAO in compact and inspection.number in compact


def test_an_item_answered_offline_is_kept_on_the_phone_and_reaches_the_server_when_back_online(
    demo_district: None, live_server: Any, open_page: Any, sign_in: Any
) -> None:
    institution = Institution.objects.get(name=AIBIBAO)
    regulator = User.objects.get(phone=REGULATOR)
    inspection = inspection_start(
        institution=institution, checklist=Checklist.objects.get(code="routine"), actor=regulator
    )
    ebikes = inspection.items.get(item__number="R03")
    page = open_page(viewport=PHONE)
    sign_in(page, REGULATOR)
    page.goto(f"{live_server.url}/supervision/inspections/{inspection.pk}/fill/")
    card = page.locator(f"#item-{ebikes.pk}")

    page.context.set_offline(True)
    card.locator(".result-button[data-value=fail]").click()
    card.locator("input[name=note]").fill("楼梯间停放电动自行车2辆")
    card.locator("input[name=note]").blur()
    expect(page.locator("#save-state")).to_have_class("save-state kept")
    expect(card.locator(".item-state")).to_have_class("item-state meta kept")
    ebikes.refresh_from_db()
    assert ebikes.result == ""  # the server has not heard of it

    page.context.set_offline(False)
    nothing_pending(page, inspection)
    expect(page.locator("#save-state")).to_have_class("save-state saved")
    ebikes.refresh_from_db()
    assert (ebikes.result, ebikes.note) == (ItemResult.FAIL, "楼梯间停放电动自行车2辆")

    # Kept on the phone across a reload too: answered offline, the page opened again once online.
    masks = inspection.items.get(item__number="R05")
    page.context.set_offline(True)
    page.locator(f"#item-{masks.pk} .result-button[data-value=na]").click()
    page.context.set_offline(False)
    page.reload()
    nothing_pending(page, inspection)
    masks.refresh_from_db()
    assert masks.result == ItemResult.NOT_APPLICABLE
