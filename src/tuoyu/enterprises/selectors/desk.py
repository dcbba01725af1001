"""Reads of the pages where requests are worked: the desk's lists, the request list and its filters, a
department contact's dispatches, a signed-in enterprise contact's requests, and the request's internal
timeline. Every list starts from ``requests_visible_to(actor)``.

The timeline here reads ``case.events`` directly; it gives way to ``selectors/timeline.py`` (the public and
the internal timeline of a request) once that module is there.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, actor_pk, has_perm
from tuoyu.cases.kinds import ESCALATED, OPENED, Side
from tuoyu.cases.models import CaseEvent
from tuoyu.enterprises import kinds
from tuoyu.enterprises.models import (
    Department,
    Dispatch,
    Enterprise,
    ExtensionStatus,
    ServiceRequest,
    ServiceTeam,
)
from tuoyu.enterprises.selectors.access import departments_dispatchable_by, leads_team_of, requests_visible_to

ROWS_SHOWN = 20  # rows a desk section lists before "all …"
REOPENED_WITHIN_DAYS = 30  # how long a request reopened after 不满意 stays on the desk


def _listed(requests: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    return requests.select_related("enterprise__street", "team__leader", "joint_team__leader")


# The desk ---------------------------------------------------------------------------------------------------


def to_accept(actor: object) -> QuerySet[ServiceRequest]:
    """Recorded and not yet accepted, the one to be accepted first at the top."""
    return _listed(requests_visible_to(actor)).filter(case__status=kinds.RECORDED).order_by("accept_by", "pk")


def overdue_q(on: datetime.date) -> Q:
    """Open, being handled, and past the deadline on ``on`` (a deadline in a year not yet published is never
    past)."""
    return Q(case__status__in=kinds.HANDLING, case__deadline__lt=on)


def overdue(actor: object, on: datetime.date) -> QuerySet[ServiceRequest]:
    """The requests past their deadline, the longest overdue first: the overdue list of the team leader (and
    of every member of the desk, for the requests they see)."""
    return _listed(requests_visible_to(actor)).filter(overdue_q(on)).order_by("case__deadline", "pk")


def follow_ups_due(actor: object) -> QuerySet[ServiceRequest]:
    """Closed and waiting for the follow-up (回访) with its rating, the one due first at the top."""
    return (
        _listed(requests_visible_to(actor))
        .filter(case__status=kinds.CLOSED)
        .order_by("follow_up_by", "case__closed_at", "pk")
    )


def extensions_awaiting(actor: object) -> QuerySet[ServiceRequest]:
    """The requests whose extension waits for the team leader's decision, those the actor decides first."""
    pk = actor_pk(actor)
    mine = Q(team__leader_id=pk) | Q(joint_team__leader_id=pk)
    return (
        _listed(requests_visible_to(actor))
        .filter(extension__status=ExtensionStatus.ASKED)
        .select_related("extension")
        .annotate(decides=Exists(ServiceRequest.objects.filter(mine, pk=OuterRef("pk"))))
        .order_by("-decides", "extension__asked_at", "pk")
    )


def recently_reopened(actor: object, now: datetime.datetime) -> QuerySet[ServiceRequest]:
    """Open again after a rating of 不满意 within the last ``REOPENED_WITHIN_DAYS`` days, the latest first."""
    since = now - datetime.timedelta(days=REOPENED_WITHIN_DAYS)
    return (
        _listed(requests_visible_to(actor))
        .filter(times_reopened__gt=0, case__status__in=kinds.OPEN_STATES)
        .annotate(reopened_at=Max("case__events__at", filter=Q(case__events__action=kinds.REOPEN)))
        .filter(reopened_at__gte=since)
        .order_by("-reopened_at", "pk")
    )


def accepted_late(request: ServiceRequest, now: datetime.datetime) -> bool:
    """Not accepted by the time it was to be (超时未受理), or accepted after it."""
    if request.accepted_at is not None:
        return request.accepted_at > request.accept_by
    return now > request.accept_by


def is_overdue(request: ServiceRequest, on: datetime.date) -> bool:
    deadline = request.case.deadline
    return request.case.status in kinds.HANDLING and deadline is not None and deadline < on


# The request list -------------------------------------------------------------------------------------------

# The status filter: a key → its label and its condition.
STATUS_FILTERS: dict[str, tuple[str | Promise, Q]] = {
    "open": (_("Not closed"), Q(case__status__in=kinds.OPEN_STATES)),
    kinds.RECORDED: (_("To accept"), Q(case__status=kinds.RECORDED)),
    "handling": (_("Being handled"), Q(case__status__in=kinds.HANDLING)),
    kinds.DISPATCHED: (_("With the departments"), Q(case__status=kinds.DISPATCHED)),
    kinds.REOPENED: (_("Reopened"), Q(case__status=kinds.REOPENED)),
    kinds.CLOSED: (_("To follow up"), Q(case__status=kinds.CLOSED)),
    kinds.RATED: (_("Followed up and rated"), Q(case__status=kinds.RATED)),
}


@dataclass(frozen=True)
class RequestFilters:
    """What the request list is narrowed to; empty values narrow nothing."""

    status: str = ""
    team: ServiceTeam | None = None
    category: str = ""
    urgency: str = ""
    overdue_only: bool = False
    month: datetime.date | None = None  # the first day of the month recorded


def requests_filtered(actor: object, filters: RequestFilters, on: datetime.date) -> QuerySet[ServiceRequest]:
    """The actor's requests narrowed by ``filters``, the latest recorded first."""
    requests = _listed(requests_visible_to(actor)).select_related("case", "extension")
    if filters.status in STATUS_FILTERS:
        requests = requests.filter(STATUS_FILTERS[filters.status][1])
    if filters.team is not None:
        requests = requests.filter(Q(team=filters.team) | Q(joint_team=filters.team))
    if filters.category:
        requests = requests.filter(category=filters.category)
    if filters.urgency:
        requests = requests.filter(urgency=filters.urgency)
    if filters.overdue_only:
        requests = requests.filter(overdue_q(on))
    if filters.month is not None:
        start = timezone.make_aware(datetime.datetime.combine(filters.month, datetime.time.min))
        following = (filters.month + datetime.timedelta(days=32)).replace(day=1)
        end = timezone.make_aware(datetime.datetime.combine(following, datetime.time.min))
        requests = requests.filter(recorded_at__gte=start, recorded_at__lt=end)
    return requests.order_by("-recorded_at", "-pk")


def teams_for_filter(actor: object) -> QuerySet[ServiceTeam]:
    """The teams the request list can be narrowed to: those in charge of (or joint on) a request the actor
    sees."""
    visible = requests_visible_to(actor)
    return (
        ServiceTeam.objects.filter(
            Q(pk__in=visible.values("team_id")) | Q(pk__in=visible.values("joint_team_id"))
        )
        .select_related("region")
        .order_by("level", "name")
    )


# The request page -------------------------------------------------------------------------------------------


def dispatches_of(request: ServiceRequest) -> list[Dispatch]:
    return list(request.dispatches.select_related("department", "dispatched_by", "replied_by"))


def departments_to_dispatch(actor: object, request: ServiceRequest) -> QuerySet[Department]:
    """The departments the actor may send the request to, less those it was already sent to."""
    return (
        departments_dispatchable_by(actor)
        .exclude(pk__in=request.dispatches.values("department_id"))
        .order_by("region__path", "name")
    )


def own_department_ids(actor: object, request: ServiceRequest) -> set[int]:
    """The departments the request was sent to that the actor is a contact of."""
    return set(
        request.dispatches.filter(department__contacts__pk=actor_pk(actor)).values_list(
            "department_id", flat=True
        )
    )


@dataclass(frozen=True)
class Actions:
    """The actions the actor may take on a request now (each a form on the request page); the services
    still decide, and a refusal shows its reason."""

    accept: bool = False
    dispatch: bool = False
    close: bool = False
    follow_up: bool = False
    extension: bool = False
    decide: bool = False
    note: bool = False


def actions_open_to(
    actor: object, request: ServiceRequest, side: Side | None, own_departments: set[int], extension: Any
) -> Actions:
    """The desk accepts a recorded request, sends it on, closes it while it is handled, records the follow-up
    of a closure and writes notes; the desk or a department it was sent to asks the one extension before the
    deadline; the leader of the team in charge (or of the joint team) decides it."""
    status = request.case.status
    on_desk = side == Side.DESK
    handling = status in kinds.HANDLING
    return Actions(
        accept=on_desk and status == kinds.RECORDED,
        dispatch=on_desk and handling,
        close=on_desk and handling,
        follow_up=on_desk and status == kinds.CLOSED,
        extension=(on_desk or bool(own_departments))
        and handling
        and extension is None
        and request.case.deadline is not None,
        decide=handling
        and extension is not None
        and extension.status == ExtensionStatus.ASKED
        and leads_team_of(actor, request),
        note=on_desk,
    )


ENGINE_STEPS = {OPENED: kinds.REQUEST_KIND.opened_label, ESCALATED: _("escalated (overdue)")}
# The steps a department contact reads besides their own department's replies and reminders: none of the
# desk's internal notes, nor what other departments answered.
DEPARTMENT_STEPS = frozenset(
    {
        OPENED,
        kinds.ACCEPT,
        kinds.DISPATCH,
        kinds.EXTENSION_ASKED,
        kinds.EXTENSION_GRANTED,
        kinds.EXTENSION_REFUSED,
        kinds.CLOSE,
        kinds.RATE,
        kinds.REOPEN,
    }
)


def step_label(action: str) -> str:
    """What a step of the timeline is called: the kind's transition, or the engine's own steps."""
    transition = kinds.REQUEST_KIND.transition(action)
    if transition is not None:
        return str(transition.label)
    return str(ENGINE_STEPS.get(action, action))


@dataclass(frozen=True)
class Step:
    at: datetime.datetime
    action: str
    label: str
    actor: str
    note: str


def timeline_of(
    request: ServiceRequest, side: Side | None, departments: Iterable[Department] = ()
) -> list[Step]:
    """Every step of the request with its actor and date: all of them for the desk; for a department contact,
    the steps of the request's course and their own departments' replies and reminders only."""
    events: Iterable[CaseEvent] = request.case.events.select_related("actor").order_by("at", "pk")
    names = tuple(department.name for department in departments if department.name)
    steps = []
    for event in events:
        if side != Side.DESK and not department_reads(event, names):
            continue
        steps.append(
            Step(
                at=event.at,
                action=event.action,
                label=step_label(event.action),
                actor=event.actor.display_name if event.actor is not None else "",
                note=event.note,
            )
        )
    return steps


def department_reads(event: CaseEvent, own_names: tuple[str, ...]) -> bool:
    """A reply's note starts with its department's name (``部门：答复``); a reminder's names it."""
    if event.action in DEPARTMENT_STEPS:
        return True
    if event.action == kinds.REPLY:
        return any(event.note.startswith(f"{name}：") for name in own_names)
    if event.action == kinds.REMIND:
        return any(name in event.note for name in own_names)
    return False


# A department contact's dispatches --------------------------------------------------------------------------


def dispatches_of_contact(actor: object) -> QuerySet[Dispatch]:
    """The dispatches to the departments the actor is a contact of, of the requests they see."""
    if not has_perm(actor, Perm.ANSWER_DISPATCHES):
        return Dispatch.objects.none()
    return Dispatch.objects.filter(
        request__in=requests_visible_to(actor), department__contacts__pk=actor_pk(actor)
    ).select_related("request__case", "request__enterprise", "department")


def dispatches_awaiting_reply(actor: object, on: datetime.date) -> list[Dispatch]:
    """Awaiting the department's reply: reminded ones (催办) first, then those past the request's deadline,
    then the oldest dispatched."""
    rows = list(dispatches_of_contact(actor).filter(replied_at=None).order_by("dispatched_at", "pk"))

    def rank(dispatch: Dispatch) -> tuple[int, int]:
        deadline = dispatch.request.case.deadline
        past = deadline is not None and deadline < on and dispatch.request.case.status in kinds.HANDLING
        return (0 if dispatch.reminded_for is not None else 1, 0 if past else 1)

    return sorted(rows, key=rank)


def dispatches_replied(actor: object) -> QuerySet[Dispatch]:
    """Already answered, the latest reply first."""
    return dispatches_of_contact(actor).exclude(replied_at=None).order_by("-replied_at", "-pk")


# A signed-in enterprise contact -----------------------------------------------------------------------------


def is_enterprise_contact(actor: object) -> bool:
    """Whether the signed-in actor's mobile number is an enterprise's contact phone."""
    phone = getattr(actor, "phone", "")
    return bool(phone) and Enterprise.objects.filter(contact_phone=phone).exists()


def requests_of_contact(actor: object) -> QuerySet[ServiceRequest]:
    """The requests of the enterprises whose contact phone is the actor's, the latest first (none for anyone
    else, whatever else they see)."""
    phone = getattr(actor, "phone", "")
    if not phone:
        return ServiceRequest.objects.none()
    return (
        ServiceRequest.objects.visible_to(actor)
        .filter(enterprise__contact_phone=phone)
        .select_related("case", "enterprise")
        .order_by("-recorded_at", "-pk")
    )
