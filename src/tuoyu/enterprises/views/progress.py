"""The enterprise's progress page: a link with a token, no account needed (filled in by the pages' work)."""

from django.http import HttpRequest, HttpResponse


def progress(request: HttpRequest, code: str) -> HttpResponse:  # pragma: no cover - replaced by the pages
    raise NotImplementedError
