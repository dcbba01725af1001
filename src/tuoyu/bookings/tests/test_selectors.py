"""Counts of places, the waitlist order, and who sees which booking."""

import datetime
from operator import attrgetter

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.bookings.factories import (
    ParentChildSessionFactory,
    SessionBookingFactory,
    TemporaryCareBookingFactory,
    TemporaryCareSlotFactory,
)
from tuoyu.bookings.models import (
    ParentChildSession,
    SessionBookingStatus,
    TemporaryCareSlot,
    TemporaryCareStatus,
)
from tuoyu.bookings.selectors import (
    session_bookings_visible_to,
    sessions_public,
    slots_public,
    temporary_care_bookings_visible_to,
    waitlist_position,
    with_waitlist_position,
)
from tuoyu.bookings.tests.conftest import MakeChild
from tuoyu.enrolment.models import Child
from tuoyu.registry.factories import InstitutionFactory
from tuoyu.registry.models import Institution

pytestmark = pytest.mark.django_db


def test_public_slots_count_booked_places_only_and_never_go_below_zero(
    slot: TemporaryCareSlot, guardian: User, make_child: MakeChild
) -> None:
    TemporaryCareBookingFactory.create(slot=slot, child=make_child(guardian, name="甲"))
    TemporaryCareBookingFactory.create(
        slot=slot, child=make_child(guardian, name="乙"), status=TemporaryCareStatus.CANCELLED
    )
    full = TemporaryCareSlotFactory.create(
        institution=slot.institution, date=slot.date, period="morning", capacity=1
    )
    for name in ("丙", "丁"):  # more bookings than places (the capacity was lowered afterwards)
        TemporaryCareBookingFactory.create(slot=full, child=make_child(guardian, name=name))

    counts = {s.pk: attrgetter("booked", "remaining")(s) for s in slots_public()}

    assert counts == {slot.pk: (1, 1), full.pk: (2, 0)}


def test_public_slots_leave_out_past_days_and_institutions_outside_the_directory(
    slot: TemporaryCareSlot, institution_x: Institution
) -> None:
    TemporaryCareSlotFactory.create(
        institution=institution_x, date=timezone.localdate() - datetime.timedelta(days=1)
    )
    TemporaryCareSlotFactory.create(institution=InstitutionFactory.create())  # not filed

    assert [s.pk for s in slots_public()] == [slot.pk]


def test_public_sessions_count_booked_and_waitlisted(
    session: ParentChildSession, guardian: User, make_child: MakeChild
) -> None:
    SessionBookingFactory.create(session=session, child=make_child(guardian, name="甲"))
    for name in ("乙", "丙"):
        SessionBookingFactory.create(
            session=session, child=make_child(guardian, name=name), status=SessionBookingStatus.WAITLISTED
        )
    SessionBookingFactory.create(
        session=session, child=make_child(guardian, name="丁"), status=SessionBookingStatus.CANCELLED
    )
    empty = ParentChildSessionFactory.create(institution=session.institution, date=session.date)

    counts = {s.pk: attrgetter("booked", "waitlisted", "remaining")(s) for s in sessions_public()}

    assert counts == {session.pk: (1, 2, 0), empty.pk: (0, 0, 8)}


def test_waitlist_position_follows_booking_time_then_number(
    session: ParentChildSession, guardian: User, make_child: MakeChild
) -> None:
    moment = timezone.now()
    waitlisted = SessionBookingStatus.WAITLISTED
    late = SessionBookingFactory.create(
        session=session, child=make_child(guardian, name="甲"), status=waitlisted, created_at=moment
    )
    early = SessionBookingFactory.create(
        session=session,
        child=make_child(guardian, name="乙"),
        status=waitlisted,
        created_at=moment - datetime.timedelta(minutes=1),
    )
    same_time_higher_pk = SessionBookingFactory.create(
        session=session, child=make_child(guardian, name="丙"), status=waitlisted, created_at=moment
    )
    booked = SessionBookingFactory.create(session=session, child=make_child(guardian, name="丁"))

    positions = [waitlist_position(b) for b in (early, late, same_time_higher_pk, booked)]
    annotated = {
        b.pk: attrgetter("waitlist_place")(b) for b in with_waitlist_position(session.bookings.all())
    }

    assert positions == [1, 2, 3, None]
    assert annotated == {early.pk: 1, late.pk: 2, same_time_higher_pk.pk: 3, booked.pk: None}


def test_a_guardian_sees_only_their_own_childrens_bookings(
    slot: TemporaryCareSlot,
    session: ParentChildSession,
    guardian: User,
    other_guardian: User,
    child: Child,
    other_child: Child,
) -> None:
    mine = TemporaryCareBookingFactory.create(slot=slot, child=child)
    TemporaryCareBookingFactory.create(slot=slot, child=other_child)
    my_session = SessionBookingFactory.create(session=session, child=child)
    SessionBookingFactory.create(session=session, child=other_child)

    assert list(temporary_care_bookings_visible_to(guardian)) == [mine]
    assert list(session_bookings_visible_to(guardian)) == [my_session]


@pytest.mark.parametrize(("persona", "sees"), [("director_x", 2), ("caregiver_x", 2), ("director_y", 0)])
def test_staff_see_the_bookings_at_their_own_institution(
    request: pytest.FixtureRequest,
    slot: TemporaryCareSlot,
    session: ParentChildSession,
    child: Child,
    other_child: Child,
    persona: str,
    sees: int,
) -> None:
    for booked in (child, other_child):
        TemporaryCareBookingFactory.create(slot=slot, child=booked)
        SessionBookingFactory.create(session=session, child=booked)
    actor = request.getfixturevalue(persona)

    assert temporary_care_bookings_visible_to(actor).count() == sees
    assert session_bookings_visible_to(actor).count() == sees


def test_a_regulator_and_anonymous_see_no_booking(
    slot: TemporaryCareSlot, child: Child, regulator_a: User
) -> None:
    TemporaryCareBookingFactory.create(slot=slot, child=child)

    assert not temporary_care_bookings_visible_to(regulator_a).exists()
    assert not temporary_care_bookings_visible_to(None).exists()
