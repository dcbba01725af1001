"""The records API: the children list (not a read) and a record's summary (a read, logged "api")."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.daycare.factories import placed_child
from tuoyu.enrolment.models import AccessChannel, Child, HealthRecordAccess
from tuoyu.health.tests.records_helpers import (
    CHILD_NAME,
    FAMILY_PHONE,
    child_x,
    days_ago,
    family,
    measurement,
    referral,
)
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db

__all__ = ["child_x", "family"]  # fixtures used by name

CHILDREN = "/api/v1/health/children/"


def test_the_doctor_lists_the_children_in_care_at_partner_institutions(
    api_as: Callable[[str], APIClient], child_x: Child, class_x: CareClass, class_y: CareClass
) -> None:
    placed_child(class_y, name="月亮班孩子")
    measurement(child_x, zlen=-3.2, classification={"stunting": "severe", "underweight": "normal"})
    referral(child_x)

    response = api_as("doctor").get(CHILDREN)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["code"] == str(child_x.code) and row["name"] == CHILD_NAME
    assert row["age_months"] == child_x.age_months()
    assert row["institution"]["name"] == "星星托育园"
    assert row["care_class"] == {"code": str(class_x.code), "name": class_x.name}
    assert row["growth"]["measured_on"] == days_ago(3).isoformat()
    assert row["growth"]["findings"] == [
        {"condition": "stunting", "status": "severe", "label": "Severe stunting", "severe": True}
    ]
    assert row["open_referrals"] == 1
    assert HealthRecordAccess.objects.filter(child=child_x, view="children_list", channel="api").count() == 1


def test_a_guardian_lists_their_own_children(api_as: Callable[[str], APIClient], child_x: Child) -> None:
    rows = api_as("family").get(CHILDREN).json()["results"]

    assert [row["code"] for row in rows] == [str(child_x.code)]


@pytest.mark.parametrize(
    ("persona", "status"), [("caregiver_x", 404), ("regulator_a", 404), ("anonymous", 401)]
)
def test_the_children_list_is_closed_to_those_who_read_no_health_record(
    api_as: Callable[[str], APIClient], child_x: Child, persona: str, status: int
) -> None:
    assert api_as(persona).get(CHILDREN).status_code == status


def test_the_children_list_api_costs_the_same_queries_for_3_or_20_children(
    api_as: Callable[[str], APIClient], doctor: User, class_x: CareClass
) -> None:
    client = api_as("doctor")
    client.get(CHILDREN)  # the doctor's roles are read once and kept on the user

    def queries_with(total: int) -> int:
        while Child.objects.count() < total:
            child = placed_child(class_x)
            measurement(child)
            referral(child)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CHILDREN)
        assert response.json()["count"] == total
        return len(captured)

    assert queries_with(3) == queries_with(20)


def test_the_summary_is_the_front_page_as_data_and_is_logged_as_an_api_read(
    api_as: Callable[[str], APIClient], child_x: Child, class_x: CareClass, doctor: User
) -> None:
    measurement(child_x, on=days_ago(9), zwfl=-2.1, classification={"wasting": "moderate"})
    referral(child_x, detail="听力复查")
    referral(child_x, detail="已关闭", closed=True)

    response = api_as("doctor").get(f"{CHILDREN}{child_x.code}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["allergies"], body["age_months"]) == (
        CHILD_NAME,
        "花生过敏",
        child_x.age_months(),
    )
    assert body["placements"][0]["care_class"]["name"] == class_x.name
    assert body["latest_measurement"]["zwfl"] == -2.1
    assert body["growth"]["findings"][0]["condition"] == "wasting"
    assert [r["detail"] for r in body["open_referrals"]] == ["听力复查"]
    assert FAMILY_PHONE not in response.content.decode()
    entry = HealthRecordAccess.objects.get()
    assert (entry.user, entry.child, entry.view, entry.channel) == (
        doctor,
        child_x,
        "overview",
        AccessChannel.API,
    )


def test_the_summary_of_a_child_never_measured_has_no_latest_measurement(
    api_as: Callable[[str], APIClient], child_x: Child
) -> None:
    body = api_as("family").get(f"{CHILDREN}{child_x.code}/").json()

    assert body["latest_measurement"] is None
    assert body["growth"] == {"measured_on": None, "classified": False, "findings": []}


@pytest.mark.parametrize("persona", ["director_y", "caregiver_x", "regulator_a", "guardian"])
def test_the_summary_is_not_found_for_outsiders(
    api_as: Callable[[str], APIClient], child_x: Child, persona: str
) -> None:
    assert api_as(persona).get(f"{CHILDREN}{child_x.code}/").status_code == 404
    assert not HealthRecordAccess.objects.exists()
