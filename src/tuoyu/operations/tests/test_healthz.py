"""GET /healthz: 200 when the database, the cache and the queue answer and the scheduler beat within the last
three minutes; 503, naming what is wrong, otherwise."""

import datetime
from typing import Any

import pytest
from django.test import Client

from tuoyu.operations.models import Heartbeat
from tuoyu.operations.queue import heartbeat
from tuoyu.operations.tasks import heartbeat_on_start

pytestmark = pytest.mark.django_db


def health(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/healthz")
    return response.status_code, response.json()


def test_healthy_when_the_scheduler_beat_a_minute_ago(client: Client, clock: Any) -> None:
    heartbeat()
    clock.shift(datetime.timedelta(minutes=1))

    status, body = health(client)

    assert status == 200
    assert body["status"] == "ok"
    assert (body["database"], body["cache"], body["queue"]) == ("ok", "ok", "ok")
    assert body["scheduler"]["status"] == "ok"
    assert 59 <= body["scheduler"]["age_seconds"] <= 61


def test_unavailable_when_no_consumer_ever_ran(client: Client) -> None:
    status, body = health(client)

    assert status == 503
    assert body["scheduler"] == {"status": "never seen", "last_heartbeat": None, "age_seconds": None}
    assert body["database"] == "ok"


def test_unavailable_when_the_heartbeat_is_stale(client: Client, clock: Any) -> None:
    heartbeat()
    clock.shift(datetime.timedelta(minutes=3, seconds=5))

    status, body = health(client)

    assert status == 503
    assert body["status"] == "unhealthy"
    assert body["scheduler"]["status"] == "stale"


def test_a_consumer_beats_as_soon_as_it_starts(client: Client) -> None:
    heartbeat_on_start()

    assert health(client)[0] == 200
    assert Heartbeat.objects.get().name == "scheduler"
