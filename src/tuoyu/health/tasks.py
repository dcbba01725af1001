"""Health's tasks: the outbreak watch after symptoms are recorded, and the examination reminders each morning
at 08:00."""

import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task, on_commit_task

from tuoyu.health.services.care import exam_reminders_send
from tuoyu.health.services.growth import measurements_reassess
from tuoyu.health.services.outbreaks import outbreak_watch
from tuoyu.regions.models import Region
from tuoyu.registry.models import CareClass


@db_task(retries=3, retry_delay=60, retry_backoff=2)
def outbreak_watch_of(care_class_id: int, day: datetime.date) -> None:
    care_class = CareClass.objects.filter(pk=care_class_id).first()
    if care_class is not None:
        outbreak_watch(care_class=care_class, day=day)


@db_periodic_task(crontab(minute="0", hour="8"))
@lock_task("health_reminders")
def health_reminders() -> tuple[datetime.date, int, int]:
    """Remind guardians of overdue examinations and send the health workers' digests; (day, reminders,
    digests). Each guardian hears once per child, examination and due date."""
    day = timezone.localdate()
    reminders, digests = exam_reminders_send(day=day)
    return day, reminders, digests


@on_commit_task(retries=3, retry_delay=60, retry_backoff=2)
def growth_reassess_of(region_id: int) -> int:
    """Evaluate the region's measurements again against its growth standard, once the change committed."""
    region = Region.objects.filter(pk=region_id).first()
    return 0 if region is None else measurements_reassess(region=region)
