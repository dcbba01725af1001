import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from tuoyu.accounts.access import Perm, actor_may, get_visible_or_404, has_perm
from tuoyu.cases.models import Case
from tuoyu.enrolment.selectors import offers_out_of_order
from tuoyu.filings.selectors import filings_visible_to
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.rules import RULES, Severity
from tuoyu.supervision.selectors.cases import open_orders_by_finding
from tuoyu.supervision.selectors.findings import FindingRow, open_finding_rows
from tuoyu.workforce.models import Staff
from tuoyu.workforce.selectors import Certification, certification_of, staff_of_institution, training_hours


def rules_catalogue(request: HttpRequest) -> HttpResponse:
    """Public: every compliance rule with its source (规则清单)."""
    rows = [(rule, Severity(rule.severity).label) for rule in RULES.values()]
    return render(request, "supervision/rules.html", {"rows": rows})


def _with_rule(
    rows: list[FindingRow], orders: dict[int, Case]
) -> list[tuple[FindingRow, object, Case | None]]:
    """Each row with its rule and the open rectification order issued from it, if any."""
    return [(row, RULES.get(row.rule_code), orders.get(row.finding_id or 0)) for row in rows]


def _staff_rows(staff: QuerySet[Staff], today: datetime.date) -> list[tuple[Certification, float]]:
    hours = training_hours(staff, today.year)
    return [(status, hours.get(status.staff.pk, 0.0)) for status in certification_of(staff, today)]


@login_required
def institution_file(request: HttpRequest, code: str) -> HttpResponse:
    """Everything about one institution in one place: profile, filings, classes, staff, training, findings."""
    institution = get_visible_or_404(
        institutions_visible_to(request.user, Perm.VIEW_FINDINGS).select_related(
            "street", "partner_hospital"
        ),
        code=code,
    )
    today = timezone.localdate()
    staff = (
        staff_of_institution(request.user, institution.pk, on=today)
        if has_perm(request.user, Perm.VIEW_STAFF)
        else None
    )
    as_regulator = actor_may(request.user, Perm.SUPERVISE_REGION, institution.pk)
    orders = open_orders_by_finding(request.user, institution.pk) if as_regulator else {}
    context = {
        "institution": institution,
        "as_regulator": as_regulator,
        "findings": _with_rule(open_finding_rows(request.user, institution.pk), orders),
        "filings": filings_visible_to(request.user)
        .filter(institution=institution)
        .order_by(F("submitted_at").desc(nulls_first=True)),
        "classes": institution.classes.order_by("age_band", "name"),
        "staff_rows": _staff_rows(staff, today) if staff is not None else [],
        "year": today.year,
        "may_inspect": actor_may(request.user, Perm.SUPERVISE_REGION, institution.pk),
        # Places offered before applications ahead in the queue, with the director's reason.
        "out_of_order": list(offers_out_of_order(institution.pk)[:20])
        if as_regulator or actor_may(request.user, Perm.MANAGE_ENROLMENT, institution.pk)
        else None,
    }
    return render(request, "supervision/institution_file.html", context)


urlpatterns = [
    path("rules/", rules_catalogue, name="rules"),
    path("supervision/institutions/<uuid:code>/", institution_file, name="institution_file"),
]
