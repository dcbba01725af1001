"""Both kinds of booking take one path: the same cut-off, the same count of places under the same lock.

Every test here runs for a temporary-care slot and for a parent-child session. What differs by kind is
what a full one does: a slot refuses, a session puts the child on its waitlist; neither is ever oversold.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tuoyu.accounts.models import User
from tuoyu.bookings.factories import ParentChildSessionFactory, TemporaryCareSlotFactory
from tuoyu.bookings.models import (
    Bookable,
    Booking,
    BookingStatus,
    SessionBooking,
    SessionBookingStatus,
    TemporaryCareBooking,
)
from tuoyu.bookings.services import session_book, session_cancel, slot_book, slot_cancel
from tuoyu.bookings.tests.conftest import MakeChild, day
from tuoyu.enrolment.models import Child
from tuoyu.notifications.models import Notification
from tuoyu.refusals import Refusal
from tuoyu.registry.models import Institution


@dataclass(frozen=True)
class Kind:
    make: Callable[..., Bookable]
    book: Callable[..., Booking]  # (actor, bookable, child, now)
    cancel: Callable[..., Booking]  # (actor, booking, now)
    booking_model: Any  # TemporaryCareBooking or SessionBooking

    def open_one(self, institution: Institution, *, capacity: int) -> tuple[Bookable, datetime.datetime]:
        """A slot or session a week ahead, and a moment a day before its cut-off."""
        bookable = self.make(institution=institution, date=day(), capacity=capacity)
        return bookable, bookable.booking_cutoff - datetime.timedelta(days=1)


SLOT = Kind(
    make=TemporaryCareSlotFactory.create,
    book=lambda actor, slot, child, now: slot_book(actor=actor, slot=slot, child=child, now=now),
    cancel=lambda actor, booking, now: slot_cancel(actor=actor, booking=booking, now=now),
    booking_model=TemporaryCareBooking,
)
SESSION = Kind(
    make=ParentChildSessionFactory.create,
    book=lambda actor, session, child, now: session_book(
        actor=actor, session=session, child=child, adult_name="赵女士", now=now
    ),
    cancel=lambda actor, booking, now: session_cancel(actor=actor, booking=booking, now=now),
    booking_model=SessionBooking,
)
KINDS = [pytest.param(SLOT, id="temporary-care"), pytest.param(SESSION, id="parent-child")]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("after", [datetime.timedelta(0), datetime.timedelta(hours=1)])
def test_a_booking_at_or_after_the_cutoff_is_refused_for_both_kinds(
    kind: Kind, after: datetime.timedelta, institution_x: Institution, guardian: User, child: Child
) -> None:
    bookable, _before_cutoff = kind.open_one(institution_x, capacity=3)

    with pytest.raises(Refusal) as raised:
        kind.book(guardian, bookable, child, bookable.booking_cutoff + after)

    assert (raised.value.code, raised.value.conflict) == ("booking_closed", True)
    assert not kind.booking_model._default_manager.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_booked_place_cannot_be_given_up_at_the_cutoff_for_both_kinds(
    kind: Kind, institution_x: Institution, guardian: User, child: Child
) -> None:
    bookable, before_cutoff = kind.open_one(institution_x, capacity=3)
    booking = kind.book(guardian, bookable, child, before_cutoff)

    with pytest.raises(Refusal) as raised:
        kind.cancel(guardian, booking, bookable.booking_cutoff)

    assert raised.value.code == "cancel_closed"
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_at) == (BookingStatus.BOOKED, None)


@pytest.mark.parametrize("kind", KINDS)
def test_places_are_never_oversold_for_both_kinds(
    kind: Kind, institution_x: Institution, guardian: User, make_child: MakeChild
) -> None:
    bookable, now = kind.open_one(institution_x, capacity=2)
    outcomes: list[str | None] = []

    for number in range(5):
        child = make_child(guardian, name=f"孩子{number}")
        try:
            outcomes.append(kind.book(guardian, bookable, child, now).status)
        except Refusal as refusal:
            outcomes.append(refusal.code)

    beyond = "slot_full" if kind is SLOT else SessionBookingStatus.WAITLISTED
    assert outcomes == [BookingStatus.BOOKED] * 2 + [beyond] * 3
    assert (
        kind.booking_model._default_manager.filter(status=BookingStatus.BOOKED).count() == bookable.capacity
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_cancelled_place_is_taken_once_again_for_both_kinds(
    kind: Kind, institution_x: Institution, guardian: User, make_child: MakeChild
) -> None:
    bookable, now = kind.open_one(institution_x, capacity=1)
    first = kind.book(guardian, bookable, make_child(guardian, name="先到"), now)

    kind.cancel(guardian, first, now)
    again = kind.book(guardian, bookable, make_child(guardian, name="后到"), now)

    assert again.status == BookingStatus.BOOKED
    assert kind.booking_model._default_manager.filter(status=BookingStatus.BOOKED).count() == 1
