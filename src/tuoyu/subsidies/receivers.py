from typing import Any

from tuoyu.filings.models import Filing
from tuoyu.subsidies.tasks import construction_claim_prepare_of


def construction_claim_on_approval(sender: Any, filing: Filing, **kwargs: Any) -> None:
    """A filing was approved (the signal comes once its transaction committed): its construction claim, if
    it added inclusive places, is prepared from the queue."""
    construction_claim_prepare_of(filing.pk)
