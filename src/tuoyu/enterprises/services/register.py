"""The register of enterprises, service teams and departments."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, scope_of
from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.enterprises.models import Department, Enterprise, ServiceTeam
from tuoyu.enterprises.selectors.enterprise import may_manage_department, may_manage_team
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "address",
    "street",
    "industry",
    "contact_name",
    "contact_phone",
    "note",
)


def _institution_with_code(credit_code: str) -> Institution | None:
    return Institution.objects.filter(credit_code=credit_code).first()


def enterprise_register(*, actor: User, street: Region, **fields: object) -> Enterprise:
    """Register an enterprise in a street of the actor's service region; a childcare institution with the same
    credit code is linked to it."""
    _must_serve_region(actor, street)
    enterprise = Enterprise(street=street, **{k: v for k, v in fields.items() if k in ENTERPRISE_FIELDS})
    enterprise.credit_code = enterprise.credit_code.strip().upper()
    enterprise.institution = _institution_with_code(enterprise.credit_code)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


def enterprise_update(*, actor: User, enterprise: Enterprise, **fields: object) -> Enterprise:
    """Change an enterprise's record; the institution link follows the credit code."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise NotPermitted("not on the desk for this enterprise")
    for name, value in fields.items():
        if name in ENTERPRISE_FIELDS:
            setattr(enterprise, name, value)
    _must_serve_region(actor, enterprise.street)
    enterprise.credit_code = enterprise.credit_code.strip().upper()
    enterprise.institution = _institution_with_code(enterprise.credit_code)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


def _must_serve_region(actor: User, region: Region) -> None:
    scope = scope_of(actor, Perm.SERVE_ENTERPRISES)
    if not (scope.everything or any(region.path.startswith(path) for path in scope.region_paths)):
        raise Refusal(_("This street is outside your service region."), code="enterprise_street_outside")


@transaction.atomic
def team_member_add(
    *, team: ServiceTeam, user: User, leader: bool = False, actor: User | None = None
) -> None:
    """Put a user on a team: the 企业服务专员 role over the team's region comes with it. With ``actor`` (a
    page or the API), only the team's leader or an administrator may, and someone already on the team is
    refused unless they are being made its leader."""
    if actor is not None:
        if not may_manage_team(actor, team):
            raise NotPermitted("not the team leader")
        if not leader and team.members.filter(pk=user.pk).exists():
            raise Refusal(
                _("%(name)s is already on this team.") % {"name": user.display_name},
                code="team_already_member",
            )
    RoleAssignment.objects.get_or_create(user=user, role=Role.ENTERPRISE_SERVICE, region=team.region)
    team.members.add(user)
    if leader:
        team.leader = user
        team.save(update_fields=["leader"])


@transaction.atomic
def team_member_remove(*, team: ServiceTeam, user: User, actor: User | None = None) -> None:
    """Take a user off a team. The 企业服务专员 role over the team's region goes too when they are on no other
    team of that region. The leader stays: another is named first."""
    if actor is not None and not may_manage_team(actor, team):
        raise NotPermitted("not the team leader")
    if team.leader_id == user.pk:
        raise Refusal(
            _("The team leader stays on the team: name another leader first."), code="team_leader_remove"
        )
    if not team.members.filter(pk=user.pk).exists():
        raise Refusal(
            _("%(name)s is not on this team.") % {"name": user.display_name}, code="team_not_member"
        )
    team.members.remove(user)
    others = ServiceTeam.objects.filter(region=team.region).exclude(pk=team.pk)
    if not others.filter(Q(members=user) | Q(leader=user)).exists():
        RoleAssignment.objects.filter(user=user, role=Role.ENTERPRISE_SERVICE, region=team.region).delete()


@transaction.atomic
def department_contact_add(*, department: Department, user: User, actor: User | None = None) -> None:
    """Make a user a contact of a department: the 部门联络员 role over the department's region comes with
    it. With ``actor``, only a team leader of the department's region or above (or an administrator) may."""
    if actor is not None:
        if not may_manage_department(actor, department):
            raise NotPermitted("not a team leader over this department")
        if department.contacts.filter(pk=user.pk).exists():
            raise Refusal(
                _("%(name)s is already a contact of this department.") % {"name": user.display_name},
                code="department_already_contact",
            )
    RoleAssignment.objects.get_or_create(user=user, role=Role.DEPARTMENT_CONTACT, region=department.region)
    department.contacts.add(user)


@transaction.atomic
def department_contact_remove(*, department: Department, user: User, actor: User | None = None) -> None:
    """Take a contact off a department. The 部门联络员 role over its region goes too when they answer for no
    other department of that region."""
    if actor is not None and not may_manage_department(actor, department):
        raise NotPermitted("not a team leader over this department")
    if not department.contacts.filter(pk=user.pk).exists():
        raise Refusal(
            _("%(name)s is not a contact of this department.") % {"name": user.display_name},
            code="department_not_contact",
        )
    department.contacts.remove(user)
    others = Department.objects.filter(region=department.region, contacts=user).exclude(pk=department.pk)
    if not others.exists():
        RoleAssignment.objects.filter(
            user=user, role=Role.DEPARTMENT_CONTACT, region=department.region
        ).delete()
