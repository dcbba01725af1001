"""The examination schedule: due dates from the birth date, windows, statuses, what the institution answers
for, and the bulk computation for a whole institution (constant queries)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child, Placement
from tuoyu.health.models import ExamKind, HealthExam
from tuoyu.health.selectors.schedule import (
    ItemStatus,
    ScheduleItem,
    child_schedule,
    due_dates,
    institution_schedules,
    may_fall_overdue,
    overdue_visible_to,
    schedule_items,
)
from tuoyu.health.tests.care_helpers import (
    _english,
    born,
    child_in_care,
    children_in_care,
    exam,
    family,
    kid,
    sms_outbox,
    today,
)
from tuoyu.registry.models import CareClass, Institution
from tuoyu.workdays import months_later

__all__ = ["_english", "family", "kid", "sms_outbox"]  # fixtures used by name

BIRTH = datetime.date(2023, 1, 31)


def item(items: list[ScheduleItem], kind: str, age: int) -> ScheduleItem:
    return next(i for i in items if i.kind == kind and i.age_months == age)


def unsaved(
    birth: datetime.date = BIRTH, start: datetime.date | None = None
) -> tuple[Child, Placement | None]:
    child = Child(name="吴小满", sex="2", birth_date=birth)
    if start is None:
        return child, None
    return child, Placement(child=child, start_date=start, ends_on=months_later(birth, 36))


def exams(*pairs: tuple[str, datetime.date]) -> list[HealthExam]:
    return [HealthExam(kind=kind, examined_on=on, pk=n) for n, (kind, on) in enumerate(pairs, start=1)]


# Due dates and windows ------------------------------------------------------------------------------------


def test_community_checks_fall_at_3_6_8_12_18_24_30_and_36_months_from_the_birth_date() -> None:
    assert due_dates(BIRTH, ExamKind.COMMUNITY) == [
        (3, datetime.date(2023, 5, 1)),  # 31 April does not exist: the 1st after it
        (6, datetime.date(2023, 7, 31)),
        (8, datetime.date(2023, 10, 1)),
        (12, datetime.date(2024, 1, 31)),
        (18, datetime.date(2024, 7, 31)),
        (24, datetime.date(2025, 1, 31)),
        (30, datetime.date(2025, 7, 31)),
        (36, datetime.date(2026, 1, 31)),
    ]


def test_haemoglobin_is_yearly_at_8_18_30_months_and_hearing_at_12_24_36_months() -> None:
    assert [age for age, _due in due_dates(BIRTH, ExamKind.HAEMOGLOBIN)] == [8, 18, 30]
    assert [age for age, _due in due_dates(BIRTH, ExamKind.HEARING)] == [12, 24, 36]


def test_exams_in_care_are_due_every_6_months_from_12_months_only_while_the_child_holds_a_place() -> None:
    child, placement = unsaved(start=datetime.date(2024, 3, 1))  # in care from 13 months

    items = schedule_items(child, [], placement, datetime.date(2024, 4, 1))

    assert [i.age_months for i in items if i.kind == ExamKind.IN_CARE] == [18, 24, 30]
    assert not [
        i for i in schedule_items(child, [], None, datetime.date(2024, 4, 1)) if i.kind == ExamKind.IN_CARE
    ]


def test_an_exam_from_30_days_before_its_due_date_fulfils_it() -> None:
    child, placement = unsaved(start=datetime.date(2023, 6, 1))
    due = datetime.date(2024, 1, 31)  # community check at 12 months

    early = schedule_items(
        child, exams((ExamKind.COMMUNITY, due - datetime.timedelta(days=30))), placement, due
    )
    too_early = schedule_items(
        child, exams((ExamKind.COMMUNITY, due - datetime.timedelta(days=31))), placement, due
    )

    assert item(early, ExamKind.COMMUNITY, 12).status == ItemStatus.DONE
    assert item(too_early, ExamKind.COMMUNITY, 12).status == ItemStatus.DUE
    assert item(too_early, ExamKind.COMMUNITY, 8).status == ItemStatus.DONE  # it counts for the one before


def test_the_window_runs_until_30_days_before_the_next_due_date_and_one_exam_fulfils_one_item() -> None:
    child, placement = unsaved(start=datetime.date(2023, 6, 1))
    late_12 = datetime.date(2024, 6, 30)  # 18-month check due 2024-07-31: its window opens 2024-07-01

    items = schedule_items(child, exams((ExamKind.COMMUNITY, late_12)), placement, datetime.date(2024, 7, 2))

    twelve, eighteen = item(items, ExamKind.COMMUNITY, 12), item(items, ExamKind.COMMUNITY, 18)
    assert twelve.status == ItemStatus.DONE
    assert twelve.exam is not None and twelve.exam.examined_on == late_12
    assert twelve.window_ends == datetime.date(2024, 7, 1)
    assert eighteen.status == ItemStatus.DUE


# Statuses ---------------------------------------------------------------------------------------------------


def test_an_item_is_upcoming_then_due_then_overdue_after_30_days() -> None:
    child, placement = unsaved(start=datetime.date(2023, 6, 1))
    due = datetime.date(2024, 1, 31)

    def status(day: datetime.date) -> ItemStatus:
        return item(schedule_items(child, [], placement, day), ExamKind.COMMUNITY, 12).status

    assert status(due - datetime.timedelta(days=31)) == ItemStatus.UPCOMING
    assert status(due - datetime.timedelta(days=30)) == ItemStatus.DUE
    assert status(due + datetime.timedelta(days=30)) == ItemStatus.DUE
    assert status(due + datetime.timedelta(days=31)) == ItemStatus.OVERDUE
    overdue = item(
        schedule_items(child, [], placement, due + datetime.timedelta(days=45)), ExamKind.COMMUNITY, 12
    )
    assert overdue.days_overdue == 45


def test_items_due_before_the_child_came_into_care_are_history_not_overdue() -> None:
    child, placement = unsaved(start=datetime.date(2024, 3, 1))  # in care from 13 months

    items = schedule_items(child, [], placement, datetime.date(2024, 9, 15))

    assert item(items, ExamKind.COMMUNITY, 12).status == ItemStatus.NOT_RECORDED
    assert not item(items, ExamKind.COMMUNITY, 12).in_care
    assert item(items, ExamKind.COMMUNITY, 18).status == ItemStatus.OVERDUE
    assert {(i.kind, i.age_months) for i in items if i.is_overdue} == {
        (ExamKind.COMMUNITY, 18),
        (ExamKind.IN_CARE, 18),
        (ExamKind.HAEMOGLOBIN, 18),
    }


@pytest.mark.parametrize("start", [datetime.date(2023, 3, 10), datetime.date(2024, 3, 1), BIRTH])
def test_only_a_child_who_may_fall_overdue_has_an_item_overdue_with_no_exam_recorded(
    start: datetime.date,
) -> None:
    child, placement = unsaved(start=start)
    assert placement is not None
    day, last = start, placement.ends_on + datetime.timedelta(days=40)
    while day <= last:
        overdue = [i for i in schedule_items(child, [], placement, day) if i.is_overdue]
        assert may_fall_overdue(placement, day) == bool(overdue), day
        day += datetime.timedelta(days=1)


def test_a_child_not_in_care_has_nothing_overdue() -> None:
    child, _none = unsaved()

    items = schedule_items(child, [], None, datetime.date(2025, 3, 1))

    assert not [i for i in items if i.is_overdue]
    assert item(items, ExamKind.COMMUNITY, 18).status == ItemStatus.NOT_RECORDED


def test_a_missed_item_is_no_longer_overdue_once_a_later_exam_of_its_kind_is_done() -> None:
    child, placement = unsaved(start=datetime.date(2023, 6, 1))
    day = datetime.date(2024, 10, 1)

    missed = schedule_items(child, [], placement, day)
    seen_since = schedule_items(
        child, exams((ExamKind.COMMUNITY, datetime.date(2024, 7, 20))), placement, day
    )

    assert item(missed, ExamKind.COMMUNITY, 12).status == ItemStatus.OVERDUE
    assert item(seen_since, ExamKind.COMMUNITY, 12).status == ItemStatus.NOT_RECORDED
    assert item(seen_since, ExamKind.COMMUNITY, 18).status == ItemStatus.DONE


def test_36_month_items_are_not_the_institutions_the_place_ends_that_day() -> None:
    child, placement = unsaved(start=datetime.date(2024, 3, 1))

    items = schedule_items(child, [], placement, datetime.date(2026, 3, 15))

    assert not item(items, ExamKind.COMMUNITY, 36).in_care
    assert item(items, ExamKind.COMMUNITY, 36).status == ItemStatus.NOT_RECORDED


# From the database ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_child_schedule_reads_the_current_placement_and_the_childs_exams(kid: Child) -> None:
    twelve = months_later(kid.birth_date, 12)
    exam(kid, ExamKind.HEARING, twelve)

    schedule = child_schedule(kid)

    assert schedule.placement == kid.placements.get()
    assert item(schedule.items, ExamKind.HEARING, 12).status == ItemStatus.DONE
    assert {(i.kind, i.age_months) for i in schedule.overdue} == {
        (ExamKind.COMMUNITY, 12),
        (ExamKind.COMMUNITY, 18),
        (ExamKind.IN_CARE, 12),
        (ExamKind.IN_CARE, 18),
        (ExamKind.HAEMOGLOBIN, 18),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 20])
def test_an_institutions_schedules_take_two_queries_whatever_the_number_of_children(
    class_x: CareClass, institution_x: Institution, family: User, count: int
) -> None:
    for child in children_in_care(class_x, family, count, start_date=months_later(today(), -10)):
        exam(child, ExamKind.COMMUNITY, months_later(child.birth_date, 12))

    with CaptureQueriesContext(connection) as captured:
        schedules = institution_schedules(Institution.objects.filter(pk=institution_x.pk), today())

    assert len(schedules) == count
    assert all(s.overdue for s in schedules)
    assert len(captured) == 2


@pytest.mark.django_db
def test_the_overdue_list_shows_the_institutions_the_reader_follows_up(
    kid: Child,
    class_y: CareClass,
    family: User,
    director_x: User,
    health_worker_x: User,
    doctor: User,
    director_y: User,
    caregiver_x: User,
    regulator_a: User,
) -> None:
    child_y = child_in_care(
        class_y, birth_date=born(20), start_date=months_later(today(), -12), guardian=family, name="月亮孩子"
    )

    def children(user: User) -> set[Child]:
        return {schedule.child for schedule in overdue_visible_to(user)}

    assert children(director_x) == children(health_worker_x) == children(doctor) == {kid}
    assert children(director_y) == {child_y}
    assert children(caregiver_x) == children(regulator_a) == children(family) == set()
