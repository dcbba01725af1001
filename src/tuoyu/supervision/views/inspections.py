"""On-site inspection pages: the regulator's list, starting one, the phone form, the record and its PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuoyu.accounts.access import Perm, get_visible_or_404, has_perm, signed_in_user
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.refusals import refusal_shown
from tuoyu.supervision.forms.inspections import InspectionCompleteForm, InspectionStartForm
from tuoyu.supervision.models import InspectionStatus, ItemResult
from tuoyu.supervision.pdf import inspection_pdf_response
from tuoyu.supervision.selectors.inspections import (
    failed_items,
    inspections_editable_by,
    inspections_visible_to,
    items_of,
    may_inspect,
    photos_visible_to,
    progress_of,
)
from tuoyu.supervision.services.inspections import (
    MAX_PHOTOS_PER_ITEM,
    SIGNERS,
    inspection_complete,
    inspection_start,
)
from tuoyu.uploads import serve_upload

PAGE_SIZE = 50


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    """The inspections of the institutions the regulator supervises, newest first."""
    if not has_perm(request.user, Perm.SUPERVISE_REGION):
        raise Http404
    inspections = inspections_visible_to(request.user).order_by("-started_at", "-pk")
    if wants_xlsx(request):
        return xlsx_response(
            filename="inspections",
            title=_("Inspections"),
            header=[
                _("Number"),
                _("Institution"),
                _("Kind of inspection"),
                _("Started"),
                _("Status"),
                _("Score"),
                _("Grade"),
            ],
            rows=(
                [
                    i.number,
                    i.institution.name,
                    i.get_kind_display(),
                    i.started_at,
                    i.get_status_display(),
                    i.score,
                    i.grade,
                ]
                for i in inspections.select_related("institution")
            ),
        )
    page = Paginator(inspections, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/inspections.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    """Start an inspection of an institution against a checklist (from the list or the institution's file)."""
    actor = signed_in_user(request)
    if not has_perm(actor, Perm.SUPERVISE_REGION):
        raise Http404
    if request.method == "POST":
        form = InspectionStartForm(request.POST, actor=actor)
        if form.is_valid():
            with refusal_shown(request) as attempt:
                inspection = inspection_start(
                    institution=form.cleaned_data["institution"],
                    checklist=form.cleaned_data["checklist"],
                    kind=form.cleaned_data["kind"],
                    actor=actor,
                )
                messages.success(request, _("Inspection %(number)s started.") % {"number": inspection.number})
            if attempt.refused is None:
                return redirect("supervision:inspection_fill", pk=inspection.pk)
    else:
        form = InspectionStartForm(initial={"institution": request.GET.get("institution")}, actor=actor)
    return render(request, "supervision/inspection_new.html", {"form": form})


@login_required
def inspection_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspector's phone form: one card per item with the data's answer and its evidence (a completed
    inspection shows its record instead)."""
    inspection = get_visible_or_404(inspections_visible_to(request.user), pk=pk)
    if not may_inspect(request.user, inspection):
        if inspection.status == InspectionStatus.COMPLETED:
            return redirect("supervision:inspection", pk=inspection.pk)
        raise Http404
    context = {
        "inspection": inspection,
        "items": items_of(inspection),
        "progress": progress_of(inspection),
        "results": ItemResult.choices,
        "max_photos": MAX_PHOTOS_PER_ITEM,
        "complete_form": InspectionCompleteForm(),
    }
    return render(request, "supervision/inspection_fill.html", context)


@login_required
@require_POST
def inspection_finish(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete: score, grade, rectification orders for the failed items, the director told."""
    inspection = get_visible_or_404(inspections_editable_by(request.user), pk=pk)
    form = InspectionCompleteForm(request.POST)
    if form.is_valid():
        with refusal_shown(request) as attempt:
            inspection = inspection_complete(
                inspection=inspection, actor=signed_in_user(request), remarks=form.cleaned_data["remarks"]
            )
            messages.success(
                request,
                _("Inspection %(number)s completed: %(score)s points, grade %(grade)s.")
                % {"number": inspection.number, "score": inspection.score, "grade": inspection.grade},
            )
        if attempt.refused is None:
            return redirect("supervision:inspection", pk=inspection.pk)
    return redirect("supervision:inspection_fill", pk=inspection.pk)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The record of an inspection, read-only: for its regulators and the institution's own director."""
    inspection = get_visible_or_404(inspections_visible_to(request.user), pk=pk)
    items = items_of(inspection)
    context = {
        "inspection": inspection,
        "items": items,
        "failed": failed_items(items),
        "may_fill": may_inspect(request.user, inspection),
        "completed": inspection.status == InspectionStatus.COMPLETED,
    }
    return render(request, "supervision/inspection.html", context)


@login_required
def inspection_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(inspections_visible_to(request.user), pk=pk)
    return inspection_pdf_response(inspection)


@login_required
def inspection_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = get_visible_or_404(photos_visible_to(request.user), pk=pk)
    return serve_upload(photo.file)


@login_required
def inspection_signature(request: HttpRequest, pk: int, signer: str) -> FileResponse:
    if signer not in SIGNERS:
        raise Http404
    inspection = get_visible_or_404(inspections_visible_to(request.user), pk=pk)
    stored = getattr(inspection, f"{signer}_signature")
    if not stored:
        raise Http404
    return serve_upload(stored)


urlpatterns = [
    path("supervision/inspections/", inspection_list, name="inspections"),
    path("supervision/inspections/new/", inspection_new, name="inspection_new"),
    path("supervision/inspections/<int:pk>/", inspection_detail, name="inspection"),
    path("supervision/inspections/<int:pk>/fill/", inspection_fill, name="inspection_fill"),
    path("supervision/inspections/<int:pk>/complete/", inspection_finish, name="inspection_complete"),
    path("supervision/inspections/<int:pk>/record.pdf", inspection_pdf, name="inspection_pdf"),
    path("supervision/inspections/photos/<int:pk>/", inspection_photo, name="inspection_photo"),
    path(
        "supervision/inspections/<int:pk>/signatures/<str:signer>/",
        inspection_signature,
        name="inspection_signature",
    ),
]
