"""Regulators and administrators reach nothing but the set-up page until their second factor is verified;
the audit log knows who made each change, whether they came by a page or by an API token."""

from collections.abc import Callable
from typing import Any

from auditlog.middleware import AuditlogMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tuoyu.accounts.second_factor import second_factor_required
from tuoyu.errors import error_response, is_api_request

OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/i18n/", "/static/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # added by django-otp's middleware
            and second_factor_required(user)
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if is_api_request(request):
                return error_response(
                    request,
                    status=403,
                    code="second_factor_required",
                    detail=_("Sign in with your second factor first."),
                )
            return redirect(
                f"{reverse('accounts:two_factor')}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)


class AuditActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, with the actor looked up when an entry is written rather than when the
    request arrives. An API call's user is known only once the view has checked its token (DRF then sets it
    on the request): auditlog's own middleware would write every change made through the API with no actor."""

    @staticmethod
    def _get_actor(request: HttpRequest) -> Any:
        return SimpleLazyObject(lambda: AuditlogMiddleware._get_actor(request))
