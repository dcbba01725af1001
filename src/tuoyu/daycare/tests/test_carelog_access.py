"""Pages and API of the care log, called as every persona: staff of the institution record, everyone else
gets 404 (another institution's director included); medication instructions from the guardian's phone;
activity corners; the one-tap entries of a child's page; the quick links of the class screen."""

import datetime
from collections.abc import Callable

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.daycare.models import ActivityArea, CareLogEntry, LogKind, MedicationInstruction
from tuoyu.daycare.services import carelog as services
from tuoyu.daycare.tests.carelog_helpers import DAY, at, check_in, instruction, placed_child
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import _english, make_guardian
from tuoyu.registry.models import CareClass, Institution

pytestmark = pytest.mark.django_db

__all__ = ["_english"]  # fixtures used by name

OUTSIDERS = ["director_y", "regulator_a", "doctor", "guardian"]


@pytest.fixture
def child(guardian: User, class_x: CareClass, caregiver_x: User) -> Child:
    child = placed_child(guardian, class_x, name="赵小宝")
    check_in(child, class_x, caregiver_x)
    check_in(child, class_x, caregiver_x, day=timezone.localdate())
    return child


def staff_pages(class_x: CareClass, child: Child, institution: Institution) -> list[str]:
    base = f"/care/classes/{class_x.code}"
    return [
        f"{base}/log/",
        f"{base}/log/?kind=sleep",
        f"{base}/log/?kind=water",
        f"{base}/log/?kind=activity",
        f"{base}/children/{child.code}/",
        f"{base}/children/{child.code}/?day={DAY.isoformat()}",
        f"{base}/reports/?day={DAY.isoformat()}",
        f"/care/institutions/{institution.code}/activity-areas/",
    ]


@pytest.mark.parametrize("persona", ["caregiver_x", "director_x", "health_worker_x"])
def test_staff_of_the_institution_open_every_page(
    client_as: Callable[[str], Client],
    persona: str,
    class_x: CareClass,
    child: Child,
    institution_x: Institution,
) -> None:
    client = client_as(persona)
    for url in staff_pages(class_x, child, institution_x):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_everyone_else_gets_404_on_the_class_pages_and_posts(
    client_as: Callable[[str], Client],
    persona: str,
    class_x: CareClass,
    child: Child,
    institution_x: Institution,
) -> None:
    client = client_as(persona)
    for url in staff_pages(class_x, child, institution_x):
        assert client.get(url).status_code == 404, url
    base = f"/care/classes/{class_x.code}"
    day = DAY.isoformat()
    posts = [
        f"{base}/log/",
        f"{base}/children/{child.code}/entries/",
        f"{base}/reports/{day}/publish-all/",
        f"{base}/reports/{day}/{child.code}/summary/",
        f"{base}/reports/{day}/{child.code}/publish/",
        f"{base}/reports/{day}/{child.code}/photos/",
        f"/care/institutions/{institution_x.code}/activity-areas/",
    ]
    for url in posts:
        assert (
            client.post(url, {"kind": "meal", "portion": "all", "summary": "x", "name": "x"}).status_code
            == 404
        )
    assert CareLogEntry.objects.count() == 0
    assert not ActivityArea.objects.filter(name="x").exists()


def test_anonymous_visitors_are_sent_to_sign_in_and_the_api_refuses_them(
    anonymous_client: Client, anonymous_api: APIClient, class_x: CareClass
) -> None:
    response = anonymous_client.get(f"/care/classes/{class_x.code}/log/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert anonymous_client.get("/care/reports/").status_code == 302
    assert anonymous_api.get("/api/v1/care/reports/").status_code in (401, 403)


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_everyone_else_gets_404_on_the_staff_api(
    api_as: Callable[[str], APIClient],
    persona: str,
    class_x: CareClass,
    child: Child,
    institution_x: Institution,
) -> None:
    api = api_as(persona)
    base = f"/api/v1/care/classes/{class_x.code}"
    day = DAY.isoformat()
    assert api.get(f"{base}/children/{child.code}/days/{day}/").status_code == 404
    assert api.get(f"{base}/reports/{day}/").status_code == 404
    assert api.get(f"/api/v1/care/institutions/{institution_x.code}/activity-areas/").status_code == 404
    created = api.post(
        "/api/v1/care/entries/",
        {"child": str(child.code), "care_class": str(class_x.code), "kind": "meal", "portion": "all"},
        format="json",
    )
    assert created.status_code == 404
    assert api.post(f"{base}/reports/{day}/publish-all/").status_code == 404
    assert api.post(f"{base}/reports/{day}/{child.code}/publish/", {}, format="json").status_code == 404
    assert api.put(f"{base}/reports/{day}/{child.code}/", {"summary": "x"}, format="json").status_code == 404
    assert CareLogEntry.objects.count() == 0


# One child's page: one tap per entry -------------------------------------------------------------------


def test_one_tap_logs_lunch_on_the_childs_page(
    client_as: Callable[[str], Client], class_x: CareClass, child: Child
) -> None:
    url = f"/care/classes/{class_x.code}/children/{child.code}/"
    page = client_as("caregiver_x").get(url)
    assert b'name="portion" value="all"' in page.content

    response = client_as("caregiver_x").post(
        url + "entries/", {"kind": "meal", "portion": "half", "day": timezone.localdate().isoformat()}
    )

    assert response.status_code == 302
    entry = CareLogEntry.objects.get()
    assert entry.portion == "half" and entry.day == timezone.localdate()


def test_the_childs_page_shows_refusals_and_writes_nothing(
    client_as: Callable[[str], Client], class_x: CareClass, child: Child
) -> None:
    url = f"/care/classes/{class_x.code}/children/{child.code}/"
    day = DAY.isoformat()
    client = client_as("caregiver_x")

    sleep = client.post(
        url + "entries/", {"kind": "sleep", "day": day, "time": "13:00", "woke": "12:00"}, follow=True
    )
    medicine = client.post(url + "entries/", {"kind": "medication", "day": day, "time": "12:00"}, follow=True)
    crying = client.post(
        url + "entries/", {"kind": "responsive", "day": day, "time": "9:00", "cause": "饿"}, follow=True
    )
    no_time = client.post(url + "entries/", {"kind": "meal", "day": day, "portion": "all"}, follow=True)

    assert "A sleep cannot end (12:00) before it starts (13:00)." in sleep.content.decode()
    assert "No medicine without the guardian&#x27;s written instruction" in medicine.content.decode()
    assert "Responsive care needs all three" in crying.content.decode()
    assert "Give the time." in no_time.content.decode()
    assert CareLogEntry.objects.count() == 0


def test_the_childs_page_offers_medication_only_with_an_instruction(
    client_as: Callable[[str], Client], guardian: User, class_x: CareClass, child: Child
) -> None:
    url = f"/care/classes/{class_x.code}/children/{child.code}/?day={DAY.isoformat()}"
    assert b"data-no-instruction" in client_as("caregiver_x").get(url).content

    written = instruction(child, guardian)
    page = client_as("caregiver_x").get(url)
    assert b"data-no-instruction" not in page.content and "布洛芬混悬液" in page.content.decode()
    client_as("caregiver_x").post(
        f"/care/classes/{class_x.code}/children/{child.code}/entries/",
        {"kind": "medication", "day": DAY.isoformat(), "time": "12:40", "medication_instruction": written.pk},
    )
    assert CareLogEntry.objects.get().medication_instruction == written


def test_waking_a_sleeping_child_from_the_page(
    client_as: Callable[[str], Client], caregiver_x: User, class_x: CareClass, child: Child
) -> None:
    entry = services.care_entry_record(
        actor=caregiver_x, child=child, care_class=class_x, kind=LogKind.SLEEP, at=at(12, 30)
    )
    assert (
        client_as("director_y").post(f"/care/entries/{entry.code}/wake/", {"woke": "14:00"}).status_code
        == 404
    )

    client_as("caregiver_x").post(f"/care/entries/{entry.code}/wake/", {"woke": "14:00"})

    entry.refresh_from_db()
    assert entry.ends_at == at(14, 0)


# The API of single entries -----------------------------------------------------------------------------


def test_the_entry_api_records_and_answers_400_with_the_refusal_code(
    api_as: Callable[[str], APIClient], guardian: User, class_x: CareClass, child: Child
) -> None:
    api = api_as("caregiver_x")
    common = {"child": str(child.code), "care_class": str(class_x.code)}

    nap = api.post(
        "/api/v1/care/entries/",
        {**common, "kind": "sleep", "at": at(12, 30).isoformat(), "ends_at": at(14, 0).isoformat()},
        format="json",
    )
    backwards = api.post(
        "/api/v1/care/entries/",
        {**common, "kind": "sleep", "at": at(15, 0).isoformat(), "ends_at": at(14, 0).isoformat()},
        format="json",
    )
    medicine = api.post(
        "/api/v1/care/entries/", {**common, "kind": "medication", "at": at(12).isoformat()}, format="json"
    )
    incident = api.post(
        "/api/v1/care/entries/",
        {**common, "kind": "incident", "text": "摔倒", "at": at(10).isoformat()},
        format="json",
    )
    crying = api.post(
        "/api/v1/care/entries/",
        {**common, "kind": "responsive", "cause": "困了", "at": at(10).isoformat()},
        format="json",
    )
    stranger = placed_child(
        make_guardian("别家"), class_x, name="别家孩子", start=DAY + datetime.timedelta(days=1)
    )
    not_yet = api.post(
        "/api/v1/care/entries/",
        {
            "child": str(stranger.code),
            "care_class": str(class_x.code),
            "kind": "mood",
            "mood": "calm",
            "at": at(9).isoformat(),
        },
        format="json",
    )

    assert nap.status_code == 201 and nap.json()["sleep_minutes"] == 90
    assert backwards.status_code == 400 and backwards.json()["code"] == "sleep_ends_before_start"
    assert medicine.status_code == 400 and medicine.json()["code"] == "medication_without_instruction"
    assert incident.status_code == 400 and incident.json()["code"] == "incident_incomplete"
    assert crying.status_code == 400 and crying.json()["code"] == "responsive_incomplete"
    assert not_yet.status_code == 400 and not_yet.json()["code"] == "not_in_class"
    assert CareLogEntry.objects.count() == 1

    written = instruction(child, guardian)
    given = api.post(
        "/api/v1/care/entries/", {**common, "kind": "medication", "at": at(12, 45).isoformat()}, format="json"
    )
    assert given.status_code == 201 and given.json()["medication_instruction"] == written.pk

    day = api.get(f"/api/v1/care/classes/{class_x.code}/children/{child.code}/days/{DAY.isoformat()}/").json()
    assert [e["kind"] for e in day["entries"]] == ["sleep", "medication"]
    assert day["published"] is False and day["medication_instructions"][0]["medicine"] == "布洛芬混悬液"
    assert (
        api.get(f"/api/v1/care/classes/{class_x.code}/children/{child.code}/days/not-a-day/").status_code
        == 404
    )


def test_the_wake_api(
    api_as: Callable[[str], APIClient], caregiver_x: User, class_x: CareClass, child: Child
) -> None:
    entry = services.care_entry_record(
        actor=caregiver_x, child=child, care_class=class_x, kind=LogKind.SLEEP, at=at(12, 30)
    )
    url = f"/api/v1/care/entries/{entry.code}/wake/"

    early = api_as("caregiver_x").post(url, {"ends_at": at(12, 0).isoformat()}, format="json")
    woke = api_as("caregiver_x").post(url, {"ends_at": at(14, 30).isoformat()}, format="json")

    assert early.status_code == 400 and early.json()["code"] == "sleep_ends_before_start"
    assert woke.status_code == 200 and woke.json()["sleep_minutes"] == 120
    assert api_as("director_y").post(url, {}, format="json").status_code == 404


# Medication instructions -------------------------------------------------------------------------------


def test_the_guardian_writes_an_instruction_from_the_phone_page(
    client_as: Callable[[str], Client], child: Child
) -> None:
    today = timezone.localdate().isoformat()
    client = client_as("guardian")
    assert client.get("/care/medication/").status_code == 200

    response = client.post(
        "/care/medication/",
        {
            "child": str(child.code),
            "medicine": "小儿止咳糖浆",
            "dose": "5 ml",
            "times": "午饭后",
            "valid_from": today,
            "valid_until": today,
        },
        follow=True,
    )

    assert "may now give 赵小宝 小儿止咳糖浆" in response.content.decode()
    assert MedicationInstruction.objects.get().given_by.display_name == "家长赵女士"


def test_the_instruction_api_for_guardians_and_staff(
    api_as: Callable[[str], APIClient], guardian: User, class_x: CareClass, child: Child
) -> None:
    today = timezone.localdate().isoformat()
    body = {
        "child": str(child.code),
        "medicine": "退热贴",
        "dose": "1 片",
        "times": "体温超过38度",
        "valid_from": today,
        "valid_until": today,
    }
    other = make_guardian("家长钱先生")
    stranger_api = APIClient()
    stranger_api.force_authenticate(other)

    created = api_as("guardian").post("/api/v1/care/medication-instructions/", body, format="json")
    foreign = stranger_api.post("/api/v1/care/medication-instructions/", body, format="json")
    backwards = api_as("guardian").post(
        "/api/v1/care/medication-instructions/",
        {**body, "valid_from": "2099-01-02", "valid_until": "2099-01-01"},
        format="json",
    )

    assert created.status_code == 201, created.content
    assert foreign.status_code == 404
    assert backwards.status_code == 400 and backwards.json()["code"] == "instruction_period_invalid"
    assert MedicationInstruction.objects.count() == 1
    assert [
        i["medicine"]
        for i in api_as("caregiver_x").get("/api/v1/care/medication-instructions/").json()["results"]
    ] == ["退热贴"]
    assert api_as("director_y").get("/api/v1/care/medication-instructions/").json()["results"] == []
    assert stranger_api.get("/api/v1/care/medication-instructions/").json()["results"] == []
    filtered = api_as("caregiver_x").get(
        f"/api/v1/care/medication-instructions/?child={child.code}&valid_on={DAY}"
    )
    assert filtered.json()["results"] == []


# Activity corners --------------------------------------------------------------------------------------


def test_activity_corners_page_and_api(
    client_as: Callable[[str], Client], api_as: Callable[[str], APIClient], institution_x: Institution
) -> None:
    url = f"/care/institutions/{institution_x.code}/activity-areas/"
    api_url = f"/api/v1/care/institutions/{institution_x.code}/activity-areas/"

    listed = api_as("caregiver_x").get(api_url).json()
    by_caregiver = client_as("caregiver_x").post(url, {"name": "沙水区角"})
    by_director = client_as("director_x").post(url, {"name": "沙水区角"})
    twice = api_as("director_x").post(api_url, {"name": "沙水区角"}, format="json")
    added = api_as("director_x").post(api_url, {"name": "建构区角"}, format="json")
    caregiver_api = api_as("caregiver_x").post(api_url, {"name": "音乐区角"}, format="json")

    assert [a["name"] for a in listed] == ["阅读区角", "艺术区角", "生活区角"]
    assert by_caregiver.status_code == 404 and by_director.status_code == 302
    assert twice.status_code == 409 and twice.json()["code"] == "activity_area_exists"
    assert added.status_code == 201 and caregiver_api.status_code == 404
    assert list(ActivityArea.objects.filter(institution=institution_x).values_list("name", flat=True)) == [
        "阅读区角",
        "艺术区角",
        "生活区角",
        "沙水区角",
        "建构区角",
    ]


# Links for the class screen ----------------------------------------------------------------------------


def test_the_class_links_lead_to_the_batch_and_report_pages(class_x: CareClass) -> None:
    html = render_to_string("daycare/carelog/_class_links.html", {"care_class": class_x})

    assert f'href="/care/classes/{class_x.code}/log/"' in html
    assert f'href="/care/classes/{class_x.code}/reports/"' in html


def test_the_family_list_and_medication_pages_render_for_a_guardian_without_children(
    client_as: Callable[[str], Client],
) -> None:
    client = client_as("guardian")
    assert "No daily reports yet" in client.get("/care/reports/").content.decode()
    assert client.get("/care/medication/").status_code == 200
