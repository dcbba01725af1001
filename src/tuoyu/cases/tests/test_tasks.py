"""The nightly escalation: due at 02:00, it climbs the ladder of overdue orders once, logged and told."""

import datetime

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tuoyu.accounts.models import User
from tuoyu.cases.models import EscalationStep
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.operations.tests.helpers import run_what_the_schedule_runs_at
from tuoyu.registry.models import Institution
from tuoyu.supervision.services.rectification import rectification_issue

pytestmark = pytest.mark.django_db


def test_the_escalation_is_due_every_night_at_two() -> None:
    due = {task.name for task in HUEY.read_periodic(datetime.datetime(2026, 6, 9, 2, 0))}
    assert "escalate_overdue_cases" in due
    assert "escalate_overdue_cases" not in {
        task.name for task in HUEY.read_periodic(datetime.datetime(2026, 6, 9, 3, 0))
    }


@pytest.mark.clock("2026-06-01T10:00:00+08:00")
def test_the_schedule_escalates_an_overdue_order_once(
    clock: object, institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    case = rectification_issue(
        institution=institution_x, subject="消防通道堆放杂物", actor=regulator_a, deadline_days=5
    )
    assert case.deadline == datetime.date(2026, 6, 8)

    clock.move_to("2026-06-08T02:00:00+08:00")  # type: ignore[attr-defined]
    run_what_the_schedule_runs_at(timezone.localtime())
    case.refresh_from_db()
    assert case.escalation == EscalationStep.NONE  # the deadline day itself

    clock.move_to("2026-06-09T02:00:00+08:00")  # type: ignore[attr-defined]
    assert "escalate_overdue_cases" in run_what_the_schedule_runs_at(timezone.localtime())
    run_what_the_schedule_runs_at(timezone.localtime())  # a second run takes no step again
    case.refresh_from_db()
    assert case.escalation == EscalationStep.REMINDER
    assert case.events.filter(action="escalated").count() == 1
    told = Notification.objects.filter(
        user=director_x, kind=NotificationKind.CASE_UPDATED, title__contains="逾期"
    )
    assert told.count() == 1
