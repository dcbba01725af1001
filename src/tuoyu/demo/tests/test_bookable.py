"""The demo's temporary care and parent-child sessions: published where the fee catalogue offers them,
bookable in the coming days, one session full with a waitlist, and the demo parent's own booking."""

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.bookings.models import (
    ParentChildSession,
    SessionBooking,
    SessionBookingStatus,
    TemporaryCareBooking,
    TemporaryCareSlot,
    TemporaryCareStatus,
)
from tuoyu.bookings.selectors import slots_public
from tuoyu.registry.models import Institution, ServiceType

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]


def test_every_institution_offering_temporary_care_publishes_upcoming_slots() -> None:
    offering = Institution.objects.filter(services__service_type=ServiceType.TEMPORARY)
    assert offering.exists()
    for institution in offering:
        slots = TemporaryCareSlot.objects.filter(institution=institution, date__gt=timezone.localdate())
        assert slots.count() >= 8, institution.name
    assert not TemporaryCareSlot.objects.exclude(institution__in=offering).exists()


def test_slots_are_open_for_booking_and_never_oversold() -> None:
    slots = list(slots_public(today=timezone.localdate()))
    assert any(slot.remaining > 0 and slot.booking_cutoff > timezone.now() for slot in slots)  # type: ignore[attr-defined]
    for slot in slots:
        booked = TemporaryCareBooking.objects.filter(slot=slot, status=TemporaryCareStatus.BOOKED).count()
        assert booked <= slot.capacity


def test_a_parent_child_session_is_full_with_families_on_its_waitlist() -> None:
    full = [
        session
        for session in ParentChildSession.objects.all()
        if SessionBooking.objects.filter(session=session, status=SessionBookingStatus.BOOKED).count()
        == session.capacity
    ]
    assert full
    assert SessionBooking.objects.filter(session=full[0], status=SessionBookingStatus.WAITLISTED).count() == 2


def test_the_demo_parent_has_booked_temporary_care_for_the_younger_child() -> None:
    parent = User.objects.get(phone="13800000006")
    booking = TemporaryCareBooking.objects.get(booked_by=parent, status=TemporaryCareStatus.BOOKED)
    assert booking.child.guardianships.filter(user=parent).exists()
    assert booking.child.age_months() < 24
