"""Sign-in lockout: django-axes, with one limit per account and another per client address.

django-axes counts failed sign-ins in the shared cache under one key per lockout parameter (the account's
mobile number, the client address) and refuses further attempts while a count is at its limit. Its cache
handler compares the largest count with one limit; this one gives each key its own: 5 failures for an
account, 20 from an address (settings ``LOCKOUT_FAILURES_PER_ACCOUNT`` / ``_PER_ADDRESS``). Every lockout
is written to :class:`LoginLockout` (the log, and what a regulator or administrator lifts).
"""

import datetime
import logging
from typing import Any

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_cache_timeout, get_client_cache_keys, get_client_username, get_cool_off
from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from tuoyu.accounts.access import Perm, scope_of
from tuoyu.accounts.models import LockoutReason, LoginLockout, RoleAssignment, User
from tuoyu.errors import error_response

log = logging.getLogger("tuoyu.security")


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The mobile number an attempt names: ``username`` on the sign-in forms, ``phone`` in the API."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("phone")
    return str(value).strip()[:150] if value else None


class LockoutHandler(AxesCacheHandler):
    @staticmethod
    def _limits() -> tuple[int, int]:  # in the order of AXES_LOCKOUT_PARAMETERS: account, address
        return settings.LOCKOUT_FAILURES_PER_ACCOUNT, settings.LOCKOUT_FAILURES_PER_ADDRESS

    def _counts(self, request: HttpRequest, credentials: dict[str, Any] | None) -> list[int]:
        return [self.cache.get(key, default=0) for key in get_client_cache_keys(request, credentials)]

    def _reasons(self, counts: list[int]) -> list[str]:
        reasons = (LockoutReason.ACCOUNT, LockoutReason.ADDRESS)
        limits = zip(reasons, counts, self._limits(), strict=True)
        return [reason for reason, count, limit in limits if count >= limit]

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """On axes' scale (it compares this with AXES_FAILURE_LIMIT): the limit once either count is at its
        own limit."""
        counts = self._counts(request, credentials)
        if self._reasons(counts):
            return settings.AXES_FAILURE_LIMIT
        return min(counts[0], settings.AXES_FAILURE_LIMIT - 1) if counts else 0

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return
        if request.axes_locked_out:  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]  # for the refusal's message
            return  # refused during a lockout: neither counted again nor extended
        timeout = get_cache_timeout(request)
        counts = []
        for key in get_client_cache_keys(request, credentials):
            if self.cache.add(key, 1, timeout=timeout):
                counts.append(1)
            else:
                counts.append(self.cache.incr(key))
                self.cache.touch(key, timeout=timeout)
        reasons = self._reasons(counts)
        if reasons:
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
                reasons=reasons,
            )

    def user_logged_in(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        """A success clears the account's count only: signing in to one's own account must not reset the
        address's count of failures against others."""
        account_key = get_client_cache_keys(request, {"username": user.get_username()})[0]
        self.cache.delete(account_key)


def lockout_record(
    *, request: HttpRequest, username: str | None, ip_address: str | None, reasons: list[str]
) -> list[LoginLockout]:
    now = timezone.now()
    until = now + (get_cool_off(request) or settings.AXES_COOLOFF_TIME)
    phone = username or ""
    user = User.objects.filter(phone=phone).first() if phone else None
    records = [
        LoginLockout.objects.create(
            reason=reason,
            phone=phone if reason == LockoutReason.ACCOUNT else "",
            user=user if reason == LockoutReason.ACCOUNT else None,
            ip_address=ip_address or None,
            path=request.path[:200],
            locked_at=now,
            locked_until=until,
        )
        for reason in reasons
    ]
    log.warning(
        "Sign-in locked until %s (%s): %s from %s", until.isoformat(), ", ".join(reasons), phone, ip_address
    )
    return records


def locked_until(*, username: str | None, ip_address: str | None) -> datetime.datetime | None:
    """When the lockout that holds this account or address ends (None if none is recorded)."""
    now = timezone.now()
    holds = Q(reason=LockoutReason.ADDRESS, ip_address=ip_address) if ip_address else Q(pk__in=[])
    if username:
        holds |= Q(reason=LockoutReason.ACCOUNT, phone=username)
    return LoginLockout.objects.filter(holds, locked_until__gt=now, lifted_at=None).aggregate(
        until=Max("locked_until")
    )["until"]


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message(until: datetime.datetime | None) -> str:
    if until is None:
        return _("Too many failed sign-in attempts. Please try again in %(minutes)d minutes.") % {
            "minutes": cool_off_minutes()
        }
    return _("Too many failed sign-in attempts. Please try again after %(time)s.") % {
        "time": time_format(timezone.localtime(until), "H:i")
    }


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """What a refused sign-in sees: 429 with the time to try again, on the page or as JSON."""
    until = locked_until(
        username=get_client_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None),
    )
    response = error_response(request, status=429, code="locked_out", detail=lockout_message(until))
    seconds = int((until - timezone.now()).total_seconds()) if until else cool_off_minutes() * 60
    response["Retry-After"] = str(max(seconds, 1))
    return response


def lockouts_visible_to(actor: object) -> QuerySet[LoginLockout]:
    """Active and past lockouts an actor may see and lift: every one for an administrator; for a regulator,
    those of accounts that hold a role in their region or are guardians of children placed at or applying to
    its institutions (never address lockouts, which name no account)."""
    scope = scope_of(actor, Perm.LIFT_LOCKOUTS)
    lockouts = LoginLockout.objects.select_related("user", "lifted_by")
    if scope.everything:
        return lockouts
    if not scope.region_paths:
        return lockouts.none()
    in_region = Q()
    for path in scope.region_paths:
        in_region |= Q(region__path__startswith=path) | Q(institution__street__path__startswith=path)
    staff = RoleAssignment.objects.filter(in_region).values("user_id")
    families = Q()
    for path in scope.region_paths:
        families |= Q(guardianships__child__placements__institution__street__path__startswith=path)
        families |= Q(guardianships__child__applications__institution__street__path__startswith=path)
    guardians = User.objects.filter(families).values("pk")
    return lockouts.filter(Q(user_id__in=staff) | Q(user_id__in=guardians), reason=LockoutReason.ACCOUNT)


def lockout_lift(*, actor: User, lockout: LoginLockout) -> int:
    """Lift a lockout before its time: the counts are cleared and the log says who lifted it."""
    now = timezone.now()
    if lockout.reason == LockoutReason.ACCOUNT:
        axes_reset(username=lockout.phone)
        same = Q(reason=LockoutReason.ACCOUNT, phone=lockout.phone)
    else:
        axes_reset(ip=lockout.ip_address)
        same = Q(reason=LockoutReason.ADDRESS, ip_address=lockout.ip_address)
    lifted = LoginLockout.objects.filter(same, lifted_at=None, locked_until__gt=now).update(
        lifted_at=now, lifted_by=actor
    )
    log.warning(
        "Sign-in lockout lifted by user %s: %s %s",
        actor.pk,
        lockout.reason,
        lockout.phone or lockout.ip_address,
    )
    return lifted
