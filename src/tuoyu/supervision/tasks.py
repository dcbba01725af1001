"""Supervision's tasks: findings refreshed after a write to an institution's data, and every rule for every
institution each night at 01:00 (a certificate expires without anyone writing)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from tuoyu.registry.models import Institution
from tuoyu.supervision.services.findings import findings_refresh, findings_refresh_all


@db_task(retries=3, retry_delay=60, retry_backoff=2)
def findings_refresh_of(institution_id: int) -> None:
    institution = Institution.objects.filter(pk=institution_id).first()
    if institution is not None:  # deleted since the write
        findings_refresh(institution=institution)


@db_periodic_task(crontab(minute="0", hour="1"))
@lock_task("evaluate_rules")
def evaluate_rules() -> tuple[int, int]:
    """Every rule for every institution; (findings opened, closed). Idempotent."""
    return findings_refresh_all()
