"""The cases' task: every night at 02:00 (after the rules' evaluation at 01:00), overdue cases climb the
escalation ladder, each step logged on the case and told to the institution and the regulator."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tuoyu.cases.services import cases_escalate_overdue


@db_periodic_task(crontab(minute="0", hour="2"))
@lock_task("escalate_overdue_cases")
def escalate_overdue_cases() -> int:
    """Steps of the ladder taken. Idempotent: a case already at the step due is left alone."""
    return cases_escalate_overdue()
