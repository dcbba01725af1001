"""The care page of a child (examination schedule, examinations, development screenings, referrals,
immunisation checks) and the lists a health worker follows up: overdue examinations and referrals.

Guardians read their own children's page; the institution's director and health worker and the partner
hospital's doctor read and record (exams, screenings, referrals, outcomes); immunisation checks are the
institution's (director, health worker). Every read of the page goes through ``health_record_open``; the
forms post to their own address and come back to the page, or show it again with what is wrong. The lists
are for those who follow children's health up (``view_health``); anyone else gets a 404.
"""

from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, get_visible_or_404
from tuoyu.enrolment.models import AccessChannel, Child
from tuoyu.health.development import CHECKPOINTS, SIGNS_BY_CODE, SOURCE, SOURCE_EN
from tuoyu.health.forms import (
    COMPLETE,
    ExamForm,
    ImmunisationForm,
    OutcomeForm,
    ReferralForm,
    ScreeningForm,
)
from tuoyu.health.models import (
    HearingResult,
    ImmunisationCheck,
)
from tuoyu.health.selectors.care import (
    REFERRAL_OUTCOME_DAYS,
    anaemia_grade,
    care_record,
    child_to_record_for,
    follows_up_health,
    institution_for_immunisation,
    may_record_medical,
    referrals_visible_to,
)
from tuoyu.health.selectors.schedule import ItemStatus, overdue_visible_to
from tuoyu.health.services import care as services
from tuoyu.health.services.access import health_record_open, health_record_read, health_records_read
from tuoyu.health.views.common import form_recorded

VIEW = "care"
AHEAD = {ItemStatus.OVERDUE, ItemStatus.DUE, ItemStatus.UPCOMING}
"""The items the schedule shows first; the others (done, not recorded) are history, newest first."""
CLOSED_REFERRALS_SHOWN = 50


def _initial_dated(form_class: type[forms.Form], field: str, **kwargs: Any) -> forms.Form:
    return form_class(initial={field: timezone.localdate()}, **kwargs)


# The page ----------------------------------------------------------------------------------------------


def _care_page(request: AuthenticatedRequest, child: Child, bound: forms.Form | None = None) -> HttpResponse:
    """The page, with the forms the reader may use (``bound``: the one just posted, with its errors)."""
    today = timezone.localdate()
    record = care_record(child, day=today)
    records_medical = may_record_medical(request.user, child)
    checks_immunisation = institution_for_immunisation(request.user, child, day=today) is not None
    forms_shown: dict[str, Any] = {}
    if records_medical:
        forms_shown["exam"] = _initial_dated(ExamForm, "examined_on")
        forms_shown["referral"] = _initial_dated(ReferralForm, "referred_on")
        forms_shown["screenings"] = [
            ScreeningForm(checkpoint=checkpoint) for checkpoint in reversed(record.checkpoints_open)
        ]
        forms_shown["outcomes"] = {r.pk: OutcomeForm(referral=r) for r in record.open_referrals}
    if checks_immunisation:
        forms_shown["immunisation"] = _initial_dated(ImmunisationForm, "checked_on")
    if isinstance(bound, ScreeningForm):
        forms_shown["screenings"] = [
            bound if form.checkpoint == bound.checkpoint else form
            for form in forms_shown.get("screenings", [])
        ]
    elif isinstance(bound, OutcomeForm):
        forms_shown.setdefault("outcomes", {})[bound.referral.pk] = bound
    elif bound is not None:
        forms_shown[_FORM_NAMES[type(bound)]] = bound
    context = {
        "child": child,
        "today": today,
        "age_months": child.age_months(today),
        "record": record,
        "schedule": record.schedule,
        "ahead": [i for i in record.schedule.items if i.status in AHEAD],
        "behind": [i for i in reversed(record.schedule.items) if i.status not in AHEAD],
        "exams": [(exam, anaemia_grade(exam.haemoglobin_g_l)) for exam in record.exams],
        "screenings": [
            (screening, [SIGNS_BY_CODE[code] for code in screening.positive_signs if code in SIGNS_BY_CODE])
            for screening in record.screenings
        ],
        "referrals": [(r, forms_shown.get("outcomes", {}).get(r.pk)) for r in record.referrals],
        "checks": record.immunisation_checks,
        "forms": forms_shown,
        "follows_up": follows_up_health(request.user),
        "source": SOURCE_EN if (get_language() or "").startswith("en") else SOURCE,
    }
    return render(request, "health/care/child.html", context)


_FORM_NAMES: dict[type[forms.Form], str] = {
    ExamForm: "exam",
    ReferralForm: "referral",
    ImmunisationForm: "immunisation",
}


@login_required
def care(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The child's examinations, development screenings, referrals and immunisation checks."""
    child = health_record_open(request.user, code, view=VIEW, channel=AccessChannel.PAGE)
    return _care_page(request, child)


def _back(child: Child, anchor: str) -> HttpResponse:
    return redirect(reverse("health:care", kwargs={"code": child.code}) + f"#{anchor}")


def _again(request: AuthenticatedRequest, child: Child, form: forms.Form) -> HttpResponse:
    """The page again, with the posted form and what is wrong (a read of the record, logged)."""
    health_record_read(request.user, child, view=VIEW, channel=AccessChannel.PAGE)
    return _care_page(request, child, form)


@login_required
@require_POST
def exam_add(request: AuthenticatedRequest, code: str) -> HttpResponse:
    child = child_to_record_for(request.user, code)
    form = ExamForm(request.POST)
    exam = form_recorded(request, form, partial(services.health_exam_record, actor=request.user, child=child))
    if exam is None:
        return _again(request, child, form)
    message = _("%(exam)s recorded.") % {"exam": exam.get_kind_display()}
    if anaemia_grade(exam.haemoglobin_g_l) or exam.hearing_result == HearingResult.REFER:
        messages.warning(request, message + " " + _("The child is referred; the family is told."))
    else:
        messages.success(request, message)
    return _back(child, "exams")


@login_required
@require_POST
def screening_add(request: AuthenticatedRequest, code: str) -> HttpResponse:
    child = child_to_record_for(request.user, code)
    try:
        checkpoint = int(request.POST.get("checkpoint_months", ""))
    except ValueError:
        raise Http404 from None
    if checkpoint not in CHECKPOINTS:
        raise Http404
    form = ScreeningForm(request.POST, checkpoint=checkpoint)
    screening = form_recorded(
        request, form, partial(services.development_screening_record, actor=request.user, child=child)
    )
    if screening is None:
        return _again(request, child, form)
    if screening.positive_signs:
        messages.warning(
            request,
            _("Screening recorded: a warning sign is present, so the child is referred."),
        )
    else:
        messages.success(request, _("Screening recorded: no warning sign."))
    return _back(child, "development")


@login_required
@require_POST
def referral_add(request: AuthenticatedRequest, code: str) -> HttpResponse:
    child = child_to_record_for(request.user, code)
    form = ReferralForm(request.POST)
    referral = form_recorded(
        request, form, partial(services.referral_create, actor=request.user, child=child)
    )
    if referral is None:
        return _again(request, child, form)
    messages.success(request, _("Referral recorded; the family is told."))
    return _back(child, "referrals")


@login_required
@require_POST
def referral_outcome(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = get_visible_or_404(referrals_visible_to(request.user), pk=pk)
    child = referral.child
    if not may_record_medical(request.user, child):
        raise Http404
    form = OutcomeForm(request.POST, referral=referral)
    updated = form_recorded(
        request, form, partial(services.referral_record_outcome, actor=request.user, referral=referral)
    )
    if updated is None:
        return _again(request, child, form)
    if updated.closed_at:
        messages.success(request, _("The referral is closed."))
    else:
        messages.success(request, _("The outcome is recorded; the referral stays open for follow-up."))
    return _back(child, f"referral-{updated.pk}")


@login_required
@require_POST
def immunisation_add(request: AuthenticatedRequest, code: str) -> HttpResponse:
    child = child_to_record_for(request.user, code, immunisation=True)
    form = ImmunisationForm(request.POST)

    def record(certificate: str, **data: Any) -> ImmunisationCheck:
        complete = certificate == COMPLETE
        return services.immunisation_check_record(actor=request.user, child=child, complete=complete, **data)

    check = form_recorded(request, form, record)
    if check is None:
        return _again(request, child, form)
    if check.complete:
        messages.success(request, _("Certificate check recorded: complete."))
    else:
        messages.warning(request, _("Certificate check recorded; the family is urged to catch up."))
    return _back(child, "immunisation")


# The lists ----------------------------------------------------------------------------------------------


def _require_follow_up(request: AuthenticatedRequest) -> None:
    if not follows_up_health(request.user):
        raise Http404


@login_required
def overdue(request: AuthenticatedRequest) -> HttpResponse:
    """Children with examinations more than 30 days overdue, by institution and class."""
    _require_follow_up(request)
    day = timezone.localdate()
    schedules = overdue_visible_to(request.user, day=day)
    groups: list[dict[str, Any]] = []
    for schedule in schedules:
        assert schedule.placement is not None
        key = (schedule.placement.institution_id, schedule.placement.care_class_id)
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "placement": schedule.placement, "schedules": []})
        groups[-1]["schedules"].append(schedule)
    health_records_read(
        request.user, [schedule.child for schedule in schedules], view="overdue", channel=AccessChannel.PAGE
    )
    context = {
        "groups": groups,
        "day": day,
        "children": len(schedules),
        "items": sum(len(s.overdue) for s in schedules),
    }
    return render(request, "health/care/overdue.html", context)


@login_required
def referrals(request: AuthenticatedRequest) -> HttpResponse:
    """The referrals of the children in care, open ones first (oldest first), then the latest closed."""
    _require_follow_up(request)
    day = timezone.localdate()
    found = referrals_visible_to(request.user, day=day)
    open_referrals = list(found.filter(closed_at__isnull=True))
    closed = list(found.filter(closed_at__isnull=False)[:CLOSED_REFERRALS_SHOWN])
    shown = [referral.child for referral in [*open_referrals, *closed]]
    health_records_read(request.user, shown, view="referrals", channel=AccessChannel.PAGE)
    context = {
        "open_referrals": [
            (
                r,
                (day - r.referred_on).days,
                not r.outcome and (day - r.referred_on).days > REFERRAL_OUTCOME_DAYS,
            )
            for r in open_referrals
        ],
        "closed": closed,
        "day": day,
        "outcome_due_days": REFERRAL_OUTCOME_DAYS,
    }
    return render(request, "health/care/referrals.html", context)


urlpatterns = [
    path("children/<uuid:code>/care/", care, name="care"),
    path("children/<uuid:code>/care/exams/", exam_add, name="exam_add"),
    path("children/<uuid:code>/care/screenings/", screening_add, name="screening_add"),
    path("children/<uuid:code>/care/referrals/", referral_add, name="referral_add"),
    path("children/<uuid:code>/care/immunisation-checks/", immunisation_add, name="immunisation_add"),
    path("referrals/", referrals, name="referrals"),
    path("referrals/<int:pk>/outcome/", referral_outcome, name="referral_outcome"),
    path("overdue/", overdue, name="overdue"),
]
