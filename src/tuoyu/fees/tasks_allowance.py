"""The childcare allowance reminders, every morning at 08:10 (each is sent once: see
``tuoyu.fees.services_allowance``)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tuoyu.fees.services_allowance import allowance_remind


@db_periodic_task(crontab(minute="10", hour="8"))
@lock_task("allowance_remind")
def allowance_reminders() -> str:
    """Remind the guardians whose reminder is due; what was done, in a line."""
    return f"{allowance_remind()} childcare allowance reminder(s) sent."
