"""Child-months come from the attendance records: checked against an independent count, and the rules
(minimum days, no attendance, two institutions, the yearly cap)."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.daycare.models import Attendance
from tuoyu.registry.models import CareClass, Institution
from tuoyu.subsidies.models import LineReason, SubsidyPolicy
from tuoyu.subsidies.selectors.child_months import child_months
from tuoyu.subsidies.tests.conftest import OCTOBER, Attend, Place, october_days

pytestmark = pytest.mark.django_db


def independent_count(institution: Institution, month: datetime.date) -> dict[int, int]:
    """In-care attendance days per child at the institution in the month, by a raw aggregation written apart
    from the selector."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.child_id, COUNT(*)
            FROM daycare_attendance a JOIN registry_careclass c ON c.id = a.care_class_id
            WHERE c.institution_id = %s AND a.day >= %s AND a.day < %s
              AND a.status IN ('checked_in', 'checked_out')
            GROUP BY a.child_id
            """,
            [institution.pk, month, datetime.date(month.year, month.month + 1, 1)],
        )
        return dict(cursor.fetchall())


def test_child_months_match_an_independent_count_of_the_attendance(
    class_x: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend
) -> None:
    for index, days in enumerate([22, 15, 10, 9, 3, 0, 12]):
        placement = place(class_x, name=f"孩子{index}")
        attend(placement, october_days(days))
    # A day sent home is not a day in care.
    sent_home = place(class_x, name="晨检离园")
    attend(sent_home, october_days(10))
    Attendance.objects.filter(child=sent_home.child, day=october_days(1)[0]).update(status="sent_home")
    # Days outside the month do not count.
    attend(place(class_x, name="上月"), [datetime.date(2026, 9, day) for day in range(1, 30)])

    rows = child_months(institution=class_x.institution, month=OCTOBER, policy=policy)
    expected = independent_count(class_x.institution, OCTOBER)

    by_child = {row.child.pk: row for row in rows}
    for child_id, days in expected.items():
        assert by_child[child_id].attendance_days == days
        assert len(by_child[child_id].days) == days
        assert by_child[child_id].counted == (days >= policy.min_attendance_days)
    assert {pk for pk, row in by_child.items() if row.attendance_days} == set(expected)
    assert sum(row.counted for row in rows) == sum(1 for days in expected.values() if days >= 10) == 4


def test_too_few_days_and_no_attendance_count_nothing(
    class_x: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend
) -> None:
    few = place(class_x, name="甲")
    attend(few, october_days(9))
    absent = place(class_x, name="乙")

    rows = {
        row.child: row for row in child_months(institution=class_x.institution, month=OCTOBER, policy=policy)
    }

    assert (rows[few.child].counted, rows[few.child].reason) == (False, LineReason.TOO_FEW_DAYS)
    assert (rows[absent.child].counted, rows[absent.child].reason) == (False, LineReason.NO_ATTENDANCE)
    assert rows[absent.child].attendance_days == 0


def test_the_minimum_is_the_policys(
    class_x: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend
) -> None:
    placement = place(class_x)
    attend(placement, october_days(8))
    policy.min_attendance_days = 8

    (row,) = child_months(institution=class_x.institution, month=OCTOBER, policy=policy)

    assert row.counted


def test_a_child_in_care_at_two_institutions_counts_once_where_it_had_more_days(
    class_x: CareClass, class_y: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend
) -> None:
    at_x = place(class_x, name="两处")
    at_y = place(class_y, child=at_x.child)
    attend(at_x, october_days(10, start=1))
    attend(at_y, october_days(12, start=16))

    (here,) = child_months(institution=class_x.institution, month=OCTOBER, policy=policy)
    (there,) = child_months(institution=class_y.institution, month=OCTOBER, policy=policy)

    assert (here.counted, here.reason) == (False, LineReason.COUNTED_ELSEWHERE)
    assert "12 days" in here.detail and class_y.institution.name not in here.detail
    assert here.counted_at == class_y.institution  # for the regulator's eyes
    assert (there.counted, there.reason) == (True, LineReason.COUNTED)


def test_a_tie_goes_to_the_placement_that_started_first(
    class_x: CareClass, class_y: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend
) -> None:
    at_y = place(class_y, name="平局", start=datetime.date(2026, 8, 1))
    at_x = place(class_x, child=at_y.child, start=datetime.date(2026, 9, 1))
    attend(at_x, october_days(10, start=1))
    attend(at_y, october_days(10, start=16))

    (here,) = child_months(institution=class_x.institution, month=OCTOBER, policy=policy)
    (there,) = child_months(institution=class_y.institution, month=OCTOBER, policy=policy)

    assert here.reason == LineReason.COUNTED_ELSEWHERE and there.reason == LineReason.COUNTED


def test_counted_lines_beyond_the_yearly_cap_are_not_counted_in_name_order(
    class_x: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend
) -> None:
    policy.cap_per_institution_year_yuan = Decimal("600.00")
    for name in ("丙", "甲", "乙"):
        attend(place(class_x, name=name), october_days(12))

    rows = child_months(institution=class_x.institution, month=OCTOBER, policy=policy)

    counted = sorted(row.child.name for row in rows if row.counted)
    over = [row for row in rows if row.reason == LineReason.OVER_CAP]
    assert len(counted) == 2 and len(over) == 1
    assert over[0].child.name == max(row.child.name for row in rows)  # the last in name order


def test_a_month_is_read_in_a_few_queries_whatever_the_number_of_children(
    class_x: CareClass, class_y: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend
) -> None:
    for index in range(30):
        placement = place(class_x, name=f"孩{index:02d}")
        attend(placement, october_days(12))
        if index % 5 == 0:
            attend(place(class_y, child=placement.child), october_days(3, start=25))
    counts = defaultdict(int)
    with CaptureQueriesContext(connection) as queries:
        rows = child_months(institution=class_x.institution, month=OCTOBER, policy=policy)
    counts["queries"] = len(queries)

    assert len(rows) == 30
    assert counts["queries"] <= 6
