"""The attendance API: the class's day, check-in with the morning check, noon check, absence, check-out,
follow-ups, and a child's attendance for the family. Refusals answer 400/409 with ``{"code", "detail"}``;
anything outside the caller's scope is 404.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.daycare.factories import placed_child
from tuoyu.daycare.models import (
    Absence,
    Attendance,
    AttendanceStatus,
    HealthCheck,
    IllnessFollowUp,
    PickupRefusal,
)
from tuoyu.daycare.services import attendance as services
from tuoyu.enrolment.factories import PickupPersonFactory
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import _english, make_guardian, sms_outbox
from tuoyu.notifications.models import Notification
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db

__all__ = ["_english", "sms_outbox"]  # fixtures used by name

ApiAs = Callable[[str], APIClient]


@pytest.fixture
def child(class_x: CareClass, guardian: User) -> Child:
    return placed_child(class_x, guardian=guardian, name="赵小萌")


def url(care_class: CareClass, action: str) -> str:
    return f"/api/v1/care/classes/{care_class.code}/{action}/"


def check_in(api: APIClient, care_class: CareClass, child: Child, **fields: Any) -> Any:
    body = {"child": str(child.code), "temperature_c": "36.5", "decision": "admit", **fields}
    return api.post(url(care_class, "check-ins"), body, format="json")


def test_the_class_day_with_states_counts_and_ratio(
    api_as: ApiAs, class_x: CareClass, child: Child, caregiver_x: User, guardian: User
) -> None:
    other = placed_child(class_x, name="钱小多")
    grandma = PickupPersonFactory.create(child=other, name="钱秀兰")
    services.attendance_check_in(
        care_class=class_x, child=other, by=caregiver_x, temperature_c="36.6", decision="admit"
    )

    answer = api_as("caregiver_x").get(url(class_x, "attendance"))

    assert answer.status_code == 200
    data = answer.json()
    assert data["care_class"] == str(class_x.code) and data["day"] == timezone.localdate().isoformat()
    assert data["ratio"] == {
        "present": 1,
        "children_per_caregiver": 7,
        "required": 1,
        "certified_on_duty": 0,
        "uncertified_on_duty": 0,
        "breach": True,
    }
    assert data["counts"]["on_roster"] == 2 and data["counts"]["not_yet"] == 1
    by_name = {row["child_name"]: row for row in data["children"]}
    assert by_name["赵小萌"]["state"] == "expected" and by_name["赵小萌"]["pickup_options"] == []
    present = by_name["钱小多"]
    assert present["state"] == "checked_in" and present["needs_noon_check"] is True
    assert present["morning_check"]["temperature_c"] == "36.6"
    assert present["checked_in_by"] == caregiver_x.display_name
    assert {"kind": "person", "id": grandma.pk, "name": "钱秀兰", "relation": "Grandparent"} in present[
        "pickup_options"
    ]


@pytest.mark.parametrize("persona", ["director_y", "regulator_a", "guardian", "doctor"])
def test_another_institutions_class_is_404(
    api_as: ApiAs, class_x: CareClass, child: Child, persona: str
) -> None:
    api = api_as(persona)
    assert api.get(url(class_x, "attendance")).status_code == 404
    assert check_in(api, class_x, child).status_code == 404
    assert (
        api.post(url(class_x, "absences"), {"child": str(child.code), "reason": "personal"}).status_code
        == 404
    )
    assert (
        api.post(url(class_x, "check-outs"), {"child": str(child.code), "person_name": "x"}).status_code
        == 404
    )
    assert not Attendance.objects.exists() and not Absence.objects.exists()


def test_anonymous_is_refused(anonymous_api: APIClient, class_x: CareClass) -> None:
    assert anonymous_api.get(url(class_x, "attendance")).status_code in (401, 403)


def test_check_in_with_the_morning_check(api_as: ApiAs, class_x: CareClass, child: Child) -> None:
    answer = check_in(api_as("caregiver_x"), class_x, child, temperature_c="36.8")
    assert answer.status_code == 201
    data = answer.json()
    assert data["state"] == "checked_in" and data["morning_check"]["decision"] == "admit"
    assert str(HealthCheck.objects.get().temperature_c) == "36.8"


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"temperature_c": "43.5"}, 400, "temperature_implausible"),
        ({"temperature_c": "33.0"}, 400, "temperature_implausible"),
        ({"temperature_c": "37.5"}, 400, "abnormal_needs_notification"),
        ({"observations": ["rash"]}, 400, "abnormal_needs_notification"),
        (
            {"decision": "send_home", "guardian_notified_at": "2020-01-01T08:00:00+08:00", "action": "x"},
            400,
            "reason_required",
        ),
    ],
)
def test_check_in_refusals_answer_with_a_code_and_write_nothing(
    api_as: ApiAs, class_x: CareClass, child: Child, fields: dict[str, Any], status: int, code: str
) -> None:
    answer = check_in(api_as("caregiver_x"), class_x, child, **fields)
    assert answer.status_code == status
    assert answer.json()["code"] == code and answer.json()["detail"]
    assert not Attendance.objects.exists() and not HealthCheck.objects.exists()


def test_bad_input_is_400(api_as: ApiAs, class_x: CareClass, child: Child) -> None:
    api = api_as("caregiver_x")
    assert check_in(api, class_x, child, temperature_c="warm").status_code == 400
    assert check_in(api, class_x, child, observations=["measles"]).status_code == 400
    assert check_in(api, class_x, child, decision="maybe").status_code == 400
    assert not Attendance.objects.exists()


def test_a_duplicate_check_in_is_409(api_as: ApiAs, class_x: CareClass, child: Child) -> None:
    api = api_as("caregiver_x")
    assert check_in(api, class_x, child).status_code == 201
    again = check_in(api_as("director_x"), class_x, child, temperature_c="36.9")
    assert again.status_code == 409 and again.json()["code"] == "already_checked_in"
    assert Attendance.objects.count() == HealthCheck.objects.count() == 1


def test_a_child_not_on_the_roster_is_404(api_as: ApiAs, class_x: CareClass, class_y: CareClass) -> None:
    elsewhere = placed_child(class_y, name="月亮小朋友")
    assert check_in(api_as("caregiver_x"), class_x, elsewhere).status_code == 404


def test_noon_check(api_as: ApiAs, class_x: CareClass, child: Child) -> None:
    api = api_as("caregiver_x")
    body = {"child": str(child.code), "temperature_c": "36.6", "decision": "admit"}
    before = api.post(url(class_x, "noon-checks"), body, format="json")
    assert before.status_code == 409 and before.json()["code"] == "not_checked_in"
    check_in(api, class_x, child)

    answer = api.post(url(class_x, "noon-checks"), body, format="json")

    assert answer.status_code == 201 and answer.json()["noon_check"]["temperature_c"] == "36.6"
    again = api.post(url(class_x, "noon-checks"), body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_checked"


def test_absence_and_follow_up(
    api_as: ApiAs, class_x: CareClass, child: Child, health_worker_x: User
) -> None:
    api = api_as("caregiver_x")
    missing_symptom = api.post(url(class_x, "absences"), {"child": str(child.code), "reason": "illness"})
    assert missing_symptom.status_code == 400 and missing_symptom.json()["code"] == "symptom_required"
    assert not Absence.objects.exists()

    answer = api.post(
        url(class_x, "absences"), {"child": str(child.code), "reason": "illness", "symptom": "eye"}
    )

    assert answer.status_code == 201 and answer.json()["state"] == "absent"
    assert answer.json()["absence_symptom"] == "eye"
    follow_up = IllnessFollowUp.objects.get()

    assert api.get("/api/v1/care/follow-ups/").status_code == 404  # caregivers do not follow up
    health = api_as("health_worker_x")
    listed = health.get("/api/v1/care/follow-ups/?open=true").json()
    assert [row["child_name"] for row in listed] == ["赵小萌"] and listed[0]["symptom"] == "eye"
    assert api_as("director_y").get(f"/api/v1/care/follow-ups/{follow_up.pk}/").status_code == 404
    assert api_as("director_y").get("/api/v1/care/follow-ups/").json() == []

    back = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    updated = health.post(
        f"/api/v1/care/follow-ups/{follow_up.pk}/",
        {"diagnosis": "结膜炎", "expected_return": back, "outcome": "治愈", "close": True},
        format="json",
    )
    assert updated.status_code == 200
    assert (
        updated.json()["closed_by"] == health_worker_x.display_name
        and updated.json()["expected_return"] == back
    )
    closed = health.post(f"/api/v1/care/follow-ups/{follow_up.pk}/", {"outcome": "x"}, format="json")
    assert closed.status_code == 409 and closed.json()["code"] == "follow_up_closed"


def test_check_out_to_a_pick_up_person_or_a_guardian(
    api_as: ApiAs, class_x: CareClass, child: Child, guardian: User
) -> None:
    api = api_as("caregiver_x")
    grandpa = PickupPersonFactory.create(child=child, name="赵建国")
    early = api.post(url(class_x, "check-outs"), {"child": str(child.code), "guardian": guardian.pk})
    assert early.status_code == 409 and early.json()["code"] == "not_checked_in"

    check_in(api, class_x, child)
    answer = api.post(url(class_x, "check-outs"), {"child": str(child.code), "pickup_person": grandpa.pk})

    assert answer.status_code == 200
    assert answer.json()["state"] == "checked_out" and answer.json()["collected_by"] == "赵建国"
    twice = api.post(url(class_x, "check-outs"), {"child": str(child.code), "guardian": guardian.pk})
    assert twice.status_code == 409 and twice.json()["code"] == "already_checked_out"

    sibling = placed_child(class_x, guardian=guardian, name="赵小乐")
    check_in(api, class_x, sibling)
    by_guardian = api.post(url(class_x, "check-outs"), {"child": str(sibling.code), "guardian": guardian.pk})
    assert by_guardian.status_code == 200 and by_guardian.json()["collected_by"] == guardian.display_name


def test_someone_else_is_400_recorded_and_the_director_alerted(
    api_as: ApiAs, class_x: CareClass, child: Child, director_x: User
) -> None:
    api = api_as("caregiver_x")
    check_in(api, class_x, child)
    stranger = PickupPersonFactory.create(name="外人")  # authorised for another child

    unknown = api.post(url(class_x, "check-outs"), {"child": str(child.code), "pickup_person": stranger.pk})
    assert unknown.status_code == 400 and unknown.json()["code"] == "pickup_person_unknown"
    answer = api.post(url(class_x, "check-outs"), {"child": str(child.code), "person_name": "张三"})

    assert answer.status_code == 400 and answer.json()["code"] == "pickup_not_authorised"
    assert PickupRefusal.objects.get().person_name == "张三"
    assert Notification.objects.get(kind="pickup_refused").user == director_x
    assert Attendance.objects.get().status == AttendanceStatus.CHECKED_IN


def test_a_guardian_reads_their_own_childs_attendance(
    api_as: ApiAs, class_x: CareClass, child: Child, caregiver_x: User, guardian: User
) -> None:
    api = api_as("caregiver_x")
    check_in(api, class_x, child)
    api.post(url(class_x, "check-outs"), {"child": str(child.code), "guardian": guardian.pk})
    path = f"/api/v1/care/children/{child.code}/attendance/"

    answer = api_as("guardian").get(path, {"day": timezone.localdate().isoformat()})

    assert answer.status_code == 200
    data = answer.json()
    assert data["state"] == "checked_out" and data["checked_in_by"] == caregiver_x.display_name
    assert data["checked_in_at"] and data["checked_out_at"] and data["collected_by"] == guardian.display_name
    assert data["checked_out_by"] == caregiver_x.display_name

    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert api_as("guardian").get(path, {"day": tomorrow}).json()["checked_in_at"] is None
    assert api_as("guardian").get(path, {"day": "not-a-day"}).status_code == 404

    other = APIClient()
    other.force_authenticate(make_guardian("另一位家长", consent=False))
    assert other.get(path).status_code == 404
    assert api_as("director_y").get(path).status_code == 404
