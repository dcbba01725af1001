from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from tuoyu.accounts.access import get_visible_or_404
from tuoyu.cases.selectors import cases_visible_to, may_act_for_regulator, timeline_of


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case with its timeline, as the actor may read it."""
    case = get_visible_or_404(cases_visible_to(request.user), pk=pk)
    context = {
        "case": case,
        "events": timeline_of(case, request.user),
        "as_regulator": may_act_for_regulator(request.user, case),
    }
    return render(request, "supervision/case.html", context)


urlpatterns = [
    path("supervision/cases/<int:pk>/", case_detail, name="case"),
]
