"""The desk (企业服务), the home of an enterprise service officer: what to act on now."""

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.access import AuthenticatedRequest, Perm, has_perm
from tuoyu.enterprises.models import ServiceRequest
from tuoyu.enterprises.selectors import desk
from tuoyu.exports import wants_xlsx, xlsx_response

SECTIONS = ("accept", "overdue", "follow_up", "extensions", "reopened")


@login_required
def desk_page(request: AuthenticatedRequest) -> HttpResponse:
    """To accept (late ones marked), overdue, follow-ups due, extensions awaiting the leader, recently
    reopened; each section downloads as Excel with ``?section=<key>&format=xlsx``."""
    if not has_perm(request.user, Perm.SERVE_ENTERPRISES):
        raise Http404
    now = timezone.now()
    today = timezone.localdate(now)
    lists = {
        "accept": desk.to_accept(request.user),
        "overdue": desk.overdue(request.user, today),
        "follow_up": desk.follow_ups_due(request.user),
        "extensions": desk.extensions_awaiting(request.user),
        "reopened": desk.recently_reopened(request.user, now),
    }
    if wants_xlsx(request):
        section = request.GET.get("section", "")
        if section not in SECTIONS:
            raise Http404
        return _export(section, lists[section], now)
    shown = desk.ROWS_SHOWN
    context: dict[str, Any] = {"today": today, "shown": shown}
    for key, requests in lists.items():
        context[key] = list(requests[:shown])
        context[f"{key}_count"] = requests.count() if len(context[key]) == shown else len(context[key])
    context["accept"] = [(item, desk.accepted_late(item, now)) for item in context["accept"]]
    context["follow_up"] = [
        (item, item.follow_up_by is not None and item.follow_up_by < today) for item in context["follow_up"]
    ]
    return render(request, "enterprises/desk.html", context)


def _export(section: str, requests: Any, now: datetime.datetime) -> HttpResponse:
    titles = {
        "accept": _("To accept"),
        "overdue": _("Overdue"),
        "follow_up": _("Follow-ups due"),
        "extensions": _("Extensions awaiting decision"),
        "reopened": _("Reopened"),
    }

    def row(item: ServiceRequest) -> list[Any]:
        return [
            item.case.number,
            item.enterprise.name,
            item.get_category_display(),
            item.get_urgency_display(),
            item.team.name,
            item.case.status_label,
            item.recorded_at,
            item.accept_by,
            _("Not accepted in time") if desk.accepted_late(item, now) and item.accepted_at is None else "",
            item.case.deadline,
            item.follow_up_by,
        ]

    return xlsx_response(
        filename=f"enterprise-desk-{section}",
        title=titles[section],
        header=[
            _("Number"),
            _("Enterprise"),
            _("Category"),
            _("Urgency"),
            _("Team in charge"),
            _("Status"),
            _("Recorded"),
            _("To be accepted by"),
            _("Acceptance"),
            _("Handling deadline"),
            _("To be followed up by"),
        ],
        rows=(row(item) for item in requests),
    )
