"""The care API: reads are logged with channel "api", posts record through the services, refusals answer
400/409 with a code, and everyone outside gets 404 (anonymous 401)."""

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import AccessChannel, Child, HealthRecordAccess
from tuoyu.health.models import (
    DevelopmentScreening,
    ExamKind,
    HealthExam,
    ImmunisationCheck,
    Referral,
    ReferralReason,
)
from tuoyu.health.tests.care_helpers import (
    _english,
    children_in_care,
    days_ago,
    exam,
    family,
    kid,
    referral,
    sms_outbox,
    today,
)
from tuoyu.registry.models import CareClass
from tuoyu.workdays import months_later

pytestmark = pytest.mark.django_db

__all__ = ["_english", "family", "kid", "sms_outbox"]  # fixtures used by name

ApiAs = Callable[[str], APIClient]
AREAS = {
    "schedule": "schedule",
    "exams": "exams",
    "screenings": "screenings",
    "referrals": "referrals",
    "immunisation-checks": "immunisation",
}


def url(child: Child, area: str) -> str:
    return f"/api/v1/health/children/{child.code}/{area}/"


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("persona", ["family", "director_x", "health_worker_x", "doctor"])
def test_readers_get_each_area_and_the_read_is_logged_as_api(
    request: pytest.FixtureRequest, api_as: ApiAs, kid: Child, persona: str, area: str
) -> None:
    response = api_as(persona).get(url(kid, area))

    assert response.status_code == 200
    entry = HealthRecordAccess.objects.get()
    assert (entry.user, entry.child, entry.view, entry.channel) == (
        request.getfixturevalue(persona),
        kid,
        AREAS[area],
        AccessChannel.API,
    )


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("persona", ["caregiver_x", "director_y", "regulator_a", "guardian"])
def test_outsiders_get_404_and_nothing_is_logged(api_as: ApiAs, kid: Child, persona: str, area: str) -> None:
    assert api_as(persona).get(url(kid, area)).status_code == 404
    assert api_as(persona).post(url(kid, area), {}, format="json").status_code in (404, 405)
    assert not HealthRecordAccess.objects.exists()


@pytest.mark.parametrize("area", AREAS)
def test_anonymous_callers_get_401(anonymous_api: APIClient, kid: Child, area: str) -> None:
    assert anonymous_api.get(url(kid, area)).status_code == 401


def test_the_schedule_lists_every_item_with_its_status(api_as: ApiAs, kid: Child) -> None:
    exam(kid, ExamKind.HEARING, months_later(kid.birth_date, 12) + datetime.timedelta(days=3))

    body = api_as("family").get(url(kid, "schedule")).json()

    assert (body["child"], body["overdue"]) == (str(kid.code), 5)
    hearing = next(i for i in body["items"] if (i["kind"], i["age_months"]) == ("hearing", 12))
    assert (hearing["status"], hearing["status_label"], hearing["examined_on"]) == (
        "done",
        "Done",
        (months_later(kid.birth_date, 12) + datetime.timedelta(days=3)).isoformat(),
    )
    in_care = next(i for i in body["items"] if (i["kind"], i["age_months"]) == ("in_care", 18))
    assert (in_care["status"], in_care["in_care"], in_care["due_on"]) == (
        "overdue",
        True,
        months_later(kid.birth_date, 18).isoformat(),
    )
    assert in_care["days_overdue"] == (today() - months_later(kid.birth_date, 18)).days


@pytest.mark.parametrize("area", ["exams", "screenings", "referrals", "immunisation-checks"])
def test_a_guardian_posting_anything_gets_404(api_as: ApiAs, kid: Child, area: str) -> None:
    assert api_as("family").post(url(kid, area), {}, format="json").status_code == 404


def test_the_doctor_records_an_anaemic_haemoglobin_test(api_as: ApiAs, kid: Child) -> None:
    response = api_as("doctor").post(
        url(kid, "exams"),
        {"kind": "haemoglobin", "examined_on": days_ago(1).isoformat(), "haemoglobin_g_l": 88},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["haemoglobin_g_l"], body["anaemia"], body["source"]) == (
        "haemoglobin",
        88,
        "moderate",
        "hospital",
    )
    assert Referral.objects.get().reason == ReferralReason.ANAEMIA
    assert not HealthRecordAccess.objects.exists()  # recording is not a read


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        ({"kind": "in_care", "examined_on": "2100-01-01"}, 400, "date_in_future"),
        ({"kind": "haemoglobin", "examined_on": days_ago(1).isoformat()}, 400, "haemoglobin_required"),
        ({"kind": "xray", "examined_on": days_ago(1).isoformat()}, 400, "invalid"),
    ],
)
def test_refused_exams_answer_with_a_code(
    api_as: ApiAs, kid: Child, data: dict, status: int, code: str
) -> None:
    response = api_as("health_worker_x").post(url(kid, "exams"), data, format="json")

    assert response.status_code == status
    assert response.json()["code"] == code
    assert not HealthExam.objects.exists()


def test_a_second_identical_exam_is_a_conflict(api_as: ApiAs, kid: Child) -> None:
    client = api_as("health_worker_x")
    data = {"kind": "in_care", "examined_on": days_ago(1).isoformat()}

    assert client.post(url(kid, "exams"), data, format="json").status_code == 201
    response = client.post(url(kid, "exams"), data, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "exam_duplicate")


def test_screenings_are_recorded_and_read_with_their_signs_and_referral(api_as: ApiAs, kid: Child) -> None:
    created = api_as("doctor").post(
        url(kid, "screenings"),
        {"checkpoint_months": 18, "screened_on": today().isoformat(), "positive_signs": ["m18_walk"]},
        format="json",
    )

    assert created.status_code == 201
    referral_id = Referral.objects.get().pk
    assert created.json()["referral"] == referral_id
    [read] = api_as("family").get(url(kid, "screenings")).json()
    assert read["signs"] == [{"code": "m18_walk", "text": "不会独走", "gloss": "cannot walk alone"}]
    assert read["referral"] == referral_id


def test_a_screening_of_a_checkpoint_not_reached_is_refused(api_as: ApiAs, kid: Child) -> None:
    response = api_as("doctor").post(
        url(kid, "screenings"), {"checkpoint_months": 30, "screened_on": today().isoformat()}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "checkpoint_not_reached")
    assert not DevelopmentScreening.objects.exists()


def test_a_referral_is_made_followed_up_and_closed(api_as: ApiAs, kid: Child) -> None:
    doctor = api_as("doctor")
    made = doctor.post(
        url(kid, "referrals"),
        {"reason": "hearing", "detail": "家长诉叫名反应差", "referred_on": days_ago(2).isoformat()},
        format="json",
    )
    assert made.status_code == 201
    pk = made.json()["id"]

    refused = doctor.post(f"/api/v1/health/referrals/{pk}/", {"outcome": "", "close": True}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "outcome_required")
    followed = doctor.post(f"/api/v1/health/referrals/{pk}/", {"outcome": "ABR复查中"}, format="json")
    assert (followed.status_code, followed.json()["is_open"]) == (200, True)
    closed = doctor.post(
        f"/api/v1/health/referrals/{pk}/", {"outcome": "听力正常", "close": True}, format="json"
    )
    assert (closed.json()["is_open"], closed.json()["outcome"]) == (False, "听力正常")
    again = doctor.post(f"/api/v1/health/referrals/{pk}/", {"outcome": "x"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "referral_closed")


def test_reading_one_referral_is_a_logged_read(api_as: ApiAs, kid: Child, health_worker_x: User) -> None:
    made = referral(kid, referred_on=days_ago(3))

    response = api_as("health_worker_x").get(f"/api/v1/health/referrals/{made.pk}/")

    assert (response.status_code, response.json()["child"]) == (200, str(kid.code))
    entry = HealthRecordAccess.objects.get()
    assert (entry.user, entry.child, entry.view, entry.channel) == (health_worker_x, kid, "referral", "api")


@pytest.mark.parametrize("persona", ["caregiver_x", "director_y", "regulator_b", "guardian"])
def test_a_referral_of_someone_else_is_404(api_as: ApiAs, kid: Child, persona: str) -> None:
    made = referral(kid, referred_on=days_ago(3))

    assert api_as(persona).get(f"/api/v1/health/referrals/{made.pk}/").status_code == 404
    assert (
        api_as(persona)
        .post(f"/api/v1/health/referrals/{made.pk}/", {"outcome": "x"}, format="json")
        .status_code
        == 404
    )


def test_a_guardian_reads_a_referral_but_may_not_record_its_outcome(api_as: ApiAs, kid: Child) -> None:
    made = referral(kid, referred_on=days_ago(3))
    client = api_as("family")

    assert client.get(f"/api/v1/health/referrals/{made.pk}/").status_code == 200
    assert (
        client.post(f"/api/v1/health/referrals/{made.pk}/", {"outcome": "好了"}, format="json").status_code
        == 404
    )


def test_the_institution_records_certificate_checks_but_never_the_doctor(api_as: ApiAs, kid: Child) -> None:
    data = {
        "kind": "entry",
        "checked_on": days_ago(1).isoformat(),
        "complete": False,
        "missing_doses": "乙脑第2剂",
    }

    assert api_as("doctor").post(url(kid, "immunisation-checks"), data, format="json").status_code == 404
    assert not ImmunisationCheck.objects.exists()
    response = api_as("health_worker_x").post(url(kid, "immunisation-checks"), data, format="json")

    assert response.status_code == 201
    assert response.json()["guardian_urged_at"] is not None
    incomplete = {**data, "missing_doses": ""}
    refused = api_as("director_x").post(
        url(kid, "immunisation-checks"), {**incomplete, "kind": "annual"}, format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "missing_doses_required")


def test_the_lists_of_referrals_and_overdue_exams(api_as: ApiAs, kid: Child) -> None:
    late = referral(kid, referred_on=days_ago(40))
    closed = referral(kid, referred_on=days_ago(90), outcome="好", closed_at=timezone.now())

    referrals = api_as("doctor").get("/api/v1/health/referrals/").json()
    overdue = api_as("health_worker_x").get("/api/v1/health/overdue/").json()

    assert [r["id"] for r in referrals["results"]] == [late.pk, closed.pk]
    [row] = overdue
    assert (row["child"], row["care_class"]["name"], len(row["items"])) == (str(kid.code), "星星托大班", 6)
    assert {item["status"] for item in row["items"]} == {"overdue"}
    reads = HealthRecordAccess.objects.filter(child=kid, channel="api")
    assert sorted(reads.values_list("view", flat=True)) == ["overdue", "referrals"]  # one read per answer


@pytest.mark.parametrize("path", ["/api/v1/health/referrals/", "/api/v1/health/overdue/"])
@pytest.mark.parametrize("persona", ["caregiver_x", "family", "regulator_a"])
def test_the_lists_are_404_for_those_who_do_not_follow_up_health(
    api_as: ApiAs, kid: Child, persona: str, path: str
) -> None:
    assert api_as(persona).get(path).status_code == 404


def test_the_overdue_api_takes_the_same_queries_for_3_or_20_children(
    api_as: ApiAs, class_x: CareClass, family: User
) -> None:
    client = api_as("director_x")
    client.get("/api/v1/health/overdue/")  # the caller's roles are read once, then kept on the user
    counts = []
    for count in (3, 17):
        children_in_care(class_x, family, count, prefix=f"孩{count}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/health/overdue/")
        assert len(response.json()) == Child.objects.count()
        counts.append(len(captured))

    assert counts[0] == counts[1]
