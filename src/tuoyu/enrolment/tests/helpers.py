"""Helpers of the enrolment tests: dates, children, applications, offers and placements; and two fixtures
other apps' tests share, English refusals (``_english``) and text messages kept in memory (``sms_outbox``);
and ``run_together``, which the tests of simultaneous requests share.

The service helpers (``apply``, ``make_offer``) go through the rules; the ``raw_*`` helpers write rows
directly, for tests that need a state the rules would refuse to build (a full class, fifty open offers).
The fixtures are autouse where they are imported by name (a conftest, or a test module listing them in its
``__all__``); importing anything else from here brings none of them.
"""

import datetime
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from django.db import connections
from django.utils import timezone, translation

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.enrolment import services
from tuoyu.enrolment.models import (
    Application,
    ApplicationStatus,
    Child,
    EntryExam,
    ExamResult,
    Guardianship,
    Offer,
    OfferStatus,
    Placement,
    Relation,
    Sex,
)
from tuoyu.registry.models import CareClass, Institution
from tuoyu.sms import MemoryBackend
from tuoyu.workdays import months_later

FULL_DAY_PRICE = Decimal("2000.00")

T = TypeVar("T")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Refusals and notifications are read in English (the clients of the root conftest ask for English
    too)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def sms_outbox(settings: Any) -> Iterator[list[tuple[str, str]]]:
    """Text messages are kept in memory: the list of (phone, text) sent during the test."""
    settings.SMS_BACKEND = "tuoyu.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


def run_together(jobs: Sequence[Callable[[], T]]) -> list[T | Exception]:
    """Run every job in its own thread (so on its own database connection), all released by one barrier, in
    English; each thread closes its connections. What each job returned or raised, in the jobs' order."""
    start = threading.Barrier(len(jobs), timeout=60)

    def run(job: Callable[[], T]) -> T | Exception:
        try:
            start.wait()
            with translation.override("en"):
                return job()
        except Exception as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs, timeout=120))


def today() -> datetime.date:
    return timezone.localdate()


def start() -> datetime.date:
    """The usual desired start date: a week from today."""
    return today() + datetime.timedelta(days=7)


def born_months_before(on: datetime.date, months: int, *, days: int = 0) -> datetime.date:
    """A birth date that makes a child exactly ``months`` completed months old on ``on`` (plus ``days``)."""
    birth = on
    while months_later(birth, months) > on:
        birth -= datetime.timedelta(days=1)
    return birth - datetime.timedelta(days=days)


def make_guardian(display_name: str, *, consent: bool = True, **fields: Any) -> User:
    """A guardian who reads English and (by default) consented to the current privacy notice; ``fields``
    go to the user (a phone number, say)."""
    user = UserFactory.create(display_name=display_name, preferred_language="en", **fields)
    RoleAssignmentFactory.create(user=user, role=Role.GUARDIAN)
    if consent:
        services.give_consent(user=user)
    return user


def pass_exam(
    child: Child, recorded_by: User, *, days_ago: int = 0, result: str = ExamResult.PASS
) -> EntryExam:
    return EntryExam.objects.create(
        child=child,
        examined_on=today() - datetime.timedelta(days=days_ago),
        medical_institution="甲区妇幼保健院",
        result=result,
        recorded_by=recorded_by,
    )


def apply(
    guardian: User,
    child: Child,
    institution: Institution,
    *,
    service_type: str = "full_day",
    desired_start: datetime.date | None = None,
    **extra: object,
) -> Application:
    return services.application_submit(
        guardian=guardian,
        child=child,
        institution=institution,
        service_type=service_type,
        desired_start=desired_start or start(),
        **extra,  # type: ignore[arg-type]
    )


def make_offer(director: User, application: Application, care_class: CareClass, **extra: object) -> Offer:
    return services.offer_make(
        director=director,
        application=application,
        care_class=care_class,
        start_date=application.desired_start,
        **extra,  # type: ignore[arg-type]
    )


def raw_child(guardian: User, *, name: str, months: int = 30) -> Child:
    """A child written directly (no consent check), ``months`` old on the usual start date."""
    child = Child.objects.create(name=name, sex=Sex.MALE, birth_date=born_months_before(start(), months))
    Guardianship.objects.create(child=child, user=guardian, relation=Relation.FATHER)
    return child


def raw_application(
    child: Child, institution: Institution, *, status: str = ApplicationStatus.WAITING
) -> Application:
    guardian = child.guardianships.get().user
    return Application.objects.create(
        child=child,
        institution=institution,
        service_type="full_day",
        desired_start=start(),
        status=status,
        applied_by=guardian,
    )


def raw_offer(
    application: Application,
    care_class: CareClass,
    made_by: User,
    *,
    expires_in: datetime.timedelta = datetime.timedelta(hours=48),
) -> Offer:
    """An open offer written directly (no vacancy check), its application marked offered."""
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.OFFERED)
    application.status = ApplicationStatus.OFFERED
    return Offer.objects.create(
        application=application,
        care_class=care_class,
        start_date=application.desired_start,
        expires_at=timezone.now() + expires_in,
        made_by=made_by,
        status=OfferStatus.OPEN,
    )


def raw_placement(
    child: Child, care_class: CareClass, *, start_date: datetime.date | None = None
) -> Placement:
    """A placement written directly (no offer): the child holds a place until 36 months."""
    return Placement.objects.create(
        child=child,
        institution=care_class.institution,
        care_class=care_class,
        service_type="full_day",
        start_date=start_date or today(),
        ends_on=months_later(child.birth_date, 36),
    )


def fill(care_class: CareClass, guardian: User, places: int, *, prefix: str = "占位") -> list[Placement]:
    """Take ``places`` places of the class with children of the right age placed directly."""
    months = {"infant": 8, "toddler": 16, "preschool": 30, "mixed": 26}[care_class.age_band]
    return [
        raw_placement(raw_child(guardian, name=f"{prefix}{i}", months=months), care_class)
        for i in range(places)
    ]
