"""The desk's schedule: every working morning at 08:40, the requests past their deadline are reminded (催办)
to the departments that have not replied (or to the team when it handles one itself)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tuoyu.enterprises.services.requests import requests_remind_overdue


@db_periodic_task(crontab(minute="40", hour="8"))
@lock_task("remind_overdue_requests")
def remind_overdue_requests() -> int:
    """Reminders sent. Idempotent: a dispatch already reminded for its deadline is left alone."""
    return requests_remind_overdue()
