"""The signed-in enterprise contact's page (我的诉求): the requests of the enterprise whose contact phone is
their mobile number, each linking to its progress page; anyone else sees an empty page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tuoyu.accounts.access import AuthenticatedRequest
from tuoyu.enterprises.selectors import desk
from tuoyu.enterprises.services.requests import progress_link
from tuoyu.exports import wants_xlsx, xlsx_response


@login_required
def my_requests(request: AuthenticatedRequest) -> HttpResponse:
    requests = list(desk.requests_of_contact(request.user)[:200])
    if wants_xlsx(request):
        return xlsx_response(
            filename="my-requests",
            title=_("My requests"),
            header=[
                _("Number"),
                _("Enterprise"),
                _("Problem"),
                _("Recorded"),
                _("Status"),
                _("Handling deadline"),
            ],
            rows=(
                [
                    item.case.number,
                    item.enterprise.name,
                    item.description,
                    item.recorded_at,
                    item.case.status_label,
                    item.case.deadline,
                ]
                for item in requests
            ),
        )
    rows = [{"request": item, "link": progress_link(item)} for item in requests]
    return render(request, "enterprises/mine.html", {"rows": rows})
