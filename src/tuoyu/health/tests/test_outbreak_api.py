"""The outbreak-watch API: outbreaks (list, detail, report, resolve), diagnoses, return certificates and
quarantines, with their scoping (outsiders 404, anonymous 401) and refusals (400/409 with a code)."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child, HealthRecordAccess
from tuoyu.health.models import ClassQuarantine, Diagnosis, OutbreakReport, ReturnCertificate
from tuoyu.health.services import outbreaks as services
from tuoyu.health.tests.outbreak_helpers import (
    _english,
    days_ago,
    diagnose,
    fever_report,
    kids,
    outbreak,
    sms_outbox,
    today,
)
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db

__all__ = ["_english", "kids", "outbreak", "sms_outbox"]  # fixtures used by name

ApiAs = Callable[[str], APIClient]


def url(outbreak: OutbreakReport, action: str = "") -> str:
    return f"/api/v1/health/outbreaks/{outbreak.pk}/" + (f"{action}/" if action else "")


# Outbreaks ------------------------------------------------------------------------------------------------


def test_the_regulator_lists_the_districts_outbreaks_with_their_deadlines(
    outbreak: OutbreakReport, class_x: CareClass, api_as: ApiAs
) -> None:
    response = api_as("regulator_a").get("/api/v1/health/outbreaks/")

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["id"] == outbreak.pk
    assert (row["trigger"], row["symptom"], row["subject"], row["case_count"]) == (
        "same_day",
        "fever",
        "Fever",
        3,
    )
    assert row["care_class"] == str(class_x.code) and row["institution_name"] == "星星托育园"
    due = datetime.datetime.fromisoformat(row["due_at"])
    opened = datetime.datetime.fromisoformat(row["opened_at"])
    assert due - opened == datetime.timedelta(hours=24) and row["late_after"] == row["due_at"]
    assert row["overdue"] is False and row["is_active"] is True and row["reported_at"] is None


@pytest.mark.parametrize(
    ("persona", "count"), [("regulator_b", 0), ("director_y", 0), ("health_worker_x", 1)]
)
def test_each_watcher_lists_only_their_outbreaks(
    outbreak: OutbreakReport, api_as: ApiAs, persona: str, count: int
) -> None:
    response = api_as(persona).get("/api/v1/health/outbreaks/")

    assert response.status_code == 200 and response.json()["count"] == count


@pytest.mark.parametrize("persona", ["caregiver_x", "doctor", "guardian"])
def test_non_watchers_get_404_for_lists(outbreak: OutbreakReport, api_as: ApiAs, persona: str) -> None:
    client = api_as(persona)

    assert client.get("/api/v1/health/outbreaks/").status_code == 404
    assert client.get("/api/v1/health/quarantines/").status_code == 404
    assert client.get(url(outbreak)).status_code == 404


def test_anonymous_callers_get_401(outbreak: OutbreakReport, api_as: ApiAs) -> None:
    client = api_as("anonymous")

    assert client.get("/api/v1/health/outbreaks/").status_code == 401
    assert client.get(url(outbreak)).status_code == 401
    assert client.post("/api/v1/health/diagnoses/", {}, format="json").status_code == 401


def test_the_active_filter_leaves_out_resolved_outbreaks(
    outbreak: OutbreakReport, health_worker_x: User, api_as: ApiAs
) -> None:
    services.outbreak_report_submit(outbreak=outbreak, report="已报告", by=health_worker_x)
    services.outbreak_resolve(outbreak=outbreak, resolution="已结案", by=health_worker_x)
    client = api_as("regulator_a")

    assert client.get("/api/v1/health/outbreaks/", {"active": "true"}).json()["count"] == 0
    assert client.get("/api/v1/health/outbreaks/").json()["results"][0]["is_active"] is False


def test_the_detail_names_the_cases_by_day_and_logs_the_read(
    outbreak: OutbreakReport, kids: list[Child], regulator_a: User, api_as: ApiAs
) -> None:
    response = api_as("regulator_a").get(url(outbreak))

    body = response.json()
    assert response.status_code == 200
    assert {case["name"] for case in body["cases"]} == {child.name for child in kids}
    ((day,),) = [[entry["day"]] for entry in body["case_days"]]
    assert day == today().isoformat()
    assert body["report"] == "" and body["quarantines"] == []
    assert "phone" not in str(body)
    reads = HealthRecordAccess.objects.filter(user=regulator_a, channel="api", view="outbreak")
    assert {read.child for read in reads} == set(kids)


@pytest.mark.parametrize("persona", ["regulator_b", "director_y"])
def test_an_outbreak_elsewhere_is_404(outbreak: OutbreakReport, api_as: ApiAs, persona: str) -> None:
    client = api_as(persona)

    assert client.get(url(outbreak)).status_code == 404
    assert client.post(url(outbreak, "report"), {"report": "报告"}, format="json").status_code == 404
    assert not HealthRecordAccess.objects.exists()


def test_the_institution_reports_once_then_resolves(outbreak: OutbreakReport, api_as: ApiAs) -> None:
    client = api_as("health_worker_x")

    early = client.post(url(outbreak, "resolve"), {"resolution": "结案"}, format="json")
    assert (early.status_code, early.json()["code"]) == (409, "report_first")
    reported = client.post(url(outbreak, "report"), {"report": "已报告区疾控中心"}, format="json")
    assert reported.status_code == 200 and reported.json()["report"] == "已报告区疾控中心"
    again = client.post(url(outbreak, "report"), {"report": "再报"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_reported")
    resolved = client.post(url(outbreak, "resolve"), {"resolution": "无新发病例，结案"}, format="json")
    assert resolved.status_code == 200 and resolved.json()["is_active"] is False


def test_a_blank_report_is_400(outbreak: OutbreakReport, api_as: ApiAs) -> None:
    response = api_as("director_x").post(url(outbreak, "report"), {"report": " "}, format="json")

    assert response.status_code == 400
    outbreak.refresh_from_db()
    assert outbreak.reported_at is None


def test_a_regulator_reads_but_does_not_report(outbreak: OutbreakReport, api_as: ApiAs) -> None:
    response = api_as("regulator_a").post(url(outbreak, "report"), {"report": "报告"}, format="json")

    assert response.status_code == 404


# Diagnoses and certificates ---------------------------------------------------------------------------------


def diagnosis_body(child: Child, **fields: Any) -> dict[str, Any]:
    return {
        "child": str(child.code),
        "disease": "hfmd",
        "status": "confirmed",
        "onset_on": today().isoformat(),
        "diagnosed_on": today().isoformat(),
        "diagnosed_by": "甲区人民医院",
        **fields,
    }


def test_the_health_worker_records_a_diagnosis(
    kids: list[Child], health_worker_x: User, api_as: ApiAs
) -> None:
    response = api_as("health_worker_x").post(
        "/api/v1/health/diagnoses/", diagnosis_body(kids[0]), format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["disease"], body["disease_name"], body["notifiable"]) == ("hfmd", "手足口病", True)
    assert body["excluded_until"] == (today() + datetime.timedelta(days=14)).isoformat()
    assert body["return_certificate"] is None
    assert OutbreakReport.objects.get().trigger == "notifiable_case"
    assert HealthRecordAccess.objects.filter(
        user=health_worker_x, channel="api", view="diagnosis_add"
    ).exists()


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"disease": "plague"}, 400, "invalid"),
        (
            {"onset_on": (today() + datetime.timedelta(days=3)).isoformat()},
            400,
            "onset_in_future",
        ),
        ({"status": "maybe"}, 400, "invalid"),
    ],
)
def test_a_wrong_diagnosis_is_refused(
    kids: list[Child], api_as: ApiAs, fields: dict[str, str], status: int, code: str
) -> None:
    response = api_as("health_worker_x").post(
        "/api/v1/health/diagnoses/", diagnosis_body(kids[0], **fields), format="json"
    )

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Diagnosis.objects.exists()


def test_a_second_diagnosis_of_the_same_disease_is_409(kids: list[Child], api_as: ApiAs) -> None:
    client = api_as("health_worker_x")
    client.post("/api/v1/health/diagnoses/", diagnosis_body(kids[0]), format="json")

    response = client.post("/api/v1/health/diagnoses/", diagnosis_body(kids[0]), format="json")

    assert (response.status_code, response.json()["code"]) == (409, "already_diagnosed")


@pytest.mark.parametrize("persona", ["doctor", "director_y", "caregiver_x", "regulator_a", "guardian"])
def test_only_the_institution_records_a_diagnosis(kids: list[Child], api_as: ApiAs, persona: str) -> None:
    response = api_as(persona).post("/api/v1/health/diagnoses/", diagnosis_body(kids[0]), format="json")

    assert response.status_code == 404
    assert not Diagnosis.objects.exists() and not HealthRecordAccess.objects.exists()


def test_the_return_certificate_is_checked_once_and_not_before_the_exclusion_ends(
    kids: list[Child], health_worker_x: User, api_as: ApiAs
) -> None:
    diagnosis = diagnose(
        kids[0], "measles", health_worker_x, onset_on=days_ago(8)
    )  # excluded until 3 days ago
    client = api_as("health_worker_x")
    endpoint = f"/api/v1/health/diagnoses/{diagnosis.pk}/return-certificate/"

    early = client.post(endpoint, {"issued_by": "医院", "issued_on": days_ago(4).isoformat()}, format="json")
    assert (early.status_code, early.json()["code"]) == (400, "certificate_before_exclusion_ends")
    done = client.post(endpoint, {"issued_by": "医院", "issued_on": today().isoformat()}, format="json")
    assert done.status_code == 201 and done.json()["return_certificate"]["issued_by"] == "医院"
    again = client.post(endpoint, {"issued_by": "医院", "issued_on": today().isoformat()}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_certified")
    assert ReturnCertificate.objects.count() == 1


@pytest.mark.parametrize("persona", ["regulator_a", "director_y", "caregiver_x", "doctor"])
def test_only_the_institution_checks_a_certificate(
    kids: list[Child], health_worker_x: User, api_as: ApiAs, persona: str
) -> None:
    diagnosis = diagnose(kids[0], "measles", health_worker_x, onset_on=days_ago(8))

    response = api_as(persona).post(
        f"/api/v1/health/diagnoses/{diagnosis.pk}/return-certificate/",
        {"issued_by": "医院", "issued_on": today().isoformat()},
        format="json",
    )

    assert response.status_code == 404 and not ReturnCertificate.objects.exists()


# Quarantines ----------------------------------------------------------------------------------------------


def quarantine_body(care_class: CareClass, **fields: Any) -> dict[str, Any]:
    return {
        "care_class": str(care_class.code),
        "starts_on": today().isoformat(),
        "ends_on": (today() + datetime.timedelta(days=7)).isoformat(),
        "reason": "发热聚集，医学观察",
        **fields,
    }


def test_the_institution_puts_a_class_in_quarantine_and_the_regulator_sees_it(
    outbreak: OutbreakReport, class_x: CareClass, api_as: ApiAs
) -> None:
    response = api_as("director_x").post(
        "/api/v1/health/quarantines/", quarantine_body(class_x, outbreak=outbreak.pk), format="json"
    )

    assert response.status_code == 201
    assert response.json()["outbreak"] == outbreak.pk and response.json()["care_class"] == str(class_x.code)
    (row,) = api_as("regulator_a").get("/api/v1/health/quarantines/", {"active": "true"}).json()["results"]
    assert row["ends_on"] == (today() + datetime.timedelta(days=7)).isoformat()
    assert api_as("regulator_b").get("/api/v1/health/quarantines/").json()["count"] == 0
    assert api_as("regulator_a").get(url(outbreak)).json()["quarantines"][0]["id"] == row["id"]


def test_an_overlapping_quarantine_is_409(class_x: CareClass, api_as: ApiAs) -> None:
    client = api_as("health_worker_x")
    client.post("/api/v1/health/quarantines/", quarantine_body(class_x), format="json")

    response = client.post("/api/v1/health/quarantines/", quarantine_body(class_x), format="json")

    assert (response.status_code, response.json()["code"]) == (409, "already_in_quarantine")


@pytest.mark.parametrize("persona", ["regulator_a", "caregiver_x", "director_y", "doctor"])
def test_only_the_institution_puts_its_class_in_quarantine(
    class_x: CareClass, api_as: ApiAs, persona: str
) -> None:
    response = api_as(persona).post("/api/v1/health/quarantines/", quarantine_body(class_x), format="json")

    assert response.status_code == 404 and not ClassQuarantine.objects.exists()


def test_an_outbreak_of_another_institution_cannot_be_named(
    class_x: CareClass, class_y: CareClass, api_as: ApiAs
) -> None:
    elsewhere = fever_report(class_y.institution)

    response = api_as("director_x").post(
        "/api/v1/health/quarantines/", quarantine_body(class_x, outbreak=elsewhere.pk), format="json"
    )

    assert response.status_code == 404 and not ClassQuarantine.objects.exists()
