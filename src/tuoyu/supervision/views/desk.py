"""The regulator's desk, their home page after signing in: what to act on now."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.access import Perm, has_perm
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.rules import RULES
from tuoyu.supervision.selectors import desk
from tuoyu.supervision.selectors.cases import is_overdue

SORTS = ("severity", "risk", "institution")


def _street(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _export(section: str, request: HttpRequest, rows: dict[str, object]) -> HttpResponse:
    today = timezone.localdate()
    if section == "filings":
        return xlsx_response(
            filename="desk-filings",
            title=_("Filings to review"),
            header=[_("Institution"), _("Street / town"), _("Filing"), _("Submitted"), _("Review deadline")],
            rows=(
                [
                    f.institution.name,
                    f.institution.street.name,
                    f.get_kind_display(),
                    f.submitted_at,
                    f.review_deadline,
                ]
                for f in desk.filings_to_review(request.user)
            ),
        )
    if section == "findings":
        return xlsx_response(
            filename="desk-findings",
            title=_("Open findings"),
            header=[
                _("Institution"),
                _("Street / town"),
                _("Blocking"),
                _("Violations"),
                _("Warnings"),
                _("Risk score"),
                _("Risk group"),
                _("Rules"),
            ],
            rows=(
                [
                    r.institution.name,
                    r.institution.street.name,
                    r.block,
                    r.violation,
                    r.warning,
                    r.risk_score,
                    r.risk_group_label,
                    " ".join(r.rules),
                ]
                for r in rows["findings"]  # type: ignore[attr-defined]
            ),
        )
    if section == "rectifications":
        return xlsx_response(
            filename="desk-rectifications",
            title=_("Rectifications"),
            header=[_("Number"), _("Institution"), _("Subject"), _("Status"), _("Deadline"), _("Escalation")],
            rows=(
                [
                    c.number,
                    c.institution_concerned.name,
                    c.subject,
                    _("Overdue") if is_overdue(c, today) else c.status_label,
                    c.deadline,
                    c.get_escalation_display(),
                ]
                for c in desk.rectifications_to_act_on(request.user, today)
            ),
        )
    if section == "complaints":
        return xlsx_response(
            filename="desk-complaints",
            title=_("Complaints to start"),
            header=[_("Number"), _("Institution"), _("Category"), _("Received"), _("To be started by")],
            rows=(
                [
                    c.number,
                    c.institution_concerned.name,
                    c.complaint.get_category_display(),
                    c.opened_at,
                    c.complaint.start_by,
                ]
                for c in desk.complaints_to_start(request.user)
            ),
        )
    if section == "outbreaks":
        return xlsx_response(
            filename="desk-outbreaks",
            title=_("Active outbreaks"),
            header=[_("Institution"), _("Class"), _("Cases"), _("First case"), _("Report due by")],
            rows=(
                [
                    o.institution.name,
                    o.care_class.name if o.care_class else "",
                    o.case_count,
                    o.first_day,
                    o.due_at,
                ]
                for o in desk.active_outbreaks(request.user)
            ),
        )
    if section == "certificates":
        return xlsx_response(
            filename="desk-certificates",
            title=_("Certificates expiring"),
            header=[_("Institution"), _("Staff member"), _("Certificate"), _("Valid until")],
            rows=(
                [c.staff.institution.name, c.staff.name, c.get_certificate_type_display(), c.expires_on]
                for c in desk.certificates_soon_expiring(request.user, today)
            ),
        )
    raise Http404


@login_required
def desk_page(request: HttpRequest) -> HttpResponse:
    """Filings by deadline, open findings by institution, rectifications overdue or awaiting verification,
    complaints to start, active outbreaks, certificates expiring: each a count and its first rows."""
    if not has_perm(request.user, Perm.SUPERVISE_REGION):
        raise Http404
    today = timezone.localdate()
    street = _street(request.GET.get("street"))
    rule = request.GET.get("rule", "")
    rule = rule if rule in RULES else ""
    sort = request.GET.get("sort", "severity")
    sort = sort if sort in SORTS else "severity"
    findings = desk.open_findings_by_institution(request.user, street=street, rule=rule, sort=sort, on=today)
    if sort == "institution":
        findings.sort(key=lambda row: (row.institution.name, row.institution.pk))
    if wants_xlsx(request):
        return _export(request.GET.get("section", ""), request, {"findings": findings})
    shown = desk.ROWS_SHOWN
    filings = desk.filings_to_review(request.user)
    rectifications = desk.rectifications_to_act_on(request.user, today)
    complaints = desk.complaints_to_start(request.user)
    outbreaks = desk.active_outbreaks(request.user)
    certificates = desk.certificates_soon_expiring(request.user, today)
    streets = desk.streets_supervised(request.user)
    context = {
        "today": today,
        "filings": list(filings[:shown]),
        "filings_count": filings.count(),
        "findings": findings[:shown],
        "findings_count": len(findings),
        "rectifications": [(c, is_overdue(c, today)) for c in rectifications[:shown]],
        "rectifications_count": rectifications.count(),
        "complaints": list(complaints[:shown]),
        "complaints_count": complaints.count(),
        "outbreaks": list(outbreaks[:shown]),
        "outbreaks_count": outbreaks.count(),
        "certificates": list(certificates[:shown]),
        "certificates_count": certificates.count(),
        "streets": streets,
        "street": street,
        "rules": sorted(RULES),
        "rule": rule,
        "sort": sort,
        "shown": shown,
    }
    return render(request, "supervision/desk.html", context)


urlpatterns = [path("supervision/desk/", desk_page, name="desk")]
