"""Pages of the outbreak watch: the outbreaks (an institution's own; every institution of a regulator's
district, active first, with their deadlines), one outbreak with its cases by day and the institution's
report, resolution and quarantine forms, a class's exclusions and quarantine, recording a diagnosis, checking
a return certificate (复课证明), and the children currently excluded.

Regulators read outbreaks with the children's names (the CDC report needs them) and nothing of their
families. Caregivers, doctors and guardians see none of these pages (404). Every page that shows children's
diagnoses or symptoms writes the read to the health-record access log.
"""

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuoyu.accounts.access import AuthenticatedRequest, Perm, get_visible_or_404, has_perm
from tuoyu.enrolment.models import Child
from tuoyu.health.forms import CertificateForm, DiagnosisForm, QuarantineForm, ReportForm, ResolveForm
from tuoyu.health.models import Diagnosis, Disease, OutbreakReport
from tuoyu.health.selectors.outbreaks import (
    active_first,
    children_for_diagnosis,
    classes_watched_by,
    deadline_of,
    diagnoses_recordable_by,
    excluded_children,
    exclusions_of,
    outbreak_case_days,
    outbreak_subject,
    outbreaks_recordable_by,
    outbreaks_visible_to,
    quarantine_covering,
)
from tuoyu.health.services import outbreaks as services
from tuoyu.health.services.access import health_record_open, health_record_read, health_records_read
from tuoyu.refusals import Refusal, refusal_shown

RESOLVED_SHOWN = 20
"""Resolved outbreaks listed under the active ones (the latest)."""
DEFAULT_QUARANTINE_DAYS = 7
"""The quarantine the forms suggest when the disease gives no window (the staff choose the dates)."""


# Forms (parsing only: the rules are the services') ----------------------------------------------------------


def _form_refusal(form: forms.Form) -> Refusal:
    """A form that does not parse, as a refusal with the first message."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = (field.label or name) if field is not None else ""
        return Refusal(f"{label}: {errors[0]}" if label else str(errors[0]), "invalid")
    return Refusal(_("Please check the form."), "invalid")


def _valid(form: forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        raise _form_refusal(form)
    return dict(form.cleaned_data)


def _log_reads(request: AuthenticatedRequest, children: Iterable[Child], view: str) -> None:
    """Write every child whose health data the page shows to the access log (once per child)."""
    health_records_read(request.user, children, view=view, channel="page")


def _require_watcher(request: AuthenticatedRequest) -> None:
    if not has_perm(request.user, Perm.WATCH_OUTBREAKS):
        raise Http404


def _safe_next(request: AuthenticatedRequest, value: str, default: str) -> str:
    allowed = url_has_allowed_host_and_scheme(value, {request.get_host()}, request.is_secure())
    return value if value and allowed else default


# The outbreaks --------------------------------------------------------------------------------------------


@login_required
@require_GET
def outbreaks(request: AuthenticatedRequest) -> HttpResponse:
    """Active outbreaks first (the nearest deadline first, overdue ones marked), then the latest resolved."""
    _require_watcher(request)
    now = timezone.now()
    visible = active_first(outbreaks_visible_to(request.user))
    active = [
        (outbreak, deadline_of(outbreak, now), outbreak_subject(outbreak))
        for outbreak in visible.filter(resolved_at__isnull=True)
    ]
    resolved = [
        (outbreak, outbreak_subject(outbreak))
        for outbreak in visible.filter(resolved_at__isnull=False)[:RESOLVED_SHOWN]
    ]
    classes = list(classes_watched_by(request.user).order_by("institution__name", "age_band", "name"))
    context = {
        "active": active,
        "resolved": resolved,
        "classes": classes,
        "may_record": bool(classes),
        "regulator": has_perm(request.user, Perm.SUPERVISE_REGION),
    }
    return render(request, "health/outbreaks/list.html", context)


def _outbreak_context(request: AuthenticatedRequest, outbreak: OutbreakReport) -> dict[str, Any]:
    case_days = outbreak_case_days(outbreak)
    may_record = outbreaks_recordable_by(request.user).filter(pk=outbreak.pk).exists()
    today = timezone.localdate()
    context: dict[str, Any] = {
        "outbreak": outbreak,
        "subject": outbreak_subject(outbreak),
        "deadline": deadline_of(outbreak),
        "case_days": case_days,
        "cases": list(outbreak.cases.order_by("name", "pk")),
        "may_record": may_record,
        "quarantines": list(outbreak.quarantines.select_related("care_class").order_by("-starts_on")),
    }
    if may_record:
        context.update(
            {
                "report_form": ReportForm(),
                "resolve_form": ResolveForm(),
                "quarantine_form": QuarantineForm(
                    initial={
                        **_quarantine_dates(today, outbreak_quarantine_days(outbreak)),
                        "outbreak": outbreak.pk,
                    }
                ),
            }
        )
    _log_reads(request, context["cases"], "outbreak")
    return context


def _quarantine_dates(today: datetime.date, days: int) -> dict[str, datetime.date]:
    """A quarantine of ``days`` days from today, its end inclusive."""
    return {"starts_on": today, "ends_on": today + datetime.timedelta(days=days - 1)}


def outbreak_quarantine_days(outbreak: OutbreakReport) -> int:
    """A first suggestion for the quarantine's length: the disease's window, else 7 days."""
    return outbreak.disease.window_days if outbreak.disease is not None else DEFAULT_QUARANTINE_DAYS


@login_required
@require_GET
def outbreak(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = get_visible_or_404(outbreaks_visible_to(request.user), pk=pk)
    return render(request, "health/outbreaks/detail.html", _outbreak_context(request, found))


def _act_on_outbreak(request: AuthenticatedRequest, pk: int, act: str) -> HttpResponse:
    found = get_visible_or_404(outbreaks_recordable_by(request.user), pk=pk)
    with refusal_shown(request):
        if act == "report":
            data = _valid(ReportForm(request.POST))
            services.outbreak_report_submit(outbreak=found, report=data["report"], by=request.user)
            messages.success(request, _("The report is submitted."))
        else:
            data = _valid(ResolveForm(request.POST))
            services.outbreak_resolve(outbreak=found, resolution=data["resolution"], by=request.user)
            messages.success(request, _("The outbreak is resolved."))
    return redirect("health:outbreak", pk=found.pk)


@login_required
@require_POST
def outbreak_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act_on_outbreak(request, pk, "report")


@login_required
@require_POST
def outbreak_resolve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act_on_outbreak(request, pk, "resolve")


# A class: its children's exclusions and its quarantine ------------------------------------------------------


@login_required
@require_GET
def outbreak_class(request: AuthenticatedRequest, code: uuid.UUID) -> HttpResponse:
    """The class for the health worker: who is excluded, the quarantine, the class's active outbreaks."""
    care_class = get_visible_or_404(classes_watched_by(request.user), code=code)
    today = timezone.localdate()
    roster = [
        (child, exclusions_of(child, today))
        for child in Child.objects.in_class(care_class, today).order_by("name")
    ]
    context = {
        "care_class": care_class,
        "today": today,
        "roster": roster,
        "quarantine": quarantine_covering(care_class, today),
        "upcoming": care_class.quarantines.filter(starts_on__gt=today).order_by("starts_on"),
        "active": outbreaks_visible_to(request.user).filter(care_class=care_class, resolved_at__isnull=True),
        "quarantine_form": QuarantineForm(initial=_quarantine_dates(today, DEFAULT_QUARANTINE_DAYS)),
    }
    _log_reads(request, [child for child, exclusions in roster if exclusions], "outbreak_class")
    return render(request, "health/outbreaks/class.html", context)


@login_required
@require_POST
def quarantine_add(request: AuthenticatedRequest, code: uuid.UUID) -> HttpResponse:
    care_class = get_visible_or_404(classes_watched_by(request.user), code=code)
    form = QuarantineForm(request.POST)
    back = reverse("health:outbreak_class", args=[care_class.code])
    with refusal_shown(request):
        data = _valid(form)
        outbreak_id = data.pop("outbreak")
        found = None
        if outbreak_id is not None:
            found = get_visible_or_404(outbreaks_recordable_by(request.user), pk=outbreak_id)
            back = reverse("health:outbreak", args=[found.pk])
        services.quarantine_record(care_class=care_class, by=request.user, outbreak=found, **data)
        messages.success(request, _("%(class)s is in quarantine.") % {"class": care_class.name})
    return redirect(back)


# Diagnoses and return certificates --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def diagnosis_add(request: AuthenticatedRequest, code: uuid.UUID) -> HttpResponse:
    """Record a child's infectious disease; the child's earlier diagnoses are listed below the form."""
    get_visible_or_404(children_for_diagnosis(request.user), code=code)  # 404 before anything is logged
    child = health_record_open(request.user, code, view="diagnosis_add", channel="page")
    today = timezone.localdate()
    initial = {"onset_on": today, "diagnosed_on": today, "next": request.GET.get("next", "")}
    form = DiagnosisForm(request.POST or None, initial=initial)
    if request.method == "POST":
        with refusal_shown(request):
            data = _valid(form)
            next_url = data.pop("next")
            diagnosis = services.diagnosis_record(child=child, by=request.user, **data)
            messages.success(
                request,
                _("%(disease)s of %(child)s recorded: excluded from care until %(until)s.")
                % {
                    "disease": diagnosis.disease.name,
                    "child": child.name,
                    "until": diagnosis.excluded_until.isoformat(),
                },
            )
            default = (
                reverse("health:outbreak_class", args=[diagnosis.care_class.code])
                if diagnosis.care_class
                else reverse("health:excluded")
            )
            return redirect(_safe_next(request, next_url, default))
    context = {
        "child": child,
        "form": form,
        "diagnoses": child.diagnoses.select_related("disease", "return_certificate").order_by("-onset_on"),
        "diseases": Disease.objects.order_by("name"),
    }
    return render(request, "health/outbreaks/diagnosis_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def return_certificate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The health worker checks the return certificate of a diagnosis (复课证明)."""
    diagnosis: Diagnosis = get_visible_or_404(diagnoses_recordable_by(request.user), pk=pk)
    health_record_read(request.user, diagnosis.child, view="return_certificate", channel="page")
    form = CertificateForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST":
        with refusal_shown(request):
            services.return_certificate_record(diagnosis=diagnosis, by=request.user, **_valid(form))
            messages.success(
                request, _("Return certificate of %(child)s checked.") % {"child": diagnosis.child.name}
            )
            return redirect("health:excluded")
    certificate = getattr(diagnosis, "return_certificate", None)
    context = {"diagnosis": diagnosis, "form": form, "certificate": certificate}
    return render(request, "health/outbreaks/certificate_form.html", context)


@login_required
@require_GET
def excluded(request: AuthenticatedRequest) -> HttpResponse:
    """The children of the user's institutions kept out of care today, and what lets each one return."""
    if not has_perm(request.user, Perm.RECORD_HEALTH):
        raise Http404
    today = timezone.localdate()
    rows = list(excluded_children(request.user, today).select_related("return_certificate"))
    _log_reads(request, [diagnosis.child for diagnosis in rows], "excluded_children")
    return render(request, "health/outbreaks/excluded.html", {"rows": rows, "today": today})


urlpatterns = [
    path("outbreaks/", outbreaks, name="outbreaks"),
    path("outbreaks/<int:pk>/", outbreak, name="outbreak"),
    path("outbreaks/<int:pk>/report/", outbreak_report, name="outbreak_report"),
    path("outbreaks/<int:pk>/resolve/", outbreak_resolve, name="outbreak_resolve"),
    path("outbreaks/excluded/", excluded, name="excluded"),
    path("outbreaks/classes/<uuid:code>/", outbreak_class, name="outbreak_class"),
    path("outbreaks/classes/<uuid:code>/quarantine/", quarantine_add, name="quarantine_add"),
    path("outbreaks/children/<uuid:code>/diagnosis/", diagnosis_add, name="diagnosis_add"),
    path("outbreaks/diagnoses/<int:pk>/return-certificate/", return_certificate, name="return_certificate"),
]
