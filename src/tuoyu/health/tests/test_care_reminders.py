"""``manage.py health_reminders``: each guardian hears once per child, examination and due date; the health
workers get one digest a day."""

import datetime
import io

import pytest
from django.core.management import call_command

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child
from tuoyu.health.models import ExamKind, ExamReminder
from tuoyu.health.services.care import exam_reminders_send
from tuoyu.health.tests.care_helpers import (
    _english,
    born,
    child_in_care,
    days_ago,
    exam,
    family,
    kid,
    sms_outbox,
    today,
)
from tuoyu.notifications.models import Notification
from tuoyu.registry.models import CareClass
from tuoyu.workdays import months_later

pytestmark = pytest.mark.django_db

__all__ = ["_english", "family", "kid", "sms_outbox"]  # fixtures used by name


def run() -> str:
    out = io.StringIO()
    call_command("health_reminders", stdout=out)
    return out.getvalue()


def test_the_command_reminds_the_family_of_each_overdue_exam_once(
    kid: Child, family: User, health_worker_x: User
) -> None:
    assert run() == f"{today()}: 6 reminder(s) to guardians, 1 digest(s) to health workers.\n"
    assert run() == f"{today()}: 0 reminder(s) to guardians, 0 digest(s) to health workers.\n"

    reminders = Notification.objects.filter(user=family, kind="exam_overdue")
    assert reminders.count() == 6
    eighteen = months_later(kid.birth_date, 18)
    assert reminders.filter(
        title=f"{kid.name} is due for: Periodic examination in care (在托定期体检)",
        body__startswith=f"It was due on {eighteen} (at 18 months).",
        link=f"/health/children/{kid.code}/care/",
    ).exists()
    assert ExamReminder.objects.filter(child=kid).count() == 6


def test_the_health_worker_gets_one_digest_a_day(
    kid: Child, class_x: CareClass, family: User, health_worker_x: User
) -> None:
    child_in_care(class_x, birth_date=born(20), start_date=days_ago(300), guardian=family, name="第二个")

    health_worker_x.preferred_language = "en"
    health_worker_x.save()

    assert exam_reminders_send() == (12, 1)
    digest = Notification.objects.get(user=health_worker_x)
    assert (digest.kind, digest.title, digest.link) == (
        "exam_overdue_digest",
        "12 examinations overdue",
        "/health/overdue/",
    )
    assert digest.body == "2 children at 星星托育园 have examinations more than 30 days overdue."

    assert exam_reminders_send() == (0, 0)
    assert exam_reminders_send(day=today() + datetime.timedelta(days=1)) == (0, 1)  # the next day's digest


def test_a_new_due_date_is_reminded_even_after_earlier_ones(kid: Child, family: User) -> None:
    exam_reminders_send()
    later = months_later(kid.birth_date, 24) + datetime.timedelta(days=31)  # the 24-month items are overdue

    reminders, _digests = exam_reminders_send(day=later)

    assert reminders == 3  # community check, exam in care and hearing at 24 months
    assert set(
        ExamReminder.objects.filter(due_on=months_later(kid.birth_date, 24)).values_list("kind", flat=True)
    ) == {
        ExamKind.COMMUNITY,
        ExamKind.IN_CARE,
        ExamKind.HEARING,
    }


def test_nothing_is_sent_when_nothing_is_overdue(
    class_x: CareClass, family: User, health_worker_x: User
) -> None:
    child = child_in_care(class_x, birth_date=born(13), start_date=days_ago(100), guardian=family)
    for kind in (ExamKind.COMMUNITY, ExamKind.IN_CARE, ExamKind.HEARING):
        exam(child, kind, months_later(child.birth_date, 12))

    assert exam_reminders_send() == (0, 0)
    assert not Notification.objects.exists()
