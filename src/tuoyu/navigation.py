from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, has_perm, may_use_back_office, roles_of
from tuoyu.accounts.models import Role
from tuoyu.notifications.selectors import unread_count


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    key: str


def navigation_for(user: object) -> list[NavItem]:
    """The navigation a user sees: only what their roles allow."""
    items = []
    if has_perm(user, Perm.SUPERVISE_REGION):
        items.append(NavItem(_("Supervision desk"), reverse("supervision:desk"), "desk"))
    items += [
        NavItem(_("District overview"), reverse("insights:home"), "overview"),
        NavItem(_("Find childcare"), reverse("enrolment:finder"), "directory"),
    ]
    if Role.GUARDIAN in roles_of(user):
        items.append(NavItem(_("My family"), reverse("enrolment:family"), "family"))
        items.append(NavItem(_("Daily reports"), reverse("daycare:family_reports"), "reports"))
        if not has_perm(user, Perm.VIEW_HEALTH):  # staff who are parents too find their children there
            items.append(NavItem(_("Growth and health"), reverse("health:children"), "health"))
        items.append(NavItem(_("Temporary care"), reverse("bookings:index"), "bookings"))
    if has_perm(user, Perm.SUPERVISE_REGION):
        items.append(NavItem(_("Institutions under supervision"), reverse("registry:manage_list"), "manage"))
    elif has_perm(user, Perm.VIEW_INSTITUTION_FILE):
        label = _("Partner institutions") if Role.DOCTOR in roles_of(user) else _("My institution")
        items.append(NavItem(label, reverse("registry:manage_list"), "manage"))
    if has_perm(user, Perm.SUPERVISE_REGION):
        items.append(NavItem(_("Rectifications"), reverse("supervision:rectifications"), "rectifications"))
        items.append(NavItem(_("Inspections"), reverse("supervision:inspections"), "inspections"))
        items.append(NavItem(_("Complaints"), reverse("supervision:complaints"), "complaints"))
        items.append(NavItem(_("Risk ranking"), reverse("supervision:risk"), "risk"))
        items.append(NavItem(_("Inspection plans"), reverse("supervision:plans"), "plans"))
    elif has_perm(user, Perm.CHANGE_INSTITUTION) and has_perm(user, Perm.VIEW_FINDINGS):
        items.append(
            NavItem(_("Rectification notices"), reverse("supervision:rectifications"), "rectifications")
        )
    if Role.GUARDIAN in roles_of(user):
        items.append(NavItem(_("Fee statements"), reverse("fees:family"), "family-fees"))
        items.append(NavItem(_("Childcare allowance"), reverse("fees:allowance"), "allowance"))
    if has_perm(user, Perm.DECIDE_SUBSIDIES):
        items.append(NavItem(_("Subsidy funds"), reverse("subsidies:dashboard"), "subsidy-funds"))
    if has_perm(user, Perm.DECIDE_SUBSIDIES) or has_perm(user, Perm.CLAIM_SUBSIDIES):
        items.append(NavItem(_("Subsidy claims"), reverse("subsidies:claims"), "subsidies"))
    if has_perm(user, Perm.MANAGE_FEES):
        items.append(NavItem(_("Fees"), reverse("fees:index"), "fees"))
    if has_perm(user, Perm.RECORD_CARE):
        items.append(NavItem(_("Today in care"), reverse("daycare:home"), "care"))
    if (
        Role.GUARDIAN in roles_of(user)
        or has_perm(user, Perm.MESSAGE_FAMILIES)
        or Role.CAREGIVER in roles_of(user)
    ):
        items.append(NavItem(_("Family messages"), reverse("messaging:index"), "family-messages"))
    if has_perm(user, Perm.MESSAGE_FAMILIES):
        items.append(NavItem(_("Notices"), reverse("messaging:notices"), "notices"))
    if has_perm(user, Perm.VIEW_DAILY_SUPERVISION) and has_perm(user, Perm.SUPERVISE_REGION):
        items.append(NavItem(_("Daily supervision"), reverse("daycare:district"), "district"))
    if has_perm(user, Perm.MANAGE_ENROLMENT):
        items.append(NavItem(_("Enrolment"), reverse("enrolment:queue"), "enrolment"))
        items.append(NavItem(_("Bookable care"), reverse("bookings:manage"), "bookings-manage"))
    if has_perm(user, Perm.RECORD_HEALTH):
        items.append(NavItem(_("Health tasks"), reverse("enrolment:tasks"), "tasks"))
    if has_perm(user, Perm.VIEW_HEALTH):
        items.append(NavItem(_("Children's health"), reverse("health:children"), "health"))
    if Role.DOCTOR in roles_of(user):
        items.append(NavItem(_("Doctor's visits"), reverse("health:visits"), "visits"))
    if has_perm(user, Perm.WATCH_OUTBREAKS):
        items.append(NavItem(_("Outbreak watch"), reverse("health:outbreaks"), "outbreaks"))
    if has_perm(user, Perm.SUPERVISE_REGION):
        items.append(NavItem(_("Health record access log"), reverse("health:access_log"), "access-log"))
    if has_perm(user, Perm.LIFT_LOCKOUTS):
        items.append(NavItem(_("Sign-in lockouts"), reverse("accounts:lockouts"), "lockouts"))
    if has_perm(user, Perm.REVIEW_FILING):
        items.append(NavItem(_("Filing review"), reverse("filings:list"), "filings"))
    elif has_perm(user, Perm.PREPARE_FILING):
        items.append(NavItem(_("Filings"), reverse("filings:list"), "filings"))
    if has_perm(user, Perm.VIEW_STAFF):
        items.append(NavItem(_("Expiring certificates"), reverse("workforce:expiring"), "expiring"))
        items.append(NavItem(_("Training"), reverse("workforce:training"), "training"))
    if has_perm(user, Perm.VIEW_FINDINGS):
        items.append(NavItem(_("Rules catalogue"), reverse("supervision:rules"), "rules"))
    if may_use_back_office(user):
        items.append(NavItem(_("Back office"), reverse("admin:index"), "admin"))
    return items


def _unread_messages(request: HttpRequest) -> int:
    """Counted once per request, and only by a template that shows it (the admin renders many contexts)."""
    if not hasattr(request, "_unread_messages"):
        request._unread_messages = unread_count(request.user)  # type: ignore[attr-defined]
    return request._unread_messages  # type: ignore[attr-defined]


def navigation(request: HttpRequest) -> dict[str, object]:
    return {
        "nav_items": navigation_for(request.user),
        "unread_messages": SimpleLazyObject(lambda: _unread_messages(request)),
    }
