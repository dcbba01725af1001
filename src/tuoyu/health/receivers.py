import datetime
from typing import Any

from tuoyu.health.tasks import growth_reassess_of, outbreak_watch_of
from tuoyu.regions.models import Region
from tuoyu.registry.models import CareClass


def watch_on_symptoms_recorded(
    sender: Any, *, care_class: CareClass, day: datetime.date, **kwargs: Any
) -> None:
    """Daycare's ``symptoms_recorded`` (sent once the recording committed): the watch runs from the queue, so
    the recording is kept and answered whatever the watch does; a failed watch is retried."""
    outbreak_watch_of(care_class.pk, day)


def reassess_on_region_saved(sender: Any, *, instance: Region, created: bool, **kwargs: Any) -> None:
    """A region saved (its growth standard perhaps changed, for it and the regions below that follow it):
    its measurements are evaluated again from the queue once the change commits. Those already on the
    standard in force are left as they are: saving a region that changed nothing writes nothing."""
    if not created and not kwargs.get("raw", False):
        growth_reassess_of(instance.pk)


def reassess_after_migrate(sender: Any, **kwargs: Any) -> None:
    """After ``migrate`` (an upgrade may bring a new default standard, or the standards themselves): every
    region's measurements are evaluated again from the queue against the standard in force. Nothing is
    written for those already on it."""
    for region in Region.objects.filter(parent=None):
        growth_reassess_of(region.pk)
