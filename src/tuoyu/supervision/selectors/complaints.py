"""Reads of complaints: scoped through the cases the actor may see (never an institution: the complaint kind
is not shown to institutions), the complainant's identity for the handler only, and the public status by
ticket."""

import datetime
from dataclasses import dataclass

from django.db.models import Case as When_
from django.db.models import F, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.access import actor_pk
from tuoyu.cases.models import Case
from tuoyu.cases.selectors import cases_visible_to
from tuoyu.supervision.casekinds import CONCLUDED, HANDLING, RECEIVED, RECTIFICATION
from tuoyu.supervision.models import Complaint, ComplaintOutcome
from tuoyu.supervision.services.complaints import ticket_normalised


def complaints_visible_to(actor: object) -> QuerySet[Complaint]:
    """The complaints about institutions the actor supervises (the kind is invisible to institutions)."""
    return Complaint.objects.filter(case__in=Case.objects.visible_to(actor)).select_related(
        "case", "case__institution", "case__assignee"
    )


def complaints_to_handle(actor: object) -> QuerySet[Complaint]:
    """The regulator's list: those to start first (earliest start-by day first), then those being handled,
    then the concluded ones."""
    order = When_(
        When(case__status=RECEIVED, then=Value(0)),
        When(case__status=HANDLING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        complaints_visible_to(actor)
        .annotate(stage=order)
        .order_by("stage", F("start_by").asc(nulls_last=True), "received_at", "pk")
    )


@dataclass(frozen=True)
class Identity:
    name: str
    phone: str
    account: str  # the account's display name and masked number, "" when none


def complainant_identity(complaint: Complaint, actor: object) -> Identity | None:
    """Who complained, for the regulator handling the complaint only (its case's assignee); None for
    everyone else, and for an anonymous complaint."""
    if complaint.anonymous or complaint.case.assignee_id is None:
        return None
    if complaint.case.assignee_id != actor_pk(actor):
        return None
    account = complaint.complainant
    return Identity(
        name=complaint.complainant_name,
        phone=complaint.complainant_phone,
        account=str(account) if account is not None else "",
    )


def complaint_by_ticket(ticket: str) -> Complaint | None:
    ticket = ticket_normalised(ticket)
    if not ticket:
        return None
    return Complaint.objects.select_related("case").filter(ticket=ticket).first()


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the ticket reads: never who complained, never the regulator's notes."""

    ticket: str
    status: str
    status_label: str
    updated: datetime.datetime
    progress: str
    start_by: datetime.date | None
    start_by_unknown_year: int | None
    outcome: str


def start_by_text(complaint: Complaint) -> str:
    if complaint.start_by is not None:
        return _("to be started by %(day)s") % {"day": complaint.start_by.isoformat()}
    year = complaint.case.deadline_year_unknown
    if year:
        return _(
            "to be started within %(days)d working days; the holidays of %(year)d are not published yet, "
            "so the date is not set"
        ) % {"days": complaint.case.deadline_days, "year": year}
    return ""


def public_progress(complaint: Complaint) -> str:
    """The line of progress shown on the status page."""
    case = complaint.case
    received = timezone.localdate(complaint.received_at).isoformat()
    if case.status == RECEIVED:
        return _("Received on %(day)s, %(start_by)s.") % {
            "day": received,
            "start_by": start_by_text(complaint),
        }
    if case.status == CONCLUDED and case.outcome:
        outcome = ComplaintOutcome(case.outcome).label
        line = _("Concluded: %(outcome)s.") % {"outcome": outcome}
        return f"{line} {complaint.public_progress}".strip()
    return complaint.public_progress or _("Your complaint is being handled.")


def public_status(complaint: Complaint) -> PublicStatus:
    case = complaint.case
    return PublicStatus(
        ticket=complaint.ticket,
        status=case.status,
        status_label=case.status_label,
        updated=case.updated_at,
        progress=public_progress(complaint),
        start_by=complaint.start_by,
        start_by_unknown_year=case.deadline_year_unknown,
        outcome=case.outcome,
    )


def rectifications_of(complaint: Complaint, actor: object) -> QuerySet[Case]:
    """The rectification orders a substantiated complaint opened, as the actor may see them."""
    return (
        cases_visible_to(actor)
        .filter(
            kind=RECTIFICATION,
            source_key=f"complaint:{complaint.pk}",
            institution=complaint.case.institution_id,
        )
        .order_by("pk")
    )
