"""Who looks after a class: the director assigns the institution's caregivers; the home and the families'
messages follow the assignment."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.utils import translation

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import caregivers_of, classes_of_caregiver
from tuoyu.registry.services import care_class_assign_caregivers

pytestmark = pytest.mark.django_db


def test_the_director_assigns_a_caregiver_who_then_looks_after_the_class(
    director_x: User, caregiver_x: User, class_x: CareClass
) -> None:
    care_class_assign_caregivers(actor=director_x, care_class=class_x, caregivers=[caregiver_x])

    assert list(caregivers_of(class_x)) == [caregiver_x]
    assert list(classes_of_caregiver(caregiver_x)) == [class_x]


def test_a_caregiver_of_another_institution_is_refused_by_name(
    director_x: User, class_x: CareClass, institution_y: Institution
) -> None:
    caregiver_y = UserFactory.create(display_name="月亮保育师王")
    RoleAssignmentFactory.create(user=caregiver_y, role=Role.CAREGIVER, institution=institution_y)
    with translation.override("en"), pytest.raises(Refusal) as refused:
        care_class_assign_caregivers(actor=director_x, care_class=class_x, caregivers=[caregiver_y])

    assert refused.value.code == "not_a_caregiver_here"
    assert caregiver_y.display_name in refused.value.text
    assert not class_x.caregivers.exists()


def test_only_the_institutions_director_assigns(
    director_y: User, caregiver_x: User, class_x: CareClass
) -> None:
    with pytest.raises(NotPermitted):
        care_class_assign_caregivers(actor=director_y, care_class=class_x, caregivers=[caregiver_x])


def test_a_caregiver_who_left_no_longer_looks_after_the_class(
    director_x: User, caregiver_x: User, class_x: CareClass
) -> None:
    care_class_assign_caregivers(actor=director_x, care_class=class_x, caregivers=[caregiver_x])
    RoleAssignment.objects.filter(user=caregiver_x, role=Role.CAREGIVER).delete()

    assert not caregivers_of(class_x).exists()
    assert not classes_of_caregiver(caregiver_x).exists()


def test_an_assignment_is_written_in_the_audit_log_with_who_made_it(
    director_x: User, caregiver_x: User, class_x: CareClass
) -> None:
    with set_actor(director_x):
        care_class_assign_caregivers(actor=director_x, care_class=class_x, caregivers=[caregiver_x])
        care_class_assign_caregivers(actor=director_x, care_class=class_x, caregivers=[])

    entries = LogEntry.objects.get_for_object(class_x).filter(action=LogEntry.Action.UPDATE).order_by("pk")
    changes = [(entry.actor, entry.changes_dict.get("caregivers")) for entry in entries]
    assert [(actor, change["operation"], change["objects"]) for actor, change in changes if change] == [
        (director_x, "add", [str(caregiver_x)]),
        (director_x, "delete", [str(caregiver_x)]),
    ]
