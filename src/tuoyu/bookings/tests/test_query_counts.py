"""Lists of slots, sessions and bookings run a fixed number of queries, however many rows (no N+1)."""

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tuoyu.accounts.models import User
from tuoyu.bookings.factories import (
    ParentChildSessionFactory,
    SessionBookingFactory,
    TemporaryCareBookingFactory,
    TemporaryCareSlotFactory,
)
from tuoyu.bookings.models import SessionBookingStatus
from tuoyu.bookings.tests.conftest import MakeChild, day
from tuoyu.registry.models import Institution

pytestmark = pytest.mark.django_db

URLS = [
    ("anonymous", "/api/v1/temporary-care/slots/"),
    ("anonymous", "/api/v1/parent-child/sessions/"),
    ("guardian", "/api/v1/temporary-care/bookings/"),
    ("guardian", "/api/v1/parent-child/bookings/"),
    ("director_x", "/api/v1/parent-child/bookings/"),
    ("guardian", "/bookings/"),
    ("director_x", "/bookings/manage/"),
]


@pytest.fixture
def add_rows(institution_x: Institution, guardian: User, make_child: MakeChild) -> Callable[[int], None]:
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            on = day() + datetime.timedelta(days=made[0])
            slot = TemporaryCareSlotFactory.create(institution=institution_x, date=on)
            session = ParentChildSessionFactory.create(institution=institution_x, date=on, capacity=1)
            child = make_child(guardian, name=f"孩子{made[0]}")
            TemporaryCareBookingFactory.create(slot=slot, child=child)
            SessionBookingFactory.create(session=session, child=child)
            SessionBookingFactory.create(
                session=session,
                child=make_child(guardian, name=f"候补{made[0]}"),
                status=SessionBookingStatus.WAITLISTED,
            )

    return add


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize(("persona", "url"), URLS)
def test_list_runs_the_same_number_of_queries_for_2_and_8_rows(
    client_as: Callable[[str], Client], add_rows: Callable[[int], None], persona: str, url: str
) -> None:
    client = client_as(persona)
    add_rows(2)
    few = count_queries(client, url)
    add_rows(6)

    assert count_queries(client, url) == few
