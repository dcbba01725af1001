"""What the production profile adds to every request: an id that its log lines carry, static files served by
Tuoyu itself, and queries cut off before a web worker would be (`make prod-check` runs the whole profile)."""

import logging

import pytest
from django.db import connection
from django.test import Client

from tuoyu.logs import RequestIdFilter, request_id


@pytest.mark.django_db
def test_every_response_carries_a_fresh_request_id(anonymous_client: Client) -> None:
    first = anonymous_client.get("/institutions/")["X-Request-ID"]
    second = anonymous_client.get("/institutions/")["X-Request-ID"]

    assert len(first) == 32 and first != second


@pytest.mark.django_db
def test_a_plain_request_id_from_the_proxy_is_kept_and_anything_else_replaced(
    anonymous_client: Client,
) -> None:
    kept = anonymous_client.get("/institutions/", HTTP_X_REQUEST_ID="nginx-0042")
    replaced = anonymous_client.get("/institutions/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")

    assert kept["X-Request-ID"] == "nginx-0042"
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>" and len(replaced["X-Request-ID"]) == 32


def test_the_log_line_of_an_error_response_carries_its_request_id(anonymous_client: Client) -> None:
    response = anonymous_client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-404")
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found", None, None)

    RequestIdFilter().filter(record)

    assert response.status_code == 404
    assert record.request_id == "req-404" == request_id.get()


def test_static_files_are_served_by_tuoyu_itself(anonymous_client: Client) -> None:
    response = anonymous_client.get("/static/tuoyu/tuoyu.css")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"/*")  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_postgresql_query_is_cut_off_before_the_web_worker_is() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no statement timeout")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("25s",)


@pytest.mark.django_db
def test_postgresql_does_not_compile_queries_just_in_time() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no JIT")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
