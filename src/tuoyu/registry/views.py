from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, Perm, actor_may, get_visible_or_404, has_perm
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.refusals import refusal_shown
from tuoyu.registry.forms import ClassCaregiversForm
from tuoyu.registry.selectors import (
    classes_visible_to,
    closed_days_visible_to,
    institutions_public,
    institutions_visible_to,
    with_open_findings,
)
from tuoyu.registry.services import care_class_assign_caregivers


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    institution = get_visible_or_404(institutions_public(), code=code)
    return render(request, "registry/public_detail.html", {"institution": institution})


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
