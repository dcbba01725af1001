"""Pages of the health records: the children whose record one may open, a record's front page and its
export, doctor's visits and the regulator's access log. Every read of a child's record goes through
``health_record_open``, which answers outsiders 404 and writes the access log."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tuoyu.accounts.access import AuthenticatedRequest, Perm, has_perm
from tuoyu.enrolment.access_log import health_records_read
from tuoyu.enrolment.models import AccessChannel, Child
from tuoyu.health.forms import ChildrenFilterForm, VisitForm
from tuoyu.health.record_pdf import health_record_pdf_bytes, health_record_pdf_filename
from tuoyu.health.selectors.records import (
    AccessLogFilter,
    ChildGroup,
    access_log_entries,
    cared_for_groups,
    children_in_care_at,
    family_contacts_for,
    growth_reading_of,
    health_record_data,
    institutions_visited_by,
    latest_measurement,
    may_list_health_children,
    open_referrals_of,
    own_children_rows,
    reader_roles,
    record_placements,
    visits_seeing,
    visits_visible_to,
)
from tuoyu.health.services.access import health_record_open
from tuoyu.health.services.visits import doctor_visit_record
from tuoyu.pdf import pdf_response
from tuoyu.refusals import refusal_shown
from tuoyu.registry.models import Institution

ACCESS_LOG_PAGE_SIZE = 50
CHILDREN_PAGE_SIZE = 20
VISITS_PAGE_SIZE = 20


# The children list and a child's record -------------------------------------------------------------


@login_required
@require_safe
def children_list(request: AuthenticatedRequest) -> HttpResponse:
    """Guardians: their own children. Institution staff and partner doctors: the children in care, by
    institution and class, with their growth and open referrals: a read of each child's health data."""
    if not may_list_health_children(request.user):
        raise Http404
    today = timezone.localdate()
    own_rows = own_children_rows(request.user, day=today)
    form = ChildrenFilterForm(request.GET or None)
    search: dict[str, Any] = form.cleaned_data if form.is_valid() else {"q": "", "attention": False}
    rows = [row for group in cared_for_groups(request.user, day=today) for row in group.rows]
    attention = sum(row.needs_attention for row in rows)
    if search["attention"]:
        rows = [row for row in rows if row.needs_attention]
    if search["q"]:
        rows = [row for row in rows if search["q"].strip() in row.child.name]
    page = Paginator(rows, CHILDREN_PAGE_SIZE).get_page(request.GET.get("page"))
    groups: list[ChildGroup] = []
    for row in page.object_list:
        if not groups or groups[-1].care_class != row.care_class:
            groups.append(ChildGroup(row.institution, row.care_class))
        groups[-1].rows.append(row)
    shown = [row.child for row in own_rows] + [row.child for group in groups for row in group.rows]
    health_records_read(request.user, shown, view="children_list", channel=AccessChannel.PAGE)
    context = {
        "own_rows": own_rows,
        "groups": groups,
        "page": page,
        "form": form,
        "attention": attention,
        "filtered": bool(search["q"] or search["attention"]),
        "sees_visits": has_perm(request.user, Perm.VIEW_HEALTH),
        "today": today,
    }
    return render(request, "health/records/children.html", context)


@login_required
@require_safe
def child_overview(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The record's front page: who the child is, where cared for, the latest growth, open referrals."""
    child = health_record_open(request.user, code, view="overview", channel=AccessChannel.PAGE)
    today = timezone.localdate()
    measurement = latest_measurement(child)
    context = {
        "child": child,
        "age_months": child.age_months(today),
        "placements": record_placements(request.user, child, day=today),
        "measurement": measurement,
        "growth": growth_reading_of(measurement),
        "referrals": open_referrals_of(child),
        "visits": visits_seeing(child)[:5],
        "contacts": family_contacts_for(request.user, child),
        "today": today,
    }
    return render(request, "health/records/child.html", context)


@login_required
@require_safe
def child_export(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The whole health record as a JSON file."""
    child = health_record_open(request.user, code, view="export", channel=AccessChannel.EXPORT)
    response = JsonResponse(
        health_record_data(child), encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="health-record-{child.code}.json"'
    return response


@login_required
@require_safe
def child_pdf(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The health record to print (PDF, in Chinese, with the institution and the date): a logged read."""
    child = health_record_open(request.user, code, view="pdf", channel=AccessChannel.EXPORT)
    return pdf_response(health_record_pdf_bytes(request.user, child), health_record_pdf_filename(child))


# Doctor's visits -----------------------------------------------------------------------------------------


def _chosen_institution(request: AuthenticatedRequest, institutions: list[Institution]) -> Institution | None:
    """The institution the doctor records a visit to: the one asked for, or the only one there is."""
    code = request.POST.get("institution") or request.GET.get("institution")
    if code:
        for institution in institutions:
            if str(institution.code) == code:
                return institution
        raise Http404
    return institutions[0] if len(institutions) == 1 else None


@login_required
def visits(request: AuthenticatedRequest) -> HttpResponse:
    """Doctors record visits to their partner institutions; the institutions' directors and health
    workers, and the partner doctors, read them."""
    if not has_perm(request.user, Perm.VIEW_HEALTH):
        raise Http404
    today = timezone.localdate()
    institutions = list(institutions_visited_by(request.user))
    institution = _chosen_institution(request, institutions) if institutions else None
    form = None
    if institution is not None:
        children = list(children_in_care_at(institution, today))
        form = VisitForm(
            request.POST if request.method == "POST" else None,
            initial={"visited_on": today},
            child_choices=[(str(child.code), child.name) for child in children],
        )
        if request.method == "POST" and _record_visit(request, institution, form):
            return redirect("health:visits")
    elif request.method == "POST":
        raise Http404
    page = Paginator(visits_visible_to(request.user), VISITS_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    seen = [child for visit in page for child in visit.children.all()]
    health_records_read(request.user, seen, view="visits", channel=AccessChannel.PAGE)
    context = {"institutions": institutions, "institution": institution, "form": form, "page": page}
    return render(request, "health/records/visits.html", context)


def _record_visit(request: AuthenticatedRequest, institution: Institution, form: VisitForm) -> bool:
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return False
    data = form.cleaned_data
    seen = Child.objects.visible_to(request.user, Perm.RECORD_MEDICAL, on=timezone.localdate()).filter(
        code__in=data["children"]
    )
    with refusal_shown(request) as attempt:
        doctor_visit_record(
            actor=request.user,
            institution=institution,
            visited_on=data["visited_on"],
            summary=data["summary"],
            children=seen,
        )
        messages.success(request, _("Visit to %(institution)s recorded.") % {"institution": institution.name})
    return attempt.refused is None


# The access log ------------------------------------------------------------------------------------------


@login_required
@require_safe
def access_log(request: AuthenticatedRequest) -> HttpResponse:
    """Every read of a child's health record in the regulator's district: who, when, which child, which
    view and channel. Read-only: the log is never edited."""
    if not has_perm(request.user, Perm.SUPERVISE_REGION):
        raise Http404
    log_filter = AccessLogFilter(request.GET, queryset=access_log_entries(request.user), request=request)
    page = Paginator(log_filter.qs, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": log_filter,
        "page": page,
        "entries": [(entry, reader_roles(entry)) for entry in page.object_list],
    }
    return render(request, "health/records/access_log.html", context)


urlpatterns = [
    path("children/", children_list, name="children"),
    path("children/<uuid:code>/", child_overview, name="child"),
    path("children/<uuid:code>/export.json", child_export, name="child_export"),
    path("children/<uuid:code>/record.pdf", child_pdf, name="child_pdf"),
    path("access-log/", access_log, name="access_log"),
    path("visits/", visits, name="visits"),
]
