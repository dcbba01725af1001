"""Pages of the care log and the daily report.

Caregivers (staff with ``record_care``): a class's batch entry (one action logs lunch for every child
present), a child's day with one-tap entries, the end-of-day report review with photos and publishing,
and the institution's activity corners. Families: their children's published reports, the reply, the
acknowledgement of an incident, and medication instructions. Anything outside the reader's scope is 404;
photos are served only here, after the same check.
"""

import datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, Perm, actor_may, get_visible_or_404
from tuoyu.daycare.forms import InstructionForm
from tuoyu.daycare.models import LogKind, Mood, Portion
from tuoyu.daycare.selectors.attendance import care_classes_visible_to, care_institutions_visible_to
from tuoyu.daycare.selectors.carelog import (
    NAPPY_CHOICES,
    ChildDay,
    care_entries_visible_to,
    child_day,
    class_day,
    entries_visible_to_guardian,
    instructions_valid_on,
    medication_instructions_visible_to,
    photos_visible_to,
    present_children,
    published_reports_of_guardian,
)
from tuoyu.daycare.services import carelog as services
from tuoyu.enrolment.access_log import health_record_read, health_records_read
from tuoyu.enrolment.models import AccessChannel, Child
from tuoyu.refusals import Refusal, refusal_shown
from tuoyu.registry.models import CareClass
from tuoyu.uploads import serve_upload

# Shared ------------------------------------------------------------------------------------------------


def _care_class(request: AuthenticatedRequest, code: UUID) -> CareClass:
    return get_visible_or_404(care_classes_visible_to(request.user), code=code)


def _child_of_class(care_class: CareClass, code: UUID) -> Child:
    """A child placed in the class (at any time; the services check the day)."""
    return get_visible_or_404(Child.objects.in_class(care_class), code=code)


def _parse_day(value: str | None, *, strict: bool = False) -> datetime.date:
    """An ISO date; a missing or malformed one is today, or a 404 where it is part of the address."""
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        if strict:
            raise Http404 from None
        return timezone.localdate()


def _local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time), timezone.get_current_timezone())


def _moment(day: datetime.date, value: str | None, *, required: bool = False) -> datetime.datetime | None:
    """A time of day (HH:MM) on ``day``; blank is now on today, or a refusal on another day."""
    value = (value or "").strip()
    if not value:
        if day == timezone.localdate() and not required:
            return timezone.now()
        raise Refusal(_("Give the time."), "entry_incomplete")
    try:
        time = datetime.datetime.strptime(value[:5], "%H:%M").time()
    except ValueError:
        raise Refusal(
            _("“%(value)s” is not a time (HH:MM).") % {"value": value}, "entry_incomplete"
        ) from None
    return _local(day, time)


def _optional_moment(day: datetime.date, value: str | None) -> datetime.datetime | None:
    return _moment(day, value, required=True) if (value or "").strip() else None


def _int(value: str | None) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise Refusal(_("“%(value)s” is not a number.") % {"value": text}, "entry_incomplete") from None


def _redirect_back(request: AuthenticatedRequest, default: str) -> HttpResponse:
    """Back to the page the form was on (``next``), if it is one of ours; else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=False):
        return redirect(target)
    return redirect(default)


# Batch entry for the whole class -----------------------------------------------------------------------

BATCH_KIND_ORDER = [
    LogKind.MEAL,
    LogKind.SNACK,
    LogKind.WATER,
    LogKind.BOTTLE,
    LogKind.SLEEP,
    LogKind.NAPPY,
    LogKind.MOOD,
    LogKind.ACTIVITY,
]
DEFAULT_ML = {LogKind.WATER: 100, LogKind.BOTTLE: 150}
SKIP = "-"


def _batch_rows(kind: str, children: list[Child], areas: list[str]) -> list[dict[str, Any]]:
    """One row per child present, with the default preselected: one submit logs the whole class."""
    if kind in (LogKind.MEAL, LogKind.SNACK):
        choices: list[tuple[str, Any]] = list(Portion.choices)
        default: str = Portion.ALL
    elif kind == LogKind.MOOD:
        choices, default = list(Mood.choices), Mood.HAPPY
    elif kind == LogKind.NAPPY:
        choices, default = list(NAPPY_CHOICES), "wet"
    elif kind == LogKind.ACTIVITY:
        choices, default = [(name, name) for name in areas], SKIP  # the child chooses: no default
    else:
        choices, default = [], ""
    return [
        {"child": child, "choices": choices, "default": default, "ml": DEFAULT_ML.get(LogKind(kind), "")}
        for child in children
    ]


def _batch_details(kind: str, request: AuthenticatedRequest, child: Child, day: datetime.date) -> dict | None:
    """The details of one child's row (``None``: leave the child out)."""
    key = str(child.code)
    if kind == LogKind.SLEEP:
        if not request.POST.get(f"include_{key}"):
            return None
        details: dict[str, Any] = {}
        if asleep := _optional_moment(day, request.POST.get(f"asleep_{key}")):
            details["at"] = asleep
        if woke := _optional_moment(day, request.POST.get(f"woke_{key}")):
            details["ends_at"] = woke
        return details
    if kind in (LogKind.WATER, LogKind.BOTTLE):
        value = request.POST.get(f"ml_{key}", "").strip()
        return None if value in ("", SKIP) else {"amount_ml": _int(value)}
    value = request.POST.get(f"choice_{key}", SKIP)
    if value == SKIP:
        return None
    field = {
        LogKind.MEAL: "portion",
        LogKind.SNACK: "portion",
        LogKind.MOOD: "mood",
        LogKind.ACTIVITY: "activity_area",
        LogKind.NAPPY: "text",
    }[LogKind(kind)]
    return {field: value}


@login_required
def batch_entry(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """Log one kind of entry for every child present: the default preselected, exceptions per child."""
    care_class = _care_class(request, code)
    kind = request.POST.get("kind") or request.GET.get("kind") or LogKind.MEAL
    if kind not in BATCH_KIND_ORDER:
        kind = LogKind.MEAL
    day = timezone.localdate()
    children = list(present_children(care_class, day))
    areas = (
        [a.name for a in services.activity_areas_of(care_class.institution)]
        if kind == LogKind.ACTIVITY
        else []
    )
    if request.method == "POST":
        with refusal_shown(request):
            at = _moment(day, request.POST.get("time"))
            sleep_end = _optional_moment(day, request.POST.get("woke")) if kind == LogKind.SLEEP else None
            exceptions = {str(child.code): _batch_details(kind, request, child, day) for child in children}
            count = services.care_batch_record(
                actor=request.user,
                care_class=care_class,
                kind=kind,
                at=at,
                defaults={"ends_at": sleep_end} if sleep_end else {},
                exceptions=exceptions,
            )
            messages.success(
                request,
                ngettext("%(kind)s logged for %(n)d child.", "%(kind)s logged for %(n)d children.", count)
                % {"kind": LogKind(kind).label, "n": count},
            )
            return redirect(
                f"{reverse('daycare:carelog_batch', kwargs={'code': care_class.code})}?kind={kind}"
            )
    context = {
        "care_class": care_class,
        "kind": kind,
        "kind_label": LogKind(kind).label,
        "kinds": [(k, LogKind(k).label) for k in BATCH_KIND_ORDER],
        "rows": _batch_rows(kind, children, areas),
        "skip": SKIP,
        "day": day,
        "now": timezone.localtime().strftime("%H:%M"),
    }
    health_records_read(request.user, children, view="daily_care", channel=AccessChannel.PAGE)
    return render(request, "daycare/carelog/batch.html", context)


# One child's day ---------------------------------------------------------------------------------------


def _entry_fields(kind: str, request: AuthenticatedRequest, day: datetime.date) -> dict[str, Any]:
    """The details of a single entry from the page's form (the service checks them)."""
    post = request.POST
    fields: dict[str, Any] = {"text": post.get("text", "")}
    if kind in (LogKind.MEAL, LogKind.SNACK):
        fields["portion"] = post.get("portion", "")
    elif kind in (LogKind.BOTTLE, LogKind.WATER):
        fields["amount_ml"] = _int(post.get("amount_ml"))
    elif kind == LogKind.SLEEP:
        fields["ends_at"] = _optional_moment(day, post.get("woke"))
    elif kind == LogKind.MOOD:
        fields["mood"] = post.get("mood", "")
    elif kind == LogKind.ACTIVITY:
        fields["activity_area"] = post.get("activity_area", "")
    elif kind == LogKind.NAPPY:
        fields["text"] = post.get("nappy") or post.get("text", "")
    elif kind == LogKind.RESPONSIVE:
        fields.update({name: post.get(name, "") for name in ("cause", "response", "outcome")})
    elif kind == LogKind.MEDICATION:
        fields["medication_instruction"] = _int(post.get("medication_instruction"))
        fields["dose_given"] = post.get("dose_given", "")
    elif kind == LogKind.INCIDENT:
        fields.update({name: post.get(name, "") for name in ("place", "first_aid")})
        fields["guardian_informed_at"] = _optional_moment(day, post.get("informed"))
    return fields


@login_required
def child_day_page(request: AuthenticatedRequest, code: UUID, child: UUID) -> HttpResponse:
    """A child's day for the caregiver: the timeline so far and one-tap entries of every kind."""
    care_class = _care_class(request, code)
    kid = _child_of_class(care_class, child)
    day = _parse_day(request.GET.get("day"))
    the_day = child_day(kid, day)
    context = {
        "care_class": care_class,
        "child": kid,
        "day": day,
        "is_today": day == timezone.localdate(),
        "the_day": the_day,
        "open_sleep": next(
            (i.entry for i in the_day.items if i.entry.kind == LogKind.SLEEP and i.entry.ends_at is None),
            None,
        ),
        "portions": Portion.choices,
        "moods": Mood.choices,
        "nappy_choices": NAPPY_CHOICES,
        "areas": services.activity_areas_of(care_class.institution),
        "instructions": list(instructions_valid_on(kid, day)),
        "default_ml": {"water": DEFAULT_ML[LogKind.WATER], "bottle": DEFAULT_ML[LogKind.BOTTLE]},
    }
    health_record_read(request.user, kid, view="daily_care", channel=AccessChannel.PAGE)
    return render(request, "daycare/carelog/child_day.html", context)


@login_required
@require_POST
def entry_add(request: AuthenticatedRequest, code: UUID, child: UUID) -> HttpResponse:
    care_class = _care_class(request, code)
    kid = _child_of_class(care_class, child)
    day = _parse_day(request.POST.get("day"))
    kind = request.POST.get("kind", "")
    back = (
        f"{reverse('daycare:carelog_child', kwargs={'code': care_class.code, 'child': kid.code})}?day={day}"
    )
    with refusal_shown(request):
        at = _moment(day, request.POST.get("time"))
        fields = _entry_fields(kind, request, day)
        entry = services.care_entry_record(
            actor=request.user, child=kid, care_class=care_class, kind=kind, at=at, **fields
        )
        messages.success(
            request,
            _("%(child)s: %(kind)s recorded at %(time)s.")
            % {
                "child": kid.name,
                "kind": entry.get_kind_display(),
                "time": timezone.localtime(entry.at).strftime("%H:%M"),
            },
        )
    return _redirect_back(request, back)


@login_required
@require_POST
def sleep_end(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    entry = get_visible_or_404(
        care_entries_visible_to(request.user).select_related("care_class", "child"), code=code
    )
    back = (
        reverse("daycare:carelog_child", kwargs={"code": entry.care_class.code, "child": entry.child.code})
        + f"?day={entry.day}"
    )
    with refusal_shown(request):
        ends_at = _optional_moment(entry.day, request.POST.get("woke"))
        services.care_sleep_end(actor=request.user, entry=entry, ends_at=ends_at)
        messages.success(request, _("%(child)s woke up.") % {"child": entry.child.name})
    return _redirect_back(request, back)


# The daily report: the caregiver's review --------------------------------------------------------------


def _has_content(child_day: ChildDay) -> bool:
    """Something to tell the family: an entry, the caregiver's word or a photo."""
    return bool(child_day.items or child_day.photos or (child_day.report and child_day.report.summary))


@login_required
def report_review(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """Every child of the day with their timeline, the caregiver's word, photos, publish and publish all."""
    care_class = _care_class(request, code)
    day = _parse_day(request.GET.get("day"))
    days = class_day(care_class, day)
    context = {
        "care_class": care_class,
        "day": day,
        "days": days,
        "to_publish": sum(1 for d in days if not d.published and _has_content(d)),
        "empty_days": sum(1 for d in days if not d.published and not _has_content(d)),
        "max_photos": services.MAX_PHOTOS_PER_REPORT,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "is_today": day == timezone.localdate(),
    }
    health_records_read(
        request.user, [d.child for d in days], view="daily_reports", channel=AccessChannel.PAGE
    )
    return render(request, "daycare/carelog/report_review.html", context)


def _review_url(care_class: CareClass, day: datetime.date, child: Child | None = None) -> str:
    url = f"{reverse('daycare:daily_report_review', kwargs={'code': care_class.code})}?day={day}"
    return f"{url}#child-{child.code}" if child else url


def _typed_summary(request: AuthenticatedRequest, child: Child) -> str | None:
    """The word typed for the child: ``summary-<code>`` on the review page's one form, ``summary`` alone."""
    return request.POST.get(f"summary-{child.code}", request.POST.get("summary"))


@login_required
@require_POST
def report_summary(request: AuthenticatedRequest, code: UUID, child: UUID, day: str) -> HttpResponse:
    care_class = _care_class(request, code)
    kid = _child_of_class(care_class, child)
    the_day = _parse_day(day, strict=True)
    with refusal_shown(request):
        services.daily_report_save_summary(
            actor=request.user,
            child=kid,
            care_class=care_class,
            day=the_day,
            summary=_typed_summary(request, kid) or "",
        )
        messages.success(request, _("The word on %(child)s's day is saved.") % {"child": kid.name})
    return redirect(_review_url(care_class, the_day, kid))


@login_required
@require_POST
def report_publish(request: AuthenticatedRequest, code: UUID, child: UUID, day: str) -> HttpResponse:
    """Publish one child's report (saving the word on the day typed in the same form first)."""
    care_class = _care_class(request, code)
    kid = _child_of_class(care_class, child)
    the_day = _parse_day(day, strict=True)
    with refusal_shown(request):
        services.daily_report_publish(
            actor=request.user,
            child=kid,
            care_class=care_class,
            day=the_day,
            summary=_typed_summary(request, kid),
        )
        messages.success(request, _("%(child)s's report is published to the family.") % {"child": kid.name})
    return redirect(_review_url(care_class, the_day, kid))


@login_required
@require_POST
def report_publish_all(request: AuthenticatedRequest, code: UUID, day: str) -> HttpResponse:
    """Publish every report with something in it, saving first the words typed for single children on the
    page (``summary-<child code>``); the children whose day is empty are named, not published."""
    care_class = _care_class(request, code)
    the_day = _parse_day(day, strict=True)
    typed = {
        key.removeprefix("summary-"): str(value)
        for key, value in request.POST.items()
        if key.startswith("summary-")
    }
    with refusal_shown(request):
        result = services.daily_report_publish_all(
            actor=request.user, care_class=care_class, day=the_day, summaries=typed
        )
        messages.success(
            request,
            ngettext(
                "%(n)d report published to the family.",
                "%(n)d reports published to the families.",
                result.published,
            )
            % {"n": result.published},
        )
        if result.empty:
            messages.warning(
                request,
                _(
                    "Not published, nothing is recorded for their day yet: %(names)s. "
                    "Record their day or write a word, then publish."
                )
                % {"names": "、".join(child.name for child in result.empty)},
            )
    return redirect(_review_url(care_class, the_day))


@login_required
@require_POST
def report_photo_add(request: AuthenticatedRequest, code: UUID, child: UUID, day: str) -> HttpResponse:
    care_class = _care_class(request, code)
    kid = _child_of_class(care_class, child)
    the_day = _parse_day(day, strict=True)
    uploads = request.FILES.getlist("image")
    if not uploads:
        messages.error(request, _("Choose a photo first."))
        return redirect(_review_url(care_class, the_day, kid))
    added = 0
    for upload in uploads:
        with refusal_shown(request):
            services.report_photo_add(
                actor=request.user,
                child=kid,
                care_class=care_class,
                day=the_day,
                upload=upload,
                caption=request.POST.get("caption", ""),
            )
            added += 1
    if added:
        messages.success(request, ngettext("%(n)d photo added.", "%(n)d photos added.", added) % {"n": added})
    return redirect(_review_url(care_class, the_day, kid))


@login_required
@require_POST
def report_photo_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    photo = get_visible_or_404(
        photos_visible_to(request.user)
        .filter(report__care_class__institution__in=care_institutions_visible_to(request.user))
        .select_related("report__care_class", "report__child"),
        pk=pk,
    )
    report = photo.report
    services.report_photo_delete(actor=request.user, photo=photo)
    messages.success(request, _("The photo was removed."))
    return redirect(_review_url(report.care_class, report.day, report.child))


@login_required
def report_photo(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """A photo of a report, for the child's guardians (published days) and the staff of the class."""
    photo = get_visible_or_404(photos_visible_to(request.user), pk=pk)
    return serve_upload(photo.image)


# Activity corners --------------------------------------------------------------------------------------


@login_required
def activity_areas(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """The institution's activity corners; its director adds more."""
    institution = get_visible_or_404(care_institutions_visible_to(request.user), code=code)
    may_add = actor_may(request.user, Perm.CHANGE_INSTITUTION, institution.pk)
    if request.method == "POST":
        if not may_add:
            raise Http404
        with refusal_shown(request):
            area = services.activity_area_add(
                actor=request.user, institution=institution, name=request.POST.get("name", "")
            )
            messages.success(request, _("“%(name)s” added.") % {"name": area.name})
            return redirect("daycare:activity_areas", code=institution.code)
    context = {
        "institution": institution,
        "areas": services.activity_areas_of(institution),
        "may_add": may_add,
    }
    return render(request, "daycare/carelog/activity_areas.html", context)


# Families ----------------------------------------------------------------------------------------------


@login_required
def family_reports(request: AuthenticatedRequest) -> HttpResponse:
    """The published reports of the user's children, newest first, with what still needs their attention."""
    reports = list(published_reports_of_guardian(request.user)[:60])
    pending = set(
        entries_visible_to_guardian(request.user)
        .filter(kind=LogKind.INCIDENT, guardian_acknowledged_at__isnull=True)
        .values_list("child_id", "day")
    )
    rows = [{"report": report, "incident": (report.child_id, report.day) in pending} for report in reports]
    return render(request, "daycare/carelog/family_reports.html", {"rows": rows})


def _family_report(request: AuthenticatedRequest, child: UUID, day: str) -> Any:
    the_day = _parse_day(day, strict=True)
    return get_visible_or_404(published_reports_of_guardian(request.user), child__code=child, day=the_day)


@login_required
def family_report(request: AuthenticatedRequest, child: UUID, day: str) -> HttpResponse:
    """A child's published day, read on the phone; opening it marks it read."""
    report = _family_report(request, child, day)
    services.daily_report_mark_read(guardian=request.user, report=report)
    the_day = child_day(report.child, report.day, published_only=True)
    context = {"report": report, "the_day": the_day, "child": report.child}
    health_record_read(request.user, report.child, view="daily_reports", channel=AccessChannel.PAGE)
    return render(request, "daycare/carelog/family_report.html", context)


@login_required
@require_POST
def family_report_reply(request: AuthenticatedRequest, child: UUID, day: str) -> HttpResponse:
    report = _family_report(request, child, day)
    with refusal_shown(request):
        services.daily_report_reply(guardian=request.user, report=report, reply=request.POST.get("reply", ""))
        messages.success(request, _("Your reply was sent to the caregivers."))
    return redirect("daycare:family_report", child=report.child.code, day=report.day.isoformat())


@login_required
@require_POST
def incident_acknowledge(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    entry = get_visible_or_404(
        entries_visible_to_guardian(request.user).filter(kind=LogKind.INCIDENT).select_related("child"),
        code=code,
    )
    services.incident_acknowledge(guardian=request.user, entry=entry)
    messages.success(request, _("Thank you: the caregivers can see that you have read it."))
    return redirect("daycare:family_report", child=entry.child.code, day=entry.day.isoformat())


@login_required
def medication(request: AuthenticatedRequest) -> HttpResponse:
    """The guardian writes a medication instruction from the phone; without one no medicine is given."""
    children = list(Child.objects.of_guardian(request.user).order_by("name", "pk"))
    today = timezone.localdate()
    form = InstructionForm(
        request.POST or None, children=children, initial={"valid_from": today, "valid_until": today}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kid = get_visible_or_404(Child.objects.of_guardian(request.user), code=data.pop("child"))
        with refusal_shown(request):
            services.medication_instruction_create(guardian=request.user, child=kid, **data)
            messages.success(
                request,
                _("The caregivers may now give %(child)s %(medicine)s as you instructed.")
                % {"child": kid.name, "medicine": data["medicine"]},
            )
            return redirect("daycare:medication")
    instructions = list(
        medication_instructions_visible_to(request.user)
        .filter(child__in=children)
        .select_related("child")[:50]
    )
    shown = [instruction.child for instruction in instructions]
    health_records_read(request.user, shown, view="medication", channel=AccessChannel.PAGE)
    context = {"form": form, "children": children, "instructions": instructions, "today": today}
    return render(request, "daycare/carelog/medication.html", context)


urlpatterns = [
    path("classes/<uuid:code>/log/", batch_entry, name="carelog_batch"),
    path("classes/<uuid:code>/children/<uuid:child>/", child_day_page, name="carelog_child"),
    path("classes/<uuid:code>/children/<uuid:child>/entries/", entry_add, name="carelog_entry_add"),
    path("entries/<uuid:code>/wake/", sleep_end, name="carelog_sleep_end"),
    path("classes/<uuid:code>/reports/", report_review, name="daily_report_review"),
    path(
        "classes/<uuid:code>/reports/<str:day>/publish-all/",
        report_publish_all,
        name="daily_report_publish_all",
    ),
    path(
        "classes/<uuid:code>/reports/<str:day>/<uuid:child>/summary/",
        report_summary,
        name="daily_report_summary",
    ),
    path(
        "classes/<uuid:code>/reports/<str:day>/<uuid:child>/publish/",
        report_publish,
        name="daily_report_publish",
    ),
    path(
        "classes/<uuid:code>/reports/<str:day>/<uuid:child>/photos/",
        report_photo_add,
        name="daily_report_photo_add",
    ),
    path("photos/<int:pk>/", report_photo, name="report_photo"),
    path("photos/<int:pk>/delete/", report_photo_delete, name="report_photo_delete"),
    path("institutions/<uuid:code>/activity-areas/", activity_areas, name="activity_areas"),
    path("reports/", family_reports, name="family_reports"),
    path("reports/<uuid:child>/<str:day>/", family_report, name="family_report"),
    path("reports/<uuid:child>/<str:day>/reply/", family_report_reply, name="family_report_reply"),
    path("incidents/<uuid:code>/acknowledge/", incident_acknowledge, name="incident_acknowledge"),
    path("medication/", medication, name="medication"),
]
