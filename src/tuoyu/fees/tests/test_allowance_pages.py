"""The childcare allowance pages, API and reminders: a guardian sees their own children only, the regulator
counts without names, and each reminder goes out once."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.daycare.factories import placed_child
from tuoyu.enrolment.factories import ChildFactory, GuardianshipFactory
from tuoyu.enrolment.models import Child, Relation
from tuoyu.fees.models import AllowanceReminder, AllowanceReminderReason
from tuoyu.fees.services_allowance import allowance_remind
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_child(guardian: User) -> Child:
    child = ChildFactory.create(name="赵小宝", birth_date=datetime.date(2023, 12, 10))
    GuardianshipFactory.create(child=child, user=guardian, relation=Relation.MOTHER)
    return child


def test_the_guardian_sees_the_months_by_year_and_the_total(
    client_as: Callable[[str], Client], own_child: Child
) -> None:
    response = client_as("guardian").get("/fees/allowance/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "赵小宝" in page
    assert "2025-01 – 2025-12" in page and "¥3,600.00" in page
    assert "2026-01 – 2026-12" in page
    assert "¥7,200.00" in page
    assert "出生医学证明" in page and "户口簿" in page
    assert "国家育儿补贴信息管理系统" in page
    assert "http" not in page.split("How to apply")[1].split("</section>")[0]  # words, not a link


def test_the_page_shows_no_child_of_another_family(
    client_as: Callable[[str], Client], own_child: Child, class_x: CareClass
) -> None:
    other = placed_child(class_x, name="钱别家")
    page = client_as("guardian").get("/fees/allowance/").content.decode()
    assert other.name not in page


def test_the_api_answers_the_guardian(api_as: Callable[[str], APIClient], own_child: Child) -> None:
    response = api_as("guardian").get(f"/api/v1/children/{own_child.code}/allowance/")
    assert response.status_code == 200
    body = response.json()
    assert body["months"] == 24
    assert body["yuan"] == "7200.00"
    assert [(y["year"], y["months"], y["yuan"]) for y in body["years"]] == [
        (2025, 12, "3600.00"),
        (2026, 12, "3600.00"),
    ]
    assert body["months_left"] == 2


@pytest.mark.parametrize("persona", ["director_x", "regulator_a", "caregiver_x"])
def test_the_api_is_a_404_for_anyone_but_the_guardian(
    api_as: Callable[[str], APIClient], class_x: CareClass, persona: str
) -> None:
    child = placed_child(class_x)
    assert api_as(persona).get(f"/api/v1/children/{child.code}/allowance/").status_code == 404


def test_the_regulator_counts_the_children_in_care_of_eligible_age(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    class_x: CareClass,
    class_y: CareClass,
    class_z: CareClass,
) -> None:
    since = datetime.date(2026, 9, 1)
    placed_child(class_x, name="甲一", birth_date=datetime.date(2024, 5, 1), start_date=since)
    placed_child(class_x, name="甲二", birth_date=datetime.date(2025, 2, 1), start_date=since)
    # 14 completed months on 2025-01-01: its 22 months ended with October 2026, though it is still in care.
    placed_child(class_x, name="满三岁", birth_date=datetime.date(2023, 11, 1), start_date=since)
    ended = placed_child(class_x, name="已离园", birth_date=datetime.date(2024, 5, 1), start_date=since)
    ended.placements.update(ends_on=datetime.date(2026, 11, 1))
    placed_child(class_y, name="乙一", birth_date=datetime.date(2024, 8, 1), start_date=since)
    placed_child(class_z, name="别区", birth_date=datetime.date(2024, 8, 1), start_date=since)  # district B
    body = api_as("regulator_a").get("/api/v1/regions/990101/allowance/").json()
    counts = {row["name"]: (row["children"], row["yuan_per_year"]) for row in body["institutions"]}
    assert counts == {"星星托育园": (2, "7200.00"), "月亮托育园": (1, "3600.00")}
    assert (body["children"], body["yuan_per_year"]) == (3, "10800.00")
    page = client_as("regulator_a").get("/fees/allowance/district/").content.decode()
    assert "星星托育园" in page and "¥10,800.00" in page
    assert "甲一" not in page and "甲一" not in str(body)  # counts, no names


@pytest.mark.parametrize("persona", ["regulator_b", "director_x", "guardian"])
def test_the_region_count_is_a_404_outside_the_regulators_region(
    api_as: Callable[[str], APIClient], district_a: object, persona: str
) -> None:
    assert api_as(persona).get("/api/v1/regions/990101/allowance/").status_code == 404


def test_the_district_page_is_a_404_for_a_director(client_as: Callable[[str], Client]) -> None:
    assert client_as("director_x").get("/fees/allowance/district/").status_code == 404


@pytest.mark.clock("2027-01-04T08:10:00+08:00")
def test_in_january_each_family_is_reminded_once(guardian: User, own_child: Child) -> None:
    # own_child turned 3 in December 2026: nothing left in 2027, no reminder.
    child = ChildFactory.create(birth_date=datetime.date(2024, 6, 1))
    GuardianshipFactory.create(child=child, user=guardian, relation=Relation.MOTHER)
    assert allowance_remind() == 1
    assert allowance_remind() == 0
    notes = Notification.objects.filter(user=guardian, kind=NotificationKind.ALLOWANCE_REMINDER)
    assert notes.count() == 1
    assert "2027" in notes.get().title
    assert AllowanceReminder.objects.get().reason == AllowanceReminderReason.NEW_YEAR


def test_a_month_before_the_third_birthday_the_family_is_reminded_once(guardian: User) -> None:
    child = ChildFactory.create(name="将满三岁", birth_date=datetime.date(2023, 12, 20))  # 3 on 2026-12-20
    GuardianshipFactory.create(child=child, user=guardian, relation=Relation.FATHER)
    ChildFactory.create(birth_date=datetime.date(2024, 6, 1))  # no guardian on Tuoyu: nobody to tell
    assert allowance_remind() == 1  # 25 November: within the month before the birthday
    assert allowance_remind() == 0
    note = Notification.objects.get(user=guardian, kind=NotificationKind.ALLOWANCE_REMINDER)
    assert "将满三岁" in note.title
    assert "2026-12" in note.body  # its last month: 24 months from January 2025


def test_no_reminder_outside_january_and_the_last_month(guardian: User) -> None:
    child = ChildFactory.create(birth_date=datetime.date(2025, 6, 1))
    GuardianshipFactory.create(child=child, user=guardian, relation=Relation.MOTHER)
    assert allowance_remind() == 0
