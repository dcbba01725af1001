from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest
from tuoyu.notifications.selectors import inbox_of
from tuoyu.notifications.services import mark_read


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(inbox_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def read_all(request: AuthenticatedRequest) -> HttpResponse:
    mark_read(request.user)
    return HttpResponseRedirect(reverse("notifications:inbox"))
