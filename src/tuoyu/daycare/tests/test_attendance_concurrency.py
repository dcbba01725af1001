"""Two caregivers check in the same child at the same moment: exactly one attendance, the other is told.

Each check-in runs in its own thread (so on its own database connection), released together by a barrier.
On PostgreSQL both pass the "already checked in?" read and the second insert fails on the unique constraint
(answered ``already_checked_in``); on SQLite the IMMEDIATE transaction mode makes the second wait at BEGIN
and its read sees the first. Either way: one attendance, one morning check.
"""

import datetime
import multiprocessing
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.daycare.factories import placed_child
from tuoyu.daycare.models import Attendance, HealthCheck, MissedArrivalAlert
from tuoyu.daycare.services import attendance as services
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import run_together
from tuoyu.notifications.models import Notification
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


def _tell_families_in_a_process(now: datetime.datetime, start: Any, sent: Any) -> None:
    """In a forked process: the job, with a pause between deciding to tell a family and telling it, so that
    the two processes overlap on every child."""
    tell = services._missed_arrival_notify

    def slowly(*args: Any) -> Any:
        time.sleep(0.05)
        return tell(*args)

    services._missed_arrival_notify = slowly  # type: ignore[assignment]
    try:
        start.wait(timeout=60)
        sent.put(services.expected_absent_notify(now=now))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_two_consumers_at_once_tell_each_family_once(class_x: CareClass) -> None:
    """Two processes (two queue consumers, or a consumer and the command) run the 09:35 job at the same
    moment: the unique alert row lets exactly one of them tell each family."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("an in-memory SQLite database is not shared between processes")
    children = [placed_child(class_x, name=f"未到{i}") for i in range(8)]
    now = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(9, 35)))
    processes = multiprocessing.get_context("fork")
    start, sent = processes.Barrier(2), processes.Queue()
    connections.close_all()  # each process opens its own connection

    runs = [processes.Process(target=_tell_families_in_a_process, args=(now, start, sent)) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=120)

    assert [run.exitcode for run in runs] == [0, 0]
    assert sent.get(timeout=5) + sent.get(timeout=5) == len(children)  # however the two shared the work
    told = Notification.objects.filter(kind="expected_absent")
    assert told.count() == len(children)
    assert sorted(told.values_list("user_id", flat=True)) == sorted(
        child.guardianships.get().user_id for child in children
    )
    assert MissedArrivalAlert.objects.count() == len(children)
