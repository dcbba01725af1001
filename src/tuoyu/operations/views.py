"""GET /healthz: whether this installation can serve and its background work runs, for a load balancer or
a monitor. It names only the parts and their state, never data."""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from huey.contrib.djhuey import HUEY

from tuoyu.operations.queue import last_heartbeat


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _cache() -> str:
    cache.set("healthz", "ok", 10)
    return "ok" if cache.get("healthz") == "ok" else "unreadable"


def _queue() -> str:
    HUEY.pending_count()
    return "ok"


def _checked(check: Callable[[], str]) -> str:
    try:
        return check()
    except Exception as error:  # a health check reports what failed rather than failing itself
        return f"error: {type(error).__name__}"


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {"database": _checked(_database), "cache": _checked(_cache), "queue": _checked(_queue)}
    beat = last_heartbeat() if parts["database"] == "ok" else None
    age = (timezone.now() - beat).total_seconds() if beat else None
    fresh = age is not None and age <= settings.SCHEDULER_STALE_AFTER.total_seconds()
    healthy = fresh and all(state == "ok" for state in parts.values())
    body = {
        "status": "ok" if healthy else "unhealthy",
        **parts,
        "scheduler": {
            "status": "ok" if fresh else ("stale" if beat else "never seen"),
            "last_heartbeat": beat.isoformat() if beat else None,
            "age_seconds": round(age) if age is not None else None,
        },
    }
    return JsonResponse(body, status=200 if healthy else 503)
