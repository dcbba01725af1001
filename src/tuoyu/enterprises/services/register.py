"""The register of enterprises, service teams and departments."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, scope_of
from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.enterprises.models import Department, Enterprise, ServiceTeam
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
def team_member_add(*, team: ServiceTeam, user: User, leader: bool = False) -> None:
    """Put a user on a team: the 企业服务专员 role over the team's region comes with it."""
    RoleAssignment.objects.get_or_create(user=user, role=Role.ENTERPRISE_SERVICE, region=team.region)
    team.members.add(user)
    if leader:
        team.leader = user
        team.save(update_fields=["leader"])


@transaction.atomic
def department_contact_add(*, department: Department, user: User) -> None:
    """Make a user a contact of a department: the 部门联络员 role over the department's region comes with
    it."""
    RoleAssignment.objects.get_or_create(user=user, role=Role.DEPARTMENT_CONTACT, region=department.region)
    department.contacts.add(user)
