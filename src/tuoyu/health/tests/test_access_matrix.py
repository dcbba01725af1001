"""The acceptance test of the medical partnership: "A doctor of a non-partner hospital gets 404 on a child's
health page and API; every successful read appears in the access log."

The URLs are not listed by hand: every page of the ``health`` namespace and every API route under
``/api/v1/health/children/<code>/`` is found by walking the URLconf, so that the pages other areas add are
covered as soon as they exist. Each is asked for with the code of a child in care at institution X:

- the doctor of X's partner hospital, the child's guardian, X's director and health worker get the page,
  and exactly one access-log row naming them, the child, the view and the channel is written;
- the doctor of a hospital that partners with Y only, both regulators, Y's director, X's caregiver and an
  unrelated guardian get a plain 404, and nothing is logged;
- anonymous visitors are sent to sign in (pages) or get 401 (API), and nothing is logged;
- nothing the doctor is answered contains the family's mobile numbers.
"""

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from pypdf import PdfReader
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import AccessChannel, Child, HealthRecordAccess
from tuoyu.health.tests.records_helpers import (
    FAMILY_PHONE,
    PICKUP_PHONE,
    child_x,
    family,
    full_record,
    other_doctor,
    other_hospital,
)
from tuoyu.health.views import care, growth, outbreaks, records
from tuoyu.registry.models import Institution

pytestmark = pytest.mark.django_db

__all__ = ["child_x", "family", "other_doctor", "other_hospital"]  # fixtures used by name

CHILD_ROUTE = "health/children/<uuid:code>/"
API_CHILD_ROUTE = "api/v1/health/children/<uuid:code>/"
MISSING_CODE = "00000000-0000-0000-0000-000000000000"

READERS = ["doctor", "family", "director_x", "health_worker_x"]
OUTSIDERS = ["other_doctor", "regulator_a", "regulator_b", "director_y", "caregiver_x", "guardian"]

# The areas' placeholders answer 404 to everyone until the area lands: nothing to check there yet.
PLACEHOLDERS = {getattr(module, "pending", None) for module in (care, growth, outbreaks, records)} - {None}


def _walk(patterns: list[Any], prefix: str = "", namespace: str | None = None) -> Iterator[Any]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield route, namespace, entry


def _child_routes() -> list[Any]:
    """(route, kind) of every page and API route that opens one child's health record."""
    found = []
    for route, namespace, pattern in _walk(get_resolver().url_patterns):
        if namespace == "health" and route.startswith(CHILD_ROUTE):
            kind = "page"
        elif route.startswith(API_CHILD_ROUTE):
            kind = "api"
        else:
            continue
        marks = []
        if pattern.callback in PLACEHOLDERS:
            marks.append(pytest.mark.skip(reason=f"{route} is still the area's placeholder (404 for all)"))
        elif "<" in route.replace("<uuid:code>", ""):
            marks.append(pytest.mark.skip(reason=f"{route} needs more than the child's code"))
        found.append(pytest.param(route, kind, id=f"{kind}:{route}", marks=marks))
    return found


CHILD_ROUTES = _child_routes()


def _url(route: str, code: Any) -> str:
    return "/" + route.replace("<uuid:code>", str(code))


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _channel(route: str, kind: str) -> str:
    if kind == "api":
        return AccessChannel.API
    return AccessChannel.EXPORT if "export" in route or route.endswith(".pdf") else AccessChannel.PAGE


@pytest.fixture
def get_as(
    client_as: Callable[[str], Client], api_as: Callable[[str], APIClient]
) -> Callable[[str, str, str], Any]:
    def get(persona: str, url: str, kind: str) -> Any:
        response = (api_as(persona) if kind == "api" else client_as(persona)).get(url)
        if response.status_code == 405:
            pytest.skip(f"{url} answers no GET")
        return response

    return get


@pytest.fixture
def record(child_x: Child, institution_x: Institution, health_worker_x: User) -> Child:
    """The child in care at X, with health data of every kind."""
    full_record(child_x, institution_x, health_worker_x)
    return child_x


def test_the_matrix_covers_the_record_front_page_its_export_and_its_api() -> None:
    routes = {param.values[0] for param in CHILD_ROUTES}

    assert {CHILD_ROUTE, CHILD_ROUTE + "export.json", API_CHILD_ROUTE} <= routes


@pytest.mark.parametrize("persona", READERS)
@pytest.mark.parametrize(("route", "kind"), CHILD_ROUTES)
def test_a_reader_gets_the_record_and_exactly_one_access_log_row_names_the_read(
    request: pytest.FixtureRequest,
    get_as: Callable[[str, str, str], Any],
    record: Child,
    persona: str,
    route: str,
    kind: str,
) -> None:
    reader = request.getfixturevalue(persona)
    before = set(HealthRecordAccess.objects.values_list("pk", flat=True))

    response = get_as(persona, _url(route, record.code), kind)

    assert response.status_code == 200
    new = HealthRecordAccess.objects.exclude(pk__in=before)
    assert new.count() == 1
    entry = new.get()
    assert (entry.user, entry.child, entry.child_name) == (reader, record, record.name)
    assert entry.view
    assert entry.channel == _channel(route, kind)


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize(("route", "kind"), CHILD_ROUTES)
def test_an_outsider_gets_a_plain_404_and_nothing_is_logged(
    get_as: Callable[[str, str, str], Any],
    record: Child,
    other_doctor: User,
    persona: str,
    route: str,
    kind: str,
) -> None:
    response = get_as(persona, _url(route, record.code), kind)
    missing = get_as(persona, _url(route, MISSING_CODE), kind)

    assert response.status_code == 404
    assert missing.status_code == 404
    assert record.name not in response.content.decode()
    assert not HealthRecordAccess.objects.exists()


@pytest.mark.parametrize(("route", "kind"), CHILD_ROUTES)
def test_anonymous_is_asked_to_sign_in_and_nothing_is_logged(
    get_as: Callable[[str, str, str], Any], record: Child, route: str, kind: str
) -> None:
    response = get_as("anonymous", _url(route, record.code), kind)

    if kind == "api":
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert not HealthRecordAccess.objects.exists()


@pytest.mark.parametrize(("route", "kind"), CHILD_ROUTES)
def test_nothing_the_doctor_is_answered_contains_the_familys_mobile_numbers(
    get_as: Callable[[str, str, str], Any], record: Child, family: User, route: str, kind: str
) -> None:
    response = get_as("doctor", _url(route, record.code), kind)

    assert response.status_code == 200
    content = pdf_text(response.content) if route.endswith(".pdf") else response.content.decode()
    assert FAMILY_PHONE not in content
    assert PICKUP_PHONE not in content
    assert family.phone == FAMILY_PHONE
