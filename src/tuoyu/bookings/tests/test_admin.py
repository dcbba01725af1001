"""The back office shows bookings read-only, each user only those of the institutions they serve."""

from collections.abc import Callable

import pytest
from django.test import Client

from tuoyu.bookings.factories import SessionBookingFactory, TemporaryCareBookingFactory
from tuoyu.bookings.models import ParentChildSession, TemporaryCareSlot
from tuoyu.enrolment.models import Child

pytestmark = pytest.mark.django_db

ClientAs = Callable[[str], Client]
SCREENS = ["temporarycareslot", "temporarycarebooking", "parentchildsession", "sessionbooking"]


@pytest.mark.parametrize("screen", SCREENS)
def test_the_director_sees_the_rows_of_their_institution(
    client_as: ClientAs, slot: TemporaryCareSlot, session: ParentChildSession, child: Child, screen: str
) -> None:
    TemporaryCareBookingFactory.create(slot=slot, child=child)
    SessionBookingFactory.create(session=session, child=child)

    response = client_as("director_x").get(f"/admin/bookings/{screen}/")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert f"/admin/bookings/{screen}/add/" not in response.content.decode()  # written through the services


@pytest.mark.parametrize("screen", SCREENS)
def test_a_director_elsewhere_sees_no_row_and_gets_404_on_one(
    client_as: ClientAs, slot: TemporaryCareSlot, session: ParentChildSession, child: Child, screen: str
) -> None:
    booking = TemporaryCareBookingFactory.create(slot=slot, child=child)
    session_booking = SessionBookingFactory.create(session=session, child=child)
    pk = {
        "temporarycareslot": slot.pk,
        "temporarycarebooking": booking.pk,
        "parentchildsession": session.pk,
        "sessionbooking": session_booking.pk,
    }[screen]
    client = client_as("director_y")

    assert client.get(f"/admin/bookings/{screen}/").context["cl"].result_count == 0
    assert client.get(f"/admin/bookings/{screen}/{pk}/change/").status_code == 404


def test_a_guardian_has_no_back_office(client_as: ClientAs, slot: TemporaryCareSlot) -> None:
    response = client_as("guardian").get("/admin/bookings/temporarycareslot/")

    assert response.status_code == 404
