"""Doctor's visits: a partner-hospital doctor records a visit (not in the future, with a summary, only the
institution's children); the institution's directors and health workers are told and read it."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.daycare.factories import placed_child
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import _english
from tuoyu.health.models import DoctorVisit
from tuoyu.health.services.visits import doctor_visit_record
from tuoyu.health.tests.records_helpers import (
    child_x,
    days_ago,
    family,
    other_doctor,
    other_hospital,
    today,
)
from tuoyu.notifications.models import Notification
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass, Institution

pytestmark = pytest.mark.django_db

__all__ = ["_english", "child_x", "family", "other_doctor", "other_hospital"]  # fixtures used by name


def refusal_code(action: Callable[[], object]) -> str:
    with pytest.raises(Refusal) as refused:
        action()
    return str(refused.value.code)


# The service ------------------------------------------------------------------------------------------------


def test_a_partner_doctor_records_a_visit_with_the_children_seen(
    doctor: User, institution_x: Institution, child_x: Child
) -> None:
    visit = doctor_visit_record(
        actor=doctor,
        institution=institution_x,
        visited_on=today(),
        summary="  体格检查、口腔检查  ",
        children=[child_x],
    )

    visit.refresh_from_db()
    assert (visit.doctor, visit.institution, visit.visited_on, visit.summary) == (
        doctor,
        institution_x,
        today(),
        "体格检查、口腔检查",
    )
    assert list(visit.children.all()) == [child_x]


def test_the_institutions_directors_and_health_workers_are_told_of_the_visit(
    doctor: User,
    institution_x: Institution,
    child_x: Child,
    director_x: User,
    health_worker_x: User,
    caregiver_x: User,
    director_y: User,
) -> None:
    doctor_visit_record(
        actor=doctor, institution=institution_x, visited_on=today(), summary="巡诊", children=[child_x]
    )

    told = Notification.objects.filter(kind="doctor_visit")
    assert set(told.values_list("user__display_name", flat=True)) == {
        director_x.display_name,
        health_worker_x.display_name,
    }
    assert all(note.link == reverse("health:visits") for note in told)
    assert "诊查幼儿 1 名" in told.get(user=director_x).body  # the director reads Chinese


def test_a_visit_in_the_future_is_refused(doctor: User, institution_x: Institution) -> None:
    tomorrow = today() + datetime.timedelta(days=1)

    code = refusal_code(
        lambda: doctor_visit_record(
            actor=doctor, institution=institution_x, visited_on=tomorrow, summary="巡诊"
        )
    )

    assert code == "visit_in_future"
    assert not DoctorVisit.objects.exists()


def test_a_visit_without_a_summary_is_refused(doctor: User, institution_x: Institution) -> None:
    code = refusal_code(
        lambda: doctor_visit_record(
            actor=doctor, institution=institution_x, visited_on=today(), summary="   "
        )
    )

    assert code == "summary_missing"
    assert not DoctorVisit.objects.exists()


def test_a_child_of_another_institution_cannot_be_named_and_nothing_is_written(
    doctor: User, institution_x: Institution, child_x: Child, class_y: CareClass
) -> None:
    at_y = placed_child(class_y, name="月亮班孩子")

    with pytest.raises(Refusal) as refused:
        doctor_visit_record(
            actor=doctor,
            institution=institution_x,
            visited_on=today(),
            summary="巡诊",
            children=[child_x, at_y],
        )

    assert refused.value.code == "child_not_at_institution"
    assert "月亮班孩子" in refused.value.text and "星星托育园" in refused.value.text
    assert not DoctorVisit.objects.exists()
    assert not Notification.objects.filter(kind="doctor_visit").exists()


def test_a_child_whose_place_started_after_the_visit_day_cannot_be_named(
    doctor: User, institution_x: Institution, child_x: Child
) -> None:
    code = refusal_code(
        lambda: doctor_visit_record(
            actor=doctor,
            institution=institution_x,
            visited_on=days_ago(3),
            summary="巡诊",
            children=[child_x],
        )
    )

    assert code == "child_not_at_institution"


@pytest.mark.parametrize("persona", ["other_doctor", "director_x", "health_worker_x", "regulator_a"])
def test_only_a_doctor_of_the_partner_hospital_records_visits(
    request: pytest.FixtureRequest, institution_x: Institution, persona: str
) -> None:
    actor = request.getfixturevalue(persona)

    with pytest.raises(NotPermitted):
        doctor_visit_record(actor=actor, institution=institution_x, visited_on=today(), summary="巡诊")
    assert not DoctorVisit.objects.exists()


# The page ---------------------------------------------------------------------------------------------------


def test_the_doctor_records_a_visit_on_the_page(
    client_as: Callable[[str], Client], doctor: User, institution_x: Institution, child_x: Child
) -> None:
    client = client_as("doctor")
    form = client.get(reverse("health:visits"))
    assert form.context["institution"] == institution_x
    assert "data-visit-form" in form.content.decode() and child_x.name in form.content.decode()

    response = client.post(
        reverse("health:visits"),
        {
            "institution": str(institution_x.code),
            "visited_on": today().isoformat(),
            "summary": "晨检抽查，健康教育",
            "children": [str(child_x.code)],
        },
        follow=True,
    )

    visit = DoctorVisit.objects.get()
    assert (visit.doctor, visit.summary, list(visit.children.all())) == (
        doctor,
        "晨检抽查，健康教育",
        [child_x],
    )
    html = response.content.decode()
    assert "Visit to 星星托育园 recorded." in html
    assert f'data-visit="{visit.pk}"' in html


def test_a_future_visit_on_the_page_shows_why_and_writes_nothing(
    client_as: Callable[[str], Client], doctor: User, institution_x: Institution
) -> None:
    response = client_as("doctor").post(
        reverse("health:visits"),
        {
            "institution": str(institution_x.code),
            "visited_on": (today() + datetime.timedelta(days=2)).isoformat(),
            "summary": "巡诊",
        },
    )

    assert response.status_code == 200
    assert "The visit date cannot be in the future." in response.content.decode()
    assert not DoctorVisit.objects.exists()


def test_a_child_not_offered_on_the_form_cannot_be_posted(
    client_as: Callable[[str], Client], doctor: User, institution_x: Institution, class_y: CareClass
) -> None:
    at_y = placed_child(class_y, name="月亮班孩子")

    response = client_as("doctor").post(
        reverse("health:visits"),
        {
            "institution": str(institution_x.code),
            "visited_on": today().isoformat(),
            "summary": "巡诊",
            "children": [str(at_y.code)],
        },
    )

    assert response.status_code == 200
    assert not DoctorVisit.objects.exists()


def test_a_doctor_of_another_hospital_cannot_record_a_visit_to_x_on_the_page(
    client_as: Callable[[str], Client], other_doctor: User, institution_x: Institution
) -> None:
    data = {"institution": str(institution_x.code), "visited_on": today().isoformat(), "summary": "巡诊"}

    response = client_as("other_doctor").post(reverse("health:visits"), data)

    assert response.status_code == 404
    assert not DoctorVisit.objects.exists()


def test_a_doctor_partnering_two_institutions_chooses_one_first(
    client_as: Callable[[str], Client], doctor: User, institution_x: Institution, institution_y: Institution
) -> None:
    institution_y.partner_hospital = institution_x.partner_hospital
    institution_y.save(update_fields=["partner_hospital"])
    client = client_as("doctor")

    unchosen = client.get(reverse("health:visits"))
    chosen = client.get(reverse("health:visits"), {"institution": str(institution_y.code)})

    assert unchosen.context["form"] is None
    assert chosen.context["institution"] == institution_y


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("doctor", True),
        ("director_x", True),
        ("health_worker_x", True),
        ("director_y", False),
        ("other_doctor", False),
    ],
)
def test_the_visits_are_read_by_the_institution_and_its_partner_doctors(
    client_as: Callable[[str], Client],
    doctor: User,
    institution_x: Institution,
    other_doctor: User,
    persona: str,
    sees: bool,
) -> None:
    DoctorVisit.objects.create(
        institution=institution_x, doctor=doctor, visited_on=today(), summary="巡诊记录甲"
    )

    response = client_as(persona).get(reverse("health:visits"))

    assert response.status_code == 200
    assert ("巡诊记录甲" in response.content.decode()) == sees
    assert ("data-visit-form" in response.content.decode()) == (persona in {"doctor", "other_doctor"})


@pytest.mark.parametrize("persona", ["caregiver_x", "regulator_a", "guardian"])
def test_the_visits_page_is_not_found_for_those_who_read_no_health_records(
    client_as: Callable[[str], Client], persona: str
) -> None:
    assert client_as(persona).get(reverse("health:visits")).status_code == 404


# The API ----------------------------------------------------------------------------------------------------


def test_the_doctor_records_a_visit_through_the_api(
    api_as: Callable[[str], APIClient], doctor: User, institution_x: Institution, child_x: Child
) -> None:
    response = api_as("doctor").post(
        "/api/v1/health/visits/",
        {
            "institution": str(institution_x.code),
            "visited_on": today().isoformat(),
            "summary": "巡诊",
            "children": [str(child_x.code)],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["institution"] == {"code": str(institution_x.code), "name": "星星托育园"}
    assert body["doctor"] == doctor.display_name
    assert body["children"] == [{"code": str(child_x.code), "name": child_x.name}]
    assert DoctorVisit.objects.get().pk == body["id"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"visited_on": "2999-01-01"}, "visit_in_future"),
        ({"summary": " "}, "invalid"),
        ({"children": ["00000000-0000-0000-0000-000000000000"]}, "unknown_child"),
    ],
)
def test_a_refused_visit_through_the_api_answers_400_with_a_code(
    api_as: Callable[[str], APIClient], doctor: User, institution_x: Institution, change: dict, code: str
) -> None:
    data = {"institution": str(institution_x.code), "visited_on": today().isoformat(), "summary": "巡诊"}

    response = api_as("doctor").post("/api/v1/health/visits/", {**data, **change}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not DoctorVisit.objects.exists()


@pytest.mark.parametrize("persona", ["other_doctor", "director_x", "guardian"])
def test_recording_a_visit_to_an_institution_one_does_not_partner_is_not_found(
    api_as: Callable[[str], APIClient], other_doctor: User, institution_x: Institution, persona: str
) -> None:
    data = {"institution": str(institution_x.code), "visited_on": today().isoformat(), "summary": "巡诊"}

    response = api_as(persona).post("/api/v1/health/visits/", data, format="json")

    assert response.status_code == 404
    assert not DoctorVisit.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status", "count"),
    [("director_x", 200, 1), ("doctor", 200, 1), ("director_y", 200, 0), ("caregiver_x", 404, None)],
)
def test_the_visits_api_lists_the_visits_the_caller_may_read(
    api_as: Callable[[str], APIClient],
    doctor: User,
    institution_x: Institution,
    persona: str,
    status: int,
    count: int | None,
) -> None:
    DoctorVisit.objects.create(institution=institution_x, doctor=doctor, visited_on=today(), summary="巡诊")

    response = api_as(persona).get("/api/v1/health/visits/")

    assert response.status_code == status
    if count is not None:
        assert response.json()["count"] == count
