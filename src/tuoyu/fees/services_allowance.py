"""Reminders of the national childcare allowance (育儿补贴): each January, that a new year of it can be
applied for; a month before a child's third birthday, that the last months are running out. Each is sent
once per child, reason and year (an ``AllowanceReminder`` row, unique), however often the task runs."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.enrolment.models import Child
from tuoyu.enrolment.selectors import guardians_of
from tuoyu.fees.allowance import (
    add_months,
    allowance_of,
    birth_dates_eligible_on,
    end_month,
    third_birthday,
)
from tuoyu.fees.models import AllowanceReminder, AllowanceReminderReason
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.workdays import months_later

NEW_YEAR_TITLE = _("Childcare allowance: %(year)d")
NEW_YEAR_BODY = _(
    "%(child)s is eligible for %(months)d month(s) of the national childcare allowance in %(year)d "
    "(%(yuan)s yuan). Apply or confirm through the national childcare allowance system with the birth "
    "certificate and the household register."
)
LAST_MONTHS_TITLE = _("Childcare allowance: the last months for %(child)s")
LAST_MONTHS_BODY = _(
    "%(child)s turns 3 on %(birthday)s; the allowance ends with %(last)s. Check that every month up to then "
    "has been applied for through the national childcare allowance system."
)


def _due(day: datetime.date) -> list[tuple[Child, str, int]]:
    """The (child, reason, year) reminders due on ``day``, not yet sent."""
    earliest, latest = birth_dates_eligible_on(day)
    children = (
        Child.objects.filter(birth_date__gte=earliest, birth_date__lte=latest, guardianships__isnull=False)
        .distinct()
        .order_by("pk")
    )
    due: list[tuple[Child, str, int]] = []
    for child in children:
        if day.month == 1:
            due.append((child, AllowanceReminderReason.NEW_YEAR, day.year))
        # A month before the third birthday (at the latest on the first of the last eligible month).
        last = add_months(end_month(child.birth_date), -1)
        if day >= min(months_later(third_birthday(child.birth_date), -1), last):
            due.append((child, AllowanceReminderReason.LAST_MONTHS, last.year))
    sent = set(
        AllowanceReminder.objects.filter(child__in=[child for child, _r, _y in due]).values_list(
            "child_id", "reason", "year"
        )
    )
    return [(child, reason, year) for child, reason, year in due if (child.pk, reason, year) not in sent]


@transaction.atomic
def allowance_remind(*, now: datetime.datetime | None = None) -> int:
    """Send the reminders due today (each once); how many children's guardians were told."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    link = reverse("fees:allowance")
    due = _due(day)
    AllowanceReminder.objects.bulk_create(
        [AllowanceReminder(child=child, reason=reason, year=year, sent_at=now) for child, reason, year in due]
    )
    for child, reason, year in due:
        allowance = allowance_of(child.birth_date, on=day)
        if reason == AllowanceReminderReason.NEW_YEAR:
            share = next((row for row in allowance.years if row.year == year), None)
            if share is None:
                continue
            title, body = NEW_YEAR_TITLE, NEW_YEAR_BODY
            params: dict[str, object] = {
                "child": child.name,
                "year": year,
                "months": share.months,
                "yuan": f"{share.yuan:,.2f}",
            }
        else:
            assert allowance.last_month is not None
            title, body = LAST_MONTHS_TITLE, LAST_MONTHS_BODY
            params = {
                "child": child.name,
                "birthday": allowance.third_birthday.isoformat(),
                "last": f"{allowance.last_month:%Y-%m}",
            }
        notify_all(
            guardians_of(child),
            kind=NotificationKind.ALLOWANCE_REMINDER,
            title=title,
            body=body,
            params=params,
            link=link,
        )
    return len(due)
