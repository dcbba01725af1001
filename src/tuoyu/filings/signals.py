"""A notice that a filing was approved, for the readers of approved filings (the construction subsidy).

Sent with ``filing=<Filing>`` once the approval's transaction has committed; receivers do their work from the
queue, never in the request that approved.
"""

from django.db import transaction
from django.dispatch import Signal

from tuoyu.filings.models import Filing

# Sent with filing=<Filing>.
filing_approved = Signal()


def announce_approval(filing: Filing) -> None:
    """Send ``filing_approved`` when the current transaction commits."""
    transaction.on_commit(lambda: filing_approved.send(sender=Filing, filing=filing))
