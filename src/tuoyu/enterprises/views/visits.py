"""Visits to enterprises (走访、回访), recorded on a phone: the form with a row per problem raised ("add
another problem" re-renders the form with one more row, no script needed), the list and the visit's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tuoyu.accounts.access import AuthenticatedRequest, get_visible_or_404
from tuoyu.enterprises.forms.visits import (
    EnterpriseChooseForm,
    ProblemFormSet,
    VisitForm,
    problems_of,
    with_one_more_row,
)
from tuoyu.enterprises.models import Enterprise
from tuoyu.enterprises.selectors.access import enterprises_visible_to, teams_visible_to
from tuoyu.enterprises.selectors.enterprise import (
    enterprises_found,
    follow_up_choices,
    requests_followed_up_at,
    requests_raised_at,
    serves_enterprises,
    visit_detail,
    visitors_choosable,
    visits_listed,
)
from tuoyu.enterprises.services.visits import visit_record
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.refusals import refusal_shown

PAGE_SIZE = 30
CHOOSE_LIMIT = 20
ADD_ROW = "add_problem"


def _must_serve(request: AuthenticatedRequest) -> None:
    if not serves_enterprises(request.user):
        raise Http404


@login_required
def visit_list(request: AuthenticatedRequest) -> HttpResponse:
    """The visits to the officer's enterprises, newest first; ``?format=xlsx`` for all of them."""
    _must_serve(request)
    visits = visits_listed(request.user)
    if wants_xlsx(request):
        return xlsx_response(
            filename="enterprise-visits",
            title=_("Enterprise visits"),
            header=[
                _("Date visited"),
                _("Enterprise"),
                _("Kind of visit"),
                _("Teams"),
                _("Joint visit"),
                _("Who went"),
                _("Met at the enterprise"),
                _("What was discussed"),
                _("Problems raised"),
                _("Requests followed up"),
            ],
            rows=(
                [
                    visit.visited_on,
                    visit.enterprise.name,
                    _("Planned visit") if visit.planned else _("Unplanned visit"),
                    "、".join(team.name for team in visit.teams.all()),
                    _("Yes") if visit.is_joint else _("No"),
                    "、".join(user.display_name for user in visit.visitors.all()),
                    visit.met,
                    visit.discussed,
                    visit.problems,  # type: ignore[attr-defined]
                    visit.follow_ups,  # type: ignore[attr-defined]
                ]
                for visit in visits
            ),
        )
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enterprises/visit_list.html", {"page": page, "visits": page.object_list})


@login_required
def visit_new(request: AuthenticatedRequest) -> HttpResponse:
    """Record a visit to the enterprise named by ``?enterprise=<code>``; without it, choose the enterprise."""
    _must_serve(request)
    code = request.GET.get("enterprise", "")
    if not code:
        return _choose_enterprise(request)
    enterprise = get_visible_or_404(enterprises_visible_to(request.user), code=code)
    if request.method != "POST":
        form = _visit_form(request, enterprise, None)
        formset = ProblemFormSet(prefix="problems")
        return _form_page(request, enterprise, form, formset)
    if ADD_ROW in request.POST:
        # One more problem row: the form comes back as typed, with no error shown yet.
        data = with_one_more_row(request.POST)
        form = _visit_form(request, enterprise, data)
        formset = ProblemFormSet(data, prefix="problems")
        return _form_page(request, enterprise, form, formset, show_errors=False)
    form = _visit_form(request, enterprise, request.POST)
    formset = ProblemFormSet(request.POST, prefix="problems")
    if form.is_valid() and formset.is_valid():
        with refusal_shown(request) as attempt:
            visit = visit_record(
                actor=request.user,
                enterprise=enterprise,
                visited_on=form.cleaned_data["visited_on"],
                planned=form.cleaned_data["planned"],
                teams=list(form.cleaned_data["teams"]),
                visitors=list(form.cleaned_data["visitors"]),
                met=form.cleaned_data["met"],
                discussed=form.cleaned_data["discussed"],
                follow_up_of=list(form.cleaned_data.get("follow_up_of") or []),
                problems=problems_of(formset),
            )
        if attempt.refused is None:
            count = visit.requests.count()
            messages.success(
                request,
                ngettext(
                    "The visit was recorded with %(count)d request.",
                    "The visit was recorded with %(count)d requests.",
                    count,
                )
                % {"count": count},
            )
            return redirect("enterprises:visit", pk=visit.pk)
    return _form_page(request, enterprise, form, formset, status=400)


def _visit_form(request: AuthenticatedRequest, enterprise: Enterprise, data: QueryDict | None) -> VisitForm:
    """The visit form: the teams the officer sees, their members, the enterprise's earlier requests."""
    return VisitForm(
        data,
        initial={"planned": "1", "visited_on": timezone.localdate()},
        teams=teams_visible_to(request.user).order_by("level", "name"),
        visitors=visitors_choosable(request.user),
        follow_ups=follow_up_choices(request.user, enterprise),
    )


def _form_page(
    request: AuthenticatedRequest,
    enterprise: Enterprise,
    form: VisitForm,
    formset: object,
    *,
    show_errors: bool = True,
    status: int = 200,
) -> HttpResponse:
    context = {
        "enterprise": enterprise,
        "form": form,
        "formset": formset,
        "show_errors": show_errors,
        "add_row": ADD_ROW,
    }
    return render(request, "enterprises/visit_form.html", context, status=status)


def _choose_enterprise(request: AuthenticatedRequest) -> HttpResponse:
    form = EnterpriseChooseForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = list(enterprises_found(request.user, query=query)[:CHOOSE_LIMIT]) if query else []
    context = {"form": form, "found": found, "query": query, "limit": CHOOSE_LIMIT}
    return render(request, "enterprises/visit_choose.html", context)


@login_required
def visit_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A visit: the enterprise, when, who went, what was discussed, the requests raised and those followed
    up."""
    visit = get_visible_or_404(visit_detail(request.user, pk), pk=pk)
    context = {
        "visit": visit,
        "teams": list(visit.teams.all()),
        "raised": requests_raised_at(request.user, visit),
        "followed_up": requests_followed_up_at(request.user, visit),
    }
    return render(request, "enterprises/visit_detail.html", context)
