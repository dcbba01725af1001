"""The workforce API: each page action through the API, by the persona who does it on the page; outsiders
get 404; refusals answer their code with 409 or 400."""

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.factories import RoleAssignmentFactory
from tuoyu.accounts.identity import mask_identity_number
from tuoyu.accounts.models import Role, User
from tuoyu.regions.models import Region
from tuoyu.registry.models import CareClass, Institution
from tuoyu.workforce.factories import (
    CertificateFactory,
    StaffFactory,
    TrainingEnrolmentFactory,
    TrainingSessionFactory,
    make_identity_number,
)
from tuoyu.workforce.models import Certificate, CertificateType, DutyShift, Staff, StaffRole, TrainingSession
from tuoyu.workforce.tests.helpers import certify

pytestmark = pytest.mark.django_db

Api = Callable[[str], APIClient]
PERSON = make_identity_number(512, datetime.date(1991, 4, 2))
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def today() -> datetime.date:
    return timezone.localdate()


def health_certificate(staff: Staff, expires_on: datetime.date) -> Certificate:
    return CertificateFactory.create(
        staff=staff,
        certificate_type=CertificateType.HEALTH,
        issued_on=expires_on - datetime.timedelta(days=300),
        expires_on=expires_on,
    )


def hire_body(**fields: Any) -> dict[str, Any]:
    return {
        "name": "周新聘",
        "id_number": PERSON,
        "role": StaffRole.CAREGIVER,
        "education": "college",
        "employed_from": today().isoformat(),
        **fields,
    }


# Staff -----------------------------------------------------------------------------------------------------


class TestHiring:
    def test_the_director_hires_and_the_answer_masks_the_identity_number(
        self, api_as: Api, institution_x: Institution, director_x: User
    ) -> None:
        response = api_as("director_x").post(
            f"/api/v1/institutions/{institution_x.code}/staff/", hire_body(), format="json"
        )

        assert response.status_code == 201, response.content
        staff = Staff.objects.get(id_number=PERSON)
        body = response.json()
        assert (body["code"], body["institution"], body["name"]) == (
            str(staff.code),
            str(institution_x.code),
            "周新聘",
        )
        assert body["masked_id_number"] == mask_identity_number(PERSON)
        assert PERSON not in response.content.decode()
        assert (body["certified"], body["certificates"]) == (False, [])

    def test_hiring_a_person_employed_elsewhere_is_refused_with_already_employed(
        self, api_as: Api, institution_x: Institution, institution_y: Institution, director_x: User
    ) -> None:
        StaffFactory.create(institution=institution_y, id_number=PERSON)

        response = api_as("director_x").post(
            f"/api/v1/institutions/{institution_x.code}/staff/", hire_body(), format="json"
        )

        assert response.status_code == 409
        assert response.json() == {
            "code": "already_employed",
            "detail": "This person is already employed at another institution.",
        }
        assert institution_y.name not in response.content.decode()
        assert not Staff.objects.filter(institution=institution_x).exists()

    def test_an_invalid_identity_number_is_refused_as_invalid_input(
        self, api_as: Api, institution_x: Institution, director_x: User
    ) -> None:
        wrong = PERSON[:17] + ("0" if PERSON[17] != "0" else "1")

        response = api_as("director_x").post(
            f"/api/v1/institutions/{institution_x.code}/staff/", hire_body(id_number=wrong), format="json"
        )

        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert set(response.json()["detail"]) == {"id_number"}
        assert not Staff.objects.exists()

    @pytest.mark.parametrize("persona", ["regulator_a", "director_y", "caregiver_x", "regulator_b"])
    def test_nobody_but_the_director_may_hire(
        self, api_as: Api, institution_x: Institution, persona: str
    ) -> None:
        response = api_as(persona).post(
            f"/api/v1/institutions/{institution_x.code}/staff/", hire_body(), format="json"
        )

        assert response.status_code == 404
        assert not Staff.objects.exists()


class TestReadingStaff:
    def test_the_regulator_reads_a_staff_member_with_certificates_and_what_is_missing(
        self, api_as: Api, staff_x: Staff, regulator_a: User
    ) -> None:
        certify(
            staff_x, issued_on=today() - datetime.timedelta(days=30), except_types=(CertificateType.HEALTH,)
        )
        expired = health_certificate(staff_x, today() - datetime.timedelta(days=1))

        response = api_as("regulator_a").get(f"/api/v1/staff/{staff_x.code}/")

        assert response.status_code == 200
        body = response.json()
        assert body["masked_id_number"] == mask_identity_number(staff_x.id_number)
        assert staff_x.id_number not in response.content.decode()
        assert (body["certified"], body["missing_certificates"]) == (False, [CertificateType.HEALTH])
        by_code = {c["code"]: c for c in body["certificates"]}
        assert by_code[str(expired.code)]["valid_today"] is False
        assert len(by_code) == staff_x.certificates.count()

    @pytest.mark.parametrize("persona", ["regulator_b", "director_y", "caregiver_x", "doctor"])
    def test_outsiders_get_404_for_a_staff_member_and_their_certificates(
        self, api_as: Api, staff_x: Staff, persona: str
    ) -> None:
        client = api_as(persona)

        assert client.get(f"/api/v1/staff/{staff_x.code}/").status_code == 404
        assert client.get(f"/api/v1/staff/{staff_x.code}/certificates/").status_code == 404

    def test_the_director_reveals_the_identity_number_and_the_reveal_is_logged(
        self, api_as: Api, staff_x: Staff, director_x: User
    ) -> None:
        response = api_as("director_x").post(f"/api/v1/staff/{staff_x.code}/identity-number/")

        assert response.status_code == 200
        assert response.json() == {"id_number": staff_x.id_number}
        entry = LogEntry.objects.get_for_object(staff_x).get(action=LogEntry.Action.ACCESS)
        assert entry.actor == director_x

    def test_the_regulator_may_not_reveal_an_identity_number(
        self, api_as: Api, staff_x: Staff, regulator_a: User
    ) -> None:
        response = api_as("regulator_a").post(f"/api/v1/staff/{staff_x.code}/identity-number/")

        assert response.status_code == 404
        assert staff_x.id_number not in response.content.decode()
        assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


class TestEndingEmployment:
    def test_the_director_ends_an_employment(self, api_as: Api, staff_x: Staff, director_x: User) -> None:
        response = api_as("director_x").post(
            f"/api/v1/staff/{staff_x.code}/end/", {"employed_until": today().isoformat()}, format="json"
        )

        assert response.status_code == 200
        assert response.json()["employed_until"] == today().isoformat()
        staff_x.refresh_from_db()
        assert staff_x.employed_until == today()

    def test_an_end_before_the_start_is_refused_on_that_field(
        self, api_as: Api, staff_x: Staff, director_x: User
    ) -> None:
        before = staff_x.employed_from - datetime.timedelta(days=1)

        response = api_as("director_x").post(
            f"/api/v1/staff/{staff_x.code}/end/", {"employed_until": before.isoformat()}, format="json"
        )

        assert response.status_code == 400
        assert set(response.json()["detail"]) == {"employed_until"}
        staff_x.refresh_from_db()
        assert staff_x.employed_until is None

    @pytest.mark.parametrize("persona", ["regulator_a", "director_y"])
    def test_others_cannot_end_it(self, api_as: Api, staff_x: Staff, persona: str) -> None:
        response = api_as(persona).post(
            f"/api/v1/staff/{staff_x.code}/end/", {"employed_until": today().isoformat()}, format="json"
        )

        assert response.status_code == 404
        staff_x.refresh_from_db()
        assert staff_x.employed_until is None


# Certificates ----------------------------------------------------------------------------------------------


class TestCertificates:
    def test_the_director_records_a_health_certificate_valid_12_months_by_default(
        self, api_as: Api, staff_x: Staff, director_x: User
    ) -> None:
        body = {
            "certificate_type": CertificateType.HEALTH,
            "number": "JK-2026-001",
            "issuer": "济宁市疾病预防控制中心",
            "issued_on": "2026-03-01",
        }

        response = api_as("director_x").post(
            f"/api/v1/staff/{staff_x.code}/certificates/", body, format="json"
        )

        assert response.status_code == 201, response.content
        assert (response.json()["expires_on"], response.json()["has_scan"]) == ("2027-02-28", False)
        listed = api_as("director_x").get(f"/api/v1/staff/{staff_x.code}/certificates/").json()
        assert [c["number"] for c in listed] == ["JK-2026-001"]

    def test_a_scan_uploaded_with_the_certificate_is_served_to_those_who_see_the_staff(
        self, api_as: Api, staff_x: Staff, director_x: User, regulator_a: User, regulator_b: User
    ) -> None:
        body = {
            "certificate_type": CertificateType.NO_CRIMINAL_RECORD,
            "number": "WF-7",
            "issuer": "太白湖派出所",
            "issued_on": "2026-03-01",
            "scan": SimpleUploadedFile("scan.png", PNG, content_type="image/png"),
        }

        response = api_as("director_x").post(
            f"/api/v1/staff/{staff_x.code}/certificates/", body, format="multipart"
        )

        assert response.status_code == 201, response.content
        assert response.json()["has_scan"] is True
        scan_url = f"/api/v1/certificates/{response.json()['code']}/scan/"
        served = api_as("regulator_a").get(scan_url)
        assert served.status_code == 200
        assert served["Content-Type"] == "image/png"
        assert b"".join(served.streaming_content) == PNG  # type: ignore[attr-defined]
        assert api_as("regulator_b").get(scan_url).status_code == 404

    def test_a_scan_that_is_not_a_pdf_or_image_is_refused_and_nothing_recorded(
        self, api_as: Api, staff_x: Staff, director_x: User
    ) -> None:
        body = {
            "certificate_type": CertificateType.HEALTH,
            "number": "JK-1",
            "issuer": "济宁市疾病预防控制中心",
            "issued_on": "2026-03-01",
            "scan": SimpleUploadedFile(
                "scan.pdf", b"<html>not a scan</html>", content_type="application/pdf"
            ),
        }

        response = api_as("director_x").post(
            f"/api/v1/staff/{staff_x.code}/certificates/", body, format="multipart"
        )

        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert "is not a PDF, JPEG or PNG file" in str(response.json()["detail"])
        assert not Certificate.objects.exists()

    def test_the_regulator_reads_certificates_but_cannot_record_one(
        self, api_as: Api, staff_x: Staff, regulator_a: User
    ) -> None:
        client = api_as("regulator_a")
        body = {"certificate_type": "health", "number": "X", "issuer": "Y", "issued_on": "2026-03-01"}

        assert client.get(f"/api/v1/staff/{staff_x.code}/certificates/").status_code == 200
        assert (
            client.post(f"/api/v1/staff/{staff_x.code}/certificates/", body, format="json").status_code == 404
        )
        assert not Certificate.objects.exists()

    def test_expiring_certificates_are_listed_within_the_actors_scope(
        self, api_as: Api, staff_x: Staff, staff_z: Staff, regulator_a: User, regulator_b: User
    ) -> None:
        soon_x = health_certificate(staff_x, today() + datetime.timedelta(days=10))
        health_certificate(staff_x, today() + datetime.timedelta(days=90))  # not yet
        soon_z = health_certificate(staff_z, today() + datetime.timedelta(days=5))

        a = api_as("regulator_a").get("/api/v1/certificates/expiring/").json()["results"]
        b = api_as("regulator_b").get("/api/v1/certificates/expiring/").json()["results"]

        assert [(c["code"], c["staff"]) for c in a] == [(str(soon_x.code), str(staff_x.code))]
        assert [c["code"] for c in b] == [str(soon_z.code)]

    def test_expiring_certificates_are_404_without_the_staff_register(
        self, api_as: Api, caregiver_x: User, guardian: User
    ) -> None:
        assert api_as("caregiver_x").get("/api/v1/certificates/expiring/").status_code == 404
        assert api_as("guardian").get("/api/v1/certificates/expiring/").status_code == 404


# The duty roster -------------------------------------------------------------------------------------------


class TestRoster:
    def test_the_director_puts_a_certified_caregiver_on_duty_and_the_roster_lists_the_day(
        self, api_as: Api, institution_x: Institution, staff_x: Staff, class_x: CareClass, director_x: User
    ) -> None:
        health_certificate(staff_x, today() + datetime.timedelta(days=100))
        url = f"/api/v1/institutions/{institution_x.code}/roster/"
        day = today() + datetime.timedelta(days=1)

        created = api_as("director_x").post(
            url,
            {"staff": str(staff_x.code), "day": day.isoformat(), "care_class": str(class_x.code)},
            format="json",
        )
        on_day = api_as("regulator_a").get(url, {"date": day.isoformat()})
        on_today = api_as("regulator_a").get(url)

        assert created.status_code == 201, created.content
        assert on_day.json() == [
            {
                "day": day.isoformat(),
                "staff": str(staff_x.code),
                "staff_name": staff_x.name,
                "role": StaffRole.CAREGIVER,
                "care_class": str(class_x.code),
                "care_class_name": class_x.name,
            }
        ]
        assert on_today.json() == []

    def test_a_caregiver_with_an_expired_health_certificate_is_refused_with_its_code(
        self, api_as: Api, institution_x: Institution, staff_x: Staff, director_x: User
    ) -> None:
        health_certificate(staff_x, today() - datetime.timedelta(days=1))

        response = api_as("director_x").post(
            f"/api/v1/institutions/{institution_x.code}/roster/",
            {"staff": str(staff_x.code), "day": today().isoformat()},
            format="json",
        )

        assert response.status_code == 409
        assert response.json()["code"] == "health_certificate_missing"
        assert staff_x.name in response.json()["detail"]
        assert not DutyShift.objects.exists()

    def test_a_day_the_person_is_not_employed_is_refused_with_staff_not_employed(
        self, api_as: Api, institution_x: Institution, staff_x: Staff, director_x: User
    ) -> None:
        health_certificate(staff_x, today() + datetime.timedelta(days=100))
        before = staff_x.employed_from - datetime.timedelta(days=1)

        response = api_as("director_x").post(
            f"/api/v1/institutions/{institution_x.code}/roster/",
            {"staff": str(staff_x.code), "day": before.isoformat()},
            format="json",
        )

        assert (response.status_code, response.json()["code"]) == (409, "staff_not_employed")

    def test_a_class_of_another_institution_is_refused_with_400(
        self,
        api_as: Api,
        institution_x: Institution,
        institution_y: Institution,
        staff_x: Staff,
        class_y: CareClass,
        director_x: User,
    ) -> None:
        RoleAssignmentFactory.create(user=director_x, role=Role.DIRECTOR, institution=institution_y)
        health_certificate(staff_x, today() + datetime.timedelta(days=100))

        response = api_as("director_x").post(
            f"/api/v1/institutions/{institution_x.code}/roster/",
            {"staff": str(staff_x.code), "day": today().isoformat(), "care_class": str(class_y.code)},
            format="json",
        )

        assert (response.status_code, response.json()["code"]) == (400, "class_of_another_institution")
        assert not DutyShift.objects.exists()

    def test_staff_of_another_institution_and_outsiders_get_404(
        self, api_as: Api, institution_x: Institution, staff_y: Staff, director_x: User, regulator_a: User
    ) -> None:
        url = f"/api/v1/institutions/{institution_x.code}/roster/"
        body = {"staff": str(staff_y.code), "day": today().isoformat()}

        assert api_as("director_x").post(url, body, format="json").status_code == 404
        assert api_as("regulator_a").post(url, body, format="json").status_code == 404
        assert api_as("caregiver_x").get(url).status_code == 404
        assert api_as("regulator_b").get(url).status_code == 404

    def test_a_malformed_date_is_invalid_input(
        self, api_as: Api, institution_x: Institution, regulator_a: User
    ) -> None:
        response = api_as("regulator_a").get(
            f"/api/v1/institutions/{institution_x.code}/roster/", {"date": "25/11/2026"}
        )

        assert (response.status_code, response.json()["code"]) == (400, "invalid")


# Training --------------------------------------------------------------------------------------------------


@pytest.fixture
def session(district_a: Region) -> TrainingSession:
    return TrainingSessionFactory.create(
        region=district_a, capacity=2, day=today() + datetime.timedelta(days=7), title="甲区回应性照护培训"
    )


class TestTraining:
    def test_the_regulator_schedules_a_session_in_their_district(
        self, api_as: Api, district_a: Region, regulator_a: User
    ) -> None:
        body = {
            "region": district_a.code,
            "topic": "nutrition",
            "title": "婴幼儿膳食营养培训",
            "expert": "营养科专家",
            "day": "2026-12-10",
            "hours": "3.5",
            "capacity": 40,
        }

        response = api_as("regulator_a").post("/api/v1/training/", body, format="json")

        assert response.status_code == 201, response.content
        session = TrainingSession.objects.get(code=response.json()["code"])
        assert (session.region, session.title, session.capacity) == (district_a, "婴幼儿膳食营养培训", 40)

    def test_a_region_the_regulator_does_not_manage_is_refused(
        self, api_as: Api, district_b: Region, regulator_a: User
    ) -> None:
        body = {
            "region": district_b.code,
            "topic": "nutrition",
            "title": "乙区培训",
            "expert": "专家",
            "day": "2026-12-10",
            "hours": "3",
            "capacity": 40,
        }

        response = api_as("regulator_a").post("/api/v1/training/", body, format="json")

        assert response.status_code == 400
        assert set(response.json()["detail"]) == {"region"}
        assert not TrainingSession.objects.exists()

    def test_a_director_may_not_schedule(self, api_as: Api, director_x: User) -> None:
        assert api_as("director_x").post("/api/v1/training/", {}, format="json").status_code == 404

    def test_sessions_are_listed_for_their_district_only(
        self, api_as: Api, session: TrainingSession, district_b: Region, staff_x: Staff
    ) -> None:
        TrainingSessionFactory.create(region=district_b, title="乙区培训")
        TrainingEnrolmentFactory.create(session=session, staff=staff_x)

        listed = {
            persona: [
                (s["title"], s["enrolled"])
                for s in api_as(persona).get("/api/v1/training/").json()["results"]
            ]
            for persona in ("regulator_a", "director_x", "regulator_b")
        }

        assert listed["regulator_a"] == [("甲区回应性照护培训", 1)]
        assert listed["director_x"] == [("甲区回应性照护培训", 1)]
        assert listed["regulator_b"] == [("乙区培训", 0)]
        assert api_as("regulator_b").get(f"/api/v1/training/{session.code}/").status_code == 404
        assert api_as("caregiver_x").get("/api/v1/training/").status_code == 404

    def test_the_director_enrols_own_staff_only(
        self, api_as: Api, session: TrainingSession, staff_x: Staff, staff_y: Staff, director_x: User
    ) -> None:
        client = api_as("director_x")
        url = f"/api/v1/training/{session.code}/enrolments/"

        own = client.post(url, {"staff": str(staff_x.code)}, format="json")
        other = client.post(url, {"staff": str(staff_y.code)}, format="json")

        assert own.status_code == 201
        assert own.json()["staff"] == str(staff_x.code)
        assert other.status_code == 404
        assert [e["staff"] for e in client.get(url).json()] == [str(staff_x.code)]
        assert api_as("regulator_a").post(url, {"staff": str(staff_x.code)}, format="json").status_code == 404

    def test_enrolment_refusals_answer_their_codes(
        self, api_as: Api, session: TrainingSession, institution_x: Institution, director_x: User
    ) -> None:
        first, second, third = StaffFactory.create_batch(3, institution=institution_x)
        leaver = StaffFactory.create(institution=institution_x, employed_until=today())
        client = api_as("director_x")
        url = f"/api/v1/training/{session.code}/enrolments/"
        client.post(url, {"staff": str(first.code)}, format="json")

        again = client.post(url, {"staff": str(first.code)}, format="json")
        not_employed = client.post(url, {"staff": str(leaver.code)}, format="json")
        client.post(url, {"staff": str(second.code)}, format="json")
        full = client.post(url, {"staff": str(third.code)}, format="json")

        assert (again.status_code, again.json()["code"]) == (409, "already_enrolled")
        assert (not_employed.status_code, not_employed.json()["code"]) == (409, "staff_not_employed")
        assert (full.status_code, full.json()["code"]) == (409, "training_full")
        assert full.json()["detail"] == "This training session is full (2 places)."
        assert session.enrolments.count() == 2

    def test_the_regulator_records_attendance_and_the_others_are_absent(
        self, api_as: Api, session: TrainingSession, staff_x: Staff, staff_y: Staff, regulator_a: User
    ) -> None:
        TrainingEnrolmentFactory.create(session=session, staff=staff_x)
        TrainingEnrolmentFactory.create(session=session, staff=staff_y)

        response = api_as("regulator_a").post(
            f"/api/v1/training/{session.code}/attendance/", {"attended": [str(staff_x.code)]}, format="json"
        )

        assert response.status_code == 200
        assert {e["staff"]: e["attended"] for e in response.json()} == {
            str(staff_x.code): True,
            str(staff_y.code): False,
        }
        assert dict(session.enrolments.values_list("staff", "attended")) == {
            staff_x.pk: True,
            staff_y.pk: False,
        }

    @pytest.mark.parametrize("persona", ["director_x", "regulator_b"])
    def test_only_the_regulator_of_the_region_records_attendance(
        self, api_as: Api, session: TrainingSession, staff_x: Staff, persona: str
    ) -> None:
        TrainingEnrolmentFactory.create(session=session, staff=staff_x)

        response = api_as(persona).post(
            f"/api/v1/training/{session.code}/attendance/", {"attended": [str(staff_x.code)]}, format="json"
        )

        assert response.status_code == 404
        assert session.enrolments.get().attended is None

    def test_coverage_counts_the_staff_in_scope_who_attended_this_year(
        self, api_as: Api, session: TrainingSession, staff_x: Staff, staff_y: Staff, regulator_a: User
    ) -> None:
        held = TrainingSessionFactory.create(region=session.region, day=today() - datetime.timedelta(days=30))
        TrainingEnrolmentFactory.create(session=held, staff=staff_x, attended=True)

        body = api_as("regulator_a").get("/api/v1/training/coverage/").json()

        assert (body["year"], body["institutions"], body["institutions_trained"]) == (today().year, 2, 1)
        assert (body["staff"], body["staff_trained"], body["staff_share"]) == (2, 1, 0.5)
