"""Driving the queue's schedule in tests, where the queue runs every task at once (QUEUE_URL=memory://)."""

import datetime

from django.utils import timezone
from huey.contrib.djhuey import HUEY


def run_what_the_schedule_runs_at(moment: datetime.datetime) -> list[str]:
    """Enqueue, as the consumer's scheduler does at ``moment``, every periodic task due then (each runs at
    once); their names."""
    due = HUEY.read_periodic(timezone.make_naive(moment))  # the schedule reads local time (utc=False)
    for task in due:
        HUEY.enqueue(task)
    return [task.name for task in due]
