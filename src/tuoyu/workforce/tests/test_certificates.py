"""Certificates (持证上岗): default validity, who lacks what on a day, what expires soon, the duty roster."""

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tuoyu.refusals import Refusal
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, Institution
from tuoyu.workforce.factories import CertificateFactory, StaffFactory
from tuoyu.workforce.models import Certificate, CertificateType, DutyShift, Staff, StaffRole
from tuoyu.workforce.selectors import certificates_expiring, certification_of, certified_count
from tuoyu.workforce.services import certificate_record, default_expiry, duty_schedule
from tuoyu.workforce.tests.helpers import certify

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 15)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def record(staff: Staff, certificate_type: str, issued_on: datetime.date, **extra: Any) -> Certificate:
    return certificate_record(
        staff=staff,
        certificate_type=certificate_type,
        number="NO-1",
        issuer="济宁市疾病预防控制中心",
        issued_on=issued_on,
        **extra,
    )


# Default validity ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued_on", "valid_until"),
    [
        (datetime.date(2026, 3, 1), datetime.date(2027, 2, 28)),
        (datetime.date(2026, 1, 31), datetime.date(2027, 1, 30)),
        (datetime.date(2026, 12, 15), datetime.date(2027, 12, 14)),
        (datetime.date(2027, 3, 1), datetime.date(2028, 2, 29)),  # into a leap year
    ],
)
def test_health_certificate_without_expiry_is_valid_for_12_months(
    staff_x: Staff, issued_on: datetime.date, valid_until: datetime.date
) -> None:
    certificate = record(staff_x, CertificateType.HEALTH, issued_on)

    certificate.refresh_from_db()
    assert certificate.expires_on == valid_until
    assert certificate.is_valid_on(valid_until)
    assert not certificate.is_valid_on(valid_until + datetime.timedelta(days=1))


def test_health_certificate_keeps_an_expiry_date_given_explicitly(staff_x: Staff) -> None:
    certificate = record(
        staff_x, CertificateType.HEALTH, datetime.date(2026, 3, 1), expires_on=datetime.date(2026, 9, 1)
    )

    assert certificate.expires_on == datetime.date(2026, 9, 1)


@pytest.mark.parametrize(
    "certificate_type",
    [CertificateType.NO_CRIMINAL_RECORD, CertificateType.CAREGIVER, CertificateType.DIRECTOR_TRAINING],
)
def test_other_certificates_without_expiry_do_not_expire(staff_x: Staff, certificate_type: str) -> None:
    certificate = record(staff_x, certificate_type, datetime.date(2026, 3, 1))

    assert certificate.expires_on is None
    assert certificate.is_valid_on(datetime.date(2060, 1, 1))


def test_a_certificate_expiring_before_its_issue_is_refused(staff_x: Staff) -> None:
    with pytest.raises(ValidationError):
        record(
            staff_x,
            CertificateType.NO_CRIMINAL_RECORD,
            datetime.date(2026, 3, 1),
            expires_on=datetime.date(2026, 2, 1),
        )

    assert not Certificate.objects.exists()


def test_a_scan_that_is_an_image_is_stored_with_the_certificate(staff_x: Staff) -> None:
    certificate = record(
        staff_x,
        CertificateType.HEALTH,
        DAY,
        scan=SimpleUploadedFile("health.png", PNG, content_type="image/png"),
    )

    assert (certificate.scan.name or "").endswith(".png")
    with certificate.scan.open("rb") as stored:
        assert stored.read() == PNG


def test_a_scan_that_is_not_a_pdf_or_image_is_refused_and_nothing_recorded(staff_x: Staff) -> None:
    with pytest.raises(ValidationError):
        record(
            staff_x,
            CertificateType.HEALTH,
            DAY,
            scan=SimpleUploadedFile("health.pdf", b"just text", content_type="application/pdf"),
        )

    assert not Certificate.objects.exists()


# Who is certified on a day ---------------------------------------------------------------------------------

REQUIRED = {
    StaffRole.DIRECTOR: {"health", "no_criminal_record", "director_training"},
    StaffRole.CAREGIVER: {"health", "no_criminal_record", "caregiver"},
    StaffRole.HEALTH_WORKER: {"health", "no_criminal_record", "health_care_training"},
    StaffRole.SECURITY: {"health", "no_criminal_record", "security_guard"},
    StaffRole.COOK: {"health", "no_criminal_record"},
    StaffRole.TEACHER: {"health", "no_criminal_record", "teacher"},
    StaffRole.OTHER: {"health", "no_criminal_record"},
}


@pytest.mark.parametrize(("role", "required"), REQUIRED.items())
def test_a_person_without_certificates_misses_every_type_their_role_requires(
    institution_x: Institution, role: str, required: set[str]
) -> None:
    person = StaffFactory.create(institution=institution_x, role=role)

    (status,) = certification_of([person], DAY)

    assert status.missing == required
    assert not status.certified


@pytest.mark.parametrize("role", list(REQUIRED))
def test_a_person_with_every_required_certificate_is_certified(institution_x: Institution, role: str) -> None:
    person = StaffFactory.create(institution=institution_x, role=role)
    certify(person, issued_on=DAY - datetime.timedelta(days=30))

    (status,) = certification_of([person], DAY)

    assert status.missing == frozenset()
    assert status.certified


@pytest.mark.parametrize("lacking", sorted(REQUIRED[StaffRole.CAREGIVER]))
def test_missing_one_certificate_names_just_that_one(staff_x: Staff, lacking: str) -> None:
    certify(staff_x, issued_on=DAY - datetime.timedelta(days=30), except_types=(lacking,))

    (status,) = certification_of([staff_x], DAY)

    assert status.missing == {lacking}


def test_a_certificate_counts_from_its_issue_day_to_its_last_valid_day(staff_x: Staff) -> None:
    issued, expires = datetime.date(2026, 1, 10), datetime.date(2026, 7, 10)
    certify(staff_x, issued_on=issued, except_types=(CertificateType.HEALTH,))
    CertificateFactory.create(
        staff=staff_x, certificate_type=CertificateType.HEALTH, issued_on=issued, expires_on=expires
    )

    def missing_on(day: datetime.date) -> frozenset[str]:
        return certification_of([staff_x], day)[0].missing

    assert missing_on(issued - datetime.timedelta(days=1)) == REQUIRED[StaffRole.CAREGIVER]  # not yet issued
    assert missing_on(issued) == frozenset()
    assert missing_on(expires) == frozenset()
    assert missing_on(expires + datetime.timedelta(days=1)) == {"health"}


def test_an_expired_certificate_does_not_count_even_if_an_older_one_exists(staff_x: Staff) -> None:
    certify(staff_x, issued_on=datetime.date(2024, 1, 1), except_types=(CertificateType.HEALTH,))
    for issued in (datetime.date(2024, 1, 1), datetime.date(2025, 1, 1)):
        CertificateFactory.create(
            staff=staff_x,
            certificate_type=CertificateType.HEALTH,
            issued_on=issued,
            expires_on=issued.replace(year=issued.year + 1) - datetime.timedelta(days=1),
        )

    assert certification_of([staff_x], DAY)[0].missing == {"health"}
    assert certification_of([staff_x], datetime.date(2025, 6, 1))[0].missing == frozenset()


def test_certified_count_counts_people_not_certificates(institution_x: Institution) -> None:
    certified = StaffFactory.create_batch(3, institution=institution_x)
    for person in certified:
        certify(person, issued_on=DAY - datetime.timedelta(days=10))
    StaffFactory.create(institution=institution_x)  # nothing
    half = StaffFactory.create(institution=institution_x)
    certify(half, issued_on=DAY - datetime.timedelta(days=10), except_types=(CertificateType.CAREGIVER,))

    assert certified_count(Staff.objects.filter(institution=institution_x), DAY) == 3


# Expiring within 45 days -----------------------------------------------------------------------------------


def health_certificate(staff: Staff, expires_on: datetime.date) -> Certificate:
    return CertificateFactory.create(
        staff=staff,
        certificate_type=CertificateType.HEALTH,
        issued_on=expires_on - datetime.timedelta(days=300),
        expires_on=expires_on,
    )


def test_certificates_expiring_lists_those_expiring_from_today_to_45_days_only(
    staff_x: Staff, regulator_a: Any
) -> None:
    today, in_45, in_46 = DAY, DAY + datetime.timedelta(days=45), DAY + datetime.timedelta(days=46)
    expected = [health_certificate(staff_x, today), health_certificate(staff_x, in_45)]
    health_certificate(staff_x, in_46)
    health_certificate(staff_x, today - datetime.timedelta(days=1))  # already expired
    CertificateFactory.create(staff=staff_x, certificate_type=CertificateType.CAREGIVER, expires_on=None)

    assert list(certificates_expiring(regulator_a, on=today)) == expected


def test_certificates_expiring_are_scoped_to_the_actor(
    staff_x: Staff,
    staff_y: Staff,
    staff_z: Staff,
    regulator_a: Any,
    regulator_b: Any,
    director_x: Any,
    director_y: Any,
    caregiver_x: Any,
) -> None:
    soon = DAY + datetime.timedelta(days=10)
    x, y, z = (health_certificate(person, soon) for person in (staff_x, staff_y, staff_z))

    assert set(certificates_expiring(regulator_a, on=DAY)) == {x, y}
    assert list(certificates_expiring(regulator_b, on=DAY)) == [z]
    assert list(certificates_expiring(director_x, on=DAY)) == [x]
    assert list(certificates_expiring(director_y, on=DAY)) == [y]
    assert list(certificates_expiring(caregiver_x, on=DAY)) == []


def test_certificates_of_people_who_left_are_not_listed_as_expiring(staff_x: Staff, regulator_a: Any) -> None:
    health_certificate(staff_x, DAY + datetime.timedelta(days=10))
    staff_x.employed_until = DAY - datetime.timedelta(days=1)
    staff_x.save()

    assert list(certificates_expiring(regulator_a, on=DAY)) == []


def test_expiring_page_shows_the_regulator_of_a_those_of_district_a_only(
    staff_x: Staff, staff_z: Staff, client_as: Callable[[str], Client]
) -> None:
    today = timezone.localdate()
    health_certificate(staff_x, today + datetime.timedelta(days=20))
    health_certificate(staff_z, today + datetime.timedelta(days=20))

    html_a = client_as("regulator_a").get("/workforce/expiring/").content.decode()
    html_b = client_as("regulator_b").get("/workforce/expiring/").content.decode()

    assert staff_x.name in html_a and staff_z.name not in html_a
    assert staff_z.name in html_b and staff_x.name not in html_b


# The duty roster ------------------------------------------------------------------------------------------


def test_duty_is_refused_with_an_expired_health_certificate(staff_x: Staff) -> None:
    health_certificate(staff_x, DAY - datetime.timedelta(days=1))

    with pytest.raises(Refusal) as raised:
        duty_schedule(staff=staff_x, day=DAY)

    assert (raised.value.code, raised.value.conflict) == ("health_certificate_missing", True)
    assert staff_x.name in raised.value.text
    assert not DutyShift.objects.exists()


def test_duty_is_refused_without_any_health_certificate(staff_x: Staff) -> None:
    certify(staff_x, issued_on=DAY - datetime.timedelta(days=30), except_types=(CertificateType.HEALTH,))

    with pytest.raises(Refusal) as raised:
        duty_schedule(staff=staff_x, day=DAY)

    assert raised.value.code == "health_certificate_missing"

    assert not DutyShift.objects.exists()


def test_duty_is_accepted_with_a_health_certificate_valid_that_day(
    staff_x: Staff, class_x: CareClass
) -> None:
    health_certificate(staff_x, DAY)  # its last valid day

    shift = duty_schedule(staff=staff_x, day=DAY, care_class=class_x)

    assert (shift.staff, shift.day, shift.care_class) == (staff_x, DAY, class_x)
    with pytest.raises(Refusal) as raised:
        duty_schedule(staff=staff_x, day=DAY + datetime.timedelta(days=1))
    assert raised.value.code == "health_certificate_missing"


def test_scheduling_the_same_day_again_moves_the_person_to_the_new_class(
    staff_x: Staff, class_x: CareClass
) -> None:
    health_certificate(staff_x, DAY + datetime.timedelta(days=100))
    other = CareClassFactory.create(institution=staff_x.institution, name="星星托小班", capacity=10)
    duty_schedule(staff=staff_x, day=DAY, care_class=class_x)

    duty_schedule(staff=staff_x, day=DAY, care_class=other)

    assert list(DutyShift.objects.values_list("care_class", flat=True)) == [other.pk]


def test_duty_is_refused_for_a_class_of_another_institution(staff_x: Staff, class_y: CareClass) -> None:
    health_certificate(staff_x, DAY + datetime.timedelta(days=100))

    with pytest.raises(Refusal) as raised:
        duty_schedule(staff=staff_x, day=DAY, care_class=class_y)

    assert (raised.value.code, raised.value.conflict) == ("class_of_another_institution", False)

    assert not DutyShift.objects.exists()


def test_duty_is_refused_on_a_day_the_person_is_not_employed(staff_x: Staff) -> None:
    health_certificate(staff_x, DAY + datetime.timedelta(days=100))

    with pytest.raises(Refusal) as raised:
        duty_schedule(staff=staff_x, day=staff_x.employed_from - datetime.timedelta(days=1))

    assert raised.value.code == "staff_not_employed"

    assert not DutyShift.objects.exists()


def test_roster_page_refuses_duty_without_health_certificate_and_says_why(
    staff_x: Staff, director_x: Any, client_as: Callable[[str], Client]
) -> None:
    today = timezone.localdate()
    health_certificate(staff_x, today - datetime.timedelta(days=1))
    url = f"/workforce/institutions/{staff_x.institution.code}/roster/"

    response = client_as("director_x").post(
        url, {"staff": str(staff_x.code), "care_class": "", "day": today.isoformat()}, follow=True
    )

    assert not DutyShift.objects.exists()
    assert "has no valid health certificate" in response.content.decode()


def test_roster_page_puts_a_certified_person_on_duty(
    staff_x: Staff, director_x: Any, client_as: Callable[[str], Client]
) -> None:
    today = timezone.localdate()
    health_certificate(staff_x, today + datetime.timedelta(days=100))
    url = f"/workforce/institutions/{staff_x.institution.code}/roster/"

    response = client_as("director_x").post(
        url, {"staff": str(staff_x.code), "care_class": "", "day": today.isoformat()}
    )

    assert response.status_code == 302
    assert list(DutyShift.objects.values_list("staff", "day")) == [(staff_x.pk, today)]


def test_a_health_certificate_issued_on_29_february_runs_to_the_end_of_february_next_year() -> None:
    assert default_expiry("health", datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)
    assert default_expiry("health", datetime.date(2024, 3, 1)) == datetime.date(2025, 2, 28)


def test_the_institution_page_warns_its_director_of_certificates_expiring_within_45_days(
    institution_x: Institution, staff_x: Staff, client_as: Callable[[str], Client]
) -> None:
    today = timezone.localdate()
    CertificateFactory.create(
        staff=staff_x,
        issued_on=today - datetime.timedelta(days=300),
        expires_on=today + datetime.timedelta(days=20),
    )
    CertificateFactory.create(
        staff=staff_x,
        issued_on=today - datetime.timedelta(days=300),
        expires_on=today + datetime.timedelta(days=60),
    )

    page = client_as("director_x").get(f"/manage/institutions/{institution_x.code}/").content.decode()
    assert 'data-expiring="1"' in page
    assert (
        "data-expiring"
        not in client_as("caregiver_x").get(f"/manage/institutions/{institution_x.code}/").content.decode()
    )
