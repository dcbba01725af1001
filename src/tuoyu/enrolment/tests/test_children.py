"""Consent before anything about a child is stored, children, pick-up persons and entry examinations."""

import datetime
import re
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.enrolment import services
from tuoyu.enrolment.models import (
    Child,
    Consent,
    EntryExam,
    Guardianship,
    HealthRecordAccess,
    PickupPerson,
    PrivacyNotice,
)
from tuoyu.enrolment.selectors import has_current_consent
from tuoyu.enrolment.tests.conftest import MakeChild
from tuoyu.enrolment.tests.helpers import apply, born_months_before, today
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import Institution, ServiceOffering
from tuoyu.workforce.factories import make_identity_number

pytestmark = pytest.mark.django_db

CHILD_FIELDS = {"name": "赵小宝", "sex": "2", "relation": "mother"}


def register(guardian: User, **fields: object) -> Child:
    values: dict[str, object] = {**CHILD_FIELDS, "birth_date": born_months_before(today(), 20), **fields}
    return services.child_register(guardian=guardian, **values)  # type: ignore[arg-type]


# Consent ---------------------------------------------------------------------------------------------------


def test_a_child_cannot_be_recorded_before_the_guardian_consents(
    guardian: User, notice: PrivacyNotice
) -> None:
    with pytest.raises(Refusal) as refused:
        register(guardian)

    assert refused.value.code == "consent_required"
    assert "privacy notice" in refused.value.text
    assert not Child.objects.exists()
    assert not Guardianship.objects.exists()


def test_after_consent_the_child_is_recorded_with_the_guardian(guardian: User, notice: PrivacyNotice) -> None:
    consent = services.give_consent(user=guardian)

    child = register(guardian, allergies="花生")

    assert consent.notice == notice
    assert has_current_consent(guardian)
    assert Child.objects.get() == child
    assert child.allergies == "花生"
    (guardianship,) = child.guardianships.all()
    assert (guardianship.user, guardianship.relation) == (guardian, "mother")


def test_consenting_twice_keeps_one_consent(guardian: User, notice: PrivacyNotice) -> None:
    services.give_consent(user=guardian)
    services.give_consent(user=guardian)

    assert Consent.objects.filter(user=guardian).count() == 1


def test_a_new_version_of_the_notice_needs_consent_again(guardian: User, notice: PrivacyNotice) -> None:
    services.give_consent(user=guardian)
    PrivacyNotice.objects.create(version="2027-01", title="新版告知书", body="新版")

    assert not has_current_consent(guardian)
    with pytest.raises(Refusal) as refused:
        register(guardian)
    assert refused.value.code == "consent_required"


def test_consent_is_refused_when_no_notice_is_published(guardian: User) -> None:
    PrivacyNotice.objects.all().delete()

    with pytest.raises(Refusal) as refused:
        services.give_consent(user=guardian)

    assert refused.value.code == "no_privacy_notice"
    assert not Consent.objects.exists()


def test_a_birth_date_in_the_future_is_refused(guardian: User, notice: PrivacyNotice) -> None:
    services.give_consent(user=guardian)

    with pytest.raises(Refusal) as refused:
        register(guardian, birth_date=today() + datetime.timedelta(days=1))

    assert refused.value.code == "birth_date_future"
    assert not Child.objects.exists()


def test_a_wrong_identity_number_is_refused_and_nothing_stored(guardian: User, notice: PrivacyNotice) -> None:
    services.give_consent(user=guardian)

    with pytest.raises(ValidationError) as refused:
        register(guardian, identity_number="370811202401010010")

    assert "identity_number" in refused.value.message_dict
    assert not Child.objects.exists()


def test_the_api_refuses_a_child_without_consent(
    api_as: Callable[[str], APIClient], notice: PrivacyNotice
) -> None:
    body = {**CHILD_FIELDS, "birth_date": born_months_before(today(), 20).isoformat()}

    response = api_as("guardian").post("/api/v1/children/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "consent_required"
    assert not Child.objects.exists()


def test_the_api_records_consent_then_the_child(
    api_as: Callable[[str], APIClient], guardian: User, notice: PrivacyNotice
) -> None:
    api = api_as("guardian")
    before = api.get("/api/v1/privacy-notice/").json()
    identity = make_identity_number(7, birth=born_months_before(today(), 20))

    consented = api.post("/api/v1/privacy-notice/")
    response = api.post(
        "/api/v1/children/",
        {
            **CHILD_FIELDS,
            "birth_date": born_months_before(today(), 20).isoformat(),
            "identity_number": identity,
        },
        format="json",
    )

    assert (before["version"], before["consented"]) == ("2026-01", False)
    assert consented.json()["consented"] is True
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["age_months"] == 20
    assert body["masked_identity_number"] == identity[:6] + "********" + identity[-4:]
    assert "identity_number" not in body
    assert [c["code"] for c in api.get("/api/v1/children/").json()["results"]] == [body["code"]]
    assert Child.objects.get().identity_number == identity


def test_the_api_refuses_a_birth_date_in_the_future(
    api_as: Callable[[str], APIClient], guardian: User, notice: PrivacyNotice
) -> None:
    services.give_consent(user=guardian)
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()

    response = api_as("guardian").post(
        "/api/v1/children/", {**CHILD_FIELDS, "birth_date": tomorrow}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "birth_date_future")
    assert not Child.objects.exists()


def test_the_add_child_page_sends_a_guardian_without_consent_to_the_notice(
    client_as: Callable[[str], Client], notice: PrivacyNotice
) -> None:
    response = client_as("guardian").get("/family/children/add/")

    assert response.status_code == 302
    assert response["Location"] == "/family/privacy/"


def test_consenting_on_the_notice_page_then_adding_a_child(
    client_as: Callable[[str], Client], guardian: User, notice: PrivacyNotice
) -> None:
    client = client_as("guardian")
    page = client.get("/family/privacy/")
    assert notice.title in page.content.decode()
    assert "I have read this notice and consent" in page.content.decode()

    consented = client.post("/family/privacy/", {"consent": "1"})
    added = client.post(
        "/family/children/add/",
        {**CHILD_FIELDS, "birth_date": born_months_before(today(), 20).isoformat(), "allergies": ""},
    )

    assert consented.status_code == 302 and consented["Location"] == "/family/children/add/"
    assert Consent.objects.filter(user=guardian, notice=notice).exists()
    assert added.status_code == 302 and added["Location"] == "/family/"
    assert Child.objects.get().name == "赵小宝"
    assert "You have accepted this version." in client.get("/family/privacy/").content.decode()


def test_the_add_child_page_shows_why_a_future_birth_date_is_refused(
    client_as: Callable[[str], Client], guardian: User, notice: PrivacyNotice
) -> None:
    services.give_consent(user=guardian)
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()

    response = client_as("guardian").post("/family/children/add/", {**CHILD_FIELDS, "birth_date": tomorrow})

    assert response.status_code == 200
    assert "The date of birth cannot be in the future." in response.content.decode()
    assert not Child.objects.exists()


# Pick-up persons -------------------------------------------------------------------------------------------


PICKUP = {"name": "赵奶奶", "relation": "grandparent", "phone": "13912345678"}


def test_a_guardian_adds_and_removes_a_pickup_person(guardian: User, make_child: MakeChild) -> None:
    child = make_child(guardian)
    person = services.pickup_person_add(
        guardian=guardian,
        child=child,
        identity_number=make_identity_number(1, datetime.date(1960, 3, 3)),
        **PICKUP,
    )

    assert list(child.pickup_persons.all()) == [person]
    assert person.masked_identity_number.startswith("370811") and "*" in person.masked_identity_number

    services.pickup_person_remove(guardian=guardian, person=person)
    assert not PickupPerson.objects.exists()


def test_only_a_guardian_of_the_child_adds_a_pickup_person(
    guardian: User, other_guardian: User, make_child: MakeChild
) -> None:
    child = make_child(guardian)

    with pytest.raises(Refusal) as refused:
        services.pickup_person_add(
            guardian=other_guardian, child=child, identity_number=make_identity_number(1), **PICKUP
        )

    assert refused.value.code == "not_guardian"
    assert not PickupPerson.objects.exists()


def test_the_child_page_adds_a_pickup_person_and_shows_the_number_masked(
    client_as: Callable[[str], Client], guardian: User, make_child: MakeChild
) -> None:
    child = make_child(guardian)
    identity = make_identity_number(3, datetime.date(1960, 3, 3))
    client = client_as("guardian")

    response = client.post(
        f"/family/children/{child.code}/",
        {"pickup": "1", **{f"pickup-{k}": v for k, v in PICKUP.items()}, "pickup-identity_number": identity},
    )

    assert response.status_code == 302
    html = client.get(f"/family/children/{child.code}/").content.decode()
    assert "赵奶奶" in html
    assert identity not in html
    assert identity[:6] + "********" + identity[-4:] in html


# Entry health examinations ---------------------------------------------------------------------------------


def test_a_guardian_records_an_entry_exam(guardian: User, make_child: MakeChild) -> None:
    child = make_child(guardian)

    exam = services.entry_exam_record(
        actor=guardian, child=child, examined_on=today(), medical_institution="甲区妇幼保健院", result="pass"
    )

    assert list(child.entry_exams.all()) == [exam]
    assert exam.recorded_by == guardian


def test_an_exam_in_the_future_is_refused(guardian: User, make_child: MakeChild) -> None:
    child = make_child(guardian)

    with pytest.raises(Refusal) as refused:
        services.entry_exam_record(
            actor=guardian,
            child=child,
            examined_on=today() + datetime.timedelta(days=1),
            medical_institution="甲区妇幼保健院",
            result="pass",
        )

    assert refused.value.code == "exam_date_future"
    assert not EntryExam.objects.exists()


def test_the_health_worker_of_an_institution_the_child_applied_to_records_the_exam(
    guardian: User,
    health_worker_x: User,
    caregiver_x: User,
    make_child: MakeChild,
    institution_x: Institution,
    full_day_x: ServiceOffering,
    class_x: object,
) -> None:
    child = make_child(guardian)
    fields = {"examined_on": today(), "medical_institution": "甲区妇幼保健院", "result": "pass"}

    with pytest.raises(NotPermitted):  # before the family applies there
        services.entry_exam_record(actor=health_worker_x, child=child, **fields)
    apply(guardian, child, institution_x)
    exam = services.entry_exam_record(actor=health_worker_x, child=child, **fields)
    with pytest.raises(NotPermitted):
        services.entry_exam_record(actor=caregiver_x, child=child, **fields)

    assert exam.recorded_by == health_worker_x
    assert EntryExam.objects.count() == 1


def test_the_api_lists_and_records_exams_for_the_guardian(
    api_as: Callable[[str], APIClient], guardian: User, make_child: MakeChild
) -> None:
    child = make_child(guardian)
    api = api_as("guardian")

    created = api.post(
        f"/api/v1/children/{child.code}/entry-exams/",
        {"examined_on": today().isoformat(), "medical_institution": "甲区妇幼保健院", "result": "fail"},
        format="json",
    )
    listed = api.get(f"/api/v1/children/{child.code}/entry-exams/")

    assert created.status_code == 201, created.content
    assert [(e["result"], e["medical_institution"]) for e in listed.json()] == [("fail", "甲区妇幼保健院")]
    read = HealthRecordAccess.objects.get()
    assert (read.user, read.child, read.view, read.channel) == (guardian, child, "entry_exams", "api")


def test_the_add_child_page_offers_boy_or_girl_with_neither_chosen(
    client_as: Callable[[str], Client], guardian: User, notice: PrivacyNotice
) -> None:
    services.give_consent(user=guardian)
    client = client_as("guardian")

    html = client.get("/family/children/add/").content.decode()
    without_sex = {key: value for key, value in CHILD_FIELDS.items() if key != "sex"}
    refused = client.post(
        "/family/children/add/",
        {**without_sex, "sex": "", "birth_date": born_months_before(today(), 20).isoformat()},
    )

    radios = re.findall(r'<input type="radio" name="sex"[^>]*>', html)
    assert [re.search(r'value="([^"]*)"', radio).group(1) for radio in radios] == ["1", "2"]  # type: ignore[union-attr]
    assert not any("checked" in radio for radio in radios)
    assert "---------" not in html
    assert refused.status_code == 200 and not Child.objects.exists()
