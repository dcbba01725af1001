"""Fees' schedule. On the 1st of every month at 04:00 (local time), last month's statements are issued for
every child with a placement or a booked service in it, and the guardians told. Idempotent: a statement
already issued is left as it is (the director issues it again from the statements page while unpaid).
Every morning at 08:10 the childcare allowance reminders that are due are sent (each once: see
``tuoyu.fees.services_allowance``)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tuoyu.fees.services import month_of, previous_month, statements_issue_month
from tuoyu.fees.services_allowance import allowance_remind


@db_periodic_task(crontab(day="1", hour="4", minute="0"))
@lock_task("fee_statements_issue")
def fee_statements_issue() -> str:
    now = timezone.now()
    month = previous_month(month_of(timezone.localdate(now)))
    issued = statements_issue_month(month=month, now=now)
    return f"{issued} fee statement(s) issued for {month:%Y-%m}."


@db_periodic_task(crontab(minute="10", hour="8"))
@lock_task("allowance_remind")
def allowance_reminders() -> str:
    """Remind the guardians whose reminder is due; what was done, in a line."""
    return f"{allowance_remind()} childcare allowance reminder(s) sent."
