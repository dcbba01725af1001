"""The schedule is declared in code, next to what it runs: each periodic task is due when the docs say."""

import datetime

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tuoyu.operations.models import Heartbeat
from tuoyu.operations.tests.helpers import run_what_the_schedule_runs_at


def due_at(hour: int, minute: int, day: datetime.date = datetime.date(2026, 11, 25)) -> set[str]:
    return {
        task.name for task in HUEY.read_periodic(datetime.datetime.combine(day, datetime.time(hour, minute)))
    }


def test_every_periodic_task_is_due_at_its_time() -> None:
    assert due_at(1, 0) == {"scheduler_heartbeat", "evaluate_rules", "expire_offers"}
    assert due_at(8, 0) == {"scheduler_heartbeat", "health_reminders", "expire_offers"}
    assert due_at(9, 35) == {"scheduler_heartbeat", "expected_absent", "expire_offers"}
    assert due_at(10, 5) == {"scheduler_heartbeat", "expire_offers"}
    assert due_at(10, 7) == {"scheduler_heartbeat"}


def test_the_families_are_told_on_saturdays_too_when_the_calendar_makes_them_working_days() -> None:
    """The schedule runs expected_absent every day; the Chinese calendar decides (调休 Saturdays work)."""
    assert "expected_absent" in due_at(9, 35, datetime.date(2026, 11, 28))


@pytest.mark.django_db
def test_the_scheduler_writes_its_heartbeat_every_minute() -> None:
    run_what_the_schedule_runs_at(timezone.localtime().replace(minute=7))

    beat_at = Heartbeat.objects.get(name="scheduler").beat_at
    assert abs(timezone.now() - beat_at) < datetime.timedelta(seconds=5)
