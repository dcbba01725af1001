"""Opening a child's health record: the one way every page, API call and export reads it, so that every
read is written to the access log (who, when, which child, which view)."""

from typing import Any

from django.utils import timezone

from tuoyu.accounts.access import Perm, get_visible_or_404
from tuoyu.enrolment.access_log import health_record_read, health_records_read
from tuoyu.enrolment.models import Child


def health_record_open(actor: Any, code: Any, *, view: str, channel: str) -> Child:
    """The child with this code if the actor may read their health record (else 404), logging the read."""
    child = get_visible_or_404(
        Child.objects.visible_to(actor, Perm.VIEW_HEALTH, on=timezone.localdate()), code=code
    )
    health_record_read(actor, child, view=view, channel=channel)
    return child


__all__ = ["health_record_open", "health_record_read", "health_records_read"]
