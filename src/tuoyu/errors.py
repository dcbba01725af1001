"""Error answers: JSON ``{"code", "detail"}`` under /api/, the project's own pages everywhere else.

Django calls the handlers below for errors no view answered itself (an unknown URL, a CSRF failure, a
crash); DRF views answer theirs through ``refusals.api_exception_handler`` in the same shape.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(request: HttpRequest, *, status: int, code: str, detail: str) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse({"code": code, "detail": detail}, status=status)
    return render(request, "error.html", {"status": status, "detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None, **kwargs: Any) -> HttpResponse:
    return error_response(
        request, status=400, code="bad_request", detail=_("The request could not be understood.")
    )


def permission_denied(
    request: HttpRequest, exception: Exception | None = None, **kwargs: Any
) -> HttpResponse:
    return error_response(request, status=403, code="forbidden", detail=_("You are not allowed to do this."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token: usually a page left open too long, or a second tab."""
    return error_response(
        request,
        status=403,
        code="csrf_failed",
        detail=_("This form has expired. Go back, reload the page and send it again."),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None, **kwargs: Any) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(
            {"code": "server_error", "detail": _("Something went wrong on the server.")}, status=500
        )
    # Rendered without the request's context processors: the database may be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
