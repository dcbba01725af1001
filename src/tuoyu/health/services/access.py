"""Opening a child's health record: the one way every page, API call and export reads it, so that every
read is written to the access log (who, when, which child, which view)."""

from collections.abc import Iterable
from typing import Any

from tuoyu.accounts.access import get_visible_or_404
from tuoyu.enrolment.models import Child
from tuoyu.health.models import AccessChannel, HealthRecordAccess
from tuoyu.health.selectors.access import health_children_visible_to


def health_record_read(actor: Any, child: Child, *, view: str, channel: str) -> None:
    HealthRecordAccess.objects.create(
        user=actor, child=child, child_name=child.name, view=view, channel=AccessChannel(channel)
    )


def health_records_read(actor: Any, children: Iterable[Child], *, view: str, channel: str) -> None:
    """Log one read per child of a page or answer that shows several children's health data (one insert)."""
    unique = {child.pk: child for child in children}.values()
    HealthRecordAccess.objects.bulk_create(
        HealthRecordAccess(
            user=actor, child=child, child_name=child.name, view=view, channel=AccessChannel(channel)
        )
        for child in unique
    )


def health_record_open(actor: Any, code: Any, *, view: str, channel: str) -> Child:
    """The child with this code if the actor may read their health record (else 404), logging the read."""
    child = get_visible_or_404(health_children_visible_to(actor), code=code)
    health_record_read(actor, child, view=view, channel=channel)
    return child
