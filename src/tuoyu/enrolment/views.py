"""Pages of the family side (finder, children, applications, offers) and the institution's enrolment desk."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from tuoyu.accounts.access import AuthenticatedRequest, Perm, get_visible_or_404
from tuoyu.enrolment import privacy, services
from tuoyu.enrolment.access_log import health_record_read, health_records_read
from tuoyu.enrolment.finder import FinderFilter, finder_queryset
from tuoyu.enrolment.forms import (
    AcceptForm,
    ApplyForm,
    ChildForm,
    ChildPhotoForm,
    EndPlacementForm,
    EntryExamForm,
    OfferForm,
    PickupPersonForm,
    PriorityForm,
)
from tuoyu.enrolment.models import (
    OPEN_APPLICATION_STATUSES,
    PLACE_SERVICE_TYPES,
    AccessChannel,
    Application,
    Child,
    OfferStatus,
)
from tuoyu.enrolment.selectors import (
    applications_closed_by_accepting,
    applications_visible_to,
    child_photos_visible_to,
    classes_with_children_visible_to,
    classes_with_vacancy,
    current_notice,
    has_current_consent,
    offers_visible_to,
    open_tasks_visible_to,
    placements_visible_to,
    priorities_of,
    queue_of,
    queue_position,
    roster_of,
    vacancies_by_band,
)
from tuoyu.refusals import Refusal, refusal_shown, show_errors
from tuoyu.registry.selectors import institutions_public, institutions_visible_to
from tuoyu.uploads import serve_upload

FINDER_PAGE_SIZE = 20


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# The finder -----------------------------------------------------------------------------------------


def finder(request: HtmxHttpRequest) -> HttpResponse:
    """Public, phone-first: institutions with live vacancies, filtered in place with htmx."""
    filterset = FinderFilter(request.GET, queryset=finder_queryset(), request=request)
    page = Paginator(filterset.qs, FINDER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(institution, filterset.fit.vacancies(list(institution.classes.all()))) for institution in page]
    template = "enrolment/finder.html#results" if request.htmx else "enrolment/finder.html"
    more_used = any(
        request.GET.get(name) for name in filterset.filters if name not in (*FinderFilter.FIRST, "child")
    )
    context = {
        "filter": filterset,
        "fit": filterset.fit,
        "page": page,
        "rows": rows,
        "primary_filters": FinderFilter.FIRST,
        "more_filters_used": more_used or bool(filterset.errors),
    }
    return render(request, template, context)


# The family ------------------------------------------------------------------------------------------


@login_required
def family(request: AuthenticatedRequest) -> HttpResponse:
    """A guardian's home: children, applications with their place in the queue, offers, places."""
    children = Child.objects.of_guardian(request.user).prefetch_related("guardianships")
    cards = []
    for child in children.order_by("birth_date"):
        applications = list(
            child.applications.filter(status__in=OPEN_APPLICATION_STATUSES)
            .select_related("institution")
            .order_by("rank")
        )
        offers = (
            offers_visible_to(request.user)
            .filter(application__child=child, status=OfferStatus.OPEN)
            .select_related("care_class__institution")
        )
        cards.append(
            {
                "child": child,
                "applications": [(a, queue_position(a)) for a in applications],
                "offers": offers,
                "placements": child.placements.select_related("institution", "care_class").order_by(
                    "-start_date"
                ),
            }
        )
    context = {"cards": cards, "consented": has_current_consent(request.user), "today": timezone.localdate()}
    return render(request, "enrolment/family.html", context)


@login_required
def privacy_notice(request: AuthenticatedRequest) -> HttpResponse:
    notice = current_notice()
    if request.method == "POST" and notice is not None:
        services.give_consent(user=request.user, notice=notice)
        messages.success(request, _("Thank you. You can now record your child's details."))
        return redirect(request.GET.get("next") or "enrolment:child_add")
    context = {"notice": notice, "consented": has_current_consent(request.user)}
    return render(request, "enrolment/privacy.html", context)


@login_required
def child_add(request: AuthenticatedRequest) -> HttpResponse:
    if not has_current_consent(request.user):
        return redirect("enrolment:privacy")
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "relation"}
        with refusal_shown(request):
            child = services.child_register(
                guardian=request.user, relation=form.cleaned_data["relation"], **fields
            )
            messages.success(request, _("%(child)s was added.") % {"child": child.name})
            return redirect(request.GET.get("next") or "enrolment:family")
    return render(request, "enrolment/child_form.html", {"form": form})


def _own_child(request: AuthenticatedRequest, code: str) -> Any:
    return get_visible_or_404(Child.objects.of_guardian(request.user), code=code)


@login_required
@require_POST
def child_photo_set(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The guardian gives the child's photo, consenting to the class's staff seeing it."""
    child = _own_child(request, code)
    form = ChildPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        with refusal_shown(request):
            services.child_photo_set(
                guardian=request.user,
                child=child,
                upload=form.cleaned_data["image"],
                consent=form.cleaned_data["consent"],
            )
            messages.success(request, _("%(child)s's photo is saved.") % {"child": child.name})
    else:
        show_errors(request, ValidationError(list(form.errors.values())))
    return redirect("enrolment:child", code=child.code)


@login_required
@require_POST
def child_photo_remove(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The guardian withdraws the consent: the photo is removed."""
    child = _own_child(request, code)
    with refusal_shown(request):
        services.child_photo_remove(guardian=request.user, child=child)
        messages.success(request, _("The photo is removed and the consent withdrawn."))
    return redirect("enrolment:child", code=child.code)


@login_required
def child_photo(request: AuthenticatedRequest, code: str) -> FileResponse:
    """The child's photo, for whom the guardian's consent names: the child's guardians, the caregivers of the
    child's class and the directors of the institution where the child holds a place."""
    child = get_visible_or_404(child_photos_visible_to(request.user, timezone.localdate()), code=code)
    if not child.photo:
        raise Http404
    return serve_upload(child.photo)


@login_required
def child_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    child = _own_child(request, code)
    pickup_form = PickupPersonForm(prefix="pickup")
    exam_form = EntryExamForm(prefix="exam")
    if request.method == "POST" and "pickup" in request.POST:
        pickup_form = PickupPersonForm(request.POST, prefix="pickup")
        if pickup_form.is_valid():
            with refusal_shown(request):
                services.pickup_person_add(guardian=request.user, child=child, **pickup_form.cleaned_data)
                messages.success(request, _("The pick-up person was added."))
                return redirect("enrolment:child", code=child.code)
    if request.method == "POST" and "exam" in request.POST:
        exam_form = EntryExamForm(request.POST, prefix="exam")
        if exam_form.is_valid():
            with refusal_shown(request):
                services.entry_exam_record(actor=request.user, child=child, **exam_form.cleaned_data)
                messages.success(request, _("The examination was recorded."))
                return redirect("enrolment:child", code=child.code)
    context = {
        "child": child,
        "pickup_form": pickup_form,
        "exam_form": exam_form,
        "guardianships": child.guardianships.select_related("user"),
        "exams": child.entry_exams.all(),
        "pickups": child.pickup_persons.all(),
        "photo_form": ChildPhotoForm(),
    }
    health_record_read(request.user, child, view="child_profile", channel=AccessChannel.PAGE)
    return render(request, "enrolment/child_detail.html", context)


@login_required
@require_POST
def pickup_remove(request: AuthenticatedRequest, code: str, pk: int) -> HttpResponse:
    child = _own_child(request, code)
    person = get_visible_or_404(child.pickup_persons.all(), pk=pk)
    services.pickup_person_remove(guardian=request.user, person=person)
    messages.success(request, _("%(name)s can no longer collect the child.") % {"name": person.name})
    return redirect("enrolment:child", code=child.code)


@login_required
def child_export(request: AuthenticatedRequest, code: str) -> HttpResponse:
    child = _own_child(request, code)
    data = privacy.child_data_export(guardian=request.user, child=child)
    health_record_read(request.user, child, view="export", channel=AccessChannel.EXPORT)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="child-{child.code}.json"'
    return response


@login_required
def child_delete(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """GET asks for confirmation (the child's name typed again); POST deletes, or explains why the data must
    be kept."""
    child = _own_child(request, code)
    if request.method == "POST":
        try:
            outcome = privacy.child_delete_request(
                guardian=request.user, child=child, confirm=request.POST.get("confirm", "")
            )
        except Refusal as refusal:
            return render(
                request, "enrolment/child_delete.html", {"child": child, "error": refusal.text}, status=400
            )
        if outcome.outcome == outcome.Outcome.DELETED:
            messages.success(
                request, _("All data about %(child)s were deleted.") % {"child": outcome.child_name}
            )
            return redirect("enrolment:family")
        messages.error(request, outcome.reason)
        return redirect("enrolment:child", code=child.code)
    return render(request, "enrolment/child_delete.html", {"child": child})


@login_required
def apply(request: AuthenticatedRequest, code: str) -> HttpResponse:
    institution = get_visible_or_404(institutions_public(), code=code)
    children = Child.objects.of_guardian(request.user)
    offered = [
        (s.service_type, s.get_service_type_display())
        for s in institution.services.filter(service_type__in=PLACE_SERVICE_TYPES)
    ]
    form = ApplyForm(
        request.POST or None, children=children, services=offered, priorities=priorities_of(institution)
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request):
            services.application_submit(guardian=request.user, institution=institution, **form.cleaned_data)
            messages.success(
                request,
                _("Your application to %(institution)s was sent.") % {"institution": institution.name},
            )
            return redirect("enrolment:family")
    classes = list(classes_with_vacancy(institution.classes.order_by("age_band", "name")))
    context = {
        "institution": institution,
        "form": form,
        "has_children": children.exists(),
        "vacancies": vacancies_by_band(classes),
        "priorities": priorities_of(institution),
        "offered": offered,
    }
    return render(request, "enrolment/apply.html", context)


@login_required
@require_POST
def application_withdraw(request: AuthenticatedRequest, code: str) -> HttpResponse:
    application = get_visible_or_404(applications_visible_to(request.user), code=code)
    with refusal_shown(request):
        services.application_withdraw(guardian=request.user, application=application)
        messages.success(request, _("The application was withdrawn."))
    return redirect("enrolment:family")


@login_required
def offer(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The guardian reads the offer and the service agreement, then accepts or declines."""
    the_offer = get_visible_or_404(
        offers_visible_to(request.user).select_related("application__child", "care_class__institution"),
        code=code,
    )
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and "decline" in request.POST:
        with refusal_shown(request):
            services.offer_decline(guardian=request.user, offer=the_offer)
            messages.success(request, _("You declined the place."))
            return redirect("enrolment:family")
    elif request.method == "POST" and form.is_valid():
        with refusal_shown(request):
            services.offer_accept(guardian=request.user, offer=the_offer)
            messages.success(request, _("The place is yours. Welcome!"))
            return redirect("enrolment:family")
    context = {
        "offer": the_offer,
        "form": form,
        "agreement": services.agreement_terms(the_offer),
        "is_open": the_offer.is_open_at(timezone.now()),
        "withdrawn_on_accept": list(applications_closed_by_accepting(the_offer)),
    }
    return render(request, "enrolment/offer.html", context)


# The enrolment desk (directors) --------------------------------------------------------------------------


@login_required
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """The director's queue per institution and service, with the classes' live vacancies."""
    institutions = institutions_visible_to(request.user, Perm.MANAGE_ENROLMENT).order_by("name")
    desks = []
    for institution in institutions:
        classes = list(classes_with_vacancy(institution.classes.order_by("age_band", "name")))
        desks.append(
            {
                "institution": institution,
                "queue": list(queue_of(institution).prefetch_related("priorities", "offers")),
                "classes": classes,
                "priorities": priorities_of(institution),
                "priority_form": PriorityForm(prefix=str(institution.pk)),
            }
        )
    return render(request, "enrolment/queue.html", {"desks": desks, "now": timezone.now()})


@login_required
@require_POST
def priority_add(request: AuthenticatedRequest, code: str) -> HttpResponse:
    institution = get_visible_or_404(institutions_visible_to(request.user, Perm.MANAGE_ENROLMENT), code=code)
    form = PriorityForm(request.POST, prefix=str(institution.pk))
    if form.is_valid():
        with refusal_shown(request):
            services.priority_publish(director=request.user, institution=institution, **form.cleaned_data)
            messages.success(request, _("The priority was published."))
    else:
        show_errors(request, ValidationError(list(form.errors.values())))
    return redirect("enrolment:queue")


@login_required
def offer_new(request: AuthenticatedRequest, code: str) -> HttpResponse:
    application: Application = get_visible_or_404(
        applications_visible_to(request.user)
        .filter(institution__in=institutions_visible_to(request.user, Perm.MANAGE_ENROLMENT))
        .select_related("child", "institution"),
        code=code,
    )
    classes = classes_with_vacancy(application.institution.classes.order_by("age_band", "name"))
    form = OfferForm(
        request.POST or None,
        classes=classes,
        child=application.child,
        start=application.desired_start,
        initial={"start_date": application.desired_start},
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request):
            services.offer_make(director=request.user, application=application, **form.cleaned_data)
            messages.success(
                request, _("The offer was sent to %(child)s's family.") % {"child": application.child.name}
            )
            return redirect("enrolment:queue")
    context = {"application": application, "form": form, "position": queue_position(application)}
    return render(request, "enrolment/offer_new.html", context)


@login_required
def class_roster(request: AuthenticatedRequest, code: str) -> HttpResponse:
    care_class = get_visible_or_404(
        classes_with_vacancy(classes_with_children_visible_to(request.user)).select_related("institution"),
        code=code,
    )
    today = timezone.localdate()
    roster = list(roster_of(care_class, today))
    health_records_read(
        request.user,
        [placement.child for placement in roster],
        view="class_roster",
        channel=AccessChannel.PAGE,
    )
    context = {
        "care_class": care_class,
        "roster": roster,
        "today": today,
        "may_end": institutions_visible_to(request.user, Perm.MANAGE_ENROLMENT)
        .filter(pk=care_class.institution_id)
        .exists(),
        "end_form": EndPlacementForm(initial={"ends_on": today}),
    }
    return render(request, "enrolment/roster.html", context)


@login_required
@require_POST
def placement_end(request: AuthenticatedRequest, code: str) -> HttpResponse:
    placement = get_visible_or_404(
        placements_visible_to(request.user).select_related("care_class"), code=code
    )
    form = EndPlacementForm(request.POST)
    if form.is_valid():
        with refusal_shown(request):
            services.placement_end(director=request.user, placement=placement, **form.cleaned_data)
            messages.success(
                request,
                _("The placement ends on %(day)s; the place is free from then.")
                % {"day": form.cleaned_data["ends_on"].isoformat()},
            )
    else:
        show_errors(request, ValidationError(list(form.errors.values())))
    return redirect("enrolment:class_roster", code=placement.care_class.code)


@login_required
def tasks(request: AuthenticatedRequest) -> HttpResponse:
    open_tasks = open_tasks_visible_to(request.user)
    return render(request, "enrolment/tasks.html", {"tasks": open_tasks, "today": timezone.localdate()})


@login_required
@require_POST
def task_complete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(open_tasks_visible_to(request.user), pk=pk)
    with refusal_shown(request):
        services.task_complete(actor=request.user, task=task, note=request.POST.get("note", "")[:200])
        messages.success(request, _("Done: %(task)s") % {"task": task})
    return redirect("enrolment:tasks")
