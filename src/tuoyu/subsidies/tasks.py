"""Subsidies' schedule: last month's operating claims prepared on the 1st at 03:00; the construction claim of
an approved filing prepared from the queue once the approval commits, and swept each night at 03:30 for an
approval the queue missed. Every task is idempotent: a claim submitted or decided is left as it is."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from tuoyu.filings.models import Filing
from tuoyu.subsidies.services.claims import (
    claims_prepare_for_month,
    construction_claim_prepare,
    construction_claims_sweep,
    previous_month,
)


@db_periodic_task(crontab(day="1", hour="3", minute="0"))
@lock_task("claims_prepare_last_month")
def claims_prepare_last_month() -> int:
    """Last month's operating claim of every eligible institution of every district; how many."""
    now = timezone.now()
    return claims_prepare_for_month(month=previous_month(timezone.localdate(now)), now=now)


@db_task(retries=3, retry_delay=60, retry_backoff=2)
def construction_claim_prepare_of(filing_pk: int) -> bool:
    """The construction claim of an approved filing (whether one exists now)."""
    filing = Filing.objects.filter(pk=filing_pk).first()
    return filing is not None and construction_claim_prepare(filing=filing) is not None


@db_periodic_task(crontab(minute="30", hour="3"))
@lock_task("construction_claims_sweep")
def construction_claims_sweep_nightly() -> int:
    """The construction claims of the last 30 days' approvals that have none yet; how many."""
    return construction_claims_sweep()
