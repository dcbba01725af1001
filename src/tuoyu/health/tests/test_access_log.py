"""The access log the regulator audits: their district's reads only, filtered and paginated, on the page and
through the API; nobody else sees it and nobody changes it."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.daycare.factories import placed_child
from tuoyu.enrolment.models import AccessChannel, Child, HealthRecordAccess
from tuoyu.health.services.access import health_record_read
from tuoyu.health.tests.records_helpers import CHILD_NAME, child_x, family
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db

__all__ = ["child_x", "family"]  # fixtures used by name

LOG_API = "/api/v1/health/access-log/"


@pytest.fixture
def reads(
    child_x: Child,
    class_y: CareClass,
    class_z: CareClass,
    doctor: User,
    director_x: User,
    director_y: User,
) -> dict[str, Child]:
    """Reads of a child at X (district A, by the doctor and X's director), at Y (A) and at Z (B)."""
    at_y = placed_child(class_y, name="月亮班孩子")
    at_z = placed_child(class_z, name="太阳班孩子")
    health_record_read(doctor, child_x, view="overview", channel=AccessChannel.PAGE)
    health_record_read(director_x, child_x, view="export", channel=AccessChannel.EXPORT)
    health_record_read(director_y, at_y, view="overview", channel=AccessChannel.API)
    health_record_read(director_y, at_z, view="overview", channel=AccessChannel.PAGE)
    return {"x": child_x, "y": at_y, "z": at_z}


def names(response: object) -> list[str]:
    return [entry.child_name for entry, _roles in response.context["entries"]]  # type: ignore[attr-defined]


def test_the_regulator_sees_every_read_of_their_districts_children_newest_first(
    client_as: Callable[[str], Client], reads: dict[str, Child], regulator_a: User
) -> None:
    response = client_as("regulator_a").get(reverse("health:access_log"))

    assert response.status_code == 200
    assert names(response) == ["月亮班孩子", CHILD_NAME, CHILD_NAME]
    html = response.content.decode()
    assert "太阳班孩子" not in html
    assert "医院儿科陈医生" in html and "Partner-hospital doctor (甲区人民医院)" in html
    assert "Export of the health record · Export" in html  # which view, then which channel, in words


def test_the_regulator_of_another_district_sees_only_theirs(
    client_as: Callable[[str], Client], reads: dict[str, Child], regulator_b: User
) -> None:
    assert names(client_as("regulator_b").get(reverse("health:access_log"))) == ["太阳班孩子"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"child": "小雨"}, [CHILD_NAME, CHILD_NAME]),
        ({"user": "陈医生"}, [CHILD_NAME]),
        ({"user": "doctor's phone"}, [CHILD_NAME]),
        ({"institution": "y"}, ["月亮班孩子"]),
        ({"date_from": "today"}, ["月亮班孩子", CHILD_NAME, CHILD_NAME]),
        ({"date_to": "yesterday"}, []),
    ],
)
def test_the_log_filters_by_child_user_institution_and_dates(
    client_as: Callable[[str], Client],
    reads: dict[str, Child],
    regulator_a: User,
    query: dict[str, str],
    expected: list[str],
    doctor: User,
) -> None:
    today = timezone.localdate()
    values = {
        "doctor's phone": doctor.phone,
        "y": str(reads["y"].placements.get().institution.code),
        "today": today.isoformat(),
        "yesterday": (today - datetime.timedelta(days=1)).isoformat(),
    }
    params = {key: values.get(value, value) for key, value in query.items()}

    page = client_as("regulator_a").get(reverse("health:access_log"), params)
    api = client_as("regulator_a").get(LOG_API, params)

    assert names(page) == expected
    assert [row["child_name"] for row in api.json()["results"]] == expected


def test_the_log_is_paginated(
    client_as: Callable[[str], Client], child_x: Child, doctor: User, regulator_a: User
) -> None:
    for _ in range(55):
        health_record_read(doctor, child_x, view="overview", channel=AccessChannel.PAGE)
    client = client_as("regulator_a")

    first = client.get(reverse("health:access_log"))
    second = client.get(reverse("health:access_log"), {"page": 2})

    assert (len(first.context["entries"]), len(second.context["entries"])) == (50, 5)
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize("persona", ["director_x", "health_worker_x", "doctor", "caregiver_x", "guardian"])
def test_the_log_is_not_found_for_anyone_but_a_regulator(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    reads: dict[str, Child],
    persona: str,
) -> None:
    assert client_as(persona).get(reverse("health:access_log")).status_code == 404
    assert api_as(persona).get(LOG_API).status_code == 404


def test_the_api_answers_who_when_which_child_which_view_and_channel(
    api_as: Callable[[str], APIClient], reads: dict[str, Child], regulator_a: User, doctor: User
) -> None:
    response = api_as("regulator_a").get(LOG_API, {"user": "陈医生"})

    [row] = response.json()["results"]
    assert row["user"] == {"id": doctor.pk, "name": doctor.display_name}
    assert row["roles"] == ["Partner-hospital doctor (甲区人民医院)"]
    assert (row["child"], row["child_name"], row["view"], row["channel"]) == (
        str(reads["x"].code),
        CHILD_NAME,
        "overview",
        "page",
    )
    assert row["at"]


def test_the_api_refuses_a_malformed_date(
    api_as: Callable[[str], APIClient], reads: dict[str, Child], regulator_a: User
) -> None:
    assert api_as("regulator_a").get(LOG_API, {"date_from": "yesterday"}).status_code == 400


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_log_cannot_be_written_through_the_page_or_the_api(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    reads: dict[str, Child],
    regulator_a: User,
    method: str,
) -> None:
    page = getattr(client_as("regulator_a"), method)(reverse("health:access_log"))
    api = getattr(api_as("regulator_a"), method)(LOG_API, {}, format="json")

    assert (page.status_code, api.status_code) == (405, 405)
    assert HealthRecordAccess.objects.count() == 4
