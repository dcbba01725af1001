"""The OpenAPI schema generates cleanly: no warnings, no errors, valid OpenAPI 3."""

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

EXPECTED_PATHS = {
    "/api/v1/auth/token/",
    "/api/v1/me/",
    "/api/v1/institutions/",
    "/api/v1/institutions/{code}/",
    "/api/v1/institutions/{code}/classes/",
    "/api/v1/institutions/{code}/staff/",
    "/api/v1/regions/{code}/indicators/",
}


@pytest.fixture(autouse=True)
def _fresh_generator_stats() -> None:
    """drf-spectacular keeps warnings of earlier generations in a process-wide cache: start clean."""
    GENERATOR_STATS.reset()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_spectacular_command_validates_without_warnings(tmp_path: Path, language: str) -> None:
    schema_file = tmp_path / "schema.yaml"
    stderr = io.StringIO()

    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--lang",
        language,
        "--file",
        str(schema_file),
        stderr=stderr,
    )

    assert not GENERATOR_STATS, stderr.getvalue()
    schema = yaml.safe_load(schema_file.read_text(encoding="utf-8"))
    assert set(schema["paths"]) >= EXPECTED_PATHS


def test_schema_generator_emits_no_warning_or_error(capsys: pytest.CaptureFixture[str]) -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)

    validate_schema(schema)
    captured = capsys.readouterr()
    assert not GENERATOR_STATS._warn_cache, captured.err
    assert not GENERATOR_STATS._error_cache, captured.err
    assert "Warning" not in captured.err and "Error" not in captured.err


def test_schema_documents_indicator_keys_and_token_auth() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)

    indicators = schema["components"]["schemas"]["Indicators"]["properties"]
    assert {
        "institutions",
        "staff",
        "places",
        "population",
        "places_per_1000",
        "inclusive_places",
        "classes",
        "by_provider_model",
    } <= set(indicators)
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_public_institution_schema_has_no_staff_field() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert "staff" not in schema["components"]["schemas"]["PublicInstitution"]["properties"]


@pytest.mark.django_db
def test_schema_endpoint_serves_the_schema(client: Client) -> None:
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert b"openapi:" in response.content
