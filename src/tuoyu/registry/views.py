from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tuoyu.accounts.access import Perm, actor_may, get_visible_or_404
from tuoyu.registry.selectors import closed_days_visible_to, institutions_public, institutions_visible_to


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    institution = get_visible_or_404(institutions_public(), code=code)
    return render(request, "registry/public_detail.html", {"institution": institution})


MANAGE_PAGE_SIZE = 50  # a province regulator is responsible for thousands


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    institutions = (
        institutions_visible_to(request.user)
        .select_related("street", "partner_hospital")
        .order_by("street__code", "name", "pk")
    )
    page = Paginator(institutions, MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/manage_list.html", {"institutions": page.object_list, "page": page})


@login_required
def manage_detail(request: HttpRequest, code: str) -> HttpResponse:
    institution = get_visible_or_404(
        institutions_visible_to(request.user).select_related("street", "partner_hospital"), code=code
    )
    context = {
        "institution": institution,
        "classes": institution.classes.order_by("age_band", "name"),
        "closed_days": closed_days_visible_to(request.user).filter(
            institution=institution, day__gte=timezone.localdate()
        )[:10],
        "perms_file": actor_may(request.user, Perm.VIEW_FINDINGS, institution.pk),
        "may_view_children": actor_may(request.user, Perm.VIEW_CHILDREN, institution.pk),
    }
    return render(request, "registry/manage_detail.html", context)
