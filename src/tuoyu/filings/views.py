from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, Perm, actor_may, get_visible_or_404, has_perm
from tuoyu.filings import services
from tuoyu.filings.forms import FilingForm, MaterialForm, ReturnForm, return_items
from tuoyu.filings.models import Filing
from tuoyu.filings.selectors import (
    current_materials,
    filings_visible_to,
    is_overdue,
    material_get_for,
    published_decisions,
    review_queue,
    startable_filings,
)
from tuoyu.refusals import refusal_shown
from tuoyu.registry.models import ServiceType
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.uploads import serve_upload


def _filing(request: HttpRequest, code: str) -> Filing:
    return get_visible_or_404(filings_visible_to(request.user), code=code)


@login_required
def filing_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    queue = list(review_queue(request.user))
    context = {
        "queue": [(filing, is_overdue(filing, today)) for filing in queue],
        "overdue_count": sum(is_overdue(filing, today) for filing in queue),
        "filings": filings_visible_to(request.user).order_by(F("submitted_at").desc(nulls_first=True))[:100],
        "startable": startable_filings(request.user),
        "reviewer": has_perm(request.user, Perm.REVIEW_FILING),
    }
    return render(request, "filings/list.html", context)


@login_required
@require_POST
def filing_start(request: AuthenticatedRequest) -> HttpResponse:
    institution = get_visible_or_404(
        institutions_visible_to(request.user, Perm.PREPARE_FILING), code=request.POST.get("institution", "")
    )
    with refusal_shown(request):
        filing = services.filing_start(
            actor=request.user, institution=institution, kind=request.POST.get("kind", "")
        )
        return redirect("filings:edit", code=filing.code)
    return redirect("filings:list")


@login_required
def filing_detail(request: HttpRequest, code: str) -> HttpResponse:
    filing = _filing(request, code)
    may_prepare = actor_may(request.user, Perm.PREPARE_FILING, filing.institution_id)
    may_review = actor_may(request.user, Perm.REVIEW_FILING, filing.institution_id)
    items = return_items(filing)
    context = {
        "filing": filing,
        "materials": current_materials(filing),
        "problems": services.filing_problems(filing) if filing.is_editable and may_prepare else [],
        "reason_rows": reason_rows(filing, filing.version, items),
        "service_rows": service_rows(filing.service_types),
        "versions": filing.versions.order_by("-number"),
        "may_prepare": may_prepare and filing.is_editable,
        "may_review": may_review and filing.state == "submitted",
        "material_form": MaterialForm(),
        "return_form": ReturnForm(items=items),
        "overdue": is_overdue(filing, timezone.localdate()),
    }
    return render(request, "filings/detail.html", context)


def reason_rows(filing: Filing, version: int, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    labels = dict(items)
    return [(labels.get(r.item, r.item), r.reason) for r in filing.return_reasons.filter(version=version)]


def service_rows(service_types: list[dict[str, str]]) -> list[tuple[str, str]]:
    labels = dict(ServiceType.choices)
    return [(str(labels.get(s["service_type"], s["service_type"])), s["price_yuan"]) for s in service_types]


@login_required
def filing_edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    filing = _filing(request, code)
    if (
        not institutions_visible_to(request.user, Perm.PREPARE_FILING)
        .filter(pk=filing.institution_id)
        .exists()
    ):
        raise Http404
    initial = {
        "name": filing.name,
        "address": filing.address,
        "director_name": filing.director_name,
        "filed_places": filing.filed_places,
        "serves_meals": filing.serves_meals,
        "resettlement": filing.resettlement,
        "commitment": filing.commitment_accepted_at is not None,
    }
    form = FilingForm(request.POST or None, filing=filing, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request):
            services.filing_update(
                actor=request.user,
                filing=filing,
                name=form.cleaned_data["name"],
                address=form.cleaned_data["address"],
                director_name=form.cleaned_data["director_name"],
                filed_places=form.cleaned_data["filed_places"],
                services=form.services(),
                serves_meals=form.cleaned_data["serves_meals"],
                resettlement=form.cleaned_data.get("resettlement", ""),
                commitment_accepted=form.cleaned_data["commitment"],
            )
            messages.success(request, _("The filing form was saved."))
            return redirect("filings:detail", code=filing.code)
    return render(request, "filings/edit.html", {"filing": filing, "form": form})


@login_required
@require_POST
def filing_attach(request: AuthenticatedRequest, code: str) -> HttpResponse:
    filing = _filing(request, code)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = "；".join(str(error) for error in errors)
            messages.error(request, f"{label}：{text}" if label else text)
        return redirect("filings:detail", code=filing.code)
    with refusal_shown(request):
        services.filing_attach(
            actor=request.user,
            filing=filing,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            valid_until=form.cleaned_data["valid_until"],
            tenure=form.cleaned_data["tenure"],
            lease_start=form.cleaned_data["lease_start"],
            lease_end=form.cleaned_data["lease_end"],
            rating=form.cleaned_data["rating"],
        )
        messages.success(request, _("The material was attached."))
    return redirect("filings:detail", code=filing.code)


def _act(request: AuthenticatedRequest, code: str, action: str) -> HttpResponse:
    filing = _filing(request, code)
    with refusal_shown(request):
        if action == "submit":
            services.filing_submit(actor=request.user, filing=filing)
            messages.success(request, _("Submitted for review."))
        elif action == "approve":
            approved = services.filing_approve(actor=request.user, filing=filing)
            messages.success(request, _("Approved: receipt %(no)s issued.") % {"no": approved.receipt_no})
        else:
            form = ReturnForm(request.POST, items=return_items(filing))
            form.is_valid()
            services.filing_return(
                actor=request.user,
                filing=filing,
                reasons=form.reasons(),
                publish=form.cleaned_data.get("publish", False),
            )
            messages.success(request, _("Returned to the institution with your reasons."))
    return redirect("filings:detail", code=filing.code)


@login_required
@require_POST
def filing_submit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    return _act(request, code, "submit")


@login_required
@require_POST
def filing_approve(request: AuthenticatedRequest, code: str) -> HttpResponse:
    return _act(request, code, "approve")


@login_required
@require_POST
def filing_return(request: AuthenticatedRequest, code: str) -> HttpResponse:
    return _act(request, code, "return")


@login_required
def filing_version(request: HttpRequest, code: str, number: int) -> HttpResponse:
    filing = _filing(request, code)
    version = get_visible_or_404(filing.versions.all(), number=number)
    context = {
        "filing": filing,
        "version": version,
        "reason_rows": reason_rows(filing, number, return_items(filing)),
        "service_rows": service_rows(version.snapshot.get("service_types", [])),
    }
    return render(request, "filings/version.html", context)


@login_required
def material_download(request: HttpRequest, code: str) -> FileResponse:
    material = material_get_for(request.user, code)
    return serve_upload(material.file, download_name=material.original_name)


def decisions(request: HttpRequest) -> HttpResponse:
    """Public: non-compliance decisions the regulator published."""
    return render(request, "filings/decisions.html", {"decisions": published_decisions()})
