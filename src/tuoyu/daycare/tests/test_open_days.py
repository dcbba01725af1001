"""Open days and hours: the day in care on a closed day or outside the hours is warned of (DAY-11), and
nobody is "expected" on a day the institution is closed."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.daycare.models import Attendance
from tuoyu.daycare.selectors.attendance import expected_absent
from tuoyu.daycare.tests.supervision_helpers import at, check_in, place, today
from tuoyu.registry.hours import parse_opening_hours
from tuoyu.registry.models import CareClass, ClosedDay, Institution
from tuoyu.registry.selectors import closure_of, opening_warning
from tuoyu.rules import RULES

pytestmark = pytest.mark.django_db

TUESDAY = datetime.date(2026, 11, 24)  # the working day before the tests' Wednesday
NATIONAL_DAY = datetime.date(2026, 10, 1)


def evaluate(institution: Institution, day: datetime.date) -> list[tuple[str, str]]:
    institution.refresh_from_db()
    return [(d.subject_key, d.evidence) for d in RULES["DAY-11"].evaluate(institution, day)]


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("7:30-18:00", (datetime.time(7, 30), datetime.time(18))),
        ("周一至周五 7:40—17:00", (datetime.time(7, 40), datetime.time(17))),
        ("8：00至20：00", (datetime.time(8), datetime.time(20))),
        ("全天", None),
        ("18:00-7:30", None),
        ("25:00-26:00", None),
    ],
)
def test_opening_hours_are_read_from_their_text(text: str, hours: tuple[datetime.time, ...] | None) -> None:
    assert parse_opening_hours(text) == hours


def test_an_institution_is_closed_on_holidays_weekends_and_its_own_closed_days(
    institution_x: Institution,
) -> None:
    ClosedDay.objects.create(institution=institution_x, day=TUESDAY, reason="教职工培训")

    assert closure_of(institution_x, today()) is None
    assert "教职工培训" in (closure_of(institution_x, TUESDAY) or "")
    assert closure_of(institution_x, NATIONAL_DAY) is not None
    assert closure_of(institution_x, datetime.date(2026, 11, 28)) is not None  # a Saturday


def test_recording_outside_the_hours_or_on_a_closed_day_is_warned_of(institution_x: Institution) -> None:
    institution_x.opens_at, institution_x.closes_at = datetime.time(7, 30), datetime.time(17, 30)

    assert opening_warning(institution_x, at(today(), 9)) is None
    early = opening_warning(institution_x, at(today(), 6, 50)) or ""
    assert "06:50" in early and "07:30" in early
    assert opening_warning(institution_x, at(today(), 17, 30)) is not None
    assert opening_warning(institution_x, at(NATIONAL_DAY, 9)) is not None


def test_day_11_finds_check_ins_on_a_closed_day_and_outside_the_hours(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    ClosedDay.objects.create(institution=institution_x, day=TUESDAY, reason="教职工培训")
    first, second, third = place(class_x, 3)
    check_in(first, caregiver_x, when=at(TUESDAY, 8))
    check_in(second, caregiver_x, when=at(TUESDAY - datetime.timedelta(days=1), 6, 45))
    check_in(third, caregiver_x, when=at(today(), 9))

    assert evaluate(institution_x, today()) == [
        ("institution", "11月24日（闭园日）入园1人；11月23日 开放时间（07:30–18:00）以外入园1人")
    ]
    ClosedDay.objects.all().delete()
    assert evaluate(institution_x, today()) == [
        ("institution", "11月23日 开放时间（07:30–18:00）以外入园1人")
    ]


def test_day_11_counts_children_checked_out_since(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    ClosedDay.objects.create(institution=institution_x, day=TUESDAY, reason="教职工培训")
    (first,) = place(class_x, 1)
    arrival = check_in(first, caregiver_x, when=at(TUESDAY, 8))
    Attendance.objects.filter(pk=arrival.pk).update(status="checked_out", checked_out_at=at(TUESDAY, 17))

    assert evaluate(institution_x, today()) == [("institution", "11月24日（闭园日）入园1人")]


def test_nobody_is_expected_on_a_closed_day(institution_x: Institution, class_x: CareClass) -> None:
    (placement,) = place(class_x, 1)

    assert list(expected_absent(class_x, today())) == [placement.child]
    ClosedDay.objects.create(institution=institution_x, day=today(), reason="停电检修")
    assert list(expected_absent(class_x, today())) == []
    assert list(expected_absent(None, datetime.date(2026, 11, 28))) == []  # a Saturday


def test_a_check_in_outside_the_hours_is_recorded_with_a_warning(
    client_as: Callable[[str], Client], institution_x: Institution, class_x: CareClass, clock: object
) -> None:
    from tuoyu.daycare.factories import placed_child

    child = placed_child(class_x)
    clock.move_to(at(today(), 6, 40))  # type: ignore[attr-defined]
    client = client_as("caregiver_x")

    response = client.post(
        reverse("daycare:check_in", args=[class_x.code, child.code]),
        {"temperature_c": "36.6", "decision": "admit"},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "checked in" in page and "06:40" in page and "opening hours" in page
    assert child.attendances.filter(day=today()).exists()
    assert timezone.localtime(child.attendances.get().checked_in_at).hour == 6


def test_the_institution_page_shows_its_hours_and_coming_closed_days(
    client_as: Callable[[str], Client], institution_x: Institution
) -> None:
    ClosedDay.objects.create(
        institution=institution_x, day=today() + datetime.timedelta(days=1), reason="培训"
    )
    ClosedDay.objects.create(institution=institution_x, day=TUESDAY, reason="已过去")

    page = (
        client_as("director_x")
        .get(reverse("registry:manage_detail", args=[institution_x.code]))
        .content.decode()
    )

    assert "07:30–18:00" in page
    assert f'data-closed-day="{today() + datetime.timedelta(days=1):%Y-%m-%d}"' in page
    assert 'data-closed-day="2026-11-24"' not in page


def test_a_check_in_through_the_api_answers_with_the_same_warning(
    api_as: Callable[[str], object], institution_x: Institution, class_x: CareClass, clock: object
) -> None:
    from tuoyu.daycare.factories import placed_child

    early, on_time = placed_child(class_x), placed_child(class_x)
    api = api_as("caregiver_x")
    url = reverse("api-care-check-ins", args=[class_x.code])
    check = {"temperature_c": "36.6", "decision": "admit"}

    clock.move_to(at(today(), 9, 0))  # type: ignore[attr-defined]
    inside = api.post(url, {"child": str(on_time.code), **check}, format="json")  # type: ignore[attr-defined]
    clock.move_to(at(today(), 6, 40))  # type: ignore[attr-defined]
    outside = api.post(url, {"child": str(early.code), **check}, format="json")  # type: ignore[attr-defined]

    assert inside.status_code == 201 and inside.json()["warning"] is None
    assert outside.status_code == 201
    assert "06:40" in outside.json()["warning"] and "opening hours" in outside.json()["warning"]
    assert early.attendances.filter(day=today()).exists()
