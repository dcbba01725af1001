"""What the tests of text-message codes share: English messages, and texts kept in memory instead of sent."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from tuoyu.sms import MemoryBackend


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def outbox(settings: Any) -> Iterator[list[tuple[str, str]]]:
    """The (phone, text) of each text message sent during the test."""
    settings.SMS_BACKEND = "tuoyu.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()
