"""Who may see and do what on the enterprise service desk. Every read starts from a ``visible_to`` queryset;
these answer which side an actor takes on one request."""

from django.db.models import QuerySet

from tuoyu.accounts.access import Perm, actor_pk, scope_of
from tuoyu.cases.kinds import Side
from tuoyu.enterprises.models import (
    Department,
    Dispatch,
    Enterprise,
    ServiceRequest,
    ServiceTeam,
    Visit,
)


def enterprises_visible_to(actor: object) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(actor).select_related("street", "institution")


def teams_visible_to(actor: object) -> QuerySet[ServiceTeam]:
    return ServiceTeam.objects.visible_to(actor).select_related("region", "leader")


def visits_visible_to(actor: object) -> QuerySet[Visit]:
    return Visit.objects.visible_to(actor).select_related("enterprise").prefetch_related("teams")


def requests_visible_to(actor: object) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.visible_to(actor).select_related("case", "enterprise", "team", "joint_team")


def departments_dispatchable_by(actor: object) -> QuerySet[Department]:
    """The active departments of the regions where the actor serves enterprises and of the regions above."""
    scope = scope_of(actor, Perm.SERVE_ENTERPRISES)
    departments = Department.objects.filter(active=True).select_related("region")
    if scope.everything:
        return departments
    paths = {path[: i + 1] for path in scope.region_paths for i, ch in enumerate(path) if ch == "/"}
    return departments.filter(region__path__in=paths | set(scope.region_paths))


def dispatches_to_answer_by(actor: object) -> QuerySet[Dispatch]:
    """What was sent to the departments the actor is a contact of (a department contact's inbox)."""
    if scope_of(actor, Perm.ANSWER_DISPATCHES).is_empty:
        return Dispatch.objects.none()
    return Dispatch.objects.filter(department__contacts__pk=actor_pk(actor)).select_related(
        "request__case", "request__enterprise", "department"
    )


def serves(actor: object, request: ServiceRequest) -> bool:
    """Whether the actor is on the desk for this request (a service officer of the enterprise's region)."""
    return (
        Enterprise.objects.visible_to(actor).filter(pk=request.enterprise_id).exists()
        and not scope_of(actor, Perm.SERVE_ENTERPRISES).is_empty
    )


def leads_team_of(actor: object, request: ServiceRequest) -> bool:
    """Whether the actor leads the team in charge (or the joint team): extensions are theirs to decide."""
    pk = getattr(actor, "pk", None)
    leaders = {request.team.leader_id}
    if request.joint_team is not None:
        leaders.add(request.joint_team.leader_id)
    return pk is not None and pk in leaders


def answers_for(actor: object, request: ServiceRequest) -> bool:
    """Whether the actor is a contact of a department the request was dispatched to."""
    pk = getattr(actor, "pk", None)
    return pk is not None and request.dispatches.filter(department__contacts__pk=pk).exists()


def is_contact_of(actor: object, request: ServiceRequest) -> bool:
    """Whether the actor, signed in, is the enterprise's contact (their phone is the contact phone)."""
    phone = getattr(actor, "phone", "")
    return bool(phone) and phone == request.enterprise.contact_phone


def side_of(actor: object, request: ServiceRequest) -> Side | None:
    """The side the actor takes on the request: the desk, a department, the enterprise, or none."""
    if serves(actor, request):
        return Side.DESK
    if answers_for(actor, request):
        return Side.DEPARTMENT
    if is_contact_of(actor, request):
        return Side.ENTERPRISE
    return None
