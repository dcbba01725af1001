"""Pages of attendance: the caregiver's class screen, check-in with the morning check, the noon check,
absences, check-out, the health worker's follow-ups, the director's day and a child's day for the family.

The class screen is built for a phone and for few taps: tapping a child opens their row in place (htmx),
one tap on a temperature chip and one on "Admit" checks them in, and the row closes again with the class's
ratio updated; the page is never reloaded, so the caregiver keeps their place in the list. Without
JavaScript the same links and forms work as ordinary pages.
"""

import datetime
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from tuoyu.accounts.access import AuthenticatedRequest, Perm, get_visible_or_404, has_perm
from tuoyu.daycare.forms import AbsenceForm, CheckForm, CheckOutForm, FamilyAbsenceForm, FollowUpForm
from tuoyu.daycare.models import (
    FEVER_FROM,
    IllnessFollowUp,
    Observation,
    Symptom,
)
from tuoyu.daycare.selectors.attendance import (
    PickupOption,
    RosterEntry,
    care_classes_visible_to,
    care_institutions_visible_to,
    day_counts,
    day_entry,
    day_roster,
    family_absences_visible_to,
    follow_ups_visible_to,
    illness_absences,
    institution_day,
    pickup_options,
    refused_pickups,
)
from tuoyu.daycare.selectors.ratios import class_ratio
from tuoyu.daycare.services import attendance as services
from tuoyu.enrolment.access_log import health_record_read, health_records_read
from tuoyu.enrolment.models import AccessChannel, Child
from tuoyu.enrolment.selectors import guardians_of, sees_class_photos
from tuoyu.refusals import Refusal, refusal_shown
from tuoyu.registry.models import CareClass
from tuoyu.registry.selectors import opening_warning

TEMPERATURE_CHIPS = [f"{Decimal('36.2') + Decimal('0.1') * i}" for i in range(11)]
"""The temperatures a caregiver usually reads, one tap each (36.2-37.2 °C); others are typed."""


class CareRequest(AuthenticatedRequest):
    htmx: HtmxDetails


# Forms (parsing only: the rules are the services') ----------------------------------------------------------


def _form_refusal(form: forms.Form) -> Refusal:
    """A form that does not parse, as a refusal with the first message."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = (field.label or name) if field is not None else ""
        return Refusal(f"{label}: {errors[0]}" if label else str(errors[0]), "invalid")
    return Refusal(_("Please check the form."), "invalid")


# The classes a user records for -----------------------------------------------------------------------------


@login_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The classes whose day the user records, by institution, with today's numbers."""
    today = timezone.localdate()
    classes = list(care_classes_visible_to(request.user).order_by("institution__name", "age_band", "name"))
    rows = [(care_class, day_counts(day_roster(care_class, today))) for care_class in classes]
    institutions = care_institutions_visible_to(request.user).order_by("name")
    context = {
        "rows": rows,
        "institutions": institutions,
        "today": today,
        "may_follow_up": has_perm(request.user, Perm.RECORD_HEALTH),
    }
    return render(request, "daycare/attendance/home.html", context)


# The class screen -------------------------------------------------------------------------------------------


def _care_class(request: AuthenticatedRequest, code: uuid.UUID) -> CareClass:
    return get_visible_or_404(care_classes_visible_to(request.user), code=code)


def _child(care_class: CareClass, child_code: uuid.UUID, day: datetime.date) -> Child:
    return get_visible_or_404(Child.objects.in_class(care_class, day), code=child_code)


@login_required
@require_GET
def class_screen(request: CareRequest, code: uuid.UUID) -> HttpResponse:
    care_class = _care_class(request, code)
    today = timezone.localdate()
    roster = day_roster(care_class, today)
    context = {
        "care_class": care_class,
        "day": today,
        "roster": roster,
        "counts": day_counts(roster),
        "ratio": class_ratio(care_class, today),
        "noon_to_do": sum(entry.needs_noon_check for entry in roster),
        "shows_photos": any(entry.child.photo for entry in roster)
        and sees_class_photos(request.user, care_class),
    }
    health_records_read(
        request.user, [entry.child for entry in roster], view="class_screen", channel=AccessChannel.PAGE
    )
    return render(request, "daycare/attendance/class.html", context)


@login_required
@require_GET
def class_ratio_partial(request: CareRequest, code: uuid.UUID) -> HttpResponse:
    """The ratio bar alone; the class screen refreshes it every minute (staff come and go)."""
    care_class = _care_class(request, code)
    today = timezone.localdate()
    context = {"care_class": care_class, "ratio": class_ratio(care_class, today)}
    return render(request, "daycare/attendance/_ratio.html", context)


def _row_context(
    care_class: CareClass, child: Child, day: datetime.date, entry: RosterEntry | None = None, **extra: Any
) -> dict[str, Any]:
    entry = entry or day_entry(child, day)
    context = {"care_class": care_class, "day": day, "entry": entry, **extra}
    if extra.get("open"):
        options: list[PickupOption] = pickup_options(child) if entry.present else []
        context.update(
            {
                "chips": TEMPERATURE_CHIPS,
                "observation_choices": Observation.choices,
                "symptom_choices": Symptom.choices,
                "pickup_options": options,
                "fever": FEVER_FROM,
            }
        )
    return context


def _render_row(
    request: CareRequest, care_class: CareClass, child: Child, *, swap: bool = False, **extra: Any
) -> HttpResponse:
    """A child's row, closed or (``open=True``) with its actions; ``swap`` adds the ratio and counts."""
    day = timezone.localdate()
    roster = day_roster(care_class, day) if swap else []
    entry = next((entry for entry in roster if entry.child.pk == child.pk), None)  # the child's, when read
    context = _row_context(care_class, child, day, entry, **extra)
    context["shows_photos"] = bool(child.photo) and sees_class_photos(request.user, care_class)
    health_record_read(request.user, child, view="child_day", channel=AccessChannel.PAGE)
    if swap:
        context.update(
            {
                "ratio": class_ratio(care_class, day),
                "counts": day_counts(roster),
                "noon_to_do": sum(entry.needs_noon_check for entry in roster),
            }
        )
    if request.htmx:
        return render(request, "daycare/attendance/_swap.html", context)
    return render(request, "daycare/attendance/child.html", context)


@login_required
@require_GET
def child_panel(request: CareRequest, code: uuid.UUID, child: uuid.UUID) -> HttpResponse:
    """A child's row opened: the check, absence, noon check or check-out, as their state allows."""
    care_class = _care_class(request, code)
    kid = _child(care_class, child, timezone.localdate())
    return _render_row(request, care_class, kid, open=True)


@login_required
@require_GET
def child_row(request: CareRequest, code: uuid.UUID, child: uuid.UUID) -> HttpResponse:
    """A child's row closed again."""
    care_class = _care_class(request, code)
    kid = _child(care_class, child, timezone.localdate())
    return _render_row(request, care_class, kid)


def _act(
    request: CareRequest,
    care_class: CareClass,
    child: Child,
    action: Callable[[], object],
    done: str,
    *,
    posted: dict[str, Any] | None = None,
) -> HttpResponse:
    """Run a service; answer with the closed row (htmx) or the class screen, or show the refusal: in the
    row for htmx, as messages on the child's page otherwise."""
    with refusal_shown(request, show=not request.htmx) as attempt:
        action()
    error = attempt.refused
    if error is None:
        if request.htmx:
            return _render_row(request, care_class, child, swap=True, done=done)
        messages.success(request, done)
        return redirect(reverse("daycare:class", args=[care_class.code]) + f"#child-{child.code}")
    if request.htmx:
        # Answered 200: htmx swaps only successful answers, and the row shows the message in place.
        code = getattr(error, "code", "")
        return _render_row(
            request, care_class, child, open=True, error=error, error_code=code, posted=posted or {}
        )
    return redirect("daycare:child", code=care_class.code, child=child.code)


def _posted_check(form: CheckForm) -> dict[str, Any]:
    """What the caregiver chose, to show again with a refusal (no tap is lost)."""
    data = form.data
    return {
        "temperature_c": data.get("temperature_c", ""),
        "temperature_other": data.get("temperature_other", ""),
        "observations": data.getlist("observations") if hasattr(data, "getlist") else [],
        "reason": data.get("reason", ""),
        "guardian_notified_at": data.get("guardian_notified_at", ""),
        "action": data.get("action", ""),
        "decision": data.get("decision", ""),
    }


@login_required
@require_POST
def check_in(request: CareRequest, code: uuid.UUID, child: uuid.UUID) -> HttpResponse:
    """Check-in with the morning check: temperature, what was observed, and the decision, in one post."""
    care_class = _care_class(request, code)
    today = timezone.localdate()
    kid = _child(care_class, child, today)
    form = CheckForm(request.POST)

    def record() -> None:
        if not form.is_valid():
            raise _form_refusal(form)
        services.attendance_check_in(
            care_class=care_class, child=kid, by=request.user, **form.service_arguments(today)
        )

    done = _("%(child)s checked in.") % {"child": kid.name}
    warning = opening_warning(care_class.institution, timezone.now())
    if warning:  # recorded all the same: the child is here (national rules on open days, §16.6)
        done = _("%(done)s Note: %(warning)s.") % {"done": done, "warning": warning}
    return _act(request, care_class, kid, record, done, posted=_posted_check(form))


@login_required
@require_POST
def noon_check(request: CareRequest, code: uuid.UUID, child: uuid.UUID) -> HttpResponse:
    care_class = _care_class(request, code)
    today = timezone.localdate()
    kid = _child(care_class, child, today)
    form = CheckForm(request.POST)

    def record() -> None:
        if not form.is_valid():
            raise _form_refusal(form)
        services.noon_check_record(
            care_class=care_class, child=kid, by=request.user, **form.service_arguments(today)
        )

    done = _("Noon check of %(child)s recorded.") % {"child": kid.name}
    return _act(request, care_class, kid, record, done, posted=_posted_check(form))


@login_required
@require_POST
def absence(request: CareRequest, code: uuid.UUID, child: uuid.UUID) -> HttpResponse:
    care_class = _care_class(request, code)
    kid = _child(care_class, child, timezone.localdate())
    form = AbsenceForm(request.POST)

    def record() -> None:
        if not form.is_valid():
            raise _form_refusal(form)
        services.absence_record(care_class=care_class, child=kid, by=request.user, **form.cleaned_data)

    done = _("Absence of %(child)s recorded.") % {"child": kid.name}
    posted = {"absence_open": True, **{k: form.data.get(k, "") for k in ("reason", "symptom", "note")}}
    return _act(request, care_class, kid, record, done, posted=posted)


def _pickup_choice(child: Child, value: str) -> dict[str, Any]:
    """The service arguments for a choice of the check-out form: an authorised person or a guardian."""
    kind, _sep, ident = value.partition(":")
    if kind == "person" and ident.isdigit():
        return {"pickup_person": get_visible_or_404(child.pickup_persons.all(), pk=ident)}
    if kind == "guardian" and ident.isdigit():
        return {"guardian": get_visible_or_404(guardians_of(child), pk=ident)}
    return {}


@login_required
@require_POST
def check_out(request: CareRequest, code: uuid.UUID, child: uuid.UUID) -> HttpResponse:
    """Hand the child over to the person chosen; "someone else" is refused and the director alerted."""
    care_class = _care_class(request, code)
    kid = _child(care_class, child, timezone.localdate())
    form = CheckOutForm(request.POST)

    def record() -> None:
        if not form.is_valid():
            raise _form_refusal(form)
        data = form.cleaned_data
        chosen = _pickup_choice(kid, data["pickup"]) if data["pickup"] != "other" else {}
        services.attendance_check_out(
            care_class=care_class,
            child=kid,
            by=request.user,
            person_name="" if chosen else data["person_name"],
            note=data["note"],
            **chosen,
        )

    done = _("%(child)s checked out.") % {"child": kid.name}
    posted = {"person_name": form.data.get("person_name", ""), "note": form.data.get("note", "")}
    return _act(request, care_class, kid, record, done, posted=posted)


# The health worker's follow-ups ---------------------------------------------------------------------------


@login_required
@require_GET
def follow_ups(request: AuthenticatedRequest) -> HttpResponse:
    """Illness absences to follow up (因病缺勤追踪): open ones first, then the last closed ones."""
    if not has_perm(request.user, Perm.RECORD_HEALTH):
        raise Http404
    visible = follow_ups_visible_to(request.user)
    open_ones = visible.filter(closed_at__isnull=True).order_by("absence__day", "pk")
    closed = visible.filter(closed_at__isnull=False).order_by("-closed_at")[:20]
    rows = [(follow_up, FollowUpForm(initial=_follow_up_initial(follow_up))) for follow_up in open_ones]
    shown = [follow_up.absence.child for follow_up in [*open_ones, *closed]]
    health_records_read(request.user, shown, view="follow_ups", channel=AccessChannel.PAGE)
    return render(request, "daycare/attendance/follow_ups.html", {"rows": rows, "closed": closed})


def _follow_up_initial(follow_up: IllnessFollowUp) -> dict[str, Any]:
    return {
        "diagnosis": follow_up.diagnosis,
        "expected_return": follow_up.expected_return,
        "outcome": follow_up.outcome,
    }


@login_required
@require_POST
def follow_up(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(follow_ups_visible_to(request.user), pk=pk)
    form = FollowUpForm(request.POST)
    with refusal_shown(request):
        if not form.is_valid():
            raise _form_refusal(form)
        services.follow_up_update(follow_up=record, by=request.user, **form.cleaned_data)
        messages.success(request, _("Follow-up of %(child)s saved.") % {"child": record.absence.child.name})
    return redirect("daycare:follow_ups")


# The director's day -----------------------------------------------------------------------------------------


@login_required
@require_GET
def institution_today(request: AuthenticatedRequest, code: uuid.UUID) -> HttpResponse:
    """The day of an institution: per class present / expected / absent and the ratio, who is expected but
    has not come, illness absences, and refused pick-ups."""
    institution = get_visible_or_404(care_institutions_visible_to(request.user), code=code)
    now = timezone.now()
    today = timezone.localdate(now)
    classes = institution_day(institution, today)
    context = {
        "institution": institution,
        "day": today,
        "classes": classes,
        "missing": [(day.care_class, child) for day in classes for child in day.expected_absent],
        "missed_after": services.expected_absent_after(today),
        "is_after": now >= services.expected_absent_after(today),
        "refusals": refused_pickups(institution, today),
        "illness": (illness := list(illness_absences(institution, today))),
    }
    children = [absence.child for absence in illness]
    health_records_read(request.user, children, view="institution_today", channel=AccessChannel.PAGE)
    return render(request, "daycare/attendance/institution_today.html", context)


# A child's day for the family -------------------------------------------------------------------------------


@login_required
@require_GET
def child_attendance(request: AuthenticatedRequest, code: uuid.UUID) -> HttpResponse:
    """A child's day as recorded: arrival and morning check, noon check, who collected them and when."""
    kid = get_visible_or_404(Child.objects.visible_to(request.user, Perm.RECORD_CARE), code=code)
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    context = {
        "child": kid,
        "day": day,
        "entry": day_entry(kid, day),
    }
    health_record_read(request.user, kid, view="child_attendance", channel=AccessChannel.PAGE)
    return render(request, "daycare/attendance/child_attendance.html", context)


# The family's 请假 ------------------------------------------------------------------------------------------

FAMILY_ABSENCES_SHOWN_SINCE = datetime.timedelta(days=14)


@login_required
def family_absences(request: AuthenticatedRequest) -> HttpResponse:
    """The guardian reports an absence or a sickness for a day or a range; the list of the days reported,
    a day still ahead withdrawn with one tap. The class sees it on its screen, as its own entry."""
    children = list(Child.objects.of_guardian(request.user).order_by("name", "pk"))
    today = timezone.localdate()
    initial = {"first_day": today, "child": request.GET.get("child", "")}
    form = FamilyAbsenceForm(request.POST or None, children=children, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kid = get_visible_or_404(Child.objects.of_guardian(request.user), code=data.pop("child"))
        with refusal_shown(request):
            reported = services.family_absence_report(child=kid, actor=request.user, **data)
            messages.success(
                request,
                _("Absence of %(child)s reported for %(days)s; the caregivers have been told.")
                % {"child": kid.name, "days": services.day_span(reported)},
            )
            return redirect("daycare:family_absences")
    absences = list(
        family_absences_visible_to(request.user)
        .filter(day__gte=today - FAMILY_ABSENCES_SHOWN_SINCE)
        .order_by("-day", "child__name")[:100]
    )
    health_records_read(
        request.user, [a.child for a in absences], view="family_absences", channel=AccessChannel.PAGE
    )
    context = {"form": form, "children": children, "absences": absences, "today": today}
    return render(request, "daycare/attendance/family_absences.html", context)


@login_required
@require_POST
def family_absence_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    absence = get_visible_or_404(family_absences_visible_to(request.user), pk=pk)
    with refusal_shown(request):
        services.family_absence_withdraw(absence=absence, actor=request.user)
        messages.success(
            request,
            _("The absence of %(child)s on %(day)s is withdrawn.")
            % {"child": absence.child.name, "day": absence.day.isoformat()},
        )
    return redirect("daycare:family_absences")


_child_path = "classes/<uuid:code>/today/<uuid:child>/"
urlpatterns = [
    path("", home, name="home"),
    path("classes/<uuid:code>/", class_screen, name="class"),
    path("classes/<uuid:code>/ratio/", class_ratio_partial, name="class_ratio"),
    path(_child_path, child_panel, name="child"),
    path(f"{_child_path}row/", child_row, name="child_row"),
    path(f"{_child_path}check-in/", check_in, name="check_in"),
    path(f"{_child_path}noon-check/", noon_check, name="noon_check"),
    path(f"{_child_path}absence/", absence, name="absence"),
    path(f"{_child_path}check-out/", check_out, name="check_out"),
    path("follow-ups/", follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", follow_up, name="follow_up"),
    path("institutions/<uuid:code>/today/", institution_today, name="institution_today"),
    path("children/<uuid:code>/attendance/", child_attendance, name="child_attendance"),
    path("absences/", family_absences, name="family_absences"),
    path("absences/<int:pk>/withdraw/", family_absence_withdraw, name="family_absence_withdraw"),
]
