"""The request list with its filters and Excel export, and the request page: everything about one request,
its whole internal timeline, and the actions as forms, each posting to its own address and calling one
service. A form shows only to who may take the action; an outsider's address is a 404."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, Perm, get_visible_or_404, has_perm
from tuoyu.cases.kinds import Side
from tuoyu.enterprises import kinds
from tuoyu.enterprises.forms.requests import (
    CloseForm,
    DispatchForm,
    ExtensionDecisionForm,
    ExtensionForm,
    FollowUpForm,
    NoteForm,
    ReplyForm,
    RequestFilterForm,
)
from tuoyu.enterprises.models import Extension, ServiceRequest
from tuoyu.enterprises.selectors import desk
from tuoyu.enterprises.selectors.access import leads_team_of, requests_visible_to, side_of
from tuoyu.enterprises.services import requests as services
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.refusals import refusal_shown

LIST_PAGE_SIZE = 50


def progress_url(request: ServiceRequest) -> str:
    """The enterprise's progress link as the team sends it: absolute, on the site's own address."""
    return settings.TUOYU_SITE_URL + services.progress_link(request)


def _must_serve(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.SERVE_ENTERPRISES):
        raise Http404


# The list ---------------------------------------------------------------------------------------------------


@login_required
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    """The desk's requests, narrowed by status, team, category, urgency, overdue only and month recorded."""
    _must_serve(request)
    now = timezone.now()
    today = timezone.localdate(now)
    form = RequestFilterForm(request.GET, teams=desk.teams_for_filter(request.user))
    form.is_valid()
    requests = desk.requests_filtered(request.user, form.filters(), today)
    if wants_xlsx(request):
        return _export(requests.prefetch_related("ratings"), today)
    page = Paginator(requests, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "request": item,
            "overdue": desk.is_overdue(item, today),
            "late": item.case.status == kinds.RECORDED and desk.accepted_late(item, now),
        }
        for item in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    context = {"form": form, "page": page, "rows": rows, "xlsx_query": query.urlencode()}
    return render(request, "enterprises/request_list.html", context)


def _export(requests: Any, today: Any) -> HttpResponse:
    def rating(item: ServiceRequest) -> str:
        ratings = list(item.ratings.all())
        return str(ratings[-1].get_satisfaction_display()) if ratings else ""

    return xlsx_response(
        filename="enterprise-requests",
        title=_("Enterprise requests"),
        header=[
            _("Number"),
            _("Enterprise"),
            _("Street / town"),
            _("Category"),
            _("Urgency"),
            _("Problem"),
            _("Team in charge"),
            _("Status"),
            _("Recorded"),
            _("To be accepted by"),
            _("Accepted at"),
            _("Handling deadline"),
            _("Overdue"),
            _("Closed at"),
            _("Solved"),
            _("Rating"),
            _("Times reopened"),
        ],
        rows=(
            [
                item.case.number,
                item.enterprise.name,
                item.enterprise.street.name,
                item.get_category_display(),
                item.get_urgency_display(),
                item.description,
                item.team.name,
                item.case.status_label,
                item.recorded_at,
                item.accept_by,
                item.accepted_at,
                item.case.deadline,
                _("Yes") if desk.is_overdue(item, today) else "",
                item.case.closed_at,
                "" if item.resolved is None else (_("Yes") if item.resolved else _("No")),
                rating(item),
                item.times_reopened,
            ]
            for item in requests
        ),
    )


# The request page -------------------------------------------------------------------------------------------


def _request_of(request: HttpRequest, code: str) -> ServiceRequest:
    return get_visible_or_404(requests_visible_to(request.user), code=code)


def _extension_of(item: ServiceRequest) -> Extension | None:
    try:
        return item.extension
    except Extension.DoesNotExist:
        return None


def _page(request: HttpRequest, item: ServiceRequest, side: Side, **forms: Any) -> HttpResponse:
    """The request as the actor's side reads it, with the forms of the actions they may take now."""
    user = request.user
    now = timezone.now()
    today = timezone.localdate(now)
    status = item.case.status
    on_desk = side == Side.DESK
    extension = _extension_of(item)
    own_departments = desk.own_department_ids(user, item)
    dispatches = desk.dispatches_of(item)
    to_reply = (
        [d for d in dispatches if d.department_id in own_departments and d.replied_at is None]
        if status == kinds.DISPATCHED
        else []
    )
    may = desk.actions_open_to(user, item, side, own_departments, extension)
    departments = [d.department for d in dispatches if d.department_id in own_departments]
    context = {
        "item": item,
        "case": item.case,
        "side": str(side),
        "on_desk": on_desk,
        "overdue": desk.is_overdue(item, today),
        "late": desk.accepted_late(item, now),
        "extension": extension,
        "dispatches": dispatches,
        "own_departments": own_departments,
        "ratings": list(item.ratings.select_related("recorded_by")),
        "steps": desk.timeline_of(item, side, departments),
        "progress_url": progress_url(item) if on_desk else "",
        "may": may,
        "to_reply": [
            (dispatch, forms.get(f"reply_form_{dispatch.pk}") or ReplyForm(prefix=f"reply-{dispatch.pk}"))
            for dispatch in to_reply
        ],
        "dispatch_form": forms.get("dispatch_form")
        or (DispatchForm(departments=desk.departments_to_dispatch(user, item)) if may.dispatch else None),
        "close_form": forms.get("close_form") or CloseForm(),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "decision_form": forms.get("decision_form") or ExtensionDecisionForm(),
        "note_form": forms.get("note_form") or NoteForm(),
    }
    return render(request, "enterprises/request_detail.html", context, status=400 if forms else 200)


@login_required
def request_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One request for the desk or a department it was sent to; the enterprise's own contact, signed in, goes
    to their progress page (the one that shows what the enterprise reads, without internal notes)."""
    item = _request_of(request, code)
    side = side_of(request.user, item)
    if side == Side.ENTERPRISE:
        return redirect(services.progress_link(item))
    if side is None:
        raise Http404
    return _page(request, item, side)


def _on_side(request: HttpRequest, code: str, *sides: Side) -> tuple[ServiceRequest, Side]:
    """The request, if the actor takes one of ``sides`` on it; anyone else gets a 404."""
    item = _request_of(request, code)
    side = side_of(request.user, item)
    if side is None or side not in sides:
        raise Http404
    return item, side


def _done(
    request: HttpRequest, item: ServiceRequest, call: Callable[[], object], message: str
) -> HttpResponse:
    """Run the service call; a refusal shows its message on the request page, success says so."""
    with refusal_shown(request):
        call()
        messages.success(request, message)
    return redirect("enterprises:request", code=item.code)


@login_required
@require_POST
def request_accept(request: AuthenticatedRequest, code: str) -> HttpResponse:
    item, _side = _on_side(request, code, Side.DESK)
    return _done(
        request,
        item,
        lambda: services.request_accept(request=item, actor=request.user),
        _("Accepted: the deadline runs from today and the enterprise is told."),
    )


@login_required
@require_POST
def request_dispatch(request: AuthenticatedRequest, code: str) -> HttpResponse:
    item, side = _on_side(request, code, Side.DESK)
    form = DispatchForm(request.POST, departments=desk.departments_to_dispatch(request.user, item))
    if not form.is_valid():
        return _page(request, item, side, dispatch_form=form)
    departments = list(form.cleaned_data["departments"])
    return _done(
        request,
        item,
        lambda: services.request_dispatch(
            request=item,
            actor=request.user,
            departments=departments,
            instruction=form.cleaned_data["instruction"],
        ),
        _("Sent to %(departments)s.") % {"departments": "、".join(d.name for d in departments)},
    )


@login_required
@require_POST
def request_close(request: AuthenticatedRequest, code: str) -> HttpResponse:
    item, side = _on_side(request, code, Side.DESK)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _page(request, item, side, close_form=form)
    return _done(
        request,
        item,
        lambda: services.request_close(
            request=item,
            actor=request.user,
            answer=form.cleaned_data["answer"],
            resolved=form.cleaned_data["resolved"],
        ),
        _("Closed: the enterprise is sent the answer and asked to rate it."),
    )


@login_required
@require_POST
def request_follow_up(request: AuthenticatedRequest, code: str) -> HttpResponse:
    item, side = _on_side(request, code, Side.DESK)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return _page(request, item, side, follow_up_form=form)
    return _done(
        request,
        item,
        lambda: services.request_rate(
            request=item,
            satisfaction=form.cleaned_data["satisfaction"],
            channel=form.cleaned_data["channel"],
            comment=form.cleaned_data["comment"],
            actor=request.user,
        ),
        _("The follow-up is recorded."),
    )


@login_required
@require_POST
def request_extension(request: AuthenticatedRequest, code: str) -> HttpResponse:
    item, side = _on_side(request, code, Side.DESK, Side.DEPARTMENT)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _page(request, item, side, extension_form=form)
    return _done(
        request,
        item,
        lambda: services.extension_ask(
            request=item,
            actor=request.user,
            days=form.cleaned_data["days"],
            reason=form.cleaned_data["reason"],
        ),
        _("The extension is asked: the team leader decides."),
    )


@login_required
@require_POST
def request_extension_decide(request: AuthenticatedRequest, code: str) -> HttpResponse:
    item = _request_of(request, code)
    if not leads_team_of(request.user, item):
        raise Http404
    side = side_of(request.user, item) or Side.DESK
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        return _page(request, item, side, decision_form=form)
    grant = form.cleaned_data["decision"] == "grant"
    return _done(
        request,
        item,
        lambda: services.extension_decide(
            request=item, actor=request.user, grant=grant, note=form.cleaned_data["note"]
        ),
        _("Extension granted: the deadline moves on.") if grant else _("Extension refused."),
    )


@login_required
@require_POST
def request_note(request: AuthenticatedRequest, code: str) -> HttpResponse:
    item, side = _on_side(request, code, Side.DESK)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _page(request, item, side, note_form=form)
    return _done(
        request,
        item,
        lambda: services.request_note(request=item, actor=request.user, note=form.cleaned_data["note"]),
        _("Note added."),
    )


@login_required
@require_POST
def dispatch_reply(request: AuthenticatedRequest, code: str, pk: int) -> HttpResponse:
    """A department contact answers what their department was sent."""
    item = _request_of(request, code)
    dispatch = next(
        (
            d
            for d in desk.dispatches_of(item)
            if d.pk == pk and d.department_id in desk.own_department_ids(request.user, item)
        ),
        None,
    )
    if dispatch is None:
        raise Http404
    form = ReplyForm(request.POST, prefix=f"reply-{dispatch.pk}")
    if not form.is_valid():
        side = side_of(request.user, item) or Side.DEPARTMENT
        return _page(request, item, side, **{f"reply_form_{dispatch.pk}": form})
    return _done(
        request,
        item,
        lambda: services.dispatch_reply(
            dispatch=dispatch, actor=request.user, reply=form.cleaned_data["reply"]
        ),
        _("Your reply was sent to the service team."),
    )
