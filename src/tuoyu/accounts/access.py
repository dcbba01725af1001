"""The one place that answers "may this actor see / do this?".

A permission is granted by a role; a role is held within a scope (a region, an institution or a
hospital). A scope becomes a queryset filter in one place, :func:`institution_condition`; scoped models
answer through ``Model.objects.visible_to(actor, perm)`` (``Child``, ``Institution``), and the apps'
``*_visible_to(actor)`` selectors build on those, so every read of scoped data passes through here. Outsiders
get 404 (``get_visible_or_404``), never a hint that the object exists.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest

from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.regions.models import Region


class Perm(StrEnum):
    VIEW_INSTITUTION_FILE = "view_institution_file"  # the non-public file: classes, staff, status
    CHANGE_INSTITUTION = "change_institution"
    VIEW_CLASSES = "view_classes"
    CHANGE_CLASSES = "change_classes"
    VIEW_STAFF = "view_staff"
    CHANGE_STAFF = "change_staff"
    SUPERVISE_REGION = "supervise_region"  # every institution of a region, filed or not
    PREPARE_FILING = "prepare_filing"
    REVIEW_FILING = "review_filing"
    MANAGE_TRAINING = "manage_training"  # schedule sessions, record attendance
    VIEW_FINDINGS = "view_findings"  # compliance findings of an institution
    VIEW_CHILDREN = "view_children"  # children placed at or applying to an institution
    MANAGE_ENROLMENT = "manage_enrolment"  # the queue, offers, placements, bookable capacity
    RECORD_HEALTH = "record_health"  # entry examinations, health tasks
    RECORD_CARE = "record_care"  # the day in care: attendance, checks, care log, reports, outings
    VIEW_DAILY_SUPERVISION = "view_daily_supervision"  # the district's daily figures of every institution
    VIEW_HEALTH = "view_health"  # children's health records: growth, exams, development, referrals
    RECORD_MEDICAL = "record_medical"  # measurements, exams, screenings, referrals, doctor's visits
    WATCH_OUTBREAKS = "watch_outbreaks"  # outbreak reports, exclusions and quarantines
    USE_BACK_OFFICE = "use_back_office"
    LIFT_LOCKOUTS = "lift_lockouts"  # lift sign-in lockouts of the accounts in one's region
    DECIDE_SUBSIDIES = "decide_subsidies"  # subsidy policies, claims' review, decisions, the ledger
    CLAIM_SUBSIDIES = "claim_subsidies"  # the institution's subsidy claims: review and submit
    MANAGE_FEES = "manage_fees"  # the institution's meal plan, fee statements and payments received
    MESSAGE_FAMILIES = "message_families"  # every family's conversation at the institution; notices
    SERVE_ENTERPRISES = "serve_enterprises"  # the enterprise service desk: enterprises, visits, requests
    ANSWER_DISPATCHES = "answer_dispatches"  # a department's contact: the requests dispatched to it


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.REGULATOR: frozenset(
        {
            Perm.VIEW_INSTITUTION_FILE,
            Perm.VIEW_CLASSES,
            Perm.VIEW_STAFF,
            Perm.SUPERVISE_REGION,
            Perm.REVIEW_FILING,
            Perm.MANAGE_TRAINING,
            Perm.VIEW_FINDINGS,
            Perm.USE_BACK_OFFICE,
            Perm.VIEW_DAILY_SUPERVISION,
            Perm.WATCH_OUTBREAKS,
            Perm.LIFT_LOCKOUTS,
            Perm.DECIDE_SUBSIDIES,
        }
    ),
    Role.DIRECTOR: frozenset(
        {
            Perm.PREPARE_FILING,
            Perm.VIEW_FINDINGS,
            Perm.VIEW_INSTITUTION_FILE,
            Perm.CHANGE_INSTITUTION,
            Perm.VIEW_CLASSES,
            Perm.CHANGE_CLASSES,
            Perm.VIEW_STAFF,
            Perm.CHANGE_STAFF,
            Perm.USE_BACK_OFFICE,
            Perm.VIEW_CHILDREN,
            Perm.MANAGE_ENROLMENT,
            Perm.RECORD_HEALTH,
            Perm.RECORD_CARE,
            Perm.VIEW_DAILY_SUPERVISION,
            Perm.VIEW_HEALTH,
            Perm.RECORD_MEDICAL,
            Perm.WATCH_OUTBREAKS,
            Perm.CLAIM_SUBSIDIES,
            Perm.MANAGE_FEES,
            Perm.MESSAGE_FAMILIES,
        }
    ),
    Role.CAREGIVER: frozenset(
        {Perm.VIEW_INSTITUTION_FILE, Perm.VIEW_CLASSES, Perm.VIEW_CHILDREN, Perm.RECORD_CARE}
    ),
    Role.HEALTH_WORKER: frozenset(
        {
            Perm.VIEW_INSTITUTION_FILE,
            Perm.VIEW_CLASSES,
            Perm.VIEW_CHILDREN,
            Perm.RECORD_HEALTH,
            Perm.RECORD_CARE,
            Perm.VIEW_HEALTH,
            Perm.RECORD_MEDICAL,
            Perm.WATCH_OUTBREAKS,
        }
    ),
    # A partner-hospital doctor: the health data of the children of partnered institutions, never their
    # families' contacts or fees (no VIEW_CHILDREN).
    Role.DOCTOR: frozenset(
        {Perm.VIEW_INSTITUTION_FILE, Perm.VIEW_CLASSES, Perm.VIEW_HEALTH, Perm.RECORD_MEDICAL}
    ),
    Role.GUARDIAN: frozenset(),  # guardians act for their own children only: GUARDIAN_PERMISSIONS
    # The enterprise service desk: nothing of childcare beyond the public directory.
    Role.ENTERPRISE_SERVICE: frozenset({Perm.SERVE_ENTERPRISES}),
    Role.DEPARTMENT_CONTACT: frozenset({Perm.ANSWER_DISPATCHES}),
}

GUARDIAN_PERMISSIONS: frozenset[Perm] = frozenset({Perm.VIEW_CHILDREN, Perm.VIEW_HEALTH, Perm.RECORD_CARE})
"""What a guardian holds over their own children, without a role: their file, their health record and their
days (guardians report absences and give medication instructions). ``Child.objects.visible_to`` applies it."""


M = TypeVar("M", bound=Model)
QS = TypeVar("QS", bound=QuerySet[Any])


@dataclass(frozen=True)
class Scope:
    """Where a permission holds for an actor. ``everything`` is for superusers only."""

    everything: bool = False
    region_paths: tuple[str, ...] = ()
    institution_ids: frozenset[int] = field(default_factory=frozenset)
    hospital_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.region_paths or self.institution_ids or self.hospital_ids)


def role_assignments_of(actor: Any) -> list[RoleAssignment]:
    """The actor's role assignments, read once per request and kept on the user object."""
    if not isinstance(actor, User) or not actor.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(actor, "_tuoyu_roles", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=actor).select_related("region", "institution", "hospital")
        )
        actor._tuoyu_roles = cached  # type: ignore[attr-defined]
    return cached


def roles_of(actor: Any) -> set[str]:
    return {assignment.role for assignment in role_assignments_of(actor)}


def scope_of(actor: Any, perm: Perm) -> Scope:
    if isinstance(actor, User) and actor.is_active and actor.is_superuser:
        return Scope(everything=True)
    granting = [a for a in role_assignments_of(actor) if perm in ROLE_PERMISSIONS[a.role]]
    return Scope(
        region_paths=tuple(sorted({a.region.path for a in granting if a.region is not None})),
        institution_ids=frozenset(a.institution_id for a in granting if a.institution_id is not None),
        hospital_ids=frozenset(a.hospital_id for a in granting if a.hospital_id is not None),
    )


def institution_condition(scope: Scope, lookup: str = "") -> Q:
    """The filter "this row's institution lies in the scope", for a model whose institution is reached by
    ``lookup`` (``""`` for the institution itself, ``"institution__"`` for its classes...). Call it with a
    non-empty scope that is not ``everything``."""
    condition = Q(**{f"{lookup}pk__in": scope.institution_ids})
    condition |= Q(**{f"{lookup}partner_hospital_id__in": scope.hospital_ids})
    for path in scope.region_paths:
        condition |= Q(**{f"{lookup}street__path__startswith": path})
    return condition


def region_condition(scope: Scope, lookup: str) -> Q:
    """The filter "the region reached by ``lookup`` (``"street__"``, ``"region__"``) lies within the scope's
    regions", for a model scoped by a region rather than an institution (an enterprise, a service team). Call
    it with a non-empty scope that is not ``everything``."""
    condition = Q(pk__in=[])
    for path in scope.region_paths:
        condition |= Q(**{f"{lookup}path__startswith": path})
    return condition


def in_region_scope_of(queryset: QS, actor: Any, perm: Perm, lookup: str) -> QS:
    """The rows whose region (reached by ``lookup``) lies in ``actor``'s scope of ``perm``."""
    scope = scope_of(actor, perm)
    if scope.everything:
        return queryset.all()
    if not scope.region_paths:
        return queryset.none()
    return queryset.filter(region_condition(scope, lookup))


def in_scope_of(queryset: QS, actor: Any, perm: Perm, lookup: str = "") -> QS:
    """The rows whose institution (reached by ``lookup``) is in ``actor``'s scope of ``perm``."""
    scope = scope_of(actor, perm)
    if scope.everything:
        return queryset.all()
    if scope.is_empty:
        return queryset.none()
    return queryset.filter(institution_condition(scope, lookup))


def actor_may(actor: Any, perm: Perm, institution_id: int) -> bool:
    """Whether ``actor`` holds ``perm`` for this institution."""
    scope = scope_of(actor, perm)
    if scope.everything or institution_id in scope.institution_ids:
        return True
    if scope.is_empty:
        return False
    # The institution is the unit of every scope, but its model lives in a higher layer (registry).
    institution_model = apps.get_model("registry", "Institution")
    return institution_model.objects.filter(institution_condition(scope), pk=institution_id).exists()


def districts_in_scope(actor: Any, perm: Perm) -> QuerySet[Region]:
    """The districts where ``actor`` holds ``perm``: those within its regions (a regulator's district, or the
    districts below a city); every district for a superuser."""
    scope = scope_of(actor, perm)
    districts = Region.objects.filter(level=Region.Level.DISTRICT).order_by("code")
    if scope.everything:
        return districts
    if not scope.region_paths:
        return districts.none()
    condition = Q()
    for path in scope.region_paths:
        condition |= Q(path__startswith=path)
    return districts.filter(condition)


def actor_pk(actor: Any) -> int:
    """The actor's user id, or 0 (no user has it) for an anonymous visitor: lookups then match nothing."""
    pk = getattr(actor, "pk", None)
    return pk if isinstance(pk, int) else 0


def has_perm(actor: Any, perm: Perm) -> bool:
    return not scope_of(actor, perm).is_empty


class AuthenticatedRequest(HttpRequest):
    """A request behind ``login_required``: its user is a signed-in :class:`User`."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request that passed the signed-in check (every API view's default permission)."""
    user = request.user
    assert isinstance(user, User), "signed_in_user() is for views that require a signed-in user"
    return user


def may_use_back_office(actor: Any) -> bool:
    """The back office needs both the account flag and a role that grants it."""
    return isinstance(actor, User) and actor.is_staff and has_perm(actor, Perm.USE_BACK_OFFICE)


def get_visible_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object from an already scoped queryset; anything outside the scope is a plain 404."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValidationError, ValueError, TypeError) as error:
        raise Http404 from error
