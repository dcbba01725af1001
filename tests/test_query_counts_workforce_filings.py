"""The staff register, the filings list and the institution file run a fixed number of queries, however
many staff, certificates, filings and findings there are (no N+1)."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.filings.models import Filing, FilingKind, FilingState
from tuoyu.regions.models import Region
from tuoyu.registry.factories import FiledInstitutionFactory
from tuoyu.registry.models import Institution
from tuoyu.supervision.models import Finding, Severity
from tuoyu.workforce.factories import StaffFactory, TrainingEnrolmentFactory, TrainingSessionFactory
from tuoyu.workforce.models import StaffRole
from tuoyu.workforce.tests.helpers import certify

pytestmark = pytest.mark.django_db

Rows = Callable[[int], None]


def count_queries(client: Client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), [query["sql"] for query in queries.captured_queries]


@pytest.fixture
def add_staff(institution_x: Institution, district_a: Region) -> Rows:
    """Staff of X, each with every certificate (one expiring soon), a training attended and a finding."""
    today = timezone.localdate()
    session = TrainingSessionFactory.create(region=district_a, day=today, hours=Decimal("2.0"))
    counter = iter(range(10_000))

    def add(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            person = StaffFactory.create(
                institution=institution_x,
                role=[StaffRole.CAREGIVER, StaffRole.DIRECTOR, StaffRole.COOK][i % 3],
            )
            certify(person, issued_on=today - datetime.timedelta(days=350 if i % 2 else 30))
            TrainingEnrolmentFactory.create(session=session, staff=person, attended=True)
            Finding.objects.create(
                rule_code="STF-03",
                severity=Severity.VIOLATION,
                institution=institution_x,
                subject_key=f"staff:{person.code}",
                subject_label=person.name,
                evidence="缺少有效的健康证",
                detected_at=timezone.now(),
            )

    return add


def make_filing(institution: Institution, author: User, state: str, **fields: Any) -> Filing:
    return Filing.objects.create(
        institution=institution,
        kind=FilingKind.CHANGE,
        state=state,
        name=institution.name,
        address=institution.address,
        director_name="园长",
        filed_places=60,
        service_types=[{"service_type": "full_day", "price_yuan": "1800.00", "price_unit": "month"}],
        created_by=author,
        **fields,
    )


@pytest.fixture
def add_filings(street_a1: Region, street_a2: Region, director_x: User) -> Rows:
    """Institutions of district A, each with a filing awaiting review (some overdue) and an approved one."""
    today = timezone.localdate()
    counter = iter(range(10_000))

    def add(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            institution = FiledInstitutionFactory.create(street=street_a1 if i % 2 else street_a2)
            make_filing(
                institution,
                director_x,
                FilingState.SUBMITTED,
                version=1,
                submitted_at=timezone.now(),
                review_deadline=today + datetime.timedelta(days=(i % 5) - 2),
            )
            make_filing(
                institution,
                director_x,
                FilingState.APPROVED,
                version=1,
                receipt_no=f"甲区托育备〔2026〕{i:03d}号",
            )

    return add


@pytest.fixture
def add_filings_of_x(institution_x: Institution, director_x: User) -> Rows:
    def add(n: int) -> None:
        start = Filing.objects.count()  # receipt numbers are unique: keep numbering across calls
        for i in range(start, start + n):
            make_filing(institution_x, director_x, FilingState.APPROVED, version=1, receipt_no=f"X{i}")

    return add


CASES = [
    ("director_x", "/workforce/institutions/{x}/staff/", "add_staff"),
    ("regulator_a", "/workforce/institutions/{x}/staff/", "add_staff"),
    ("regulator_a", "/filings/", "add_filings"),
    ("director_x", "/filings/", "add_filings_of_x"),
    ("regulator_a", "/supervision/institutions/{x}/", "add_staff"),
    ("director_x", "/supervision/institutions/{x}/", "add_filings_of_x"),
    ("regulator_a", "/workforce/expiring/", "add_staff"),
    ("regulator_a", "/workforce/staff-export.xlsx", "add_staff"),
]


@pytest.mark.parametrize(("persona", "url", "rows"), CASES)
def test_page_runs_the_same_number_of_queries_for_3_and_30_rows(
    request: pytest.FixtureRequest,
    client_as: Callable[[str], Client],
    institution_x: Institution,
    persona: str,
    url: str,
    rows: str,
) -> None:
    add: Rows = request.getfixturevalue(rows)
    client = client_as(persona)
    url = url.format(x=institution_x.code)
    add(3)
    client.get(url)  # warm caches filled once per process (content types, templates)
    few, _ = count_queries(client, url)

    add(27)
    many, sqls = count_queries(client, url)

    assert many <= few, f"{url}: {few} queries for 3 rows, {many} for 30:\n" + "\n".join(sqls)


def test_the_rows_really_reach_the_pages(
    client_as: Callable[[str], Client],
    institution_x: Institution,
    add_staff: Rows,
    add_filings: Rows,
) -> None:
    add_staff(30)
    add_filings(30)
    regulator = client_as("regulator_a")

    register = regulator.get(f"/workforce/institutions/{institution_x.code}/staff/")
    filings = regulator.get("/filings/")
    file = regulator.get(f"/supervision/institutions/{institution_x.code}/")

    assert len(register.context["rows"]) == 30
    assert len(filings.context["queue"]) == 30
    assert len(list(filings.context["filings"])) == 60
    assert len(file.context["staff_rows"]) == 30
    assert len(file.context["findings"]) == 30
    assert {hours for _status, hours in file.context["staff_rows"]} == {2.0}
