"""List pages and list APIs run a fixed number of queries, however many rows there are (no N+1); a check-in,
the caregiver's busiest action, stays within its budget on the page and through the API."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.daycare.factories import ClassDutyFactory, placed_child
from tuoyu.daycare.services.attendance import attendance_check_in
from tuoyu.daycare.tests.supervision_helpers import (
    at,
    busy_institutions,
    check_in,
    morning_check,
    place,
    staff_member,
    yesterday,
)
from tuoyu.enrolment.factories import PickupPersonFactory
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import raw_application, raw_child, raw_offer, raw_placement
from tuoyu.regions.models import Region
from tuoyu.registry.factories import (
    CareClassFactory,
    FiledInstitutionFactory,
    ProviderTagFactory,
    ServiceOfferingFactory,
)
from tuoyu.registry.models import CareClass, Hospital, Institution
from tuoyu.registry.standards import AgeBand
from tuoyu.rules import RULES, one_evaluation
from tuoyu.workforce.factories import StaffFactory
from tuoyu.workforce.models import StaffRole
from tuoyu.workforce.tests.helpers import certify

pytestmark = pytest.mark.django_db

# (who asks, URL); the directory and the API show 20 rows a page, the others every row
LISTS = [
    ("anonymous", "/institutions/"),
    ("anonymous", "/institutions/?service_type=full_day&inclusive=true"),
    ("anonymous", "/institutions/?district=990101&street=990101001"),
    ("anonymous", "/institutions/?street=990101002"),
    ("anonymous", "/api/v1/institutions/"),
    ("anonymous", "/api/v1/institutions/?provider_model=community&age_band=preschool"),
    ("regulator_a", "/manage/institutions/"),
    ("regulator_a", "/admin/registry/institution/"),
    ("doctor", "/manage/institutions/"),
    ("regulator_a", "/admin/registry/careclass/"),
    ("regulator_a", "/admin/workforce/staff/"),
]


@pytest.fixture
def add_rows(street_a1: Region, street_a2: Region, hospital: Hospital) -> Callable[[int], None]:
    """Add ``n`` fully furnished institutions to district A: tags, services, classes, staff, a hospital."""
    counter = iter(range(10_000))

    def add(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            institution = FiledInstitutionFactory.create(
                street=street_a1 if i % 2 else street_a2,
                partner_hospital=hospital if i % 3 == 0 else None,
                inclusive_recognized_on=datetime.date(2024, 1, 1),
            )
            for model in ("community", "employer"):
                ProviderTagFactory.create(institution=institution, model=model)
            ServiceOfferingFactory.create(institution=institution, service_type="full_day")
            ServiceOfferingFactory.create(
                institution=institution, service_type="hourly", price_yuan=Decimal(40), price_unit="hour"
            )
            CareClassFactory.create(institution=institution, age_band=AgeBand.PRESCHOOL, capacity=20)
            CareClassFactory.create(institution=institution, age_band=AgeBand.TODDLER, capacity=15)
            StaffFactory.create(institution=institution)

    return add


def count_queries(client: Client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize(("persona", "url"), LISTS)
def test_list_runs_the_same_number_of_queries_for_3_and_33_rows(
    client_as: Callable[[str], Client],
    add_rows: Callable[[int], None],
    persona: str,
    url: str,
) -> None:
    client = client_as(persona)
    add_rows(3)
    client.get(url)  # warm caches that are filled once per process (content types, templates)
    few, _ = count_queries(client, url)

    add_rows(30)
    many, sqls = count_queries(client, url)

    assert many <= few, f"{url}: {few} queries for 3 rows, {many} for 33:\n" + "\n".join(sqls)


@pytest.mark.parametrize(("persona", "url"), LISTS)
def test_list_stays_under_a_small_query_budget(
    client_as: Callable[[str], Client],
    add_rows: Callable[[int], None],
    django_assert_max_num_queries: Any,
    persona: str,
    url: str,
) -> None:
    client = client_as(persona)
    add_rows(33)
    client.get(url)

    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_rows_really_reach_the_lists(
    client_as: Callable[[str], Client], add_rows: Callable[[int], None]
) -> None:
    add_rows(33)

    assert client_as("anonymous").get("/api/v1/institutions/").json()["count"] == 33
    assert client_as("anonymous").get("/institutions/").context["page"].paginator.count == 33
    assert len(client_as("regulator_a").get("/manage/institutions/").context["institutions"]) == 33
    assert len(client_as("doctor").get("/manage/institutions/").context["institutions"]) == 11
    regulator = client_as("regulator_a")
    for url, rows in [
        ("/admin/registry/institution/", 33),
        ("/admin/registry/careclass/", 66),
        ("/admin/workforce/staff/", 33),
    ]:
        assert regulator.get(url).context["cl"].result_count == rows


# The finder: vacancies per band (placements and open offers), distance, price and age filters ---------------

FINDER_LISTS = [
    ("anonymous", "/institutions/"),
    (
        "anonymous",
        "/institutions/?age_months=30&has_vacancy=true&near=35.38,116.56&radius_km=50&price_max=3000",
    ),
    ("anonymous", "/api/v1/institutions/"),
    ("anonymous", "/api/v1/institutions/?age_months=20&has_vacancy=true&near=35.38,116.56&price_min=100"),
    ("guardian", "/institutions/?has_vacancy=false"),
]


@pytest.fixture
def add_finder_rows(add_rows: Callable[[int], None], regulator_a: Any) -> Callable[[int], None]:
    """``add_rows``, and in every class of the new institutions a child placed and an open offer."""

    def add(n: int) -> None:
        before = set(CareClass.objects.values_list("pk", flat=True))
        add_rows(n)
        guardian = UserFactory.create()
        RoleAssignmentFactory.create(user=guardian, role=Role.GUARDIAN)
        for care_class in CareClass.objects.exclude(pk__in=before).select_related("institution"):
            months = 30 if care_class.age_band == AgeBand.PRESCHOOL else 16
            raw_placement(raw_child(guardian, name="在托", months=months), care_class)
            waiting = raw_application(raw_child(guardian, name="候补", months=months), care_class.institution)
            raw_offer(waiting, care_class, regulator_a)

    return add


@pytest.mark.parametrize(("persona", "url"), FINDER_LISTS)
def test_finder_runs_the_same_number_of_queries_for_3_and_20_institutions(
    client_as: Callable[[str], Client], add_finder_rows: Callable[[int], None], persona: str, url: str
) -> None:
    client = client_as(persona)
    add_finder_rows(3)
    client.get(url)
    few, _ = count_queries(client, url)

    add_finder_rows(17)
    many, sqls = count_queries(client, url)

    assert many <= few, f"{url}: {few} queries for 3 institutions, {many} for 20:\n" + "\n".join(sqls)


@pytest.mark.parametrize(("persona", "url"), FINDER_LISTS)
def test_finder_stays_under_a_small_query_budget(
    client_as: Callable[[str], Client],
    add_finder_rows: Callable[[int], None],
    django_assert_max_num_queries: Any,
    persona: str,
    url: str,
) -> None:
    client = client_as(persona)
    add_finder_rows(20)
    client.get(url)

    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_finder_rows_really_carry_vacancies(
    client_as: Callable[[str], Client], add_finder_rows: Callable[[int], None]
) -> None:
    add_finder_rows(20)

    rows = client_as("anonymous").get("/api/v1/institutions/").json()["results"]

    assert len(rows) == 20
    assert {(v["age_band"], v["capacity"], v["vacancy"]) for row in rows for v in row["vacancies"]} == {
        ("toddler", 15, 13),
        ("preschool", 20, 18),
    }
    page = client_as("anonymous").get("/institutions/", {"has_vacancy": "true"})
    assert page.context["page"].paginator.count == 20


# A check-in with the morning check: the caregiver's busiest moment ------------------------------------------
#
# Where the queries of a check-in go (page / API): signing in from the session (3 / 0), the class and the
# child (2), the opening-hours warning (1), the check-in's transaction (its savepoint here, the child's place,
# their attendance so far, the health exclusions, the attendance and the morning check with their audit
# entries, the release: 9), the ratio watch (the class locked, an open breach, the ratio: 3), the access log
# entry of the health data shown (1), and the answer (page: the roster for the row and the counts, and the
# ratio: 3; API: the child's day and who may collect them: 4). Outside a test's transaction, the ratio watch
# and the access log entry each add their own BEGIN and COMMIT.

CHECK_IN_PAGE_QUERIES = 22
CHECK_IN_API_QUERIES = 20


@pytest.fixture
def busy_class(class_x: CareClass, caregiver_x: Any) -> CareClass:
    """Class X with six children, three of them checked in (each with a pick-up person besides their
    guardian), and three caregivers on duty, two of them certified."""
    today = timezone.localdate()
    kids = [placed_child(class_x, name=f"幼儿{i}") for i in range(6)]
    for i, name in enumerate(["郑保育", "王保育", "李保育"]):
        staff = StaffFactory.create(
            institution=class_x.institution, name=name, employed_from=today - datetime.timedelta(days=365)
        )
        if i < 2:
            certify(staff, issued_on=today - datetime.timedelta(days=30))
        ClassDutyFactory.create(staff=staff, care_class=class_x)
    for kid in kids:
        PickupPersonFactory.create(child=kid)
    for kid in kids[:3]:
        attendance_check_in(
            care_class=class_x, child=kid, by=caregiver_x, temperature_c="36.5", decision="admit"
        )
    return class_x


def _not_yet_in(care_class: CareClass) -> list[Child]:
    children = Child.objects.in_class(care_class, timezone.localdate()).filter(attendances__isnull=True)
    return list(children.order_by("name"))


def _sqls(queries: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"] for query in queries.captured_queries)


def test_a_check_in_from_the_class_screen_stays_within_its_query_budget(
    client_as: Callable[[str], Client], busy_class: CareClass
) -> None:
    browser = client_as("caregiver_x")
    first, kid = _not_yet_in(busy_class)[:2]
    browser.post(  # warm caches that are filled once per process (content types, templates, policies)
        reverse("daycare:check_in", args=[busy_class.code, first.code]),
        {"temperature_c": "36.5", "decision": "admit"},
        headers={"HX-Request": "true"},
    )

    with CaptureQueriesContext(connection) as queries:
        answer = browser.post(
            reverse("daycare:check_in", args=[busy_class.code, kid.code]),
            {"temperature_c": "36.6", "decision": "admit"},
            headers={"HX-Request": "true"},
        )

    text = answer.content.decode()
    assert (
        answer.status_code == 200 and f'id="child-{kid.code}"' in text and 'data-state="checked_in"' in text
    )
    assert 'data-present="5" data-required="1" data-certified="2" data-breach="false"' in text
    assert len(queries) <= CHECK_IN_PAGE_QUERIES, f"{len(queries)} queries:\n{_sqls(queries)}"


def test_a_check_in_through_the_api_stays_within_its_query_budget(
    api_as: Callable[[str], Any], busy_class: CareClass
) -> None:
    api = api_as("caregiver_x")
    url = f"/api/v1/care/classes/{busy_class.code}/check-ins/"
    first, kid = _not_yet_in(busy_class)[:2]
    api.post(url, {"child": str(first.code), "temperature_c": "36.5", "decision": "admit"}, format="json")

    with CaptureQueriesContext(connection) as queries:
        answer = api.post(
            url, {"child": str(kid.code), "temperature_c": "36.6", "decision": "admit"}, format="json"
        )

    assert answer.status_code == 201
    row = answer.json()
    assert (row["child"], row["state"], row["morning_check"]["temperature_c"]) == (
        str(kid.code),
        "checked_in",
        "36.6",
    )
    assert len(row["pickup_options"]) == 2
    assert len(queries) <= CHECK_IN_API_QUERIES, f"{len(queries)} queries:\n{_sqls(queries)}"


# The regulator's daily supervision: a page of institutions in a fixed number of queries -----------------

DAILY_LISTS = [
    ("regulator_a", "/api/v1/supervision/daily/?date={day}"),
    ("regulator_a", "/api/v1/supervision/daily/?date={day}&page=2"),
    ("regulator_a", "/care/district/?date={day}"),
    ("director_x", "/api/v1/supervision/daily/?date={day}"),
]


@pytest.fixture
def add_busy_institutions(street_a1: Region, institution_x: Any) -> Callable[[int], None]:
    """Add ``n`` operating institutions to district A, each with a class, children placed, checked in and
    checked in the morning yesterday, a ratio breach, an outing mismatch, a published menu and a sample."""
    caregiver = UserFactory.create()

    def add(n: int) -> None:
        busy_institutions(street_a1, n, caregiver)

    return add


@pytest.mark.parametrize(("persona", "url"), DAILY_LISTS)
def test_daily_supervision_runs_the_same_number_of_queries_for_23_and_63_institutions(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], Any],
    add_busy_institutions: Callable[[int], None],
    persona: str,
    url: str,
) -> None:
    """Two full pages at least (the API shows 20 institutions a page, the page 50), then many more."""
    client = api_as(persona) if url.startswith("/api/") else client_as(persona)
    url = url.format(day=yesterday().isoformat())
    add_busy_institutions(22)  # with X: 23, two pages of the API
    client.get(url)
    few, _ = count_queries(client, url)

    add_busy_institutions(40)
    many, sqls = count_queries(client, url)

    assert many <= few, f"{url}: {few} queries for 23 institutions, {many} for 63:\n" + "\n".join(sqls)


@pytest.mark.parametrize(("persona", "url"), DAILY_LISTS)
def test_daily_supervision_stays_under_a_small_query_budget(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], Any],
    add_busy_institutions: Callable[[int], None],
    django_assert_max_num_queries: Any,
    persona: str,
    url: str,
) -> None:
    client = api_as(persona) if url.startswith("/api/") else client_as(persona)
    url = url.format(day=yesterday().isoformat())
    add_busy_institutions(62)
    client.get(url)

    # the page: session, user, second factor, roles, unread messages; the count and the page of institutions,
    # a grouped count each of placements, attendance, breaches and mismatches, menus, samples; and the four
    # totals of the region
    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200


def test_daily_supervision_rows_really_carry_the_figures(
    api_as: Callable[[str], Any], add_busy_institutions: Callable[[int], None]
) -> None:
    add_busy_institutions(22)

    body = api_as("regulator_a").get("/api/v1/supervision/daily/", {"date": yesterday().isoformat()}).json()

    assert (body["count"], len(body["institutions"])) == (23, 20)
    busy = [row for row in body["institutions"] if row["check_ins"]]
    assert len(busy) >= 19
    assert {
        (r["enrolled"], r["present"], r["morning_checks_pct"], r["ratio_breaches"], r["food_sample_gaps"])
        for r in busy
    } == {(2, 2, 100, 1, 1)}  # the menu has two dishes, only one sampled


# The nightly rules: every rule of an institution, the reads they share made once ------------------------
#
# One query each: the classes; the staff, the certificate requirements and the certificates held; the
# children in care, the open vaccination-check tasks and the service agreements; the ratio breaches; the
# attendances of the week with their morning checks, the weather exemptions, the outings, the menus, the food
# samples, the abnormal checks and the closed days; the referrals, the measurements and the outbreak reports;
# the monthly prices of the fee catalogue (and, when it has any, the guided prices in force).
# The examinations and the vaccination re-checks are read only for children who may be overdue.

RULES_QUERIES = 19


def _evaluate_every_rule(institution: Institution) -> None:
    with one_evaluation():
        for rule in RULES.values():
            list(rule.evaluate(institution, timezone.localdate()))


def test_the_rules_of_an_institution_run_the_same_number_of_queries_for_3_and_12_children(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    for role in (StaffRole.DIRECTOR, StaffRole.HEALTH_WORKER, StaffRole.CAREGIVER):
        staff_member(class_x, f"员工{role}", role=role)

    def add_children(count: int, prefix: str) -> None:
        for placement in place(class_x, count, prefix=prefix):
            for days_ago in (1, 2):
                day = timezone.localdate() - datetime.timedelta(days=days_ago)
                attendance = check_in(placement, caregiver_x, when=at(day, 8))
                morning_check(attendance, caregiver_x, when=at(day, 8, 5))

    add_children(3, "甲")
    with CaptureQueriesContext(connection) as few:
        _evaluate_every_rule(institution_x)
    add_children(9, "乙")
    with CaptureQueriesContext(connection) as many:
        _evaluate_every_rule(institution_x)

    assert len(few) == len(many) <= RULES_QUERIES, f"{len(many)} queries:\n{_sqls(many)}"
