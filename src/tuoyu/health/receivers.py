import datetime
from typing import Any

from tuoyu.health.tasks import outbreak_watch_of
from tuoyu.registry.models import CareClass


def watch_on_symptoms_recorded(
    sender: Any, *, care_class: CareClass, day: datetime.date, **kwargs: Any
) -> None:
    """Daycare's ``symptoms_recorded`` (sent once the recording committed): the watch runs from the queue, so
    the recording is kept and answered whatever the watch does; a failed watch is retried."""
    outbreak_watch_of(care_class.pk, day)
