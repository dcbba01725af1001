"""Pages of staff duty and the live ratio, outings, the kitchen (menus and food samples), the family's menu
and the regulator's district daily view. Phone-first: one column, big buttons, few taps."""

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from tuoyu.accounts.access import AuthenticatedRequest, Perm, get_visible_or_404, has_perm
from tuoyu.daycare.models import Meal
from tuoyu.daycare.selectors.ratios import class_ratio
from tuoyu.daycare.selectors.supervision import (
    DailyRow,
    breaches_of,
    care_classes_of,
    care_institutions_of,
    certified_caregiver_ids,
    children_present,
    daily_supervision,
    daily_supervision_institutions,
    daily_supervision_totals,
    dishes_to_sample,
    duties_open,
    duty_candidates,
    food_samples_visible_to,
    menu_days,
    menu_institutions_of,
    menu_of_week,
    morning_deadline,
    open_outing,
    outing_minutes,
    outings_of,
    outings_visible_to,
    published_menu,
    sample_gaps,
    sample_min_grams,
    sample_min_hours,
    samples_of,
    weather_exemption_on,
    week_start_of,
)
from tuoyu.daycare.services import kitchen, outings, staffing
from tuoyu.enrolment.models import Child
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.refusals import refusal_shown
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.workdays import latest_working_day

DISTRICT_PAGE_SIZE = 50


def _codes(values: list[str]) -> list[uuid.UUID]:
    """The well-formed UUIDs among posted codes (a malformed one matches nothing)."""
    codes = []
    for value in values:
        try:
            codes.append(uuid.UUID(value))
        except ValueError:
            continue
    return codes


def _day_param(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return parse_date(value or "") or default
    except ValueError:
        return default


# Staff on duty and the live ratio ---------------------------------------------------------------------


@login_required
def class_duty(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Check staff in and out of a class; the ratio now, and today's breaches."""
    care_class = get_visible_or_404(care_classes_of(request.user), code=code)
    now = timezone.now()
    today = timezone.localdate(now)
    candidates = duty_candidates(care_class, today)
    if request.method == "POST":
        staff = get_visible_or_404(candidates, code=request.POST.get("staff", ""))
        if request.POST.get("action") == "end":
            with refusal_shown(request):
                staffing.duty_end(actor=request.user, staff=staff, care_class=care_class, now=now)
                messages.success(request, _("%(name)s is off duty.") % {"name": staff.name})
        else:
            with refusal_shown(request):
                staffing.duty_start(actor=request.user, staff=staff, care_class=care_class, now=now)
                messages.success(
                    request,
                    _("%(name)s is on duty in %(class)s.") % {"name": staff.name, "class": care_class.name},
                )
        return redirect("daycare:class_duty", care_class.code)
    duties = list(duties_open(care_class, today))
    counting = certified_caregiver_ids(candidates, today)
    on_duty = {duty.staff_id for duty in duties}
    context = {
        "care_class": care_class,
        "today": today,
        "ratio": class_ratio(care_class, today),
        "duties": [(duty, duty.staff_id in counting) for duty in duties],
        "available": [(person, person.pk in counting) for person in candidates if person.pk not in on_duty],
        "breaches": breaches_of(care_class, today),
    }
    return render(request, "daycare/supervision/duty.html", context)


# Outings ----------------------------------------------------------------------------------------------


@login_required
def class_outings(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Start an outing with the children present, tick who came back, and the day's outdoor minutes."""
    care_class = get_visible_or_404(care_classes_of(request.user), code=code)
    now = timezone.now()
    today = timezone.localdate(now)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "return":
            outing = get_visible_or_404(
                outings_visible_to(request.user).filter(care_class=care_class),
                code=request.POST.get("outing", ""),
            )
            back = list(outing.children_out.filter(code__in=_codes(request.POST.getlist("back"))))
            with refusal_shown(request):
                outings.outing_return(actor=request.user, outing=outing, children_back=back, now=now)
                messages.success(request, _("Return recorded: %(back)s back.") % {"back": len(back)})
        elif action == "exempt":
            with refusal_shown(request):
                outings.weather_exempt(
                    actor=request.user,
                    institution=care_class.institution,
                    day=today,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Weather exemption recorded for today."))
        else:
            chosen = list(
                Child.objects.in_class(care_class).filter(code__in=_codes(request.POST.getlist("children")))
            )
            with refusal_shown(request):
                outings.outing_start(actor=request.user, care_class=care_class, children=chosen, now=now)
                messages.success(
                    request, _("Outing started with %(count)s children.") % {"count": len(chosen)}
                )
        return redirect("daycare:outings", care_class.code)
    day_outings = outings_of(care_class, today)
    minutes = sum(outing_minutes(outing.left_at, outing.returned_at) for outing in day_outings)
    context = {
        "care_class": care_class,
        "today": today,
        "present": children_present(care_class, today),
        "open_outing": open_outing(care_class),
        "outings": [(outing, outing_minutes(outing.left_at, outing.returned_at)) for outing in day_outings],
        "minutes": minutes,
        "required_minutes": settings.OUTDOOR_MINUTES_PER_DAY,
        "exemption": weather_exemption_on(care_class.institution_id, today),
    }
    return render(request, "daycare/supervision/outings.html", context)


# The kitchen: menus and food samples ------------------------------------------------------------------


def _menu_form_dishes(post: Any, week_start: datetime.date) -> dict[str, dict[str, list[str]]]:
    """The posted menu form (one textarea per day and meal, one dish per line) as the menu's dishes."""
    dishes: dict[str, dict[str, list[str]]] = {}
    for offset in range(7):
        day = (week_start + datetime.timedelta(days=offset)).isoformat()
        for meal in Meal.values:
            lines = [line.strip() for line in post.get(f"{day}__{meal}", "").splitlines() if line.strip()]
            if lines:
                dishes.setdefault(day, {})[meal] = lines
    return dishes


@login_required
def kitchen_page(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The week's menu (written and published by the director or health staff) and the day's samples."""
    institution = get_visible_or_404(care_institutions_of(request.user), code=code)
    now = timezone.now()
    today = timezone.localdate(now)
    week_start = week_start_of(_day_param(request.GET.get("week"), today))
    day = _day_param(request.GET.get("day"), today)
    may_write_menu = (
        institutions_visible_to(request.user, Perm.RECORD_HEALTH).filter(pk=institution.pk).exists()
    )
    if request.method == "POST":
        return _kitchen_post(request, institution, now, may_write_menu)
    menu = menu_of_week(institution, week_start)
    day_menu = published_menu(institution, day) or menu_of_week(institution, week_start_of(day))
    samples = list(samples_of(institution, day))
    dishes = dishes_to_sample(day_menu, day) if day_menu is not None else []
    meal_labels = dict(Meal.choices)
    week_days = [week_start + datetime.timedelta(days=offset) for offset in range(7)]
    form_rows = [
        (
            d,
            [
                (
                    f"{d.isoformat()}__{meal}",
                    meal_labels[meal],
                    "\n".join((menu.dishes.get(d.isoformat(), {}) if menu else {}).get(meal, [])),
                )
                for meal in Meal.values
            ],
        )
        for d in week_days
    ]
    context = {
        "institution": institution,
        "today": today,
        "day": day,
        "week_start": week_start,
        "previous_week": week_start - datetime.timedelta(days=7),
        "next_week": week_start + datetime.timedelta(days=7),
        "menu": menu,
        "menu_rows": menu_days(menu) if menu else [],
        "form_rows": form_rows,
        "may_write_menu": may_write_menu,
        "samples": [
            (sample, sample.refrigerated_at + datetime.timedelta(hours=sample_min_hours(day)) <= now)
            for sample in samples
        ],
        "to_sample": dishes,
        "gaps": sample_gaps(day, dishes, samples),
        "meals": Meal.choices,
        "min_grams": sample_min_grams(day),
        "min_hours": sample_min_hours(day),
    }
    return render(request, "daycare/supervision/kitchen.html", context)


def _kitchen_post(
    request: AuthenticatedRequest, institution: Institution, now: datetime.datetime, may_write_menu: bool
) -> HttpResponse:
    action = request.POST.get("action")
    back = request.get_full_path()
    if action in ("menu", "publish"):
        if not may_write_menu:
            raise Http404
        week_start = _day_param(request.POST.get("week_start"), week_start_of(timezone.localdate(now)))
        if action == "menu":
            with refusal_shown(request):
                kitchen.menu_save(
                    actor=request.user,
                    institution=institution,
                    week_start=week_start,
                    dishes=_menu_form_dishes(request.POST, week_start),
                )
                messages.success(request, _("Menu saved."))
        else:
            menu = menu_of_week(institution, week_start)
            if menu is None:
                raise Http404
            with refusal_shown(request):
                kitchen.menu_publish(actor=request.user, menu=menu, now=now)
                messages.success(request, _("Menu published to the families."))
    elif action == "discard":
        sample = get_visible_or_404(
            food_samples_visible_to(request.user).filter(institution=institution),
            pk=request.POST.get("sample"),
        )
        with refusal_shown(request):
            kitchen.sample_discard(actor=request.user, sample=sample, now=now)
            messages.success(request, _("Sample discarded."))
    else:
        day = _day_param(request.POST.get("day"), timezone.localdate(now))
        try:
            weight = int(request.POST.get("weight_g", ""))
        except ValueError:
            messages.error(request, _("Enter the weight in grams."))
            return redirect(back)
        refrigerated_at = parse_datetime(request.POST.get("refrigerated_at", "") or "")
        if refrigerated_at is not None and timezone.is_naive(refrigerated_at):
            refrigerated_at = timezone.make_aware(refrigerated_at)
        with refusal_shown(request):
            kitchen.sample_record(
                actor=request.user,
                institution=institution,
                day=day,
                meal=request.POST.get("meal", ""),
                dish=request.POST.get("dish", ""),
                weight_g=weight,
                sampled_by=request.POST.get("sampled_by", ""),
                refrigerated_at=refrigerated_at,
                now=now,
            )
            messages.success(request, _("Sample recorded."))
    return redirect(back)


@login_required
def family_menu(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The current week's published menu, for the families of children placed at the institution."""
    today = timezone.localdate()
    institution = get_visible_or_404(menu_institutions_of(request.user, today), code=code)
    menu = published_menu(institution, today)
    context = {
        "institution": institution,
        "week_start": week_start_of(today),
        "menu": menu,
        "menu_rows": menu_days(menu) if menu else [],
        "today": today,
    }
    return render(request, "daycare/supervision/menu.html", context)


# The district's daily view ----------------------------------------------------------------------------


def _district_xlsx(rows: list[DailyRow], day: datetime.date) -> HttpResponse:
    return xlsx_response(
        filename=f"daily-supervision-{day:%Y%m%d}",
        title=_("Daily supervision"),
        header=[
            _("Institution"),
            _("Street / town"),
            _("Enrolled"),
            _("Present"),
            _("Check-ins recorded"),
            _("Checked in by the deadline"),
            _("Morning checks by the deadline"),
            _("Ratio breaches"),
            _("Outing mismatches"),
            _("Food-sample gaps"),
            _("Open findings"),
        ],
        rows=(
            [
                row.institution.name,
                row.institution.street.name,
                row.enrolled,
                row.present,
                row.check_ins,
                row.checked_in_by_deadline,
                row.morning_checks_by_deadline,
                row.ratio_breaches,
                row.outing_mismatches,
                row.food_sample_gaps,
                row.open_findings,
            ]
            for row in rows
        ),
    )


@login_required
def district_daily(request: AuthenticatedRequest) -> HttpResponse:
    """One row per institution of the regulator's region (a director: their own) for the chosen day, a page
    at a time, under the totals of the whole region."""
    if not has_perm(request.user, Perm.VIEW_DAILY_SUPERVISION):
        raise Http404
    today = timezone.localdate()
    day = _day_param(request.GET.get("date"), latest_working_day(today))
    institutions = daily_supervision_institutions(request.user)
    if wants_xlsx(request):
        return _district_xlsx(daily_supervision(institutions, day), day)
    page = Paginator(institutions, DISTRICT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "day": day,
        "today": today,
        "deadline": morning_deadline(day),
        "page": page,
        "rows": daily_supervision(page, day),
        "totals": daily_supervision_totals(institutions, day),
    }
    return render(request, "daycare/supervision/district.html", context)


urlpatterns = [
    path("classes/<uuid:code>/duty/", class_duty, name="class_duty"),
    path("classes/<uuid:code>/outings/", class_outings, name="outings"),
    path("kitchen/<uuid:code>/", kitchen_page, name="kitchen"),
    path("menus/<uuid:code>/", family_menu, name="menu"),
    path("district/", district_daily, name="district"),
]
