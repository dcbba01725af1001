"""Helpers of the outbreak-watch tests: children in a class, their symptoms on a day, diagnoses.

Symptoms of past days are written as rows (the daycare services record only today, or an absence ahead);
``run_watch`` then reads them as the watch does after a recording. ``disease(code)`` loads the disease
table first, since a transactional test flushes what the data migration loaded.

Import the fixtures a module uses by name: ``kids`` and ``outbreak`` (a fever cluster of the three in
class X), and ``_english`` and ``sms_outbox`` (the enrolment tests', ``tuoyu.enrolment.tests.helpers``).
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.daycare.factories import AttendanceFactory, HealthCheckFactory, placed_child
from tuoyu.daycare.models import (
    Absence,
    AbsenceReason,
    AttendanceStatus,
    CheckDecision,
    CheckKind,
    HealthCheck,
    Symptom,
)
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import _english as _english
from tuoyu.enrolment.tests.helpers import sms_outbox as sms_outbox
from tuoyu.health.diseases import disease_table_load
from tuoyu.health.models import Diagnosis, DiagnosisStatus, Disease, OutbreakReport
from tuoyu.health.services import outbreaks as services
from tuoyu.refusals import Refusal
from tuoyu.registry.models import CareClass, Institution

HOUR = datetime.timedelta(hours=1)


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def children(care_class: CareClass, count: int, *, prefix: str = "小朋友") -> list[Child]:
    """``count`` children with a place in the class since a month ago (so past days are on the roster)."""
    start = days_ago(30)
    return [placed_child(care_class, name=f"{prefix}{i + 1}", start_date=start) for i in range(count)]


def absent_ill(
    child: Child, care_class: CareClass, symptom: str, *, day: datetime.date | None = None
) -> Absence:
    """An illness absence with its symptom, written as a row (any day)."""
    return Absence.objects.create(
        child=child,
        care_class=care_class,
        day=day or today(),
        reason=AbsenceReason.ILLNESS,
        symptom=symptom,
        recorded_by=UserFactory.create(),
    )


def checked(
    child: Child,
    care_class: CareClass,
    *,
    day: datetime.date | None = None,
    temperature: str = "36.5",
    observations: list[str] | None = None,
    kind: str = CheckKind.MORNING,
    decision: str = CheckDecision.ADMIT,
) -> HealthCheck:
    """A morning (or noon) check of the child on ``day``, with its attendance (made on the first check)."""
    day = day or today()
    attendance = child.attendances.filter(day=day).first()
    if attendance is None:
        status = (
            AttendanceStatus.SENT_HOME if decision == CheckDecision.SEND_HOME else AttendanceStatus.CHECKED_IN
        )
        attendance = AttendanceFactory.create(
            placement=child.placements.get(care_class=care_class),
            day=day,
            status=status,
            checked_in_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 0))),
        )
    return HealthCheckFactory.create(
        attendance=attendance,
        kind=kind,
        temperature_c=Decimal(temperature),
        observations=observations or [],
        decision=decision,
        action="已通知家长" if decision != CheckDecision.ADMIT or observations else "",
    )


def run_watch(
    care_class: CareClass, day: datetime.date | None = None, **kwargs: object
) -> list[OutbreakReport]:
    return services.outbreak_watch(care_class=care_class, day=day or today(), **kwargs)  # type: ignore[arg-type]


def cluster_opened(
    care_class: CareClass, kids: list[Child], symptom: str, *, hours_ago: int
) -> OutbreakReport:
    """The one report the watch opened ``hours_ago`` hours ago, the ``kids`` being absent ill with
    ``symptom`` today."""
    for child in kids:
        absent_ill(child, care_class, symptom)
    (opened,) = run_watch(care_class, now=timezone.now() - hours_ago * HOUR)
    return opened


def fever_report(institution: Institution, *, care_class: CareClass | None = None) -> OutbreakReport:
    """A report written directly (no watch, no alert): a fever cluster of 3 children today, due now."""
    return OutbreakReport.objects.create(
        institution=institution,
        care_class=care_class,
        trigger="same_day",
        symptom="fever",
        first_day=today(),
        last_day=today(),
        case_count=3,
        due_at=timezone.now(),
    )


def disease(code: str) -> Disease:
    disease_table_load(Disease)
    return Disease.objects.get(code=code)


def diagnose(
    child: Child,
    code: str,
    by: User,
    *,
    onset_on: datetime.date | None = None,
    diagnosed_on: datetime.date | None = None,
    status: str = DiagnosisStatus.CONFIRMED,
    **kwargs: object,
) -> Diagnosis:
    # On the day of the recording: a test recording "two hours ago" just after midnight records yesterday.
    now = kwargs.get("now")
    onset_on = onset_on or (timezone.localdate(now) if isinstance(now, datetime.datetime) else today())
    return services.diagnosis_record(
        child=child,
        disease=disease(code),
        status=status,
        onset_on=onset_on,
        diagnosed_on=diagnosed_on or onset_on,
        by=by,
        diagnosed_by="甲区人民医院",
        **kwargs,  # type: ignore[arg-type]
    )


def refusal_of(action: Callable[[], object]) -> Refusal:
    with pytest.raises(Refusal) as refused:
        action()
    return refused.value


def regulator_of(region: object, name: str) -> User:
    user = UserFactory.create(display_name=name, preferred_language="en")
    RoleAssignmentFactory.create(user=user, role=Role.REGULATOR, region=region)
    return user


# Fixtures -------------------------------------------------------------------------------------------------


@pytest.fixture
def kids(class_x: CareClass) -> list[Child]:
    return children(class_x, 3, prefix="星星宝")


@pytest.fixture
def outbreak(class_x: CareClass, kids: list[Child]) -> OutbreakReport:
    """A fever cluster in class X opened 10 hours ago: due in 14 hours."""
    return cluster_opened(class_x, kids, Symptom.FEVER, hours_ago=10)
