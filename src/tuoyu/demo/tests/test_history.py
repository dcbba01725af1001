"""The demo's attendance history: rows on the working days of the whole months before today's, about 8 %
absent, a few children under 10 days in a month, no second row for a child on a day, one child placed at
two institutions in one month."""

import datetime
from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone

from tuoyu.daycare.models import Attendance, AttendanceStatus
from tuoyu.demo.daycare import is_working_day
from tuoyu.demo.history import double_placed, seed_attendance_history
from tuoyu.enrolment.models import Placement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

MONTHS = (datetime.date(2026, 8, 1), datetime.date(2026, 9, 1), datetime.date(2026, 10, 1))


@pytest.fixture
def written() -> int:
    """What the demo wrote (``seed_demo`` loads the history: 2026-11-25, so August to October)."""
    return Attendance.objects.filter(day__gte=MONTHS[0], day__lt=datetime.date(2026, 11, 1)).count()


def in_month(month: datetime.date) -> dict[str, datetime.date]:
    after = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return {"day__gte": month, "day__lt": after}


def test_each_month_has_rows_on_working_days_only(written: int) -> None:
    rows = Attendance.objects.filter(day__gte=MONTHS[0], day__lt=datetime.date(2026, 11, 1))
    assert rows.count() == written > 0
    for month in MONTHS:
        assert rows.filter(**in_month(month)).count() > 1000
    assert all(is_working_day(day) for day in rows.values_list("day", flat=True).distinct())
    assert set(rows.values_list("status", flat=True).distinct()) == {AttendanceStatus.CHECKED_OUT}
    assert (
        not rows.filter(checked_out_at__lt=timezone.make_aware(datetime.datetime(2026, 11, 1)))
        .filter(checked_in_at__gt=timezone.make_aware(datetime.datetime(2026, 11, 1)))
        .exists()
    )


def test_about_eight_percent_absent_and_a_few_children_under_ten_days(written: int) -> None:
    month = MONTHS[1]
    working = sum(1 for d in range(30) if is_working_day(month + datetime.timedelta(days=d)))
    placements = Placement.objects.filter(start_date__lte=month, ends_on__gt=datetime.date(2026, 9, 30))
    days = Counter(
        dict(
            Attendance.objects.filter(placement__in=placements, **in_month(month))
            .values_list("placement")
            .annotate(n=Count("pk"))
            .values_list("placement", "n")
        )
    )
    present = sum(days.values()) / (working * placements.count())
    assert 0.85 < present < 0.95
    assert 1 <= sum(1 for p in placements if days[p.pk] < 10) < placements.count() // 10


def test_no_child_has_two_rows_on_a_day_and_rows_stay_within_the_placement(written: int) -> None:
    twice = Attendance.objects.values("child", "day").annotate(n=Count("pk")).filter(n__gt=1)
    assert not twice.exists()
    for row in Attendance.objects.filter(day__lt=datetime.date(2026, 11, 1)).select_related("placement")[
        :2000
    ]:
        assert row.placement.start_date <= row.day < row.placement.ends_on
        assert row.care_class_id == row.placement.care_class_id


def test_one_child_is_placed_at_two_institutions_in_one_month(written: int) -> None:
    second = double_placed(today=timezone.localdate())
    assert second is not None
    month = MONTHS[0]
    at_second = Attendance.objects.filter(child=second.child, placement=second, **in_month(month)).count()
    elsewhere = Attendance.objects.filter(child=second.child, **in_month(month)).exclude(placement=second)
    assert at_second == 12
    assert elsewhere.exists()
    assert {row.placement.institution_id for row in elsewhere.select_related("placement")} != {
        second.institution_id
    }


def test_a_second_run_writes_no_day_twice() -> None:
    today = timezone.localdate()
    assert seed_attendance_history(today=today) > 0
    seed_attendance_history(today=today)
    twice = Attendance.objects.values("child", "day").annotate(n=Count("pk")).filter(n__gt=1)
    assert not twice.exists()
