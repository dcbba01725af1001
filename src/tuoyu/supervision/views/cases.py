"""Rectification orders (整改通知) as pages: issued from a finding or typed, the case with its timeline and
the forms of the actor's side, the lists of the regulator and of the director."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, Perm, get_visible_or_404, has_perm
from tuoyu.cases.models import Case
from tuoyu.cases.selectors import (
    attachments_readable,
    cases_visible_to,
    may_act_for_institution,
    may_act_for_regulator,
    timeline_of,
)
from tuoyu.cases.services import deadline_after
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.refusals import refusal_shown
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.rules import RULES, Severity
from tuoyu.supervision.casekinds import ANSWER, RECTIFICATION, VERIFY
from tuoyu.supervision.forms.rectification import AnswerForm, IssueForm, ReturnForm, VerifyForm
from tuoyu.supervision.models import Finding
from tuoyu.supervision.selectors.cases import (
    STATUS_FILTERS,
    action_label,
    is_overdue,
    rectifications_by_status,
)
from tuoyu.supervision.selectors.findings import finding_row, findings_visible_to
from tuoyu.supervision.services import rectification
from tuoyu.uploads import serve_upload

LIST_PAGE_SIZE = 50


def _deadline_preview(days: int) -> dict[str, object]:
    deadline, unknown_year = deadline_after(timezone.localdate(), days)
    return {"days": days, "date": deadline, "unknown_year": unknown_year}


def _issue_page(
    request: HttpRequest, form: IssueForm, institution: object, finding: Finding | None, days: int
) -> HttpResponse:
    """The form, with the date the days give: the default's, or those typed when the form comes back."""
    typed = str(form.data.get("deadline_days", "")) if form.is_bound else ""
    if typed.isdigit() and 1 <= int(typed) <= rectification.MAX_DEADLINE_DAYS:
        days = int(typed)
    context = {
        "form": form,
        "institution": institution,
        "finding": finding_row(finding) if finding is not None else None,
        "rule": RULES.get(finding.rule_code) if finding is not None else None,
        "preview": _deadline_preview(days),
    }
    return render(request, "supervision/rectification_issue.html", context)


@login_required
def finding_rectify(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Issue a 整改通知 from an open finding: its rule as the subject, the deadline prefilled by severity."""
    finding = get_visible_or_404(
        findings_visible_to(request.user).filter(
            institution__in=institutions_visible_to(request.user, Perm.SUPERVISE_REGION)
        ),
        pk=pk,
    )
    default_days = rectification.default_deadline_days(finding.severity)
    initial = {"deadline_days": default_days, "requirement": finding.summary or ""}
    form = IssueForm(request.POST or None, initial=initial, with_subject=False)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request) as attempt:
            case = rectification.rectification_issue_for_finding(
                finding=finding,
                actor=request.user,
                requirement=form.cleaned_data["requirement"],
                deadline_days=form.cleaned_data["deadline_days"],
            )
            messages.success(request, _("Rectification notice %(number)s issued.") % {"number": case.number})
        if attempt.refused is None:
            return redirect("supervision:case", pk=case.pk)
    return _issue_page(request, form, finding.institution, finding, default_days)


@login_required
def rectification_new(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Issue a 整改通知 that comes from no finding: the subject typed by the regulator."""
    institution = get_visible_or_404(institutions_visible_to(request.user, Perm.SUPERVISE_REGION), code=code)
    default_days = rectification.default_deadline_days(Severity.VIOLATION)
    form = IssueForm(request.POST or None, initial={"deadline_days": default_days})
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request) as attempt:
            case = rectification.rectification_issue(
                institution=institution,
                subject=form.cleaned_data["subject"],
                actor=request.user,
                requirement=form.cleaned_data["requirement"],
                deadline_days=form.cleaned_data["deadline_days"],
            )
            messages.success(request, _("Rectification notice %(number)s issued.") % {"number": case.number})
        if attempt.refused is None:
            return redirect("supervision:case", pk=case.pk)
    return _issue_page(request, form, institution, None, default_days)


def _case_of(request: HttpRequest, pk: int) -> Case:
    return get_visible_or_404(cases_visible_to(request.user), pk=pk)


def _case_page(request: HttpRequest, case: Case, **forms: object) -> HttpResponse:
    as_regulator = may_act_for_regulator(request.user, case)
    as_institution = not as_regulator and may_act_for_institution(request.user, case)
    finding = rectification.finding_of(case) if case.kind == RECTIFICATION else None
    actions = {t.action for t in case.kind_spec.transitions if case.status in t.sources}
    events = timeline_of(case, request.user)
    for event in events:
        event.action_label = action_label(case, event.action)  # type: ignore[attr-defined]
    context = {
        "case": case,
        "events": events,
        "as_regulator": as_regulator,
        "as_institution": as_institution,
        "finding_resolved_at": finding.resolved_at if finding is not None else None,
        "overdue": is_overdue(case, timezone.localdate()),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "verify_form": forms.get("verify_form") or VerifyForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "may_answer": as_institution and case.kind == RECTIFICATION and ANSWER in actions,
        "may_verify": as_regulator and case.kind == RECTIFICATION and VERIFY in actions,
    }
    status = 400 if forms else 200
    return render(request, "supervision/case.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case with its timeline, as the actor may read it, and the forms of the actor's side."""
    return _case_page(request, _case_of(request, pk))


@login_required
@require_POST
def case_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The director answers an order: what was done, with photos or documents."""
    case = _case_of(request, pk)
    if not may_act_for_institution(request.user, case) or case.kind != RECTIFICATION:
        raise Http404
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _case_page(request, case, answer_form=form)
    with refusal_shown(request):
        rectification.rectification_answer(
            case=case,
            actor=request.user,
            note=form.cleaned_data["note"],
            evidence=form.cleaned_data["evidence"],
        )
        messages.success(request, _("Your answer was sent to the regulator."))
    return redirect("supervision:case", pk=case.pk)


def _order_for_regulator(request: AuthenticatedRequest, pk: int) -> Case:
    """A rectification order the actor supervises; anything else is a 404."""
    case = _case_of(request, pk)
    if not may_act_for_regulator(request.user, case) or case.kind != RECTIFICATION:
        raise Http404
    return case


@login_required
@require_POST
def case_verify(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The regulator verifies (on site or on paper) and closes the order."""
    case = _order_for_regulator(request, pk)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, verify_form=form)
    with refusal_shown(request):
        rectification.rectification_verify(
            case=case,
            actor=request.user,
            note=form.cleaned_data["note"],
            on_site=form.cleaned_data["how"] == "site",
        )
        messages.success(request, _("The order was verified and closed."))
    return redirect("supervision:case", pk=case.pk)


@login_required
@require_POST
def case_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The regulator returns the answer, saying what is still missing."""
    case = _order_for_regulator(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, return_form=form)
    with refusal_shown(request):
        rectification.rectification_return(case=case, actor=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("The answer was returned to the institution."))
    return redirect("supervision:case", pk=case.pk)


@login_required
def case_attachment(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    """A file of a step the actor may read, served by what its bytes are (never as HTML)."""
    case = _case_of(request, pk)
    found = get_visible_or_404(attachments_readable(case, request.user), pk=attachment)
    return serve_upload(found.file, download_name=found.name)


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    """The regulator's orders of their region, the director's notices of their institution; by status."""
    if not (has_perm(request.user, Perm.SUPERVISE_REGION) or has_perm(request.user, Perm.VIEW_FINDINGS)):
        raise Http404
    today = timezone.localdate()
    status = request.GET.get("status", "")
    status = status if status in STATUS_FILTERS else ""
    cases = rectifications_by_status(request.user, status, today)
    if wants_xlsx(request):
        return xlsx_response(
            filename="rectifications",
            title=_("Rectifications"),
            header=[
                _("Number"),
                _("Institution"),
                _("Street / town"),
                _("Subject"),
                _("Severity"),
                _("Status"),
                _("Deadline"),
                _("Escalation"),
                _("Opened"),
                _("Closed"),
            ],
            rows=(
                [
                    case.number,
                    case.institution_concerned.name,
                    case.institution_concerned.street.name,
                    case.subject,
                    case.get_severity_display(),
                    case.status_label,
                    case.deadline,
                    case.get_escalation_display(),
                    case.opened_at,
                    case.closed_at,
                ]
                for case in cases.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(cases, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(case, is_overdue(case, today)) for case in page.object_list],
        "filters": STATUS_FILTERS.items(),
        "status": status,
        "as_regulator": has_perm(request.user, Perm.SUPERVISE_REGION),
    }
    return render(request, "supervision/rectifications.html", context)


urlpatterns = [
    path("supervision/cases/<int:pk>/", case_detail, name="case"),
    path("supervision/cases/<int:pk>/answer/", case_answer, name="case_answer"),
    path("supervision/cases/<int:pk>/verify/", case_verify, name="case_verify"),
    path("supervision/cases/<int:pk>/return/", case_return, name="case_return"),
    path("supervision/cases/<int:pk>/attachments/<int:attachment>/", case_attachment, name="case_attachment"),
    path("supervision/findings/<int:pk>/rectification/", finding_rectify, name="finding_rectify"),
    path(
        "supervision/institutions/<uuid:code>/rectifications/new/",
        rectification_new,
        name="rectification_new",
    ),
    path("supervision/rectifications/", rectification_list, name="rectifications"),
]
