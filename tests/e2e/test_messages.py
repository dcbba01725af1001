"""A family writes to the caregiver with a photo, on a phone (390×844), and sees that it was read.

From the demo district: a parent of a child in 爱彼宝's 托小班 signs in, opens 家园沟通 and sends a message
with a photo; 张敏, who looks after 托小班, signs in, finds the notification in her inbox, and its link opens
the conversation showing the photo; the parent's page then shows the message as 已读.
"""

import re
import struct
import zlib
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.screen import no_horizontal_scroll
from tuoyu.enrolment.models import Child
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.e2e

PHONE_VIEWPORT = {"width": 390, "height": 844}
CAREGIVER = "13800000003"  # 张敏
TEXT = "张老师好，这是孩子周末在公园拍的照片，她很喜欢小鸭子。"


def photo_png() -> bytes:
    """An 80×60 orange square: a real image the browser draws."""
    rows = b"".join(b"\x00" + b"\xf0\x90\x30" * 80 for _ in range(60))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 80, 60, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_a_parent_sends_a_photo_the_caregiver_opens_it_from_the_notification_and_it_shows_as_read(
    demo_district: None, live_server: Any, open_page: Any, sign_in: Any
) -> None:
    base = live_server.url
    toddlers = CareClass.objects.get(institution__name="爱彼宝济宁托育中心", name="托小班")
    child = Child.objects.in_class(toddlers).filter(name="周嘉树").get()
    parent_phone = child.guardianships.select_related("user").get().user.phone

    # The parent writes with a photo.
    parent = open_page(viewport=PHONE_VIEWPORT)
    sign_in(parent, parent_phone)
    parent.goto(base + "/conversations/")
    parent.locator(f'[data-family-conversations] a[href="/conversations/{child.code}/"]').click()
    parent.wait_for_url(re.compile(rf"/conversations/{child.code}/$"))
    composer = parent.locator("form[data-composer]")
    composer.locator("textarea[name=body]").fill(TEXT)
    composer.locator("input[name=photo]").set_input_files(
        {"name": "公园.png", "mimeType": "image/png", "buffer": photo_png()}
    )
    composer.locator("button[type=submit]").click()
    mine = parent.locator("li.bubble.mine", has_text=TEXT)
    expect(mine).to_be_visible()
    expect(mine.locator("[data-receipt]")).to_have_text("未读")
    no_horizontal_scroll(parent)

    # 张敏 opens the notification; its link shows the conversation with the photo.
    caregiver = open_page(viewport=PHONE_VIEWPORT)
    sign_in(caregiver, CAREGIVER)
    caregiver.goto(base + "/messages/")
    caregiver.locator(f'main a[href="/conversations/{child.code}/"]', has_text=child.name).first.click()
    caregiver.wait_for_url(re.compile(rf"/conversations/{child.code}/$"))
    message = caregiver.locator("li[data-message]", has_text=TEXT)
    expect(message).to_be_visible()
    photo = message.locator("img[data-message-photo]")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 80
    no_horizontal_scroll(caregiver)

    # The parent's page now shows the receipt.
    parent.reload()
    expect(parent.locator("li.bubble.mine", has_text=TEXT).locator("[data-receipt]")).to_have_text("已读")
