"""The department contact's inbox (待办交办), their home: the dispatches to their departments awaiting a
reply, reminded ones and those past the deadline first, then the ones already answered."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.access import AuthenticatedRequest, Perm, has_perm
from tuoyu.enterprises import kinds
from tuoyu.enterprises.models import Dispatch
from tuoyu.enterprises.selectors import desk
from tuoyu.exports import wants_xlsx, xlsx_response

REPLIED_PAGE_SIZE = 30


@login_required
def dispatch_inbox(request: AuthenticatedRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.ANSWER_DISPATCHES):
        raise Http404
    today = timezone.localdate()
    awaiting = desk.dispatches_awaiting_reply(request.user, today)
    replied = desk.dispatches_replied(request.user)
    if wants_xlsx(request):
        return _export([*awaiting, *replied.iterator(chunk_size=2000)])
    page = Paginator(replied, REPLIED_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "dispatch": dispatch,
            "past": _past_deadline(dispatch, today),
        }
        for dispatch in awaiting
    ]
    return render(
        request, "enterprises/dispatch_inbox.html", {"awaiting": rows, "page": page, "today": today}
    )


def _past_deadline(dispatch: Dispatch, today: object) -> bool:
    case = dispatch.request.case
    return case.status in kinds.HANDLING and case.deadline is not None and case.deadline < today  # type: ignore[operator]


def _export(dispatches: list[Dispatch]) -> HttpResponse:
    return xlsx_response(
        filename="dispatches",
        title=_("Dispatches"),
        header=[
            _("Number"),
            _("Enterprise"),
            _("Department"),
            _("Leads"),
            _("Dispatched"),
            _("What is asked"),
            _("Handling deadline"),
            _("Reminded"),
            _("Replied"),
            _("Reply"),
        ],
        rows=(
            [
                dispatch.request.case.number,
                dispatch.request.enterprise.name,
                dispatch.department.name,
                _("Yes") if dispatch.lead else "",
                dispatch.dispatched_at,
                dispatch.instruction,
                dispatch.request.case.deadline,
                dispatch.reminded_for,
                dispatch.replied_at,
                dispatch.reply,
            ]
            for dispatch in dispatches
        ),
    )
