"""The back office: Django's admin, behind the same sign-in as every page and a verified second factor.

Django's own admin templates are used as they are: they run under the strict Content-Security-Policy
(no inline script, no eval), which themes built on Alpine.js do not.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from tuoyu.accounts.access import may_use_back_office


class BackOfficeSite(OTPAdminSite):
    site_title = _("Tuoyu back office")
    site_header = _("Tuoyu back office")
    index_title = _("Back office")

    def __init__(self, name: str = "admin") -> None:
        AdminSite.__init__(self, name)

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and may_use_back_office(request.user)

    def admin_view(
        self, view: Callable[..., HttpResponse], cacheable: bool = False
    ) -> Callable[..., HttpResponse]:
        """As everywhere else, someone outside gets a 404: a signed-in user without the back office, and a
        screen the user's roles do not reach (Django would answer 403)."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def outsiders_get_404(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not may_use_back_office(request.user):
                raise Http404
            try:
                return inner(request, *args, **kwargs)
            except PermissionDenied:
                raise Http404 from None

        return outsiders_get_404

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponseBase:
        """The front office's sign-in (same lockout, same second factor), coming back here afterwards."""
        from tuoyu.accounts.views import LoginView

        user = request.user
        if user.is_authenticated:
            if may_use_back_office(user):  # signed in, but without the second factor yet
                return redirect(
                    f"{reverse('accounts:two_factor')}?{urlencode({'next': reverse('admin:index')})}"
                )
            raise Http404
        if "next" not in request.GET and request.method == "GET":
            return redirect(f"{request.path}?{urlencode({'next': reverse('admin:index')})}")
        return LoginView.as_view()(request)
