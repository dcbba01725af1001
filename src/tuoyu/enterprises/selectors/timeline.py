"""A request's timeline: the steps the enterprise reads (事事有回音) and every step for the desk and the
departments.

The enterprise reads only the steps of the closed loop that concern it: recorded, accepted, dispatched (to
which departments), extension granted (with the new deadline), closed with the answer, rated, reopened. The
departments' replies, reminders, the desk's notes and the extensions asked or refused are internal: they are
never in the public timeline, whatever their note says. A request kind's events are all marked
``visible_to_institution=False`` by the case engine (the kind is not the institution's), so the public steps
are chosen here by what they are, not by that mark.
"""

import datetime
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts.access import Perm, has_perm
from tuoyu.cases.kinds import OPENED, Side
from tuoyu.cases.models import CaseEvent
from tuoyu.cases.services import deadline_after
from tuoyu.enterprises import kinds
from tuoyu.enterprises.models import (
    Category,
    Department,
    Enterprise,
    Extension,
    ExtensionStatus,
    Rating,
    Satisfaction,
    ServiceRequest,
)
from tuoyu.enterprises.selectors.access import side_of
from tuoyu.enterprises.selectors.desk import department_reads, own_department_ids
from tuoyu.refusals import NotPermitted

# The steps the enterprise reads, each with what it is called on the progress page.
PUBLIC_STEPS: dict[str, Promise] = {
    OPENED: gettext_lazy("Your request was recorded"),
    kinds.ACCEPT: gettext_lazy("Accepted for handling"),
    kinds.DISPATCH: gettext_lazy("Sent to the departments concerned"),
    kinds.EXTENSION_GRANTED: gettext_lazy("Deadline extended"),
    kinds.CLOSE: gettext_lazy("Answered and closed"),
    kinds.RATE: gettext_lazy("Rated"),
    kinds.REOPEN: gettext_lazy("Reopened after your rating"),
}
# What the request's status means for the enterprise, in plain words.
PUBLIC_STATUS: dict[str, Promise] = {
    kinds.RECORDED: gettext_lazy("Recorded, to be accepted"),
    kinds.ACCEPTED: gettext_lazy("Accepted and being handled"),
    kinds.DISPATCHED: gettext_lazy("Being handled with the departments concerned"),
    kinds.CLOSED: gettext_lazy("Answered: please tell us whether you are satisfied"),
    kinds.RATED: gettext_lazy("Answered and rated"),
    kinds.REOPENED: gettext_lazy("Reopened after a rating of not satisfied: being handled again"),
}
# A token of the length the requests' tokens have: a wrong code costs the same comparison as a wrong token.
_NO_TOKEN = "-" * 24
MAX_TOKEN_LENGTH = 64


@dataclass(frozen=True)
class Step:
    """One step as the enterprise reads it."""

    at: datetime.datetime
    action: str  # recorded, accepted, dispatched, extension_granted, closed, rated, reopened
    label: str
    note: str


@dataclass(frozen=True)
class InternalStep:
    """One step as the desk and the departments read it: every step, who took it, and whether the
    enterprise reads it too."""

    at: datetime.datetime
    action: str  # the case engine's action (opened, accept, dispatch, reply, remind, note...)
    label: str
    note: str
    by: str  # the person who took it; "" for Tuoyu itself (a reminder) or the enterprise online
    public: bool


# The public step's name for each action of the case engine: the states the enterprise knows.
PUBLIC_ACTION_NAMES = {
    OPENED: "recorded",
    kinds.ACCEPT: "accepted",
    kinds.DISPATCH: "dispatched",
    kinds.EXTENSION_GRANTED: "extension_granted",
    kinds.CLOSE: "closed",
    kinds.RATE: "rated",
    kinds.REOPEN: "reopened",
}


def request_by_token(code: uuid.UUID | str, token: str) -> ServiceRequest | None:
    """The request whose progress link this is, or None: an unknown code and a wrong or missing token are
    answered alike, the token compared in constant time."""
    found = ServiceRequest.objects.select_related("case", "enterprise").filter(code=code).first()
    given = (token or "")[:MAX_TOKEN_LENGTH].encode("utf-8", "replace")
    expected = (found.token if found is not None else _NO_TOKEN).encode()
    matches = secrets.compare_digest(given, expected)
    return found if found is not None and matches and token else None


def _day(day: datetime.date) -> str:
    return str(formats.date_format(day, "DATE_FORMAT"))


def _rating_note(rating: Rating) -> str:
    label = str(Satisfaction(rating.satisfaction).label)
    if not rating.comment:
        return label
    return _("%(satisfaction)s: %(comment)s") % {"satisfaction": label, "comment": rating.comment}


def _extended_to(request: ServiceRequest, extension: Extension | None) -> str:
    if extension is None or extension.status != ExtensionStatus.GRANTED or extension.deadline_before is None:
        return ""
    new, unknown_year = deadline_after(extension.deadline_before, extension.days)
    if new is None:
        return _(
            "%(days)d working days more: the holidays of %(year)d are not published yet, so the date is "
            "not set"
        ) % {"days": extension.days, "year": unknown_year}
    return _("New deadline: %(day)s") % {"day": _day(new)}


def _events(request: ServiceRequest) -> list[CaseEvent]:
    return list(request.case.events.select_related("actor").order_by("at", "pk"))


def public_steps(request: ServiceRequest, events: Iterable[CaseEvent]) -> list[Step]:
    """The public steps among ``events`` (the request's, in order): a rating's step says the rating and the
    enterprise's comment; an extension's, the new deadline; a closure's, the answer; a dispatch's, the
    departments. Internal notes never appear."""
    shown = [event for event in events if event.action in PUBLIC_STEPS]
    actions = {event.action for event in shown}
    ratings = (
        list(Rating.objects.filter(request=request).order_by("at", "pk"))
        if actions & {kinds.RATE, kinds.REOPEN}
        else []
    )
    extension = (
        Extension.objects.filter(request=request).first() if kinds.EXTENSION_GRANTED in actions else None
    )
    rated = iter(ratings)  # each rating wrote one step, rated or reopened, in the same order
    steps = []
    for event in shown:
        note = ""
        if event.action in (kinds.DISPATCH, kinds.CLOSE):
            note = event.note
        elif event.action == kinds.EXTENSION_GRANTED:
            note = _extended_to(request, extension)
        elif event.action in (kinds.RATE, kinds.REOPEN):
            rating = next(rated, None)
            note = _rating_note(rating) if rating is not None else ""
        steps.append(
            Step(
                at=event.at,
                action=PUBLIC_ACTION_NAMES[event.action],
                label=str(PUBLIC_STEPS[event.action]),
                note=note,
            )
        )
    return steps


def public_timeline(request: ServiceRequest) -> list[Step]:
    """The steps the enterprise reads, oldest first, each with its date and what it means for them."""
    return public_steps(request, _events(request))


def _internal_label(action: str) -> str:
    if action == OPENED:
        return str(kinds.REQUEST_KIND.opened_label)
    transition = kinds.REQUEST_KIND.transition(action)
    return str(transition.label) if transition is not None else action


def internal_timeline(request: ServiceRequest, actor: object) -> list[InternalStep]:
    """Every step, oldest first, with who took it and whether the enterprise reads it, for the desk; for a
    department the request was sent to, the steps of its course and its own replies and reminders (never the
    desk's notes nor what another department answered); anyone else gets ``NotPermitted`` (a 404)."""
    side = side_of(actor, request)
    if side not in (Side.DESK, Side.DEPARTMENT):
        raise NotPermitted("not on the desk or a department of this request")
    events = _events(request)
    if side == Side.DEPARTMENT:
        names = tuple(
            department.name
            for department in Department.objects.filter(pk__in=own_department_ids(actor, request))
        )
        events = [event for event in events if department_reads(event, names)]
    return [_internal_step(event) for event in events]


def _internal_step(event: CaseEvent) -> InternalStep:
    return InternalStep(
        at=event.at,
        action=event.action,
        label=_internal_label(event.action),
        note=event.note,
        by=event.actor.display_name if event.actor is not None else "",
        public=event.action in PUBLIC_STEPS,
    )


def internal_timelines(requests: Iterable[ServiceRequest], actor: object) -> dict[int, list[InternalStep]]:
    """Every step of each of ``requests`` (by request id), read in one query, for the desk of their
    enterprises (an enterprise's page lists all its requests); ``NotPermitted`` if the actor is not on the
    desk of every one of them."""
    requests = list(requests)
    enterprises = {request.enterprise_id for request in requests}
    served = set(Enterprise.objects.visible_to(actor).filter(pk__in=enterprises).values_list("pk", flat=True))
    if not has_perm(actor, Perm.SERVE_ENTERPRISES) or served != enterprises:
        raise NotPermitted("not on the desk of these enterprises")
    by_case: dict[int, list[InternalStep]] = {request.case_id: [] for request in requests}
    events = CaseEvent.objects.filter(case_id__in=list(by_case)).select_related("actor").order_by("at", "pk")
    for event in events:
        by_case[event.case_id].append(_internal_step(event))
    return {request.pk: by_case[request.case_id] for request in requests}


@dataclass(frozen=True)
class Progress:
    """What the enterprise's progress link shows (the page and ``GET …/progress/``)."""

    request: ServiceRequest
    number: str
    enterprise: str
    category: str
    category_label: str
    problem: str
    status: str
    status_label: str
    recorded_at: datetime.datetime
    deadline: datetime.date | None
    deadline_days: int
    deadline_year_unknown: int | None
    answer: str | None
    rating_due: bool
    reopened: bool
    steps: list[Step]


def public_status_label(request: ServiceRequest) -> str:
    """The request's status in plain words, for the enterprise."""
    return str(PUBLIC_STATUS.get(request.case.status, request.case.status_label))


def progress_of(request: ServiceRequest) -> Progress:
    """The request as its enterprise reads it: the status in plain words, the deadline, every public step,
    the answer once closed, and whether a rating is awaited."""
    case = request.case
    closed = case.status in kinds.REQUEST_KIND.closed
    return Progress(
        request=request,
        number=case.number,
        enterprise=request.enterprise.name,
        category=request.category,
        category_label=str(Category(request.category).label),
        problem=request.description,
        status=case.status,
        status_label=public_status_label(request),
        recorded_at=request.recorded_at,
        deadline=case.deadline,
        deadline_days=case.deadline_days,
        deadline_year_unknown=case.deadline_year_unknown,
        answer=request.answer if closed and request.answer else None,
        rating_due=case.status == kinds.CLOSED,
        reopened=case.status == kinds.REOPENED,
        steps=public_timeline(request),
    )
