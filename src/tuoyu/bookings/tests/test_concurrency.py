"""Never oversold: many guardians booking the last place of a slot at the same moment, each on their own
database connection. Exactly one gets it; every other one is refused with "slot_full".

On PostgreSQL the slot's row lock (``select_for_update``) makes the bookings wait for one another; on
SQLite the IMMEDIATE transaction mode takes the write lock at BEGIN and ``busy_timeout`` makes the others
queue behind it.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.bookings.factories import TemporaryCareBookingFactory, TemporaryCareSlotFactory
from tuoyu.bookings.models import TemporaryCareBooking, TemporaryCareStatus
from tuoyu.bookings.services import slot_book
from tuoyu.bookings.tests.conftest import MakeChild, day
from tuoyu.enrolment.models import Child
from tuoyu.refusals import Refusal
from tuoyu.registry.models import Institution


def race_for_the_last_place(institution: Institution, make_child: MakeChild, contenders: int) -> None:
    slot = TemporaryCareSlotFactory.create(institution=institution, date=day(), capacity=3)
    earlier = UserFactory.create()
    for name in ("先到一", "先到二"):
        TemporaryCareBookingFactory.create(slot=slot, child=make_child(earlier, name=name), booked_by=earlier)
    families: list[tuple[User, Child]] = []
    for index in range(contenders):
        guardian = UserFactory.create(display_name=f"家长{index}")
        RoleAssignmentFactory.create(user=guardian, role=Role.GUARDIAN)
        families.append((guardian, make_child(guardian, name=f"孩子{index}")))
    start = threading.Barrier(contenders, timeout=30)

    def book(family: tuple[User, Child]) -> TemporaryCareBooking | Exception:
        guardian, child = family
        try:
            start.wait()
            return slot_book(guardian=guardian, slot=slot, child=child)
        except Exception as error:
            return error
        finally:
            connections.close_all()  # this thread's connections

    with ThreadPoolExecutor(max_workers=contenders) as pool:
        results = list(pool.map(book, families, timeout=120))

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
