from typing import Any

from tuoyu.supervision.tasks import findings_refresh_of


def refresh_findings_on_change(sender: Any, institution_id: int, **kwargs: Any) -> None:
    """An institution's data changed (the signal comes once its transaction committed): refresh its findings
    from the queue, not in the request that wrote."""
    findings_refresh_of(institution_id)
