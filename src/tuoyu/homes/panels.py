"""The panels of the role homes. Each panel is a function of the user and the moment that reads through the
selectors of the app owning its data (they apply the scope) and returns a :class:`Panel`; ``PANELS`` says
which panels each role sees, in order. A user with several roles sees the panels of each, once.

Every panel's template (``homes/panels/<key>.html``) has an empty state in plain words.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.timezone import localdate

from tuoyu.accounts.models import Role
from tuoyu.bookings.selectors import upcoming_bookings_of_guardian
from tuoyu.daycare.selectors.attendance import (
    abnormal_checks_visible_to,
    care_classes_visible_to,
    day_counts,
    day_roster,
)
from tuoyu.daycare.selectors.carelog import published_reports_of_guardian
from tuoyu.daycare.selectors.ratios import class_ratio
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.selectors import desk_enrolment_counts, open_offers_of_guardian
from tuoyu.enterprises.selectors import desk as enterprise_desk
from tuoyu.health.selectors.care import referrals_visible_to
from tuoyu.health.selectors.outbreaks import excluded_children
from tuoyu.health.selectors.records import attention_rows
from tuoyu.health.selectors.schedule import overdue_visible_to
from tuoyu.messaging.selectors import unread_message_count, unread_notice_count
from tuoyu.notifications.selectors import unread_count
from tuoyu.registry.selectors import classes_of_caregiver
from tuoyu.supervision.selectors.cases import rectifications_visible_to
from tuoyu.supervision.selectors.findings import findings_visible_to
from tuoyu.workforce.selectors import certificates_expiring

SHOWN = 5  # rows a panel lists before "all …"
TRIAGE_SHOWN = 10


@dataclass
class Panel:
    """One panel: its template key, what it shows, and the children whose health data it shows (logged)."""

    key: str
    context: dict[str, Any]
    health_read: list[Child] = field(default_factory=list)


PanelFunction = Callable[[Any, datetime.datetime], Panel]


def classes_today(user: Any, now: datetime.datetime) -> Panel:
    """Today's attendance and caregiver ratio of each class where the user records the day."""
    today = localdate(now)
    rows = []
    for care_class in care_classes_visible_to(user).order_by("institution__name", "age_band", "name"):
        counts = day_counts(day_roster(care_class, today))
        rows.append({"care_class": care_class, "counts": counts, "ratio": class_ratio(care_class, today)})
    return Panel("classes_today", {"rows": rows})


def enrolment_desk(user: Any, now: datetime.datetime) -> Panel:
    waiting, offers = desk_enrolment_counts(user, now)
    return Panel("enrolment", {"waiting": waiting, "offers": offers})


def findings_and_rectifications(user: Any, now: datetime.datetime) -> Panel:
    findings = findings_visible_to(user).filter(resolved_at__isnull=True).order_by("-detected_at", "pk")
    rectifications = rectifications_visible_to(user).filter(closed_at__isnull=True).order_by("deadline", "pk")
    return Panel(
        "findings",
        {
            "findings": list(findings[:SHOWN]),
            "findings_count": findings.count(),
            "rectifications": list(rectifications[:SHOWN]),
            "rectifications_count": rectifications.count(),
        },
    )


def expiring_certificates(user: Any, now: datetime.datetime) -> Panel:
    certificates = certificates_expiring(user, on=localdate(now))
    return Panel("certificates", {"certificates": list(certificates[:SHOWN]), "count": certificates.count()})


def messages(user: Any, now: datetime.datetime) -> Panel:
    """Unread messages of the inbox."""
    return Panel("messages", {"unread": unread_count(user)})


def family_messages(user: Any, now: datetime.datetime) -> Panel:
    """The conversations between families and the class (家园沟通) waiting to be read, and unread notices."""
    return Panel(
        "family_messages",
        {"unread": unread_message_count(user, localdate(now)), "notices": unread_notice_count(user)},
    )


def my_classes(user: Any, now: datetime.datetime) -> Panel:
    """The classes a caregiver looks after; none assigned, the classes of their institution."""
    assigned = list(classes_of_caregiver(user))
    classes = assigned or list(
        care_classes_visible_to(user).order_by("institution__name", "age_band", "name")
    )
    return Panel("my_classes", {"classes": classes, "assigned": bool(assigned)})


def abnormal_checks(user: Any, now: datetime.datetime) -> Panel:
    checks = abnormal_checks_visible_to(user, localdate(now))
    return Panel(
        "abnormal_checks", {"checks": checks}, health_read=[check.attendance.child for check in checks]
    )


def overdue_exams(user: Any, now: datetime.datetime) -> Panel:
    schedules = overdue_visible_to(user, day=localdate(now))
    shown = schedules[:SHOWN]
    return Panel(
        "overdue",
        {"schedules": shown, "count": len(schedules)},
        health_read=[schedule.child for schedule in shown],
    )


def open_referrals(user: Any, now: datetime.datetime) -> Panel:
    referrals = referrals_visible_to(user, day=localdate(now)).filter(closed_at__isnull=True)
    shown = list(referrals[:SHOWN])
    return Panel(
        "referrals",
        {"referrals": shown, "count": referrals.count()},
        health_read=[referral.child for referral in shown],
    )


def excluded(user: Any, now: datetime.datetime) -> Panel:
    diagnoses = list(excluded_children(user, localdate(now)).select_related("child", "disease"))
    return Panel("excluded", {"diagnoses": diagnoses}, health_read=[d.child for d in diagnoses])


def family_reports(user: Any, now: datetime.datetime) -> Panel:
    """Each child's report of today, or the latest one."""
    latest: dict[int, Any] = {}
    for report in published_reports_of_guardian(user)[:100]:
        latest.setdefault(report.child_id, report)
    return Panel("reports", {"reports": list(latest.values()), "today": localdate(now)})


def family_offers(user: Any, now: datetime.datetime) -> Panel:
    return Panel("offers", {"offers": list(open_offers_of_guardian(user, now))})


def family_bookings(user: Any, now: datetime.datetime) -> Panel:
    return Panel("bookings", {"bookings": upcoming_bookings_of_guardian(user, localdate(now))[:3]})


def triage(user: Any, now: datetime.datetime) -> Panel:
    """The partner institutions' children who need attention, the most urgent first."""
    rows = attention_rows(user, day=localdate(now))
    shown = rows[:TRIAGE_SHOWN]
    return Panel("triage", {"rows": shown, "count": len(rows)}, health_read=[row.child for row in shown])


def supervision(user: Any, now: datetime.datetime) -> Panel:
    return Panel("supervision", {})


def enterprise_service(user: Any, now: datetime.datetime) -> Panel:
    """The enterprise service desk's counts: to accept, overdue, follow-ups due."""
    return Panel(
        "enterprise_service",
        {
            "accept": enterprise_desk.to_accept(user).count(),
            "overdue": enterprise_desk.overdue(user, localdate(now)).count(),
            "follow_up": enterprise_desk.follow_ups_due(user).count(),
        },
    )


def dispatches(user: Any, now: datetime.datetime) -> Panel:
    """The dispatches waiting for the department's reply."""
    return Panel(
        "dispatches", {"awaiting": len(enterprise_desk.dispatches_awaiting_reply(user, localdate(now)))}
    )


def enterprise_requests(user: Any, now: datetime.datetime) -> Panel:
    """The requests of the enterprise whose contact phone is the user's."""
    requests = enterprise_desk.requests_of_contact(user)
    return Panel("enterprise_requests", {"requests": list(requests[:SHOWN]), "count": requests.count()})


# The panels of each role, in the order shown.
PANELS: dict[str, list[PanelFunction]] = {
    Role.REGULATOR: [supervision],
    Role.DIRECTOR: [
        classes_today,
        enrolment_desk,
        findings_and_rectifications,
        expiring_certificates,
        family_messages,
        messages,
    ],
    Role.CAREGIVER: [my_classes, family_messages, messages],
    Role.HEALTH_WORKER: [abnormal_checks, overdue_exams, open_referrals, excluded, messages],
    Role.DOCTOR: [triage, messages],
    Role.GUARDIAN: [family_reports, family_messages, family_offers, messages, family_bookings],
    Role.ENTERPRISE_SERVICE: [enterprise_service, messages],
    Role.DEPARTMENT_CONTACT: [dispatches, messages],
}
ROLE_ORDER = [
    Role.REGULATOR,
    Role.DIRECTOR,
    Role.CAREGIVER,
    Role.HEALTH_WORKER,
    Role.DOCTOR,
    Role.GUARDIAN,
    Role.ENTERPRISE_SERVICE,
    Role.DEPARTMENT_CONTACT,
]


def panels_for(user: Any, roles: set[str], now: datetime.datetime) -> list[Panel]:
    """The panels of each of the user's roles, each panel once (the first role's place); an enterprise's
    contact, whatever their roles, sees their enterprise's requests first."""
    functions: list[PanelFunction] = []
    if enterprise_desk.is_enterprise_contact(user):
        functions.append(enterprise_requests)
    for role in ROLE_ORDER:
        if role in roles:
            functions += [function for function in PANELS[role] if function not in functions]
    return [function(user, now) for function in functions]
