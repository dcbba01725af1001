import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tuoyu.accounts.factories import UserFactory
from tuoyu.bookings.models import (
    ParentChildSession,
    Period,
    SessionBooking,
    SessionBookingStatus,
    TemporaryCareBooking,
    TemporaryCareSlot,
    TemporaryCareStatus,
)
from tuoyu.bookings.services import default_booking_cutoff
from tuoyu.registry.factories import FiledInstitutionFactory


def _in_a_week(_obj: object) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=7)


class TemporaryCareSlotFactory(factory.django.DjangoModelFactory[TemporaryCareSlot]):
    """A slot a week ahead, written directly (the service ``slot_publish`` checks the fee catalogue)."""

    class Meta:
        model = TemporaryCareSlot

    institution = factory.SubFactory(FiledInstitutionFactory)
    date = factory.LazyAttribute(_in_a_week)
    period = Period.FULL_DAY
    capacity = 5
    booking_cutoff = factory.LazyAttribute(lambda o: default_booking_cutoff(o.date))
    price_yuan = Decimal("120.00")


class TemporaryCareBookingFactory(factory.django.DjangoModelFactory[TemporaryCareBooking]):
    class Meta:
        model = TemporaryCareBooking

    slot = factory.SubFactory(TemporaryCareSlotFactory)
    booked_by = factory.SubFactory(UserFactory)
    status = TemporaryCareStatus.BOOKED


class ParentChildSessionFactory(factory.django.DjangoModelFactory[ParentChildSession]):
    class Meta:
        model = ParentChildSession

    institution = factory.SubFactory(FiledInstitutionFactory)
    title = factory.Sequence(lambda n: f"亲子音乐课{n}")
    date = factory.LazyAttribute(_in_a_week)
    starts_at = datetime.time(9, 30)
    ends_at = datetime.time(10, 30)
    min_age_months = 12
    max_age_months = 36
    capacity = 8
    price_yuan = Decimal("80.00")
    booking_cutoff = factory.LazyAttribute(lambda o: default_booking_cutoff(o.date))


class SessionBookingFactory(factory.django.DjangoModelFactory[SessionBooking]):
    class Meta:
        model = SessionBooking

    session = factory.SubFactory(ParentChildSessionFactory)
    adult_name = "赵女士"
    booked_by = factory.SubFactory(UserFactory)
    status = SessionBookingStatus.BOOKED
