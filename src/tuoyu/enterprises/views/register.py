"""The enterprises register of the service desk: the list (search, filters, Excel), registering and editing an
enterprise, its page with its timeline, and the all-or-nothing Excel import."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuoyu.accounts.access import AuthenticatedRequest, get_visible_or_404
from tuoyu.enterprises import excel
from tuoyu.enterprises.forms.register import EnterpriseFilterForm, EnterpriseForm, EnterpriseImportForm
from tuoyu.enterprises.models import Enterprise
from tuoyu.enterprises.selectors.access import enterprises_visible_to
from tuoyu.enterprises.selectors.enterprise import (
    enterprise_public_institution,
    enterprise_timeline,
    enterprises_found,
    serves_enterprises,
    streets_served_by,
)
from tuoyu.enterprises.services.register import enterprise_register, enterprise_update
from tuoyu.exports import wants_xlsx, xlsx_download, xlsx_response

PAGE_SIZE = 30


def _must_serve(request: AuthenticatedRequest) -> None:
    if not serves_enterprises(request.user):
        raise Http404


@login_required
def enterprise_list(request: AuthenticatedRequest) -> HttpResponse:
    """The officer's enterprises: search by name or credit code, filter by street and industry; the contact's
    phone masked. ``?format=xlsx``: the same rows as a spreadsheet."""
    _must_serve(request)
    form = EnterpriseFilterForm(request.GET or None, streets=streets_served_by(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    enterprises = enterprises_found(
        request.user,
        query=filters.get("q", ""),
        street=filters.get("street"),
        industry=filters.get("industry", ""),
    )
    if wants_xlsx(request):
        return xlsx_response(
            filename="enterprises",
            title=_("Enterprises"),
            header=[
                _("Enterprise name"),
                _("Unified social credit code"),
                _("Address"),
                _("Street"),
                _("Industry"),
                _("Contact person"),
                _("Contact phone"),
                _("Childcare institution"),
                _("Note"),
            ],
            rows=(
                [
                    enterprise.name,
                    enterprise.credit_code,
                    enterprise.address,
                    enterprise.street.name,
                    enterprise.get_industry_display(),
                    enterprise.contact_name,
                    enterprise.masked_contact_phone,
                    enterprise.institution.name if enterprise.institution else "",
                    enterprise.note,
                ]
                for enterprise in enterprises
            ),
        )
    page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "enterprises": page.object_list, "query": query.urlencode()}
    return render(request, "enterprises/enterprise_list.html", context)


@login_required
def enterprise_new(request: AuthenticatedRequest) -> HttpResponse:
    _must_serve(request)
    form = EnterpriseForm(request.POST or None, streets=streets_served_by(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_register(actor=request.user, **form.fields_for_service())
        except ValidationError as error:  # a refusal too: shown in the form
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": enterprise.name})
            return redirect("enterprises:enterprise", code=enterprise.code)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": None})


def _enterprise_of(request: AuthenticatedRequest, code: UUID) -> Enterprise:
    return get_visible_or_404(enterprises_visible_to(request.user), code=code)


@login_required
def enterprise_edit(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    enterprise = _enterprise_of(request, code)
    form = EnterpriseForm(request.POST or None, instance=enterprise, streets=streets_served_by(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_update(actor=request.user, enterprise=enterprise, **form.fields_for_service())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The record of %(name)s was saved.") % {"name": enterprise.name})
            return redirect("enterprises:enterprise", code=enterprise.code)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": enterprise})


@login_required
def enterprise_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """The enterprise's record (its contact's phone in full), the childcare institution linked by the credit
    code, and its timeline: every visit and every step of every request, newest first."""
    enterprise = _enterprise_of(request, code)
    context = {
        "enterprise": enterprise,
        "public_institution": enterprise_public_institution(enterprise),
        "timeline": enterprise_timeline(enterprise, request.user),
    }
    return render(request, "enterprises/enterprise_detail.html", context)


@login_required
def enterprise_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload the filled-in template: every row is imported or none; the result lists what was registered and
    what was updated, or every bad row with its column and reason."""
    _must_serve(request)
    form = EnterpriseImportForm(request.POST or None, request.FILES or None)
    errors: list[excel.RowError] = []
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = excel.enterprises_import(actor=request.user, content=form.cleaned_data["file"])
        except excel.EnterpriseImportError as error:
            errors = error.errors
        else:
            form = EnterpriseImportForm()
    context = {"form": form, "errors": errors, "result": result}
    return render(request, "enterprises/enterprise_import.html", context)


@login_required
def enterprise_template(request: AuthenticatedRequest) -> HttpResponse:
    """The import template, with the officer's streets and the industries as drop-down lists."""
    _must_serve(request)
    return xlsx_download(excel.import_template(request.user), "enterprise-import-template.xlsx")
