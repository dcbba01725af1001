"""Who is asking: the client address every throttle and lockout counts by.

``X-Forwarded-For`` is read only when ``TRUSTED_PROXIES`` says how many proxies in front of Tuoyu append to
it; the address is then the one the outermost trusted proxy saw. With the default 0 the header is ignored,
so a client cannot pick a new address for each request (the same rule as DRF's ``NUM_PROXIES``).
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXIES
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if proxies <= 0 or not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]
