"""Reads for the register pages: the enterprises an officer finds, the streets they may register in, an
enterprise's timeline (every visit and every step of every request, newest first), the teams and departments
an officer may manage, the accounts they may add by mobile number.

Every scoped read starts from the ``visible_to`` querysets of ``selectors.access``."""

import datetime
from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tuoyu.accounts.access import Perm, actor_pk, scope_of
from tuoyu.accounts.models import User
from tuoyu.cases.kinds import OPENED, kind_of
from tuoyu.cases.models import CaseEvent
from tuoyu.enterprises import kinds
from tuoyu.enterprises.models import Department, Enterprise, ServiceRequest, ServiceTeam, Visit
from tuoyu.enterprises.selectors.access import (
    departments_dispatchable_by,
    enterprises_visible_to,
    requests_visible_to,
    teams_visible_to,
    visits_visible_to,
)
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import institutions_public


def serves_enterprises(actor: object) -> bool:
    """Whether the actor is on an enterprise service desk at all (an officer of some region)."""
    return not scope_of(actor, Perm.SERVE_ENTERPRISES).is_empty


def streets_served_by(actor: object) -> QuerySet[Region]:
    """The streets (and towns) of the regions where the actor serves enterprises: where they may register
    one."""
    scope = scope_of(actor, Perm.SERVE_ENTERPRISES)
    streets = Region.objects.filter(level=Region.Level.STREET).order_by("code")
    if scope.everything:
        return streets
    if not scope.region_paths:
        return streets.none()
    condition = Q(pk__in=[])
    for path in scope.region_paths:
        condition |= Q(path__startswith=path)
    return streets.filter(condition)


def enterprises_found(
    actor: object, *, query: str = "", street: Region | None = None, industry: str = ""
) -> QuerySet[Enterprise]:
    """The actor's enterprises whose name or credit code contains ``query``, in a street, of an industry."""
    enterprises = enterprises_visible_to(actor).order_by("name", "pk")
    query = query.strip()
    if query:
        enterprises = enterprises.filter(Q(name__icontains=query) | Q(credit_code__icontains=query.upper()))
    if street is not None:
        enterprises = enterprises.filter(street=street)
    if industry:
        enterprises = enterprises.filter(industry=industry)
    return enterprises


def enterprise_public_institution(enterprise: Enterprise) -> Institution | None:
    """The childcare institution linked to the enterprise when the public directory shows it (its page can be
    linked to); None otherwise."""
    if enterprise.institution_id is None:
        return None
    return institutions_public().filter(pk=enterprise.institution_id).first()


@dataclass(frozen=True)
class TimelineEntry:
    """One line of an enterprise's timeline: a visit, or one step of one of its requests."""

    at: datetime.datetime  # when, for the order (a visit: the start of its day)
    kind: Literal["visit", "step"]
    label: str
    visit: Visit | None = None
    request: ServiceRequest | None = None
    event: CaseEvent | None = None

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.at)


def step_label(action: str) -> str:
    """What a step of a request is called on a timeline (recorded, accepted, dispatched...)."""
    kind = kind_of(kinds.REQUEST)
    if action == OPENED:
        return str(kind.opened_label)
    transition = kind.transition(action)
    return str(transition.label) if transition is not None else action


def enterprise_timeline(enterprise: Enterprise, actor: object) -> list[TimelineEntry]:
    """Every visit to the enterprise and every step of each of its requests (read from the request's case),
    newest first. A request's steps are read in one query, whatever their number."""
    entries: list[TimelineEntry] = []
    visits = (
        visits_visible_to(actor)
        .filter(enterprise=enterprise)
        .prefetch_related("visitors")
        .annotate(problems=Count("requests", distinct=True))
    )
    tz = timezone.get_current_timezone()
    for visit in visits:
        start = datetime.datetime.combine(visit.visited_on, datetime.time.min, tzinfo=tz)
        entries.append(TimelineEntry(at=start, kind="visit", label="", visit=visit))
    requests = {
        request.case_id: request for request in requests_visible_to(actor).filter(enterprise=enterprise)
    }
    events = CaseEvent.objects.filter(case_id__in=list(requests)).select_related("actor")
    for event in events:
        entries.append(
            TimelineEntry(
                at=event.at,
                kind="step",
                label=step_label(event.action),
                request=requests[event.case_id],
                event=event,
            )
        )
    entries.sort(key=lambda entry: (entry.at, entry.event.pk if entry.event else 0), reverse=True)
    return entries


# Teams and departments ---------------------------------------------------------------------------------


def _leads_team_over(actor: object, region: Region) -> bool:
    """Whether the actor leads a service team of this region or of a region above it."""
    pk = getattr(actor, "pk", None)
    if pk is None:
        return False
    above = [region.path[: i + 1] for i, ch in enumerate(region.path) if ch == "/"]
    return ServiceTeam.objects.filter(leader_id=pk, region__path__in=above).exists()


def is_superuser(actor: object) -> bool:
    return bool(getattr(actor, "is_active", False) and getattr(actor, "is_superuser", False))


def may_manage_team(actor: object, team: ServiceTeam) -> bool:
    """The team's leader (or an administrator) adds and removes its members."""
    pk = getattr(actor, "pk", None)
    return is_superuser(actor) or (pk is not None and team.leader_id == pk)


def may_manage_department(actor: object, department: Department) -> bool:
    """A team leader of the department's region or of a region above it (or an administrator) names its
    contacts."""
    return is_superuser(actor) or _leads_team_over(actor, department.region)


def team_members(team: ServiceTeam) -> list[User]:
    """The team's members, its leader first, then by name."""
    members = list(team.members.order_by("display_name", "pk"))
    if team.leader is not None and team.leader not in members:
        members.append(team.leader)
    return sorted(members, key=lambda user: user.pk != team.leader_id)


def teams_with_members(actor: object) -> QuerySet[ServiceTeam]:
    return teams_visible_to(actor).prefetch_related("members").order_by("region__path", "level", "name")


def departments_with_contacts(actor: object) -> QuerySet[Department]:
    return departments_dispatchable_by(actor).prefetch_related("contacts").order_by("region__path", "name")


def account_with_phone(phone: str) -> User | None:
    """The active account signed in with this mobile number, if any (a team leader adds a member by it)."""
    return User.objects.filter(phone=phone.strip(), is_active=True).first()


# Visits ------------------------------------------------------------------------------------------------


def visitors_choosable(actor: object) -> QuerySet[User]:
    """The members and leaders of the teams the actor sees, but the actor (counted in anyway): who else may
    have gone on a visit."""
    teams = teams_visible_to(actor)
    return (
        User.objects.filter(Q(service_teams__in=teams) | Q(led_service_teams__in=teams), is_active=True)
        .exclude(pk=actor_pk(actor))
        .distinct()
        .order_by("display_name", "pk")
    )


def team_member_ids(teams: list[ServiceTeam]) -> set[int]:
    """The ids of the members and leaders of these teams."""
    ids = set(User.objects.filter(service_teams__in=[team.pk for team in teams]).values_list("pk", flat=True))
    return ids | {team.leader_id for team in teams if team.leader_id is not None}


def follow_up_choices(actor: object, enterprise: Enterprise) -> QuerySet[ServiceRequest]:
    """The enterprise's earlier requests a visit may follow up (回访), newest first."""
    return requests_visible_to(actor).filter(enterprise=enterprise).order_by("-recorded_at", "-pk")


def visits_listed(actor: object) -> QuerySet[Visit]:
    return (
        visits_visible_to(actor)
        .prefetch_related("visitors")
        .annotate(problems=Count("requests", distinct=True), follow_ups=Count("follow_up_of", distinct=True))
        .order_by("-visited_on", "-pk")
    )


def visit_detail(actor: object, pk: int) -> QuerySet[Visit]:
    """The visit (one, by ``pk``) with what its page shows, from the actor's visits."""
    return (
        visits_visible_to(actor)
        .filter(pk=pk)
        .select_related("enterprise__street", "recorded_by")
        .prefetch_related("visitors")
    )


def requests_raised_at(actor: object, visit: Visit) -> QuerySet[ServiceRequest]:
    return requests_visible_to(actor).filter(visit=visit).order_by("recorded_at", "pk")


def requests_followed_up_at(actor: object, visit: Visit) -> QuerySet[ServiceRequest]:
    return requests_visible_to(actor).filter(follow_up_visits=visit).order_by("recorded_at", "pk")


# The back office ---------------------------------------------------------------------------------------


def regions_served_by(actor: object) -> QuerySet[Region]:
    """The regions (every level) within those where the actor serves enterprises."""
    scope = scope_of(actor, Perm.SERVE_ENTERPRISES)
    regions = Region.objects.order_by("path")
    if scope.everything:
        return regions
    if not scope.region_paths:
        return regions.none()
    condition = Q(pk__in=[])
    for path in scope.region_paths:
        condition |= Q(path__startswith=path)
    return regions.filter(condition)


def departments_visible_to(actor: object) -> QuerySet[Department]:
    """The departments of the actor's service regions and of the regions above, active or not."""
    scope = scope_of(actor, Perm.SERVE_ENTERPRISES)
    departments = Department.objects.select_related("region")
    if scope.everything:
        return departments.all()
    paths = {path[: i + 1] for path in scope.region_paths for i, ch in enumerate(path) if ch == "/"}
    return departments.filter(Q(region__path__in=paths) | region_condition_of(scope.region_paths))


def region_condition_of(paths: tuple[str, ...]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(region__path__startswith=path)
    return condition
