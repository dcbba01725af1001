"""An enterprise's request from recording to the follow-up: 事事有回音、件件有落实.

Every step goes through the case engine (``cases.services.case_act``) with the side that takes it; this module
adds what the desk means by it: the acceptance clock in office hours, the deadline in working days from the
acceptance (by urgency, policy values), the departments' replies, the one extension, the rating that closes or
reopens, the reminders (催办) the day after a missed deadline. Whoever is not on the side an action needs gets
``NotPermitted`` (a 404), a step the rules do not allow a ``Refusal``.
"""

import datetime
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import User
from tuoyu.cases.kinds import Side
from tuoyu.cases.models import Case
from tuoyu.cases.services import case_act, case_open, deadline_after
from tuoyu.enterprises import kinds
from tuoyu.enterprises.models import (
    Department,
    Dispatch,
    Enterprise,
    Extension,
    ExtensionStatus,
    Rating,
    RatingChannel,
    Satisfaction,
    ServiceRequest,
    ServiceTeam,
    Visit,
)
from tuoyu.enterprises.selectors.access import answers_for, is_contact_of, leads_team_of, serves
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.policies.values import policy
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.sms import text_send
from tuoyu.workdays import add_office_minutes, working_days_between


@dataclass(frozen=True)
class Problem:
    """A problem as the team member records it at a visit or from a call."""

    category: str
    urgency: str
    description: str


def limit_days(urgency: str, on: datetime.date) -> int:
    """The working days a request of this urgency has from its acceptance (policy ``enterprise.limit.*``)."""
    return policy(f"enterprise.limit.{urgency}", on=on)


def _must_serve(actor: User, request: ServiceRequest) -> None:
    if not serves(actor, request):
        raise NotPermitted("not on the desk for this enterprise")


def _team_users(request: ServiceRequest) -> list[User]:
    teams = [request.team] + ([request.joint_team] if request.joint_team else [])
    users: list[User] = []
    for team in teams:
        users.extend(team.members.filter(is_active=True))
        if team.leader is not None:
            users.append(team.leader)
    return users


def _link(request: ServiceRequest) -> str:
    return reverse("enterprises:request", kwargs={"code": request.code})


def progress_link(request: ServiceRequest) -> str:
    """The enterprise's own link to the request's progress: no account needed, the token is the key."""
    return reverse("enterprises:progress", kwargs={"code": request.code}) + f"?token={request.token}"


def _tell_team(request: ServiceRequest, title: object, **params: object) -> None:
    notify_all(
        _team_users(request),
        kind=NotificationKind.ENTERPRISE_REQUEST,
        title=title,  # type: ignore[arg-type]
        params={"number": request.case.number, "enterprise": request.enterprise.name, **params},
        link=_link(request),
    )


def _text_enterprise(request: ServiceRequest, what: str) -> None:
    """A text to the enterprise's contact, in Chinese (they may have no account), with their progress link."""
    text_send(
        request.enterprise.contact_phone,
        f"【托育·企业服务】贵单位反映的问题（{request.case.number}）{what}：{settings.TUOYU_SITE_URL}"
        f"{progress_link(request)}",
    )


def request_record(
    *,
    actor: User,
    enterprise: Enterprise,
    team: ServiceTeam,
    problem: Problem,
    visit: Visit | None = None,
    joint_team: ServiceTeam | None = None,
) -> ServiceRequest:
    """Record a problem an enterprise raised; it is to be accepted within the office minutes of policy
    ``enterprise.accept_minutes`` (counted in office hours on working days)."""
    if not enterprise.__class__.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise NotPermitted("not on the desk for this enterprise")
    if not problem.description.strip():
        raise Refusal(_("Please describe the problem."), code="request_description_required")
    now = timezone.now()
    with transaction.atomic():
        case = case_open(
            kind=kinds.REQUEST,
            institution=None,
            subject=problem.description.strip().splitlines()[0][:200],
            detail=problem.description.strip(),
            actor=actor,
        )
        accept_minutes = policy("enterprise.accept_minutes", on=timezone.localdate(now))
        request = ServiceRequest(
            case=case,
            token=secrets.token_urlsafe(18),
            enterprise=enterprise,
            visit=visit,
            team=team,
            joint_team=joint_team,
            category=problem.category,
            urgency=problem.urgency,
            description=problem.description.strip(),
            recorded_at=now,
            recorded_by=actor,
            accept_by=add_office_minutes(
                timezone.localtime(now), accept_minutes, settings.TUOYU_OFFICE_HOURS
            ),
        )
        request.full_clean(exclude=["case", "token"])
        request.save()
    return request


def _set_deadline(request: ServiceRequest, start: datetime.date, days: int) -> None:
    deadline, unknown_year = deadline_after(start, days)
    Case.objects.filter(pk=request.case_id).update(
        deadline=deadline, deadline_year_unknown=unknown_year, deadline_days=days
    )
    request.case.refresh_from_db()


def request_accept(*, request: ServiceRequest, actor: User) -> ServiceRequest:
    """Accept (受理): the deadline starts, in working days by urgency."""
    _must_serve(actor, request)
    now = timezone.now()
    with transaction.atomic():
        case_act(case=request.case, action=kinds.ACCEPT, actor=actor, side=Side.DESK)
        request.accepted_at = now
        request.save(update_fields=["accepted_at"])
        today = timezone.localdate(now)
        _set_deadline(request, today, limit_days(request.urgency, today))
    _text_enterprise(request, "已受理，办理进度请查看")
    return request


def request_dispatch(
    *, request: ServiceRequest, actor: User, departments: Sequence[Department], instruction: str = ""
) -> list[Dispatch]:
    """Send the request to departments (交办); the first department it is ever sent to leads (首接负责). A
    department already given the request is refused."""
    _must_serve(actor, request)
    if not departments:
        raise Refusal(_("Choose at least one department."), code="dispatch_no_department")
    already = set(request.dispatches.values_list("department_id", flat=True))
    if any(department.pk in already for department in departments):
        raise Refusal(_("The request was already sent to this department."), code="dispatch_already_sent")
    now = timezone.now()
    names = "、".join(department.name for department in departments)
    with transaction.atomic():
        case_act(case=request.case, action=kinds.DISPATCH, actor=actor, side=Side.DESK, note=names)
        # The case is locked now: a second click, read before the first was saved, sees what it sent.
        already = set(request.dispatches.values_list("department_id", flat=True))
        if any(department.pk in already for department in departments):
            raise Refusal(_("The request was already sent to this department."), code="dispatch_already_sent")
        created = [
            Dispatch.objects.create(
                request=request,
                department=department,
                lead=not already and index == 0,
                dispatched_at=now,
                dispatched_by=actor,
                instruction=instruction.strip(),
            )
            for index, department in enumerate(departments)
        ]
    for dispatch in created:
        notify_all(
            dispatch.department.contacts.filter(is_active=True),
            kind=NotificationKind.DISPATCH_RECEIVED,
            title=_("Request %(number)s from %(enterprise)s for your department"),
            params={"number": request.case.number, "enterprise": request.enterprise.name},
            link=_link(request),
        )
    return created


def dispatch_reply(*, dispatch: Dispatch, actor: User, reply: str) -> Dispatch:
    """A department's answer to what it was sent (once per department)."""
    request = dispatch.request
    if not answers_for(actor, request) or not dispatch.department.contacts.filter(pk=actor.pk).exists():
        raise NotPermitted("not a contact of this department")
    if dispatch.replied_at is not None:
        raise Refusal(_("Your department has already replied."), code="dispatch_already_replied")
    if not reply.strip():
        raise Refusal(_("Please write the reply."), code="dispatch_reply_required")
    with transaction.atomic():
        if Dispatch.objects.select_for_update().get(pk=dispatch.pk).replied_at is not None:
            raise Refusal(_("Your department has already replied."), code="dispatch_already_replied")
        case_act(
            case=request.case,
            action=kinds.REPLY,
            actor=actor,
            side=Side.DEPARTMENT,
            note=f"{dispatch.department.name}：{reply.strip()}",
            internal=True,
        )
        dispatch.reply = reply.strip()
        dispatch.replied_at = timezone.now()
        dispatch.replied_by = actor
        dispatch.save(update_fields=["reply", "replied_at", "replied_by"])
    _tell_team(
        request, _("%(department)s replied on request %(number)s"), department=dispatch.department.name
    )
    return dispatch


def request_close(*, request: ServiceRequest, actor: User, answer: str, resolved: bool) -> ServiceRequest:
    """Close (办结) with the answer the enterprise reads; the follow-up (回访) is due within the working days
    of policy ``enterprise.follow_up_days``. Departments that have not replied are refused: their answer
    first."""
    _must_serve(actor, request)
    if request.dispatches.filter(replied_at=None).exists():
        raise Refusal(
            _("A department has not replied yet: wait for its reply or remind it."),
            code="request_dispatch_unanswered",
        )
    today = timezone.localdate()
    with transaction.atomic():
        case_act(case=request.case, action=kinds.CLOSE, actor=actor, side=Side.DESK, note=answer)
        request.answer = answer.strip()
        request.resolved = resolved
        request.follow_up_by = deadline_after(today, policy("enterprise.follow_up_days", on=today))[0]
        request.save(update_fields=["answer", "resolved", "follow_up_by"])
    _text_enterprise(request, "已办结，请查看答复并评价")
    return request


def request_rate(
    *,
    request: ServiceRequest,
    satisfaction: str,
    channel: str,
    comment: str = "",
    actor: User | None = None,
) -> Rating:
    """The enterprise's rating of the closure, online (``actor`` None through the token, or the signed-in
    contact) or from a follow-up call or visit (a team member records it). 不满意 reopens the request with a
    new deadline; the team is told."""
    if channel == RatingChannel.ONLINE:
        if actor is not None and not is_contact_of(actor, request):
            raise NotPermitted("not the enterprise's contact")
    elif actor is None or not serves(actor, request):
        raise NotPermitted("not on the desk for this enterprise")
    if satisfaction not in Satisfaction.values:
        raise Refusal(_("Choose 满意, 基本满意 or 不满意."), code="rating_unknown")
    if satisfaction == Satisfaction.NOT_SATISFIED and not comment.strip():
        raise Refusal(_("Please say what is still not solved."), code="rating_comment_required")
    now = timezone.now()
    reopen = satisfaction == Satisfaction.NOT_SATISFIED
    with transaction.atomic():
        if request.case.status != kinds.CLOSED:
            raise Refusal(_("This request has no closure waiting for a rating."), code="rating_not_due")
        rating = Rating.objects.create(
            request=request,
            at=now,
            satisfaction=satisfaction,
            channel=channel,
            comment=comment.strip(),
            recorded_by=actor,
        )
        label = Satisfaction(satisfaction).label
        note = f"{label}：{comment.strip()}" if comment.strip() else str(label)
        case_act(
            case=request.case,
            action=kinds.REOPEN if reopen else kinds.RATE,
            actor=actor,
            side=Side.ENTERPRISE,
            note=note,
        )
        if reopen:
            request.times_reopened += 1
            request.resolved = None
            request.follow_up_by = None
            request.save(update_fields=["times_reopened", "resolved", "follow_up_by"])
            today = timezone.localdate(now)
            _set_deadline(request, today, limit_days(request.urgency, today))
    if reopen:
        _tell_team(request, _("%(enterprise)s is not satisfied: request %(number)s is reopened"))
    return rating


def extension_ask(*, request: ServiceRequest, actor: User, days: int, reason: str) -> Extension:
    """Ask for the request's one extension, before its deadline, with a reason; the team leader decides."""
    if not (serves(actor, request) or answers_for(actor, request)):
        raise NotPermitted("not on this request")
    today = timezone.localdate()
    deadline = request.case.deadline
    if deadline is None:
        raise Refusal(_("This request has no deadline to extend yet."), code="extension_no_deadline")
    if today > deadline:
        raise Refusal(
            _("An extension is asked before the deadline: this request is already overdue."),
            code="extension_too_late",
        )
    if Extension.objects.filter(request=request).exists():
        raise Refusal(_("A request can be extended once only."), code="extension_once")
    most = policy("enterprise.extension_max_days", on=today)
    if not 1 <= days <= most:
        raise Refusal(
            _("An extension is 1 to %(most)d working days.") % {"most": most},
            code="extension_days_out_of_range",
        )
    if not reason.strip():
        raise Refusal(_("Please give the reason for the extension."), code="extension_reason_required")
    with transaction.atomic():
        case_act(
            case=request.case,
            action=kinds.EXTENSION_ASKED,
            actor=actor,
            side=Side.DESK,
            note=str(_("%(days)d working days: %(reason)s") % {"days": days, "reason": reason.strip()}),
            internal=True,
        )
        # The case is locked now: a second click, read before the first was saved, finds its extension.
        if Extension.objects.filter(request=request).exists():
            raise Refusal(_("A request can be extended once only."), code="extension_once")
        extension = Extension.objects.create(
            request=request, days=days, reason=reason.strip(), asked_at=timezone.now(), asked_by=actor
        )
    leaders = [team.leader for team in (request.team, request.joint_team) if team and team.leader]
    notify_all(
        leaders,
        kind=NotificationKind.ENTERPRISE_REQUEST,
        title=_("Extension asked on request %(number)s"),
        params={"number": request.case.number},
        link=_link(request),
    )
    return extension


def extension_decide(*, request: ServiceRequest, actor: User, grant: bool, note: str = "") -> Extension:
    """The team leader grants (the deadline moves on by the days asked, from the old deadline) or refuses."""
    if not leads_team_of(actor, request):
        raise NotPermitted("not the team leader")
    with transaction.atomic():
        extension = Extension.objects.select_for_update().filter(request=request).first()
        if extension is None or extension.status != ExtensionStatus.ASKED:
            raise Refusal(_("No extension is waiting for a decision."), code="extension_not_asked")
        old = request.case.deadline
        action = kinds.EXTENSION_GRANTED if grant else kinds.EXTENSION_REFUSED
        if grant and old is not None:
            new, _unknown = deadline_after(old, extension.days)
            note = note.strip() or str(_("New deadline: %(day)s") % {"day": new})
        case_act(case=request.case, action=action, actor=actor, side=Side.DESK, note=note)
        extension.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
        extension.decided_at = timezone.now()
        extension.decided_by = actor
        extension.deadline_before = old
        extension.save(update_fields=["status", "decided_at", "decided_by", "deadline_before"])
        if grant and old is not None:
            _set_deadline(request, old, extension.days)
            Case.objects.filter(pk=request.case_id).update(
                deadline_days=request.case.deadline_days + extension.days
            )
    return extension


def request_note(*, request: ServiceRequest, actor: User, note: str) -> None:
    """An internal note of the desk (never shown to the enterprise)."""
    _must_serve(actor, request)
    case_act(case=request.case, action=kinds.NOTE, actor=actor, side=Side.DESK, note=note, internal=True)


def is_overdue(request: ServiceRequest, on: datetime.date) -> bool:
    deadline = request.case.deadline
    return request.case.status in kinds.HANDLING and deadline is not None and deadline < on


def requests_remind_overdue(*, on: datetime.date | None = None) -> int:
    """催办: the working day after a missed deadline (and each day after, once per deadline), every department
    that has not replied, or the team when none was sent, is reminded; the step is on the case. Idempotent:
    a dispatch already reminded for this deadline is left alone. Returns the reminders sent."""
    today = on or timezone.localdate()
    sent = 0
    overdue = Case.objects.filter(
        kind=kinds.REQUEST, closed_at=None, status__in=kinds.HANDLING, deadline__lt=today
    ).select_related("service_request__enterprise", "service_request__team")
    for case in overdue:
        if working_days_between(case.deadline, today) < 1:  # type: ignore[arg-type]
            continue
        sent += _remind(case.service_request, case.deadline, today)  # type: ignore[arg-type]
    return sent


def _remind(request: ServiceRequest, deadline: datetime.date, today: datetime.date) -> int:
    waiting: Iterable[Dispatch] = request.dispatches.filter(replied_at=None).exclude(reminded_for=deadline)
    reminded = 0
    with transaction.atomic():
        for dispatch in waiting:
            if (
                not Dispatch.objects.filter(pk=dispatch.pk)
                .exclude(reminded_for=deadline)
                .update(reminded_for=deadline)
            ):
                continue  # another run took it
            case_act(
                case=request.case,
                action=kinds.REMIND,
                actor=None,
                side=Side.SYSTEM,
                note=str(_("%(department)s reminded: the deadline %(day)s has passed"))
                % {"department": dispatch.department.name, "day": deadline},
                internal=True,
            )
            notify_all(
                dispatch.department.contacts.filter(is_active=True),
                kind=NotificationKind.DISPATCH_REMINDER,
                title=_("Reminder: request %(number)s was due on %(day)s"),
                params={"number": request.case.number, "day": deadline},
                link=_link(request),
            )
            reminded += 1
    if reminded or request.dispatches.exists():
        return reminded
    # Handled by the desk itself: the team is reminded, once per deadline (the step on the case is the claim).
    if request.case.events.filter(action=kinds.REMIND, note__contains=str(deadline)).exists():
        return 0
    case_act(
        case=request.case,
        action=kinds.REMIND,
        actor=None,
        side=Side.SYSTEM,
        note=str(_("Team reminded: the deadline %(day)s has passed")) % {"day": deadline},
        internal=True,
    )
    _tell_team(request, _("Reminder: request %(number)s of %(enterprise)s is overdue"))
    return 1
