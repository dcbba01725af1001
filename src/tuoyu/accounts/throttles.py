"""Rate limits per client address on the public endpoints, counted in the shared cache.

The API views use these as DRF throttles; the registration page asks the same throttle, so that the page
and the API share one count per client.
"""

import math
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

from tuoyu.clients import client_address


class ClientThrottle(SimpleRateThrottle):
    def get_ident(self, request: Any) -> str:
        return client_address(request)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def refusal_text(self) -> str:
        minutes = max(1, math.ceil((self.wait() or 60) / 60))
        return _("Too many requests from this network. Please try again in %(minutes)d minutes.") % {
            "minutes": minutes
        }


class SignInThrottle(ClientThrottle):
    scope = "auth"


class VerificationThrottle(ClientThrottle):
    scope = "verification"
