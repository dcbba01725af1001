"""The task queue's own bookkeeping: the scheduler's heartbeat and the record of failed task runs.

Tasks themselves live in each app's ``tasks.py`` (Huey's Django integration loads them in the consumer);
this module holds what every task shares.
"""

import contextlib
import datetime
import logging
import traceback
from typing import Any

from django.utils import timezone
from huey.api import Task
from huey.contrib.djhuey import HUEY
from huey.signals import SIGNAL_ERROR

from tuoyu.operations.models import Heartbeat, TaskFailure

SCHEDULER = "scheduler"
ARGUMENTS_SHOWN = 2000  # characters of a failed task's arguments kept for the back office
ARGUMENTS_WITHHELD = "（含个人信息，不予显示）"

logger = logging.getLogger(__name__)


def heartbeat(name: str = SCHEDULER) -> datetime.datetime:
    """Record that the process ``name`` is alive now."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})
    return now


def last_heartbeat(name: str = SCHEDULER) -> datetime.datetime | None:
    return Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()


def task_failure_record(task: Task, error: BaseException) -> TaskFailure:
    """Keep a failed run for the back office. A task declared with ``arguments_private=True`` (a text
    message: a phone number and a code) keeps its arguments out of it, and the error's message too (a
    gateway's error may repeat the number): only where it failed and the kind of error."""
    if getattr(task, "arguments_private", False):
        arguments = ARGUMENTS_WITHHELD
        frames = traceback.format_tb(error.__traceback__)
        error_text = "".join(frames) + f"{type(error).__qualname__}: {ARGUMENTS_WITHHELD}"
    else:
        arguments = repr({"args": task.args, "kwargs": task.kwargs})
        error_text = "".join(traceback.format_exception(error))
    return TaskFailure.objects.create(
        task=f"{type(task).__module__}.{task.name}",
        task_id=task.id,
        arguments=arguments[:ARGUMENTS_SHOWN],
        error=error_text,
        retries_left=task.retries,
    )


def _on_error(signal: str, task: Task, error: BaseException | None = None, *args: Any, **kwargs: Any) -> None:
    if error is None:
        return
    try:
        task_failure_record(task, error)
    except Exception:  # the database may be what failed: the task's retry must still be scheduled
        logger.exception("The failure of %s could not be recorded", task)


def record_failures() -> None:
    """Every task run that raises is kept as a TaskFailure (shown in the back office), retried or not."""
    with contextlib.suppress(KeyError, ValueError):  # connected once, however often apps are set up
        HUEY.disconnect_signal(_on_error, SIGNAL_ERROR)
    HUEY.signal(SIGNAL_ERROR)(_on_error)
