import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import Perm, actor_may, get_visible_or_404, has_perm
from tuoyu.accounts.identity import mask_identity_number
from tuoyu.exports import xlsx_download
from tuoyu.refusals import Refusal, refusal_shown
from tuoyu.registry.models import Institution
from tuoyu.uploads import serve_upload
from tuoyu.workforce import excel, services
from tuoyu.workforce.forms import (
    CertificateForm,
    DutyForm,
    EndEmploymentForm,
    ImportForm,
    StaffForm,
    TrainingSessionForm,
)
from tuoyu.workforce.models import CertificateType, employed_on
from tuoyu.workforce.selectors import (
    EXPIRY_WARNING_DAYS,
    certificate_scan_get_for,
    certificates_expiring,
    certification_of,
    institution_get_for,
    manages_training,
    roster_of,
    staff_enrolable_by,
    staff_of_institution,
    staff_visible_to,
    training_coverage_visible_to,
    training_enrolments_visible_to,
    training_regions_of,
    training_sessions_visible_to,
)


def _may_change(request: HttpRequest, institution: Institution) -> bool:
    return actor_may(request.user, Perm.CHANGE_STAFF, institution.pk)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    return xlsx_download(content, filename)


@login_required
def staff_register(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_get_for(request.user, code)
    today = timezone.localdate()
    staff = staff_of_institution(request.user, institution.pk, on=today).prefetch_related("certificates")
    rows = [
        {
            "staff": status.staff,
            "masked_id": mask_identity_number(status.staff.id_number),
            "missing": status.missing,
            "expiring": [
                c
                for c in status.staff.certificates.all()
                if c.expires_on
                and today <= c.expires_on <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
            ],
        }
        for status in certification_of(staff, today)
    ]
    context = {
        "institution": institution,
        "rows": rows,
        "certified": sum(1 for row in rows if not row["missing"]),
        "may_change": _may_change(request, institution),
    }
    return render(request, "workforce/register.html", context)


@login_required
def staff_add(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_get_for(request.user, code, Perm.CHANGE_STAFF)
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff = services.staff_hire(institution=institution, **form.cleaned_data)
        except Refusal as refusal:  # already employed: a fact about the identity number
            form.add_error("id_number", refusal.text)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("%(name)s was added to the register.") % {"name": staff.name})
            return redirect("workforce:staff", code=staff.code)
    return render(request, "workforce/staff_form.html", {"institution": institution, "form": form})


@login_required
def staff_detail(request: HttpRequest, code: str) -> HttpResponse:
    staff = get_visible_or_404(staff_visible_to(request.user), code=code)
    today = timezone.localdate()
    may_change = _may_change(request, staff.institution)
    certificate_form = CertificateForm(request.POST or None, request.FILES or None, prefix="certificate")
    if request.method == "POST" and may_change and certificate_form.is_valid():
        with refusal_shown(request):
            services.certificate_record(staff=staff, **certificate_form.cleaned_data)
            messages.success(request, _("The certificate was recorded."))
            return redirect("workforce:staff", code=staff.code)
    context = {
        "staff": staff,
        "masked_id": mask_identity_number(staff.id_number),
        "status": (status := certification_of([staff], today)[0]),
        "missing": [CertificateType(kind).label for kind in sorted(status.missing)],
        "certificates": staff.certificates.order_by("certificate_type", "-issued_on"),
        "today": today,
        "may_change": may_change,
        "certificate_form": certificate_form,
        "end_form": EndEmploymentForm(initial={"employed_until": today}),
    }
    return render(request, "workforce/staff_detail.html", context)


@login_required
@require_POST
def identity_number_reveal(request: HttpRequest, code: str) -> HttpResponse:
    """The full identity number, for the staff member's own director only (e.g. for social insurance); each
    reveal is written to the audit log."""
    staff = get_visible_or_404(staff_visible_to(request.user), code=code)
    if not _may_change(request, staff.institution):
        raise Http404
    services.identity_number_reveal(actor=request.user, staff=staff)  # type: ignore[arg-type]
    return render(request, "workforce/identity_number.html", {"staff": staff})


@login_required
@require_POST
def staff_end(request: HttpRequest, code: str) -> HttpResponse:
    staff = get_visible_or_404(staff_visible_to(request.user), code=code)
    if not _may_change(request, staff.institution):
        raise Http404
    form = EndEmploymentForm(request.POST)
    if form.is_valid():
        with refusal_shown(request):
            services.staff_end_employment(staff=staff, on=form.cleaned_data["employed_until"])
            messages.success(request, _("The employment of %(name)s was ended.") % {"name": staff.name})
    return redirect("workforce:staff", code=staff.code)


@login_required
def certificate_scan(request: HttpRequest, code: str) -> FileResponse:
    certificate = certificate_scan_get_for(request.user, code)
    return serve_upload(certificate.scan, download_name=certificate.scan_download_name)


@login_required
def staff_import(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_get_for(request.user, code, Perm.CHANGE_STAFF)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[excel.RowError] = []
    if request.method == "POST" and form.is_valid():
        try:
            created = excel.staff_import(institution=institution, content=form.cleaned_data["file"])
        except excel.StaffImportError as error:
            errors = error.errors
        else:
            messages.success(request, _("%(n)d staff members were imported.") % {"n": len(created)})
            return redirect("workforce:register", code=institution.code)
    return render(
        request, "workforce/import.html", {"institution": institution, "form": form, "errors": errors}
    )


@login_required
def staff_template(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.CHANGE_STAFF):
        raise Http404
    return _xlsx(excel.import_template(), "staff-import-template.xlsx")


@login_required
def staff_export(request: HttpRequest) -> HttpResponse:
    """The register of every institution the user may see (or one, with ?institution=), identity masked."""
    staff = (
        staff_visible_to(request.user)
        .filter(employed_until__isnull=True)
        .order_by("institution__name", "name")
    )
    if code := request.GET.get("institution"):
        staff = staff.filter(institution=institution_get_for(request.user, code))
    if not has_perm(request.user, Perm.VIEW_STAFF):
        raise Http404
    return _xlsx(excel.staff_export(staff), f"staff-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def roster(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_get_for(request.user, code)
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    staff = staff_of_institution(request.user, institution.pk, on=day)
    classes = institution.classes.order_by("age_band", "name")
    form = DutyForm(
        request.POST or None,
        initial={"day": day},
        staff_choices=[(str(s.code), f"{s.name} · {s.get_role_display()}") for s in staff],
        class_choices=[("", "—"), *[(str(c.code), c.name) for c in classes]],
    )
    may_change = _may_change(request, institution)
    if request.method == "POST" and may_change and form.is_valid():
        person = get_visible_or_404(staff, code=form.cleaned_data["staff"])
        care_class = (
            classes.filter(code=form.cleaned_data["care_class"]).first()
            if form.cleaned_data["care_class"]
            else None
        )
        with refusal_shown(request):
            services.duty_schedule(staff=person, day=form.cleaned_data["day"], care_class=care_class)
            messages.success(
                request,
                _("%(name)s is on duty on %(day)s.") % {"name": person.name, "day": form.cleaned_data["day"]},
            )
            return redirect(f"{request.path}?day={form.cleaned_data['day']}")
    shifts = roster_of(request.user, institution.pk, on=day)
    context = {
        "institution": institution,
        "day": day,
        "shifts": shifts,
        "form": form,
        "may_change": may_change,
    }
    return render(request, "workforce/roster.html", context)


@login_required
def expiring(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.VIEW_STAFF):
        raise Http404
    today = timezone.localdate()
    context = {
        "certificates": certificates_expiring(request.user, on=today),
        "days": EXPIRY_WARNING_DAYS,
        "today": today,
    }
    return render(request, "workforce/expiring.html", context)


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.VIEW_STAFF):
        raise Http404
    regions = [(str(region.pk), region.name) for region in training_regions_of(request.user)]
    form = TrainingSessionForm(request.POST or None, region_choices=regions)
    if request.method == "POST" and regions and form.is_valid():
        data = form.cleaned_data
        with refusal_shown(request):
            session = services.training_schedule(region_id=int(data.pop("region")), **data)
            messages.success(request, _("The session “%(title)s” was scheduled.") % {"title": session.title})
            return redirect("workforce:training_detail", code=session.code)
    context = {
        "sessions": training_sessions_visible_to(request.user).annotate(enrolled=Count("enrolments")),
        "form": form if regions else None,
        "coverage": training_coverage_visible_to(request.user, timezone.localdate()),
    }
    return render(request, "workforce/training_list.html", context)


@login_required
def training_detail(request: HttpRequest, code: str) -> HttpResponse:
    session = get_visible_or_404(training_sessions_visible_to(request.user), code=code)
    candidates = staff_enrolable_by(request.user).filter(employed_on(session.day))
    enrolments = training_enrolments_visible_to(request.user, session)
    manages = manages_training(request.user, session)
    if request.method == "POST":
        with refusal_shown(request):
            if "enrol" in request.POST:
                person = get_visible_or_404(candidates, code=request.POST["enrol"])
                services.training_enrol(session=session, staff=person)
                messages.success(request, _("%(name)s was enrolled.") % {"name": person.name})
            elif "attendance" in request.POST and manages:
                attended = set(request.POST.getlist("attended"))
                for enrolment in session.enrolments.all():
                    services.training_record_attendance(
                        enrolment=enrolment, attended=str(enrolment.pk) in attended
                    )
                messages.success(request, _("Attendance was recorded."))
        return redirect("workforce:training_detail", code=session.code)
    enrolled_ids = set(session.enrolments.values_list("staff_id", flat=True))
    context = {
        "session": session,
        "enrolments": enrolments,
        "enrolled_count": len(enrolled_ids),
        "candidates": candidates.exclude(pk__in=enrolled_ids).order_by("name"),
        "manages": manages,
    }
    return render(request, "workforce/training_detail.html", context)
