"""Batch entry: one action logs for every child present (checked in, not collected), with exceptions per
child; one transaction with a fixed number of queries; the page and the API."""

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.daycare.models import AttendanceStatus, CareLogEntry, LogKind
from tuoyu.daycare.services import carelog as services
from tuoyu.daycare.tests.carelog_helpers import DAY, at, check_in, class_of, placed_child, publish_raw
from tuoyu.enrolment.tests.helpers import _english
from tuoyu.refusals import Refusal
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db

__all__ = ["_english"]  # fixtures used by name


def lunch(actor: User, care_class: CareClass, **kwargs: object) -> int:
    return services.care_batch_record(
        actor=actor,
        care_class=care_class,
        kind=LogKind.MEAL,
        at=at(11, 30),
        defaults={"portion": "all"},
        **kwargs,  # type: ignore[arg-type]
    )


def test_lunch_is_logged_for_exactly_the_children_present(
    guardian: User, caregiver_x: User, class_x: CareClass, class_y: CareClass, director_y: User
) -> None:
    present = class_of(class_x, caregiver_x, 12)
    collected = placed_child(guardian, class_x, name="早走")
    check_in(collected, class_x, caregiver_x, status=AttendanceStatus.CHECKED_OUT)
    sent_home = placed_child(guardian, class_x, name="发烧")
    check_in(sent_home, class_x, caregiver_x, status=AttendanceStatus.SENT_HOME)
    placed_child(guardian, class_x, name="请假")  # placed, not checked in
    other_class = placed_child(guardian, class_y, name="别班")
    check_in(other_class, class_y, director_y)
    yesterday_only = placed_child(guardian, class_x, name="前天来的")
    check_in(yesterday_only, class_x, caregiver_x, day=DAY - datetime.timedelta(days=1))

    count = lunch(caregiver_x, class_x)

    assert count == 12
    logged = CareLogEntry.objects.filter(kind=LogKind.MEAL, day=DAY)
    assert set(logged.values_list("child_id", flat=True)) == {child.pk for child in present}
    assert set(logged.values_list("portion", flat=True)) == {"all"}
    assert set(logged.values_list("recorded_by", flat=True)) == {caregiver_x.pk}


def test_exceptions_change_a_childs_portion_or_leave_them_out(caregiver_x: User, class_x: CareClass) -> None:
    ming, hong, li = class_of(class_x, caregiver_x, 3)

    count = lunch(
        caregiver_x, class_x, exceptions={str(ming.code): {"portion": "half"}, str(hong.code): None}
    )

    assert count == 2
    assert CareLogEntry.objects.get(child=ming).portion == "half"
    assert not CareLogEntry.objects.filter(child=hong).exists()
    assert CareLogEntry.objects.get(child=li).portion == "all"


def test_one_childs_bad_detail_refuses_the_whole_batch(caregiver_x: User, class_x: CareClass) -> None:
    children = class_of(class_x, caregiver_x, 5)

    with pytest.raises(Refusal) as caught:
        services.care_batch_record(
            actor=caregiver_x,
            care_class=class_x,
            kind=LogKind.SLEEP,
            at=at(12, 30),
            defaults={"ends_at": at(14, 30)},
            exceptions={str(children[3].code): {"ends_at": at(12, 0)}},
        )

    assert caught.value.code == "sleep_ends_before_start"
    assert CareLogEntry.objects.count() == 0


def test_a_childs_time_on_another_day_refuses_the_batch(caregiver_x: User, class_x: CareClass) -> None:
    first, _second = class_of(class_x, caregiver_x, 2)

    with pytest.raises(Refusal) as caught:
        lunch(
            caregiver_x,
            class_x,
            exceptions={str(first.code): {"at": at(11, 30) - datetime.timedelta(days=1)}},
        )

    assert caught.value.code == "batch_mixed_days"
    assert CareLogEntry.objects.count() == 0


def test_a_child_not_present_cannot_be_an_exception(
    guardian: User, caregiver_x: User, class_x: CareClass
) -> None:
    class_of(class_x, caregiver_x, 2)
    absent = placed_child(guardian, class_x, name="请假")

    with pytest.raises(Refusal) as caught:
        lunch(caregiver_x, class_x, exceptions={str(absent.code): {"portion": "half"}})

    assert caught.value.code == "not_in_class"
    assert CareLogEntry.objects.count() == 0


@pytest.mark.parametrize("kind", [LogKind.MEDICATION, LogKind.INCIDENT, LogKind.RESPONSIVE, LogKind.NOTE])
def test_kinds_that_need_each_childs_own_details_are_not_batched(
    caregiver_x: User, class_x: CareClass, kind: str
) -> None:
    class_of(class_x, caregiver_x, 2)

    with pytest.raises(Refusal) as caught:
        services.care_batch_record(actor=caregiver_x, care_class=class_x, kind=kind, at=at(10))

    assert caught.value.code == "batch_kind_not_allowed"
    assert CareLogEntry.objects.count() == 0


def test_children_whose_report_is_published_are_left_out(caregiver_x: User, class_x: CareClass) -> None:
    first, second = class_of(class_x, caregiver_x, 2)
    publish_raw(first, class_x, caregiver_x)

    assert lunch(caregiver_x, class_x) == 1
    assert list(CareLogEntry.objects.values_list("child_id", flat=True)) == [second.pk]


def test_a_batch_runs_the_same_number_of_queries_for_3_or_12_children(
    caregiver_x: User, class_x: CareClass, class_y: CareClass, director_y: User
) -> None:
    class_of(class_x, caregiver_x, 3, prefix="甲")
    class_of(class_y, director_y, 12, prefix="乙")
    caregiver_x.refresh_from_db()
    director_y.refresh_from_db()

    with CaptureQueriesContext(connection) as small:
        assert lunch(caregiver_x, class_x) == 3
    with CaptureQueriesContext(connection) as large:
        assert lunch(director_y, class_y) == 12

    assert len(large) == len(small) <= 12
    inserts = [q for q in large.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1  # one bulk insert


def test_the_activity_corner_batch_takes_each_childs_choice(caregiver_x: User, class_x: CareClass) -> None:
    reading, art = class_of(class_x, caregiver_x, 2)

    count = services.care_batch_record(
        actor=caregiver_x,
        care_class=class_x,
        kind=LogKind.ACTIVITY,
        at=at(9, 30),
        exceptions={
            str(reading.code): {"activity_area": "阅读区角"},
            str(art.code): {"activity_area": "艺术区角"},
        },
    )

    assert count == 2
    assert CareLogEntry.objects.get(child=art).activity_area == "艺术区角"


# The page and the API ----------------------------------------------------------------------------------


def test_the_batch_page_lists_the_children_present_with_all_preselected(
    client_as: Callable[[str], Client], caregiver_x: User, class_x: CareClass
) -> None:
    children = class_of(class_x, caregiver_x, 3, prefix="今")
    today = timezone.localdate()
    for child in children:  # the page logs for today
        check_in(child, class_x, caregiver_x, day=today)

    page = client_as("caregiver_x").get(f"/care/classes/{class_x.code}/log/?kind=meal")

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('<option value="all" selected>') == 3
    assert all(child.name in html for child in children)


def test_one_submit_of_the_batch_page_logs_the_class_with_its_exceptions(
    client_as: Callable[[str], Client], caregiver_x: User, class_x: CareClass
) -> None:
    today = timezone.localdate()
    children = class_of(class_x, caregiver_x, 3, prefix="今")
    for child in children:
        check_in(child, class_x, caregiver_x, day=today)
    now = timezone.localtime()
    if now.hour == 0 and now.minute < 2:
        pytest.skip("the page logs at the current time of today")
    time = now.strftime("%H:%M")

    response = client_as("caregiver_x").post(
        f"/care/classes/{class_x.code}/log/",
        {
            "kind": "meal",
            "time": time,
            f"choice_{children[0].code}": "all",
            f"choice_{children[1].code}": "little",
            f"choice_{children[2].code}": "-",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "Meal logged for 2 children." in response.content.decode()
    assert dict(CareLogEntry.objects.filter(day=today).values_list("child__name", "portion")) == {
        children[0].name: "all",
        children[1].name: "little",
    }


def test_the_batch_api_answers_the_count_and_400_with_a_code(
    api_as: Callable[[str], APIClient], caregiver_x: User, class_x: CareClass
) -> None:
    children = class_of(class_x, caregiver_x, 4)
    api = api_as("caregiver_x")
    url = f"/api/v1/care/classes/{class_x.code}/entries/batch/"

    done = api.post(
        url,
        {
            "kind": "meal",
            "at": at(11, 30).isoformat(),
            "portion": "all",
            "exceptions": [
                {"child": str(children[0].code), "portion": "none"},
                {"child": str(children[1].code), "skip": True},
            ],
        },
        format="json",
    )
    bad = api.post(
        url,
        {"kind": "sleep", "at": at(12, 30).isoformat(), "ends_at": at(12, 0).isoformat()},
        format="json",
    )

    assert done.status_code == 201, done.content
    assert done.json() == {"count": 3}
    assert CareLogEntry.objects.get(child=children[0]).portion == "none"
    assert bad.status_code == 400 and bad.json()["code"] == "sleep_ends_before_start"
    assert CareLogEntry.objects.filter(kind="sleep").count() == 0


def test_another_institution_gets_404_on_the_batch(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    caregiver_x: User,
    class_x: CareClass,
    director_y: User,
) -> None:
    class_of(class_x, caregiver_x, 2)

    assert client_as("director_y").get(f"/care/classes/{class_x.code}/log/").status_code == 404
    assert (
        client_as("director_y").post(f"/care/classes/{class_x.code}/log/", {"kind": "meal"}).status_code
        == 404
    )
    response = api_as("director_y").post(
        f"/api/v1/care/classes/{class_x.code}/entries/batch/",
        {"kind": "meal", "at": at(11).isoformat(), "portion": "all"},
        format="json",
    )
    assert response.status_code == 404
    assert CareLogEntry.objects.count() == 0
