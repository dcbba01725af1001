from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tuoyu.accounts.access import AuthenticatedRequest, Perm, actor_may, get_visible_or_404, has_perm
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.refusals import Refusal, refusal_shown
from tuoyu.registry import services
from tuoyu.registry.forms import ClassCaregiversForm, InstitutionPhotoForm
from tuoyu.registry.selectors import (
    classes_visible_to,
    closed_days_visible_to,
    institution_photos_visible_to,
    institutions_public,
    institutions_visible_to,
    with_open_findings,
)
from tuoyu.registry.services import care_class_assign_caregivers
from tuoyu.uploads import serve_upload


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    institution = get_visible_or_404(institutions_public(), code=code)
    context = {"institution": institution, "photos": institution.photos.all()}
    return render(request, "registry/public_detail.html", context)


# Photos of the institution ---------------------------------------------------------------------------------


@require_safe
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of an institution, public as its page is; served as the image it is, never inline HTML."""
    return serve_upload(get_visible_or_404(institution_photos_visible_to(request.user), pk=pk).image)


def _form_refusal(form: forms.Form) -> Refusal:
    for errors in form.errors.values():
        return Refusal(str(errors[0]), "invalid")
    return Refusal(_("Please check the form."), "invalid")


@login_required
@require_POST
def photo_add(request: AuthenticatedRequest, code: str) -> HttpResponse:
    institution = get_visible_or_404(
        institutions_visible_to(request.user, Perm.CHANGE_INSTITUTION), code=code
    )
    form = InstitutionPhotoForm(request.POST, request.FILES)
    with refusal_shown(request):
        if not form.is_valid():
            raise _form_refusal(form)
        services.institution_photo_add(
            actor=request.user,
            institution=institution,
            upload=form.cleaned_data["image"],
            caption=form.cleaned_data["caption"],
        )
        messages.success(request, _("The photo is on the institution's public page."))
    return redirect("registry:manage_detail", code=institution.code)


@login_required
@require_POST
def photo_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    picture = get_visible_or_404(institution_photos_visible_to(request.user), pk=pk)
    services.institution_photo_delete(actor=request.user, photo=picture)
    messages.success(request, _("The photo was deleted."))
    return redirect("registry:manage_detail", code=picture.institution.code)


@login_required
@require_POST
def photo_move_up(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    picture = get_visible_or_404(institution_photos_visible_to(request.user), pk=pk)
    services.institution_photo_move_up(actor=request.user, photo=picture)
    return redirect("registry:manage_detail", code=picture.institution.code)


MANAGE_PAGE_SIZE = 50  # a province regulator is responsible for thousands


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    """The institutions within the user's responsibility, a page at a time; for a regulator, with the count
    of each one's open findings. ``?format=xlsx``: all of them as a spreadsheet."""
    supervises = has_perm(request.user, Perm.SUPERVISE_REGION)
    institutions = (
        institutions_visible_to(request.user)
        .select_related("street", "partner_hospital")
        .order_by("street__code", "name", "pk")
    )
    if supervises:
        institutions = with_open_findings(institutions)
    if wants_xlsx(request):
        header = [_("Name"), _("Street / town"), _("Filing status"), _("Operating status"), _("Filed places")]
        return xlsx_response(
            filename="institutions",
            title=_("Institutions"),
            header=[*header, _("Open findings")] if supervises else header,
            rows=(
                [
                    institution.name,
                    institution.street.name,
                    institution.get_filing_status_display(),
                    institution.get_operating_status_display(),
                    institution.filed_places,
                    *([institution.open_findings] if supervises else []),  # type: ignore[attr-defined]
                ]
                for institution in institutions
            ),
        )
    page = Paginator(institutions, MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"institutions": page.object_list, "page": page, "supervises": supervises}
    return render(request, "registry/manage_list.html", context)


@login_required
def manage_detail(request: HttpRequest, code: str) -> HttpResponse:
    institution = get_visible_or_404(
        institutions_visible_to(request.user).select_related("street", "partner_hospital"), code=code
    )
    may_assign = actor_may(request.user, Perm.CHANGE_INSTITUTION, institution.pk)
    classes = institution.classes.order_by("age_band", "name").prefetch_related("caregivers")
    context = {
        "institution": institution,
        "classes": [
            (care_class, ClassCaregiversForm(care_class=care_class) if may_assign else None)
            for care_class in classes
        ],
        "closed_days": closed_days_visible_to(request.user).filter(
            institution=institution, day__gte=timezone.localdate()
        )[:10],
        "perms_file": actor_may(request.user, Perm.VIEW_FINDINGS, institution.pk),
        "may_view_children": actor_may(request.user, Perm.VIEW_CHILDREN, institution.pk),
        "may_change": (may_change := actor_may(request.user, Perm.CHANGE_INSTITUTION, institution.pk)),
        "photos": institution.photos.all() if may_change else [],
        "photo_form": InstitutionPhotoForm() if may_change else None,
        "max_photos": services.MAX_INSTITUTION_PHOTOS,
    }
    return render(request, "registry/manage_detail.html", context)


@login_required
@require_POST
def class_caregivers(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The director sets who looks after a class (the caregivers' homes open on its screen)."""
    care_class = get_visible_or_404(classes_visible_to(request.user).select_related("institution"), code=code)
    form = ClassCaregiversForm(request.POST, care_class=care_class)
    if form.is_valid():
        with refusal_shown(request):
            care_class_assign_caregivers(
                actor=request.user, care_class=care_class, caregivers=form.cleaned_data["caregivers"]
            )
            messages.success(
                request, _("The caregivers of %(class)s are saved.") % {"class": care_class.name}
            )
    else:
        messages.error(request, _("Choose among the institution's caregivers."))
    return redirect("registry:manage_detail", care_class.institution.code)
