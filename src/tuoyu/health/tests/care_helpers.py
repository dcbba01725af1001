"""Helpers of the care tests: children of a chosen age placed in a class since a chosen day, examinations,
screenings and referrals written directly, and text messages kept in memory.

Import the fixtures a module uses by name (``from tuoyu.health.tests.care_helpers import family, kid``);
``client_as("family")`` then signs in as the guardian of ``kid``. ``_english`` and ``sms_outbox`` are the
enrolment tests' (``tuoyu.enrolment.tests.helpers``), imported here for the care tests.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import CareTask, Child, Guardianship, Placement, Relation, Sex, TaskKind
from tuoyu.enrolment.tests.helpers import _english as _english
from tuoyu.enrolment.tests.helpers import make_guardian
from tuoyu.enrolment.tests.helpers import sms_outbox as sms_outbox
from tuoyu.health.models import ExamKind, HealthExam, MeasurementSource, Referral, ReferralReason
from tuoyu.registry.models import CareClass
from tuoyu.workdays import months_later

GUARDIAN_NAME = "家长吴女士"


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def born(months: int, *, days: int = 10, on: datetime.date | None = None) -> datetime.date:
    """A birth date that makes a child ``months`` completed months (and ``days`` days) old on ``on``."""
    return months_later(on or today(), -months) - datetime.timedelta(days=days)


def child_in_care(
    care_class: CareClass,
    *,
    birth_date: datetime.date,
    start_date: datetime.date,
    guardian: User | None = None,
    name: str = "吴小满",
    task: bool = False,
) -> Child:
    """A child with a guardian, holding a place in the class from ``start_date`` until 36 months (and, with
    ``task``, the open vaccination-check task that accepting an offer creates)."""
    child = Child.objects.create(name=name, sex=Sex.FEMALE, birth_date=birth_date)
    if guardian is None:
        guardian = make_guardian(GUARDIAN_NAME, consent=False)
    Guardianship.objects.create(child=child, user=guardian, relation=Relation.MOTHER)
    placement = Placement.objects.create(
        child=child,
        institution=care_class.institution,
        care_class=care_class,
        service_type="full_day",
        start_date=start_date,
        ends_on=months_later(birth_date, 36),
    )
    if task:
        CareTask.objects.create(
            kind=TaskKind.VACCINATION_CHECK,
            child=child,
            institution=care_class.institution,
            placement=placement,
            due_on=start_date + datetime.timedelta(days=30),
        )
    return child


def children_in_care(
    care_class: CareClass,
    guardian: User,
    count: int,
    *,
    start_date: datetime.date | None = None,
    prefix: str = "孩子",
) -> list[Child]:
    """``count`` children of ``guardian`` in the class since ``start_date`` (300 days ago unless given), the
    n-th 20 months and n days old and named ``prefix`` + n: a class filled for the query counts."""
    return [
        child_in_care(
            care_class,
            birth_date=born(20, days=n),
            start_date=start_date or days_ago(300),
            guardian=guardian,
            name=f"{prefix}{n}",
        )
        for n in range(count)
    ]


def exam(child: Child, kind: str, on: datetime.date, **fields: Any) -> HealthExam:
    """An examination written directly (haemoglobin 120 g/L and hearing "pass" unless given)."""
    if kind == ExamKind.HAEMOGLOBIN:
        fields.setdefault("haemoglobin_g_l", 120)
    if kind == ExamKind.HEARING:
        fields.setdefault("hearing_result", "pass")
    return HealthExam.objects.create(
        child=child, kind=kind, examined_on=on, source=MeasurementSource.INSTITUTION, **fields
    )


def referral(child: Child, *, referred_on: datetime.date, **fields: Any) -> Referral:
    fields.setdefault("reason", ReferralReason.OTHER)
    fields.setdefault("detail", "皮疹待查")
    return Referral.objects.create(child=child, referred_on=referred_on, **fields)


# Fixtures -------------------------------------------------------------------------------------------------


@pytest.fixture
def family(db: None) -> User:
    """The guardian of ``kid``."""
    return make_guardian(GUARDIAN_NAME, consent=False, phone="13812340001")


@pytest.fixture
def kid(class_x: CareClass, family: User) -> Child:
    """A child of 20 months (and 10 days) in care in class X for a year, their vaccination check open."""
    return child_in_care(
        class_x, birth_date=born(20), start_date=months_later(today(), -12), guardian=family, task=True
    )
