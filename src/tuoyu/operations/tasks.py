"""The scheduler's heartbeat: every minute, and as soon as a consumer starts (so /healthz sees it at once)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_startup

from tuoyu.operations.queue import heartbeat


@db_periodic_task(crontab())
def scheduler_heartbeat() -> None:
    heartbeat()


@on_startup()
def heartbeat_on_start() -> None:
    heartbeat()
