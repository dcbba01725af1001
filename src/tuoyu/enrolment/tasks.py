"""Enrolment's schedule: offers past their answer deadline are closed every five minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tuoyu.enrolment.services import offers_expire


@db_periodic_task(crontab(minute="*/5"))
@lock_task("expire_offers")
def expire_offers() -> int:
    """Close expired offers (their applications return to the queue, families are told); how many."""
    return offers_expire()
