"""The risk score: each part from its own data, weighted by the policy values, and the groups."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.daycare.factories import AttendanceFactory, HealthCheckFactory
from tuoyu.daycare.models import AttendanceStatus, WeeklyMenu
from tuoyu.enrolment.factories import PlacementFactory
from tuoyu.health.models import OutbreakReport, OutbreakTrigger
from tuoyu.policies.models import PolicyValue
from tuoyu.registry.factories import FiledInstitutionFactory
from tuoyu.registry.models import CareClass, Institution
from tuoyu.rules import Severity
from tuoyu.supervision.casekinds import ANSWERED, RETURNED, VERIFIED
from tuoyu.supervision.models import ComplaintOutcome
from tuoyu.supervision.selectors.risk import Risk, RiskGroup, risk_of_institutions
from tuoyu.supervision.tests.planning_helpers import case, complaint, finding, inspection

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)  # the suite's clock: Wednesday


def risk_of(institution: Institution) -> Risk:
    (risk,) = risk_of_institutions(Institution.objects.filter(pk=institution.pk), TODAY)
    return risk


def parts(institution: Institution) -> dict[str, tuple[int, int]]:
    return {part.key: (part.count, part.points) for part in risk_of(institution).parts}


def at(day: datetime.date, hour: int = 8) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_open_findings_count_by_severity_and_resolved_ones_do_not(institution_x: Institution) -> None:
    finding(institution_x, Severity.BLOCK)
    finding(institution_x, Severity.VIOLATION)
    finding(institution_x, Severity.VIOLATION)
    finding(institution_x, Severity.WARNING, resolved_at=timezone.now())
    got = parts(institution_x)
    assert got["finding.block"] == (1, 10)
    assert got["finding.violation"] == (2, 8)
    assert "finding.warning" not in got
    assert risk_of(institution_x).score == 10 + 8 + 4  # and never inspected


def test_only_rectification_orders_overdue_and_waiting_for_the_institution_count(
    institution_x: Institution,
) -> None:
    yesterday = TODAY - datetime.timedelta(days=1)
    case(institution_x, deadline=yesterday)  # issued, overdue: counts
    case(institution_x, deadline=yesterday, status=RETURNED)  # returned, overdue: counts
    case(institution_x, deadline=yesterday, status=ANSWERED)  # waiting for the regulator
    case(institution_x, deadline=TODAY)  # due today, not overdue
    case(institution_x, deadline=yesterday, status=VERIFIED, closed_at=timezone.now())
    assert parts(institution_x)["rectification_overdue"] == (2, 16)


def test_substantiated_complaints_of_the_last_12_months_count(institution_x: Institution) -> None:
    complaint(institution_x, ComplaintOutcome.SUBSTANTIATED, at(TODAY - datetime.timedelta(days=60)))
    complaint(institution_x, ComplaintOutcome.SUBSTANTIATED, at(TODAY - datetime.timedelta(days=400)))
    complaint(institution_x, ComplaintOutcome.UNFOUNDED, at(TODAY - datetime.timedelta(days=10)))
    assert parts(institution_x)["complaint_substantiated"] == (1, 6)


def test_the_latest_completed_inspection_gives_its_grade_or_never_inspected(
    institution_x: Institution, institution_y: Institution, regulator_a: User
) -> None:
    assert parts(institution_x) == {"never_inspected": (1, 4)}
    inspection(institution_x, regulator_a, grade="A", started_at=at(TODAY - datetime.timedelta(days=300)))
    inspection(institution_x, regulator_a, grade="D", started_at=at(TODAY - datetime.timedelta(days=100)))
    inspection(institution_x, regulator_a, completed=False)  # in progress: not a result yet
    inspection(institution_y, regulator_a, grade="D", started_at=at(TODAY - datetime.timedelta(days=300)))
    inspection(institution_y, regulator_a, grade="C", started_at=at(TODAY - datetime.timedelta(days=100)))
    assert parts(institution_x) == {"grade.D": (1, 12)}
    assert parts(institution_y) == {"grade.C": (1, 6)}
    inspection(institution_x, regulator_a, grade="B", started_at=at(TODAY - datetime.timedelta(days=5)))
    assert parts(institution_x) == {}
    assert risk_of(institution_x).score == 0


def test_working_days_with_a_morning_check_missing_are_data_gaps(class_x: CareClass) -> None:
    institution = class_x.institution
    first, second = (PlacementFactory.create(care_class=class_x) for _ in range(2))

    def attend(placement: Any, day: datetime.date, checked: bool, **fields: Any) -> None:
        attendance = AttendanceFactory.create(placement=placement, day=day, checked_in_at=at(day), **fields)
        if checked:
            HealthCheckFactory.create(attendance=attendance, checked_at=at(day))

    monday, tuesday = datetime.date(2026, 11, 23), datetime.date(2026, 11, 24)
    attend(first, monday, checked=True)
    attend(second, monday, checked=False)  # one child of two without a morning check: a gap
    attend(first, tuesday, checked=True)
    attend(second, tuesday, checked=True)
    attend(first, datetime.date(2026, 11, 22), checked=False)  # a Sunday: not a working day
    attend(first, TODAY, checked=False)  # today is not over
    attend(first, datetime.date(2026, 10, 20), checked=False)  # more than 30 days ago
    attend(first, datetime.date(2026, 11, 20), checked=False, status=AttendanceStatus.SENT_HOME)
    for week in (datetime.date(2026, 11, 16), datetime.date(2026, 11, 23)):
        WeeklyMenu.objects.create(institution=institution, week_start=week, dishes={}, published_at=at(week))
    assert parts(institution)["morning_checks_missing"] == (1, 1)
    assert "menus_missing" not in parts(institution)


def test_weeks_with_children_present_and_no_published_menu_are_data_gaps(class_x: CareClass) -> None:
    institution = class_x.institution
    placement = PlacementFactory.create(care_class=class_x)
    for day in (datetime.date(2026, 11, 10), datetime.date(2026, 11, 17), datetime.date(2026, 11, 24)):
        attendance = AttendanceFactory.create(placement=placement, day=day, checked_in_at=at(day))
        HealthCheckFactory.create(attendance=attendance, checked_at=at(day))
    WeeklyMenu.objects.create(
        institution=institution, week_start=datetime.date(2026, 11, 9), dishes={}, published_at=at(TODAY)
    )
    WeeklyMenu.objects.create(  # a draft is not published
        institution=institution, week_start=datetime.date(2026, 11, 16), dishes={}, published_at=None
    )
    assert parts(institution)["menus_missing"] == (2, 2)
    institution.serves_meals = False
    institution.save()
    assert "menus_missing" not in parts(institution)


def test_outbreaks_of_the_last_90_days_count(institution_x: Institution) -> None:
    for days_ago in (10, 89, 120):
        first_day = TODAY - datetime.timedelta(days=days_ago)
        OutbreakReport.objects.create(
            institution=institution_x,
            trigger=OutbreakTrigger.SAME_DAY,
            symptom="fever",
            first_day=first_day,
            last_day=first_day,
            case_count=3,
            due_at=at(first_day, 18),
        )
    assert parts(institution_x)["outbreak"] == (2, 10)


def test_groups_follow_the_policy_cut_offs(institution_x: Institution, institution_y: Institution) -> None:
    assert risk_of(institution_y).group == RiskGroup.LOW  # 4: never inspected
    finding(institution_y, Severity.VIOLATION)
    assert risk_of(institution_y).score == 8
    assert risk_of(institution_y).group == RiskGroup.MEDIUM
    finding(institution_x, Severity.BLOCK)
    finding(institution_x, Severity.VIOLATION)
    assert risk_of(institution_x).score == 18
    assert risk_of(institution_x).group == RiskGroup.MEDIUM
    finding(institution_x, Severity.WARNING, subject_key="edge", subject_label="临界")
    finding(institution_x, Severity.WARNING)
    assert risk_of(institution_x).score == 20  # at the cut-off: high
    assert risk_of(institution_x).group == RiskGroup.HIGH


def test_weights_are_policy_values_changed_by_a_dated_row(institution_x: Institution) -> None:
    finding(institution_x, Severity.BLOCK)
    assert parts(institution_x)["finding.block"] == (1, 10)
    PolicyValue.objects.create(key="risk.finding.block", value=25, effective_from=TODAY, source="测试")
    assert parts(institution_x)["finding.block"] == (1, 25)
    assert risk_of(institution_x).group == RiskGroup.HIGH
    earlier = risk_of_institutions(
        Institution.objects.filter(pk=institution_x.pk), TODAY - datetime.timedelta(1)
    )
    assert {part.key: part.points for part in earlier[0].parts}["finding.block"] == 10


def test_parts_say_what_they_count_in_words(institution_x: Institution) -> None:
    finding(institution_x, Severity.VIOLATION)
    finding(institution_x, Severity.VIOLATION)
    labels = {part.key: part.label for part in risk_of(institution_x).parts}
    assert labels == {"finding.violation": "2 open violations", "never_inspected": "never inspected"}


def test_a_region_costs_the_same_number_of_queries_whatever_its_size(
    institution_x: Institution, institution_y: Institution, regulator_a: User
) -> None:
    def signals(institution: Institution) -> None:
        finding(institution, Severity.BLOCK)
        case(institution, deadline=TODAY - datetime.timedelta(days=3))
        inspection(institution, regulator_a, grade="C")

    for institution in (institution_x, institution_y):
        signals(institution)
    few = Institution.objects.filter(street__parent__code="990101").order_by("code")
    with CaptureQueriesContext(connection) as small:
        assert len(risk_of_institutions(few, TODAY)) == 2
    for _ in range(5):
        signals(FiledInstitutionFactory.create(street=institution_x.street))
    with CaptureQueriesContext(connection) as large:
        assert len(risk_of_institutions(few, TODAY)) == 7
    assert len(large.captured_queries) == len(small.captured_queries) <= 8
