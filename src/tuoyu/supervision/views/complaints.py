"""Complaints (投诉举报): the public form and status look-up (throttled, size-limited), and the regulator's
list and complaint page, where only the handler reads who complained."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, Perm, get_visible_or_404, has_perm
from tuoyu.accounts.models import User
from tuoyu.cases.selectors import may_act_for_regulator, timeline_of
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.refusals import refusal_shown
from tuoyu.supervision.casekinds import RECEIVED
from tuoyu.supervision.forms.complaints import (
    ComplaintConcludeForm,
    ComplaintForm,
    ComplaintStartForm,
    ComplaintStatusForm,
)
from tuoyu.supervision.models import Complaint, ComplaintOutcome
from tuoyu.supervision.selectors.cases import action_label
from tuoyu.supervision.selectors.complaints import (
    complainant_identity,
    complaint_by_ticket,
    complaints_to_handle,
    complaints_visible_to,
    public_status,
    rectifications_of,
    start_by_text,
)
from tuoyu.supervision.services.complaints import (
    complaint_conclude,
    complaint_start,
    complaint_submit,
    started_late,
)
from tuoyu.supervision.throttles import ComplaintStatusThrottle, ComplaintThrottle

# A complaint of 2,000 characters in Chinese is 6 KB of UTF-8, form-encoded at most three times that.
MAX_FORM_BYTES = 24 * 1024
RECEIVED_TICKET = "complaint_ticket"
PAGE_SIZE = 50


def body_too_large(request: HttpRequest) -> bool:
    """A public form's body over the limit, judged by its declared length before it is read."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_FORM_BYTES
    except ValueError:
        return True


def _throttled(request: HttpRequest, throttle: ComplaintThrottle | ComplaintStatusThrottle) -> bool:
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return False
    messages.error(request, throttle.refusal_text())
    return True


def complaint_new(request: HttpRequest) -> HttpResponse:
    """The public complaint form: no sign-in needed; a signed-in account is kept unless anonymous."""
    status = 200
    if request.method == "POST":
        if body_too_large(request):
            messages.error(request, _("The complaint is too long to be received."))
            return render(request, "supervision/complaint_new.html", {"form": ComplaintForm()}, status=413)
        form = ComplaintForm(request.POST)
        if form.is_valid():
            if _throttled(request, ComplaintThrottle()):
                status = 429
            else:
                data = form.cleaned_data
                account = request.user if isinstance(request.user, User) else None
                with refusal_shown(request) as attempt:
                    complaint = complaint_submit(
                        institution_code=data["institution"],
                        category=data["category"],
                        content=data["content"],
                        happened_on=data["happened_on"],
                        anonymous=data["anonymous"],
                        name=data["name"],
                        phone=data["phone"],
                        account=account,
                    )
                if attempt.refused is None:
                    request.session[RECEIVED_TICKET] = complaint.ticket
                    return redirect("supervision:complaint_received")
    else:
        form = ComplaintForm(initial={"institution": request.GET.get("institution", "")[:40]})
    return render(request, "supervision/complaint_new.html", {"form": form}, status=status)


def complaint_received(request: HttpRequest) -> HttpResponse:
    """The confirmation after a complaint: its ticket (kept in the sending session) and how to follow it."""
    ticket = request.session.get(RECEIVED_TICKET)
    if not ticket:
        return redirect("supervision:complaint_new")
    complaint = complaint_by_ticket(ticket)
    if complaint is None:
        return redirect("supervision:complaint_new")
    context = {"ticket": ticket, "status": public_status(complaint)}
    return render(request, "supervision/complaint_received.html", context)


def complaint_status(request: HttpRequest) -> HttpResponse:
    """The status of a complaint by its ticket only: status, last updated, progress; nothing of who."""
    form = ComplaintStatusForm(request.GET or None)
    found = None
    not_found = False
    status = 200
    if form.is_bound and form.is_valid():
        if _throttled(request, ComplaintStatusThrottle()):
            status = 429
        else:
            complaint = complaint_by_ticket(form.cleaned_data["ticket"])
            if complaint is None:
                not_found = True
            else:
                found = public_status(complaint)
    context = {"form": form, "found": found, "not_found": not_found}
    return render(request, "supervision/complaint_status.html", context, status=status)


@login_required
def complaint_list(request: AuthenticatedRequest) -> HttpResponse:
    """The regulator's complaints: those to start first, with the start-by day and an overdue marker."""
    if not has_perm(request.user, Perm.SUPERVISE_REGION):
        raise Http404
    complaints = complaints_to_handle(request.user)
    if wants_xlsx(request):
        return xlsx_response(
            filename="complaints",
            title=_("Complaints"),
            header=[_("Number"), _("Institution"), _("Category"), _("Received"), _("Start by"), _("Status")],
            rows=(
                [
                    c.case.number,
                    c.case.institution_concerned.name,
                    c.get_category_display(),
                    c.received_at,
                    start_by_text(c),
                    c.case.status_label,
                ]
                for c in complaints
            ),
        )
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(complaint, started_late(complaint), start_by_text(complaint)) for complaint in page.object_list]
    return render(request, "supervision/complaint_list.html", {"rows": rows, "page": page})


def _complaint_of(request: AuthenticatedRequest, pk: int) -> Complaint:
    return get_visible_or_404(complaints_visible_to(request.user).select_related("complainant"), pk=pk)


@login_required
def complaint_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One complaint for a regulator of its region; who complained for its handler only."""
    complaint = _complaint_of(request, pk)
    case = complaint.case
    as_regulator = may_act_for_regulator(request.user, case)
    is_handler = case.assignee_id == request.user.pk
    context = {
        "complaint": complaint,
        "case": case,
        "identity": complainant_identity(complaint, request.user),
        "events": [(event, action_label(case, event.action)) for event in timeline_of(case, request.user)],
        "late": started_late(complaint),
        "outcome_label": ComplaintOutcome(case.outcome).label if case.outcome else "",
        "start_by_text": start_by_text(complaint),
        "may_start": as_regulator and case.status == RECEIVED,
        "may_conclude": is_handler and case.is_open and case.status != RECEIVED,
        "start_form": ComplaintStartForm(),
        "conclude_form": ComplaintConcludeForm(),
        "rectifications": rectifications_of(complaint, request.user),
    }
    return render(request, "supervision/complaint_detail.html", context)


@login_required
@require_POST
def complaint_start_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    complaint = _complaint_of(request, pk)
    form = ComplaintStartForm(request.POST)
    progress = form.cleaned_data["progress"] if form.is_valid() else ""
    with refusal_shown(request) as attempt:
        complaint_start(complaint=complaint, actor=request.user, progress=progress)
    if attempt.refused is None:
        messages.success(request, _("You are now handling this complaint."))
    return redirect("supervision:complaint", pk=complaint.pk)


@login_required
@require_POST
def complaint_conclude_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    complaint = _complaint_of(request, pk)
    form = ComplaintConcludeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("supervision:complaint", pk=complaint.pk)
    data = form.cleaned_data
    with refusal_shown(request) as attempt:
        complaint_conclude(
            complaint=complaint,
            actor=request.user,
            outcome=data["outcome"],
            reasons=data["reasons"],
            progress=data["progress"],
            rectification_subject=data["rectification_subject"],
            rectification_requirement=data["rectification_requirement"],
            rectification_days=data["rectification_days"],
        )
    if attempt.refused is None:
        messages.success(request, _("The complaint is concluded."))
    return redirect("supervision:complaint", pk=complaint.pk)


urlpatterns = [
    path("complaints/new/", complaint_new, name="complaint_new"),
    path("complaints/new/received/", complaint_received, name="complaint_received"),
    path("complaints/status/", complaint_status, name="complaint_status"),
    path("supervision/complaints/", complaint_list, name="complaints"),
    path("supervision/complaints/<int:pk>/", complaint_detail, name="complaint"),
    path("supervision/complaints/<int:pk>/start/", complaint_start_view, name="complaint_start"),
    path("supervision/complaints/<int:pk>/conclude/", complaint_conclude_view, name="complaint_conclude"),
]
