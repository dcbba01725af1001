"""Complaints (投诉举报): anyone submits one about an institution of the public directory, anonymously or
with a name and a mobile number; the ticket is the only way to follow it. The regulators of the
institution's region see it without who made it; the one who starts it becomes its handler and alone reads
who complained. It must be started within ``complaints.start_days`` working days; its outcome
(substantiated, inconclusive, unfounded) comes with reasons, and a substantiated one opens a rectification
order that carries nothing of the complainant. The institution never sees the complaint itself.
"""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.accounts.models import User
from tuoyu.accounts.validators import validate_mainland_mobile
from tuoyu.cases.kinds import Side
from tuoyu.cases.models import Case
from tuoyu.cases.services import case_act, case_open, deadline_after
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.policies.values import policy
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.selectors import institutions_public, regulators_of
from tuoyu.rules import Severity
from tuoyu.supervision.casekinds import COMPLAINT, CONCLUDE, START
from tuoyu.supervision.models import Complaint, ComplaintCategory, ComplaintOutcome
from tuoyu.supervision.services.rectification import rectification_issue

# Read out and typed by a person: no 0/O, no 1/I.
TICKET_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
TICKET_PREFIX = "TS"
TICKET_LENGTH = 10
MAX_CONTENT = 2000
MAX_NAME = 40
MAX_REASONS = 2000
MAX_PROGRESS = 300


def ticket_new() -> str:
    """An unguessable ticket: ``TS`` and 10 characters of a 32-letter alphabet (50 bits)."""
    return TICKET_PREFIX + "".join(secrets.choice(TICKET_ALPHABET) for _n in range(TICKET_LENGTH))


def ticket_normalised(text: str) -> str:
    """A ticket as typed (spaces, dashes, lower case) in its stored form."""
    return "".join(char for char in text.upper() if char.isalnum())[:20]


def _content_checked(content: str) -> str:
    content = content.strip()
    if not content:
        raise Refusal(_("Please say what happened."), code="complaint_content_required")
    if len(content) > MAX_CONTENT:
        raise Refusal(
            _("Please keep the complaint within %(max)d characters.") % {"max": MAX_CONTENT},
            code="complaint_content_too_long",
        )
    return content


def _date_checked(happened_on: datetime.date | None, today: datetime.date) -> datetime.date | None:
    if happened_on is not None and happened_on > today:
        raise Refusal(_("The date it happened cannot be in the future."), code="complaint_date_in_future")
    return happened_on


@transaction.atomic
def complaint_submit(
    *,
    institution_code: str,
    category: str,
    content: str,
    anonymous: bool,
    happened_on: datetime.date | None = None,
    name: str = "",
    phone: str = "",
    account: User | None = None,
) -> Complaint:
    """Receive a complaint about an institution of the public directory and open its case.

    Anonymous: nothing of the complainant is kept, not even a signed-in account. Otherwise a name and a
    mobile number (a signed-in account gives its own when they are left empty), and the account is kept."""
    institution = institutions_public().filter(code=institution_code).first()
    if institution is None:
        raise Refusal(
            _("Choose an institution of the public directory."), code="complaint_institution_unknown"
        )
    if category not in ComplaintCategory.values:
        raise Refusal(_("Choose what the complaint is about."), code="complaint_category_unknown")
    content = _content_checked(content)
    now = timezone.now()
    today = timezone.localdate(now)
    happened_on = _date_checked(happened_on, today)
    if anonymous:
        name, phone, account = "", "", None
    else:
        name = (name.strip() or (account.display_name if account else ""))[:MAX_NAME]
        phone = phone.strip() or (account.phone if account else "")
        if not name or not phone:
            raise Refusal(
                _("Give your name and mobile number, or choose to complain anonymously."),
                code="complaint_identity_required",
            )
        validate_mainland_mobile(phone)
    start_days = policy("complaints.start_days", on=today)
    start_by, _unknown_year = deadline_after(today, start_days)
    ticket = ticket_new()
    while Complaint.objects.filter(ticket=ticket).exists():  # pragma: no cover - 1 in 2**50
        ticket = ticket_new()
    with translation.override(settings.LANGUAGE_CODE):  # stored text, in the district's language
        subject = str(ComplaintCategory(category).label)
        source_label = str(_("Public complaint form"))
    case = case_open(
        kind=COMPLAINT,
        institution=institution,
        subject=subject,
        detail=content,  # what happened, as written; never the complainant's name, phone or account
        severity=Severity.VIOLATION,
        actor=None,
        deadline_days=start_days,
        source_label=source_label,
    )
    complaint = Complaint(
        ticket=ticket,
        case=case,
        category=category,
        content=content,
        happened_on=happened_on,
        anonymous=anonymous,
        complainant_name=name,
        complainant_phone=phone,
        complainant=account,
        received_at=now,
        start_by=start_by,
    )
    complaint.full_clean()
    complaint.save()
    notify_all(
        regulators_of(institution),
        kind=NotificationKind.COMPLAINT_RECEIVED,
        title=_("New complaint %(number)s about %(institution)s"),
        body=_("To be started by %(start_by)s."),
        params={
            "number": case.number,
            "institution": institution.name,
            "start_by": start_by.isoformat() if start_by else "—",
        },
        link=reverse("supervision:complaint", kwargs={"pk": complaint.pk}),
    )
    return complaint


def _check_regulator(complaint: Complaint, actor: User) -> None:
    if not actor_may(actor, Perm.SUPERVISE_REGION, complaint.case.institution_concerned.pk):
        raise NotPermitted("not a regulator of this institution")


def started_late(complaint: Complaint) -> bool:
    """Started (or, not started yet, still waiting) after its start-by day."""
    if complaint.start_by is None:
        return False
    if complaint.started_at is not None:
        return timezone.localdate(complaint.started_at) > complaint.start_by
    return timezone.localdate() > complaint.start_by


def _tell_complainant(complaint: Complaint) -> None:
    if complaint.complainant is None:
        return
    notify_all(
        [complaint.complainant],
        kind=NotificationKind.CASE_UPDATED,
        title=_("Your complaint %(ticket)s: %(status)s"),
        params={"ticket": complaint.ticket, "status": complaint.case.status_label},
        link=reverse("supervision:complaint_status") + f"?ticket={complaint.ticket}",
    )


@transaction.atomic
def complaint_start(*, complaint: Complaint, actor: User, progress: str = "") -> Complaint:
    """A regulator of the institution's region starts handling the complaint and becomes its handler. A
    start after the start-by day is recorded as late."""
    _check_regulator(complaint, actor)
    complaint = Complaint.objects.select_for_update().select_related("case").get(pk=complaint.pk)
    now = timezone.now()
    late = complaint.start_by is not None and timezone.localdate(now) > complaint.start_by
    note = str(_("Started after the start-by day.")) if late else ""
    case_act(case=complaint.case, action=START, actor=actor, side=Side.REGULATOR, note=note, internal=True)
    Case.objects.filter(pk=complaint.case_id).update(assignee=actor)
    complaint.case.refresh_from_db()
    complaint.started_at = now
    complaint.public_progress = progress.strip()[:MAX_PROGRESS] or str(_("Your complaint is being handled."))
    complaint.full_clean()
    complaint.save(update_fields=["started_at", "public_progress"])
    _tell_complainant(complaint)
    return complaint


@transaction.atomic
def complaint_conclude(
    *,
    complaint: Complaint,
    actor: User,
    outcome: str,
    reasons: str,
    progress: str = "",
    rectification_subject: str = "",
    rectification_requirement: str = "",
    rectification_days: int | None = None,
) -> Complaint:
    """The handler concludes: the outcome with its reasons, and a line of progress for the complainant. A
    substantiated complaint opens a rectification order whose subject and requirement the regulator writes:
    nothing of the complainant goes to the institution."""
    _check_regulator(complaint, actor)
    complaint = Complaint.objects.select_for_update().select_related("case").get(pk=complaint.pk)
    if complaint.case.assignee_id != actor.pk:
        raise Refusal(
            _("Only the regulator handling this complaint can conclude it."),
            code="complaint_not_handler",
            conflict=True,
        )
    if outcome not in ComplaintOutcome.values:
        raise Refusal(_("Choose the outcome."), code="complaint_outcome_unknown")
    reasons = reasons.strip()
    if not reasons:
        raise Refusal(_("Give the reasons for the outcome."), code="complaint_reasons_required")
    if len(reasons) > MAX_REASONS:
        raise Refusal(
            _("Please keep the reasons within %(max)d characters.") % {"max": MAX_REASONS},
            code="complaint_reasons_too_long",
        )
    if outcome == ComplaintOutcome.SUBSTANTIATED:
        with translation.override(settings.LANGUAGE_CODE):
            source_label = str(_("A complaint"))
        if not rectification_subject.strip():
            raise Refusal(
                _("A substantiated complaint opens a rectification order: say what is to be rectified."),
                code="rectification_subject_required",
            )
        rectification_issue(
            institution=complaint.case.institution_concerned,
            subject=rectification_subject,
            actor=actor,
            requirement=rectification_requirement,
            deadline_days=rectification_days,
            source_key=f"complaint:{complaint.pk}",
            source_label=source_label,
        )
    case_act(
        case=complaint.case,
        action=CONCLUDE,
        actor=actor,
        side=Side.REGULATOR,
        note=reasons,
        outcome=outcome,
        internal=True,
    )
    complaint.case.refresh_from_db()
    complaint.outcome_reason = reasons
    complaint.public_progress = progress.strip()[:MAX_PROGRESS] or str(
        _("Your complaint was looked into and concluded.")
    )
    complaint.full_clean()
    complaint.save(update_fields=["outcome_reason", "public_progress"])
    _tell_complainant(complaint)
    return complaint
