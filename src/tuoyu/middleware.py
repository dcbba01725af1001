"""Project-wide request and response rules: every request has an id, personal data is never cached, and a busy
database is a 503, not a 500."""

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from tuoyu.errors import error_response
from tuoyu.logs import request_id, request_id_for

RETRY_AFTER_SECONDS = 2


class RequestIdMiddleware:
    """Each request gets an id (the proxy's ``X-Request-ID`` if it sent a plain one): every log line written
    while it is served carries it, and so does the response, so a user's report leads to its log lines."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Not reset on the way out: Django logs an error response (django.request) after the middleware has
        # returned, and that line must carry the id too. The next request on this thread sets its own.
        request_id.set(request_id_for(request.headers.get("X-Request-ID")))
        response = self.get_response(request)
        response["X-Request-ID"] = request_id.get()
        return response


class PrivateResponsesMiddleware:
    """Every response is ``Cache-Control: no-store, private`` unless its view chose otherwise.

    Pages and answers carry names, health data and contacts; no browser or proxy may keep them. Static
    files are served by the web server or by WhiteNoise before Django, and keep their own caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response


def is_database_busy(error: BaseException) -> bool:
    """SQLite's answer when another writer held the lock for longer than the busy timeout."""
    return isinstance(error, OperationalError) and "database is locked" in str(error)


class DatabaseBusyMiddleware:
    """A write that waited too long for SQLite's lock answers 503 with Retry-After; nothing was written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_busy(exception):
            return None
        response = error_response(
            request,
            status=503,
            code="busy",
            detail=_("Tuoyu is busy right now and nothing was saved. Please try again in a moment."),
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
