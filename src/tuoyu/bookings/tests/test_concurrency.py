"""Never oversold: many guardians booking the last place of a slot (or a session) at the same moment, each
on their own database connection. Exactly one gets it; every other one is refused with "slot_full" (or
waits on the session's waitlist, in a line without gaps).

Both kinds take the same locked path. On PostgreSQL the row lock of the slot or session
(``select_for_update``) makes the bookings wait for one another; on SQLite the IMMEDIATE transaction mode
takes the write lock at BEGIN and ``busy_timeout`` makes the others queue behind it.
"""

from collections.abc import Callable
from functools import partial
from typing import TypeVar

import pytest
from django.db import connection

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.bookings.factories import (
    ParentChildSessionFactory,
    SessionBookingFactory,
    TemporaryCareBookingFactory,
    TemporaryCareSlotFactory,
)
from tuoyu.bookings.models import (
    SessionBooking,
    SessionBookingStatus,
    TemporaryCareBooking,
    TemporaryCareStatus,
)
from tuoyu.bookings.selectors import waitlist_position
from tuoyu.bookings.services import session_book, slot_book
from tuoyu.bookings.tests.conftest import MakeChild, day
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import run_together
from tuoyu.refusals import Refusal
from tuoyu.registry.models import Institution

T = TypeVar("T")


def _families(make_child: MakeChild, contenders: int) -> list[tuple[User, Child]]:
    families: list[tuple[User, Child]] = []
    for index in range(contenders):
        guardian = UserFactory.create(display_name=f"家长{index}")
        RoleAssignmentFactory.create(user=guardian, role=Role.GUARDIAN)
        families.append((guardian, make_child(guardian, name=f"孩子{index}")))
    return families


def _all_at_once(families: list[tuple[User, Child]], book: Callable[[User, Child], T]) -> list[T | Exception]:
    """Each family books on its own connection, all released at the same moment."""
    return run_together([partial(book, *family) for family in families])


def race_for_the_last_place(institution: Institution, make_child: MakeChild, contenders: int) -> None:
    slot = TemporaryCareSlotFactory.create(institution=institution, date=day(), capacity=3)
    earlier = UserFactory.create()
    for name in ("先到一", "先到二"):
        TemporaryCareBookingFactory.create(slot=slot, child=make_child(earlier, name=name), booked_by=earlier)
    families = _families(make_child, contenders)

    results = _all_at_once(
        families, lambda guardian, child: slot_book(actor=guardian, slot=slot, child=child)
    )

    won = [r for r in results if isinstance(r, TemporaryCareBooking)]
    refused = [r for r in results if isinstance(r, Refusal)]
    assert len(won) == 1, results
    assert len(refused) == contenders - 1, [r for r in results if not isinstance(r, TemporaryCareBooking)]
    assert {r.code for r in refused} == {"slot_full"}
    booked = TemporaryCareBooking.objects.filter(slot=slot, status=TemporaryCareStatus.BOOKED)
    assert booked.count() == slot.capacity
    assert booked.filter(pk=won[0].pk).exists()


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_bookings_of_the_last_place_on_postgresql_let_exactly_one_in(
    institution_x: Institution, make_child: MakeChild
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL: the slot's row lock is what is tested (this run uses {connection.vendor})"
        )

    race_for_the_last_place(institution_x, make_child, contenders=50)


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_bookings_of_the_last_place_on_sqlite_let_exactly_one_in(
    institution_x: Institution, make_child: MakeChild
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip(f"the SQLite form of the race (this run uses {connection.vendor})")
    if connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("an in-memory SQLite database answers a second writer at once instead of waiting")

    race_for_the_last_place(institution_x, make_child, contenders=50)


def race_for_the_last_session_place(institution: Institution, make_child: MakeChild, contenders: int) -> None:
    session = ParentChildSessionFactory.create(institution=institution, date=day(), capacity=2)
    earlier = UserFactory.create()
    SessionBookingFactory.create(session=session, child=make_child(earlier, name="先到"), booked_by=earlier)
    families = _families(make_child, contenders)

    results = _all_at_once(
        families,
        lambda guardian, child: session_book(actor=guardian, session=session, child=child, adult_name="家长"),
    )

    bookings = [r for r in results if isinstance(r, SessionBooking)]
    assert len(bookings) == contenders, [r for r in results if not isinstance(r, SessionBooking)]
    booked = [b for b in bookings if b.status == SessionBookingStatus.BOOKED]
    assert len(booked) == 1
    waiting = [b for b in bookings if b.status == SessionBookingStatus.WAITLISTED]
    assert sorted(waitlist_position(b) or 0 for b in waiting) == list(range(1, contenders))
    assert session.bookings.filter(status=SessionBookingStatus.BOOKED).count() == session.capacity


@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_of_the_last_session_place_let_one_in_and_line_up_the_others(
    institution_x: Institution, make_child: MakeChild
) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("an in-memory SQLite database answers a second writer at once instead of waiting")

    race_for_the_last_session_place(institution_x, make_child, contenders=20)
