"""Two caregivers check in the same child at the same moment: exactly one attendance, the other is told.

Each check-in runs in its own thread (so on its own database connection), released together by a barrier.
On PostgreSQL both pass the "already checked in?" read and the second insert fails on the unique constraint
(answered ``already_checked_in``); on SQLite the IMMEDIATE transaction mode makes the second wait at BEGIN
and its read sees the first. Either way: one attendance, one morning check.
"""

from collections.abc import Callable

import pytest
from django.db import connection

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.daycare.factories import placed_child
from tuoyu.daycare.models import Attendance, HealthCheck
from tuoyu.daycare.services import attendance as services
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import run_together
from tuoyu.refusals import Refusal
from tuoyu.registry.models import CareClass


def caregiver_of(care_class: CareClass, name: str) -> User:
    user = UserFactory.create(display_name=name)
    RoleAssignmentFactory.create(user=user, role=Role.CAREGIVER, institution=care_class.institution)
    return user


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("caregivers", [2, 6])
def test_simultaneous_check_ins_of_one_child_make_one_attendance(class_x: CareClass, caregivers: int) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("an in-memory SQLite database answers a second writer with an error instead of waiting")
    child: Child = placed_child(class_x, name="并发小宝")
    users = [caregiver_of(class_x, f"保育师{i}") for i in range(caregivers)]

    def job(user: User, temperature: str) -> Callable[[], Attendance]:
        return lambda: services.attendance_check_in(
            care_class=class_x, child=child, by=user, temperature_c=temperature, decision="admit"
        )

    outcomes = run_together([job(user, f"36.{i + 2}") for i, user in enumerate(users)])

    done = [o for o in outcomes if isinstance(o, Attendance)]
    refused = [o for o in outcomes if isinstance(o, Refusal)]
    assert len(done) == 1, outcomes
    assert len(refused) == caregivers - 1, outcomes
    assert {r.code for r in refused} == {"already_checked_in"} and all(r.conflict for r in refused)
    assert Attendance.objects.filter(child=child).count() == 1
    assert HealthCheck.objects.filter(attendance__child=child).count() == 1
    assert HealthCheck.objects.get().checked_by == done[0].checked_in_by
