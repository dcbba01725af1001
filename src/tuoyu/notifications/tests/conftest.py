"""What the notification tests share: text messages kept in memory instead of sent."""

from collections.abc import Iterator
from typing import Any

import pytest

from tuoyu.sms import MemoryBackend


@pytest.fixture(autouse=True)
def sms_outbox(settings: Any) -> Iterator[list[tuple[str, str]]]:
    """The (phone, text) of each text message sent during the test."""
    settings.SMS_BACKEND = "tuoyu.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()
