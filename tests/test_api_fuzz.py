"""A bounded fuzz of the whole API with schemathesis, signed in as the regulator, a director and a guardian
of the demo district: no answer is a server error, and every answer matches what the OpenAPI schema says
(its status is documented, its content type and body fit the documented response). Each persona has its
own test, since schemathesis's tests take no parameters of their own."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tuoyu.accounts.models import User

PERSONAS = {"regulator": "13800000001", "director": "13800000002", "guardian": "13800000006"}
EXAMPLES = 8  # per operation and persona: bounded, so that the suite stays fast
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def tokens(seeded_demo: str, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    with django_db_blocker.unblock():
        yield {
            persona: AuthToken.objects.create(User.objects.get(phone=phone))[1]
            for persona, phone in PERSONAS.items()
        }


def _schema() -> Any:
    """The schema as /api/schema/ serves it, generated here (no database needed), called in-process."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)))
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request; the test's transaction must
    stay open (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call_as(persona: str, case: Any, tokens: dict[str, str]) -> None:
    cache.clear()  # the sign-in throttle counts per client: every example starts afresh
    case.call_and_validate(headers={"Authorization": f"Token {tokens[persona]}"}, checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_as_the_regulator(case: Any, tokens: dict[str, str]) -> None:
    call_as("regulator", case, tokens)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_as_a_director(case: Any, tokens: dict[str, str]) -> None:
    call_as("director", case, tokens)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_as_a_guardian(case: Any, tokens: dict[str, str]) -> None:
    call_as("guardian", case, tokens)
