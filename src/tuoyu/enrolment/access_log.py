"""Writing the health-data access log: every page, API answer, export and back-office screen that shows a
child's health data (health records, allergies and special needs, checks, medication, incidents, illness
follow-ups) records who read which child's data, through which view, in one insert per response."""

from collections.abc import Iterable
from typing import Any

from tuoyu.enrolment.models import AccessChannel, Child, HealthRecordAccess


def health_record_read(actor: Any, child: Child, *, view: str, channel: str) -> None:
    health_records_read(actor, [child], view=view, channel=channel)


def health_records_read(actor: Any, children: Iterable[Child], *, view: str, channel: str) -> None:
    """Log one read per child of a page or answer that shows several children's health data (one insert)."""
    unique = {child.pk: child for child in children}.values()
    HealthRecordAccess.objects.bulk_create(
        HealthRecordAccess(
            user=actor, child=child, child_name=child.name, view=view, channel=AccessChannel(channel)
        )
        for child in unique
    )


class LogsHealthReads:
    """For DRF list views whose items show children's health data: the children of the items of each answer
    are logged (one insert), whatever the page or filter. Set ``health_view`` and ``children_of``."""

    health_view: str
    request: Any

    def children_of(self, item: Any) -> Iterable[Child]:
        raise NotImplementedError

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("many") and args:
            items = list(args[0])
            children = [child for item in items for child in self.children_of(item)]
            health_records_read(self.request.user, children, view=self.health_view, channel=AccessChannel.API)
            args = (items, *args[1:])
        return super().get_serializer(*args, **kwargs)  # type: ignore[misc]
