"""Every role is held within the one kind of scope it needs; the database refuses any other combination."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tuoyu.accounts.access import Perm, has_perm, scope_of
from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.regions.models import Region
from tuoyu.registry.models import Hospital, Institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def scopes(district_a: Region, institution_x: Institution, hospital: Hospital) -> dict[str, Any]:
    return {"region": district_a, "institution": institution_x, "hospital": hospital}


WRONG = [
    pytest.param(Role.REGULATOR, (), id="regulator-without-region"),
    pytest.param(Role.REGULATOR, ("institution",), id="regulator-with-institution"),
    pytest.param(Role.REGULATOR, ("region", "institution"), id="regulator-with-region-and-institution"),
    pytest.param(Role.DIRECTOR, (), id="director-without-institution"),
    pytest.param(Role.DIRECTOR, ("region",), id="director-with-region"),
    pytest.param(Role.DIRECTOR, ("institution", "hospital"), id="director-with-institution-and-hospital"),
    pytest.param(Role.CAREGIVER, ("hospital",), id="caregiver-with-hospital"),
    pytest.param(Role.HEALTH_WORKER, (), id="health-worker-without-institution"),
    pytest.param(Role.DOCTOR, (), id="doctor-without-hospital"),
    pytest.param(Role.DOCTOR, ("institution",), id="doctor-with-institution"),
    pytest.param(Role.GUARDIAN, ("institution",), id="guardian-with-institution"),
    pytest.param(Role.GUARDIAN, ("region",), id="guardian-with-region"),
]
RIGHT = [
    pytest.param(Role.REGULATOR, ("region",), id="regulator"),
    pytest.param(Role.DIRECTOR, ("institution",), id="director"),
    pytest.param(Role.CAREGIVER, ("institution",), id="caregiver"),
    pytest.param(Role.HEALTH_WORKER, ("institution",), id="health-worker"),
    pytest.param(Role.DOCTOR, ("hospital",), id="doctor"),
    pytest.param(Role.GUARDIAN, (), id="guardian"),
]


@pytest.mark.parametrize(("role", "with_scopes"), WRONG)
def test_role_with_the_wrong_scope_is_refused_by_the_database(
    scopes: dict[str, Any], role: str, with_scopes: tuple[str, ...]
) -> None:
    user = UserFactory.create()
    assignment = RoleAssignment(user=user, role=role, **{name: scopes[name] for name in with_scopes})

    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        assignment.save()

    assert "role_assignment_scope_matches_role" in str(raised.value)
    assert not RoleAssignment.objects.filter(user=user).exists()


@pytest.mark.parametrize(("role", "with_scopes"), WRONG)
def test_role_with_the_wrong_scope_fails_full_clean(
    scopes: dict[str, Any], role: str, with_scopes: tuple[str, ...]
) -> None:
    assignment = RoleAssignment(
        user=UserFactory.create(), role=role, **{name: scopes[name] for name in with_scopes}
    )

    with pytest.raises(ValidationError):
        assignment.full_clean()


@pytest.mark.parametrize(("role", "with_scopes"), RIGHT)
def test_role_with_its_own_scope_is_saved(
    scopes: dict[str, Any], role: str, with_scopes: tuple[str, ...]
) -> None:
    assignment = RoleAssignment(
        user=UserFactory.create(), role=role, **{name: scopes[name] for name in with_scopes}
    )

    assignment.full_clean()
    assignment.save()

    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_regulator_scope_is_the_path_of_the_region(regulator_a: User) -> None:
    assert scope_of(regulator_a, Perm.SUPERVISE_REGION).region_paths == ("990101/",)


def test_guardian_has_no_permission_at_all(guardian: User) -> None:
    assert not any(has_perm(guardian, perm) for perm in Perm)


def test_disabled_user_loses_every_permission(regulator_a: User) -> None:
    regulator_a.is_active = False

    assert not has_perm(regulator_a, Perm.VIEW_INSTITUTION_FILE)


def test_superuser_sees_everything() -> None:
    admin = UserFactory.create(is_staff=True, is_superuser=True)

    assert scope_of(admin, Perm.VIEW_STAFF).everything
