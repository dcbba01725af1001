"""Text messages (SMS) through a pluggable backend.

``settings.SMS_BACKEND`` names a class with ``send(phone, text)``. The default writes the message to the
log (``tuoyu.sms``), which is what a development machine or an intranet without a gateway needs. A real
gateway plugs in as a class of the same shape; see docs/operations.md ("Text messages").
"""

import logging
from typing import Protocol

from django.conf import settings
from django.core.checks import CheckMessage, Warning
from django.utils.module_loading import import_string
from huey.contrib.djhuey import on_commit_task

logger = logging.getLogger("tuoyu.sms")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogBackend:
    """Writes each message to the log instead of sending it."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class MemoryBackend:
    """Keeps messages in ``MemoryBackend.outbox`` (for tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def send_sms(phone: str, text: str) -> None:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    backend.send(phone, text)


@on_commit_task(retries=5, retry_delay=30, retry_backoff=2, arguments_private=True)
def text_send(phone: str, text: str) -> None:
    """Send one text message from the queue once the transaction commits (never for a refused action); a
    gateway that fails is tried again five times, 30 s, 1, 2, 4 and 8 minutes later."""
    send_sms(phone, text)


def check_sms_backend(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """`check --deploy`: in production, text messages (registration codes, alerts) must reach phones."""
    if settings.DEBUG or settings.SMS_BACKEND != "tuoyu.sms.LogBackend":
        return []
    return [
        Warning(
            "SMS_BACKEND is the logging backend: registration codes and alerts are written to the log and "
            "no text message reaches anyone.",
            hint="Set SMS_BACKEND to the district's gateway class (docs/operations.md, 'Text messages').",
            id="tuoyu.W001",
        )
    ]
