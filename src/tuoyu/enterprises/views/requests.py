from django.http import HttpRequest, HttpResponse


def request_detail(
    request: HttpRequest, code: str
) -> HttpResponse:  # pragma: no cover - replaced by the pages
    raise NotImplementedError
