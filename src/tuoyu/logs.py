"""Every log line carries the id of the request it was written in (``-`` outside a request), so that the
lines of one request can be found together, and the response's ``X-Request-ID`` points at them."""

import logging
import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="-")

# An id a proxy passes on is kept only if it is short and plain; otherwise a fresh one is made.
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id_for(given: str | None) -> str:
    return given if given and _ACCEPTABLE.fullmatch(given) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True
