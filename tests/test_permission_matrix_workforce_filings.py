"""The permission matrix of the workforce, filing, training and supervision pages (the registry's is in
tests/test_permission_matrix.py): insiders get the page, outsiders the same 404 as for a missing object,
anonymous visitors are sent to sign in. Staff pages never show a full identity number.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.filings.models import FilingKind
from tuoyu.filings.services import filing_start, filing_submit
from tuoyu.filings.tests.helpers import PDF, attach_all, fill_in
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.workforce.factories import CertificateFactory, TrainingEnrolmentFactory, TrainingSessionFactory
from tuoyu.workforce.models import Certificate, Staff, TrainingSession
from tuoyu.workforce.tests.helpers import certify, hire_certified_team

pytestmark = pytest.mark.django_db

PERSONAS = [
    "regulator_a",
    "regulator_b",
    "director_x",
    "caregiver_x",
    "health_worker_x",
    "director_y",
    "doctor",
    "guardian",
    "anonymous",
]
OK, NOT_FOUND = 200, 404
SIGN_IN = "redirect to sign in"
NOBODY = "00000000-0000-0000-0000-000000000000"

STAFF_READERS = {"regulator_a", "director_x"}  # VIEW_STAFF over X
STAFF_WRITERS = {"director_x"}  # CHANGE_STAFF over X
FILING_READERS = {"regulator_a", "director_x"}  # REVIEW_FILING or PREPARE_FILING over X
FINDING_READERS = {"regulator_a", "director_x"}  # VIEW_FINDINGS over X
SESSION_READERS = {"regulator_a", "director_x", "director_y"}  # a session of district A
ANY_STAFF_READER = {"regulator_a", "regulator_b", "director_x", "director_y"}  # VIEW_STAFF somewhere

World = dict[str, Any]


@pytest.fixture
def world(
    settings: Any,
    tmp_path: Path,
    district_a: Region,
    institution_x: Institution,
    staff_x: Staff,
    institution_y: Institution,
    staff_y: Staff,
    institution_z: Institution,
    staff_z: Staff,
    director_x: User,
) -> World:
    """X with staff, a certificate with a scan, a submitted change filing; a training session of A."""
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    hire_certified_team(institution_x, today)
    scan = certify(staff_x, issued_on=today - datetime.timedelta(days=30))[0]
    scan.scan.save("certificate.pdf", ContentFile(PDF))
    filing = filing_start(actor=director_x, institution=institution_x, kind=FilingKind.CHANGE)
    fill_in(director_x, filing, services={"full_day": Decimal("1800")})
    attach_all(director_x, filing, today)
    filing_submit(actor=director_x, filing=filing)
    session = TrainingSessionFactory.create(region=district_a, title="甲区培训", day=today)
    TrainingEnrolmentFactory.create(session=session, staff=staff_x)
    material = filing.materials.first()
    assert material is not None
    return {
        "x": institution_x,
        "staff_x": staff_x,
        "scan": scan,
        "filing": filing,
        "material": material,
        "session": session,
    }


# url key -> (URL of X's object, URL of a missing object, insiders)
OBJECT_URLS: dict[str, tuple[Callable[[World], str], str, set[str]]] = {
    "staff_register": (
        lambda w: f"/workforce/institutions/{w['x'].code}/staff/",
        f"/workforce/institutions/{NOBODY}/staff/",
        STAFF_READERS,
    ),
    "staff_detail": (
        lambda w: f"/workforce/staff/{w['staff_x'].code}/",
        f"/workforce/staff/{NOBODY}/",
        STAFF_READERS,
    ),
    "roster": (
        lambda w: f"/workforce/institutions/{w['x'].code}/roster/",
        f"/workforce/institutions/{NOBODY}/roster/",
        STAFF_READERS,
    ),
    "staff_add": (
        lambda w: f"/workforce/institutions/{w['x'].code}/staff/new/",
        f"/workforce/institutions/{NOBODY}/staff/new/",
        STAFF_WRITERS,
    ),
    "staff_import": (
        lambda w: f"/workforce/institutions/{w['x'].code}/import/",
        f"/workforce/institutions/{NOBODY}/import/",
        STAFF_WRITERS,
    ),
    "staff_export": (
        lambda w: f"/workforce/staff-export.xlsx?institution={w['x'].code}",
        f"/workforce/staff-export.xlsx?institution={NOBODY}",
        STAFF_READERS,
    ),
    "certificate_scan": (
        lambda w: f"/workforce/certificates/{w['scan'].code}/scan/",
        f"/workforce/certificates/{NOBODY}/scan/",
        STAFF_READERS,
    ),
    "institution_file": (
        lambda w: f"/supervision/institutions/{w['x'].code}/",
        f"/supervision/institutions/{NOBODY}/",
        FINDING_READERS,
    ),
    "filing_detail": (
        lambda w: f"/filings/{w['filing'].code}/",
        f"/filings/{NOBODY}/",
        FILING_READERS,
    ),
    "filing_version": (
        lambda w: f"/filings/{w['filing'].code}/versions/1/",
        f"/filings/{NOBODY}/versions/1/",
        FILING_READERS,
    ),
    "filing_material": (
        lambda w: f"/filings/materials/{w['material'].code}/",
        f"/filings/materials/{NOBODY}/",
        FILING_READERS,
    ),
    "filing_edit": (
        lambda w: f"/filings/{w['filing'].code}/edit/",
        f"/filings/{NOBODY}/edit/",
        {"director_x"},
    ),
    "training_detail": (
        lambda w: f"/training/{w['session'].code}/",
        f"/training/{NOBODY}/",
        SESSION_READERS,
    ),
}
# Pages without an object: open to whoever holds the permission anywhere.
LIST_URLS: dict[str, set[str]] = {
    "/workforce/expiring/": ANY_STAFF_READER,
    "/training/": ANY_STAFF_READER,
    "/workforce/staff-export.xlsx": ANY_STAFF_READER,
    "/workforce/staff-import-template.xlsx": {"director_x", "director_y"},
    "/filings/": set(PERSONAS) - {"anonymous"},  # everyone signed in; the rows are scoped
}


def expected(persona: str, insiders: set[str]) -> int | str:
    if persona == "anonymous":
        return SIGN_IN
    return OK if persona in insiders else NOT_FOUND


def outcome(response: Any) -> int | str:
    if response.status_code == 302:
        location = response["Location"]
        return SIGN_IN if location.startswith("/accounts/login/?next=") else f"redirect to {location}"
    return int(response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_key", OBJECT_URLS)
def test_object_page_answers_each_persona_as_their_role_allows(
    world: World, client_as: Callable[[str], Client], persona: str, url_key: str
) -> None:
    build, _missing, insiders = OBJECT_URLS[url_key]

    response = client_as(persona).get(build(world))

    assert outcome(response) == expected(persona, insiders)


@pytest.mark.parametrize(
    ("url_key", "persona"),
    [
        (key, persona)
        for key, (_build, _missing, insiders) in OBJECT_URLS.items()
        for persona in PERSONAS
        if persona not in insiders
    ],
)
def test_out_of_scope_object_answers_exactly_like_a_missing_one(
    world: World, client_as: Callable[[str], Client], persona: str, url_key: str
) -> None:
    build, missing, _insiders = OBJECT_URLS[url_key]
    client = client_as(persona)

    present = client.get(build(world))
    absent = client.get(missing)

    assert outcome(present) == outcome(absent)
    if present.status_code == 404:
        assert "星星托育园" not in present.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", LIST_URLS)
def test_list_page_answers_each_persona_as_their_role_allows(
    world: World, client_as: Callable[[str], Client], persona: str, url: str
) -> None:
    response = client_as(persona).get(url)

    assert outcome(response) == expected(persona, LIST_URLS[url])


@pytest.mark.parametrize(
    ("persona", "sees_x"),
    [("regulator_a", True), ("director_x", True), ("regulator_b", False), ("director_y", False)],
)
def test_list_pages_show_x_only_to_those_in_its_scope(
    world: World, client_as: Callable[[str], Client], persona: str, sees_x: bool
) -> None:
    CertificateFactory.create(
        staff=world["staff_x"],
        certificate_type="health",
        issued_on=timezone.localdate() - datetime.timedelta(days=355),
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    client = client_as(persona)

    filings = client.get("/filings/")
    expiring = client.get("/workforce/expiring/")

    assert (world["filing"] in list(filings.context["filings"])) == sees_x
    assert ("星星托育园" in filings.content.decode()) == sees_x
    assert [c.staff.name for c in expiring.context["certificates"]] == (["钱星保育"] if sees_x else [])


# Writes through the pages are refused to outsiders ----------------------------------------------------------


def test_outsiders_cannot_end_an_employment_or_record_a_certificate_of_x(
    world: World, client_as: Callable[[str], Client]
) -> None:
    staff = world["staff_x"]
    for persona in ("director_y", "regulator_b"):
        client = client_as(persona)
        ended = client.post(f"/workforce/staff/{staff.code}/end/", {"employed_until": "2026-01-01"})
        recorded = client.post(
            f"/workforce/staff/{staff.code}/",
            {
                "certificate-certificate_type": "caregiver",
                "certificate-number": "X1",
                "certificate-issuer": "某机构",
                "certificate-issued_on": "2026-01-01",
            },
        )
        assert (ended.status_code, recorded.status_code) == (404, 404), persona
    staff.refresh_from_db()
    assert staff.employed_until is None
    assert not Certificate.objects.filter(number="X1").exists()


def test_the_regulator_reads_staff_but_cannot_end_an_employment_or_record_a_certificate(
    world: World, client_as: Callable[[str], Client]
) -> None:
    staff = world["staff_x"]
    client = client_as("regulator_a")

    ended = client.post(f"/workforce/staff/{staff.code}/end/", {"employed_until": "2026-01-01"})
    client.post(
        f"/workforce/staff/{staff.code}/",
        {
            "certificate-certificate_type": "caregiver",
            "certificate-number": "X1",
            "certificate-issuer": "某机构",
            "certificate-issued_on": "2026-01-01",
        },
    )

    assert ended.status_code == 404
    staff.refresh_from_db()
    assert staff.employed_until is None
    assert not Certificate.objects.filter(number="X1").exists()


def test_only_the_regulator_of_the_district_records_training_attendance(
    world: World, client_as: Callable[[str], Client]
) -> None:
    session: TrainingSession = world["session"]
    enrolment = session.enrolments.get()

    client_as("director_x").post(
        f"/training/{session.code}/", {"attendance": "1", "attended": [enrolment.pk]}
    )
    enrolment.refresh_from_db()
    assert enrolment.attended is None

    client_as("regulator_a").post(
        f"/training/{session.code}/", {"attendance": "1", "attended": [enrolment.pk]}
    )
    enrolment.refresh_from_db()
    assert enrolment.attended is True


# Identity numbers never appear in full ----------------------------------------------------------------------


STAFF_PAGES: list[Callable[[World], str]] = [
    lambda w: f"/workforce/institutions/{w['x'].code}/staff/",
    lambda w: f"/workforce/staff/{w['staff_x'].code}/",
    lambda w: f"/workforce/institutions/{w['x'].code}/roster/",
    lambda w: f"/supervision/institutions/{w['x'].code}/",
    lambda w: "/workforce/expiring/",
    lambda w: f"/training/{w['session'].code}/",
    lambda w: f"/filings/{w['filing'].code}/",
]


@pytest.mark.parametrize("persona", sorted(STAFF_READERS))
@pytest.mark.parametrize("page", range(len(STAFF_PAGES)))
def test_staff_pages_never_show_a_full_identity_number(
    world: World, client_as: Callable[[str], Client], persona: str, page: int
) -> None:
    response = client_as(persona).get(STAFF_PAGES[page](world))

    assert response.status_code == 200
    html = response.content.decode()
    for person in Staff.objects.filter(institution=world["x"]):
        assert person.id_number not in html
        assert person.id_number[6:14] not in html  # nor the date of birth inside it


def test_staff_register_and_detail_show_the_masked_identity_number(
    world: World, client_as: Callable[[str], Client]
) -> None:
    staff = world["staff_x"]
    masked = f"{staff.id_number[:6]}********{staff.id_number[-4:]}"
    client = client_as("director_x")

    assert masked in client.get(f"/workforce/institutions/{world['x'].code}/staff/").content.decode()
    assert masked in client.get(f"/workforce/staff/{staff.code}/").content.decode()
