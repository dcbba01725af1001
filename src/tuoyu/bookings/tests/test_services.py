"""The booking rules, against the database: every refusal code, the cut-off, ages, the waitlist."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tuoyu.accounts.models import User
from tuoyu.bookings.factories import SessionBookingFactory, TemporaryCareBookingFactory
from tuoyu.bookings.models import (
    ParentChildSession,
    Period,
    SessionBooking,
    SessionBookingStatus,
    TemporaryCareBooking,
    TemporaryCareSlot,
    TemporaryCareStatus,
)
from tuoyu.bookings.selectors import waitlist_position
from tuoyu.bookings.services import (
    default_booking_cutoff,
    session_book,
    session_cancel,
    session_publish,
    slot_book,
    slot_cancel,
    slot_publish,
)
from tuoyu.bookings.tests.conftest import (
    PARENT_CHILD_PRICE,
    TEMPORARY_PRICE,
    MakeChild,
    born_months_before,
    day,
)
from tuoyu.enrolment.models import Child
from tuoyu.notifications.models import Notification
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import Institution, OperatingStatus, ServiceOffering

pytestmark = pytest.mark.django_db


def assert_refusal(raised: pytest.ExceptionInfo[Refusal], code: str, *, conflict: bool = False) -> None:
    assert raised.value.code == code, raised.value.text
    assert raised.value.conflict is conflict


# Publishing slots -----------------------------------------------------------------------------------------


class TestSlotPublish:
    def test_a_director_publishes_a_slot_at_the_catalogue_price_with_the_default_cutoff(
        self, director_x: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        slot = slot_publish(
            actor=director_x, institution=institution_x, date=day(), period=Period.MORNING, capacity=6
        )

        assert slot.price_yuan == TEMPORARY_PRICE
        cutoff = timezone.localtime(slot.booking_cutoff, timezone.get_default_timezone())
        assert (cutoff.date(), cutoff.time()) == (day() - datetime.timedelta(days=1), datetime.time(18, 0))
        assert slot.booking_cutoff == default_booking_cutoff(day())

    def test_a_cutoff_can_be_chosen(
        self, director_x: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        cutoff = timezone.make_aware(datetime.datetime.combine(day(), datetime.time(7, 0)))

        slot = slot_publish(
            actor=director_x,
            institution=institution_x,
            date=day(),
            period=Period.AFTERNOON,
            capacity=3,
            booking_cutoff=cutoff,
        )

        assert slot.booking_cutoff == cutoff

    def test_director_of_another_institution_is_refused(
        self, director_y: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        with pytest.raises(NotPermitted):
            slot_publish(
                actor=director_y, institution=institution_x, date=day(), period=Period.MORNING, capacity=6
            )

        assert not TemporaryCareSlot.objects.exists()

    def test_a_guardian_is_refused(
        self, guardian: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        with pytest.raises(NotPermitted):
            slot_publish(
                actor=guardian, institution=institution_x, date=day(), period=Period.MORNING, capacity=6
            )

    def test_an_institution_without_temporary_care_in_its_catalogue_cannot_publish(
        self, director_x: User, institution_x: Institution
    ) -> None:
        with pytest.raises(Refusal) as raised:
            slot_publish(
                actor=director_x, institution=institution_x, date=day(), period=Period.MORNING, capacity=6
            )

        assert_refusal(raised, "service_not_offered")
        assert "Temporary care" in raised.value.text
        assert not TemporaryCareSlot.objects.exists()

    def test_a_day_in_the_past_is_refused(
        self, director_x: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        yesterday = timezone.localdate() - datetime.timedelta(days=1)

        with pytest.raises(Refusal) as raised:
            slot_publish(
                actor=director_x,
                institution=institution_x,
                date=yesterday,
                period=Period.MORNING,
                capacity=6,
            )

        assert_refusal(raised, "date_in_past")

    def test_a_second_slot_for_the_same_day_and_period_is_refused(
        self, director_x: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        slot_publish(
            actor=director_x, institution=institution_x, date=day(), period=Period.MORNING, capacity=6
        )

        with pytest.raises(Refusal) as raised:
            slot_publish(
                actor=director_x, institution=institution_x, date=day(), period=Period.MORNING, capacity=9
            )

        assert_refusal(raised, "slot_exists", conflict=True)
        assert TemporaryCareSlot.objects.get().capacity == 6

    def test_a_cutoff_already_passed_is_refused(
        self, director_x: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        late_evening = timezone.make_aware(
            datetime.datetime.combine(timezone.localdate(), datetime.time(20, 0))
        )

        with pytest.raises(Refusal) as raised:
            slot_publish(
                actor=director_x,
                institution=institution_x,
                date=tomorrow,
                period=Period.MORNING,
                capacity=6,
                now=late_evening,
            )

        assert_refusal(raised, "cutoff_in_past")

    def test_a_cutoff_after_the_day_is_refused(
        self, director_x: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        cutoff = timezone.make_aware(
            datetime.datetime.combine(day() + datetime.timedelta(days=1), datetime.time(9))
        )

        with pytest.raises(Refusal) as raised:
            slot_publish(
                actor=director_x,
                institution=institution_x,
                date=day(),
                period=Period.MORNING,
                capacity=6,
                booking_cutoff=cutoff,
            )

        assert_refusal(raised, "cutoff_too_late")


# Booking slots ---------------------------------------------------------------------------------------------


class TestSlotBook:
    def test_a_guardian_books_a_place_and_every_guardian_of_the_child_is_told(
        self,
        guardian: User,
        other_guardian: User,
        slot: TemporaryCareSlot,
        child: Child,
        before_cutoff: datetime.datetime,
    ) -> None:
        child.guardianships.create(user=other_guardian, relation="father")

        booking = slot_book(actor=guardian, slot=slot, child=child, now=before_cutoff)

        assert (booking.status, booking.booked_by, booking.booked_at) == (
            TemporaryCareStatus.BOOKED,
            guardian,
            before_cutoff,
        )
        told = Notification.objects.filter(kind="booking_confirmed")
        assert {n.user for n in told} == {guardian, other_guardian}
        assert all(n.sent_by_sms and n.link == "/bookings/" for n in told)
        assert child.name in told[0].title

    def test_someone_not_guardian_of_the_child_is_refused(
        self, other_guardian: User, slot: TemporaryCareSlot, child: Child
    ) -> None:
        with pytest.raises(Refusal) as raised:
            slot_book(actor=other_guardian, slot=slot, child=child)

        assert_refusal(raised, "not_guardian")
        assert not TemporaryCareBooking.objects.exists()

    @pytest.mark.parametrize("after", [datetime.timedelta(0), datetime.timedelta(minutes=1)])
    def test_booking_closes_at_the_cutoff(
        self, guardian: User, slot: TemporaryCareSlot, child: Child, after: datetime.timedelta
    ) -> None:
        with pytest.raises(Refusal) as raised:
            slot_book(actor=guardian, slot=slot, child=child, now=slot.booking_cutoff + after)

        assert_refusal(raised, "booking_closed", conflict=True)
        cutoff = timezone.localtime(slot.booking_cutoff, timezone.get_default_timezone())
        assert cutoff.strftime("%Y-%m-%d 18:00") in raised.value.text
        assert not TemporaryCareBooking.objects.exists()
        assert not Notification.objects.exists()

    def test_booking_a_minute_before_the_cutoff_is_accepted(
        self, guardian: User, slot: TemporaryCareSlot, child: Child
    ) -> None:
        booking = slot_book(
            actor=guardian, slot=slot, child=child, now=slot.booking_cutoff - datetime.timedelta(minutes=1)
        )

        assert booking.status == TemporaryCareStatus.BOOKED

    @pytest.mark.parametrize(
        ("months", "accepted"), [(5, False), (6, True), (35, True), (36, False), (40, False)]
    )
    def test_only_children_from_6_to_36_months_on_the_slot_day_are_served(
        self,
        guardian: User,
        slot: TemporaryCareSlot,
        make_child: MakeChild,
        months: int,
        accepted: bool,
        before_cutoff: datetime.datetime,
    ) -> None:
        child = make_child(guardian, name="小禾", birth_date=born_months_before(slot.date, months))

        if accepted:
            slot_book(actor=guardian, slot=slot, child=child, now=before_cutoff)
            assert TemporaryCareBooking.objects.filter(child=child).exists()
        else:
            with pytest.raises(Refusal) as raised:
                slot_book(actor=guardian, slot=slot, child=child, now=before_cutoff)
            assert_refusal(raised, "age_not_served")
            assert f"{months} months" in raised.value.text

    def test_the_same_child_cannot_be_booked_twice(
        self, guardian: User, slot: TemporaryCareSlot, child: Child, before_cutoff: datetime.datetime
    ) -> None:
        slot_book(actor=guardian, slot=slot, child=child, now=before_cutoff)

        with pytest.raises(Refusal) as raised:
            slot_book(actor=guardian, slot=slot, child=child, now=before_cutoff)

        assert_refusal(raised, "already_booked", conflict=True)
        assert TemporaryCareBooking.objects.count() == 1

    def test_a_full_slot_is_refused_and_nothing_is_written(
        self,
        guardian: User,
        slot: TemporaryCareSlot,
        child: Child,
        make_child: MakeChild,
        before_cutoff: datetime.datetime,
    ) -> None:
        for name in ("甲", "乙"):
            TemporaryCareBookingFactory.create(slot=slot, child=make_child(guardian, name=name))

        with pytest.raises(Refusal) as raised:
            slot_book(actor=guardian, slot=slot, child=child, now=before_cutoff)

        assert_refusal(raised, "slot_full", conflict=True)
        assert "2" in raised.value.text
        assert not TemporaryCareBooking.objects.filter(child=child).exists()
        assert not Notification.objects.exists()

    def test_a_cancelled_booking_frees_its_place_and_the_child_may_book_again(
        self, guardian: User, slot: TemporaryCareSlot, child: Child, before_cutoff: datetime.datetime
    ) -> None:
        first = slot_book(actor=guardian, slot=slot, child=child, now=before_cutoff)
        slot_cancel(actor=guardian, booking=first, now=before_cutoff)

        again = slot_book(actor=guardian, slot=slot, child=child, now=before_cutoff)

        assert again.pk != first.pk
        assert list(slot.bookings.values_list("status", flat=True).order_by("pk")) == ["cancelled", "booked"]

    def test_an_institution_that_stopped_operating_takes_no_bookings(
        self, guardian: User, slot: TemporaryCareSlot, child: Child, before_cutoff: datetime.datetime
    ) -> None:
        Institution.objects.filter(pk=slot.institution_id).update(operating_status=OperatingStatus.SUSPENDED)

        with pytest.raises(Refusal) as raised:
            slot_book(actor=guardian, slot=slot, child=child, now=before_cutoff)

        assert_refusal(raised, "institution_not_open", conflict=True)


class TestSlotCancel:
    def test_the_guardian_cancels_before_the_cutoff(
        self, guardian: User, slot: TemporaryCareSlot, child: Child, before_cutoff: datetime.datetime
    ) -> None:
        booking = slot_book(actor=guardian, slot=slot, child=child, now=before_cutoff)

        slot_cancel(actor=guardian, booking=booking, now=before_cutoff)

        booking.refresh_from_db()
        assert (booking.status, booking.cancelled_at) == (TemporaryCareStatus.CANCELLED, before_cutoff)

    def test_cancelling_closes_at_the_cutoff(
        self, guardian: User, slot: TemporaryCareSlot, child: Child, before_cutoff: datetime.datetime
    ) -> None:
        booking = slot_book(actor=guardian, slot=slot, child=child, now=before_cutoff)

        with pytest.raises(Refusal) as raised:
            slot_cancel(actor=guardian, booking=booking, now=slot.booking_cutoff)

        assert_refusal(raised, "cancel_closed", conflict=True)
        booking.refresh_from_db()
        assert booking.status == TemporaryCareStatus.BOOKED

    def test_a_cancelled_booking_cannot_be_cancelled_again(
        self, guardian: User, slot: TemporaryCareSlot, child: Child, before_cutoff: datetime.datetime
    ) -> None:
        booking = slot_book(actor=guardian, slot=slot, child=child, now=before_cutoff)
        slot_cancel(actor=guardian, booking=booking, now=before_cutoff)

        with pytest.raises(Refusal) as raised:
            slot_cancel(actor=guardian, booking=booking, now=before_cutoff)

        assert_refusal(raised, "booking_not_active", conflict=True)

    def test_another_guardian_cannot_cancel(
        self, guardian: User, other_guardian: User, slot: TemporaryCareSlot, child: Child
    ) -> None:
        booking = slot_book(actor=guardian, slot=slot, child=child)

        with pytest.raises(Refusal) as raised:
            slot_cancel(actor=other_guardian, booking=booking)

        assert_refusal(raised, "not_guardian")
        booking.refresh_from_db()
        assert booking.status == TemporaryCareStatus.BOOKED


# Parent-child sessions ---------------------------------------------------------------------------------


def publish_session(director: User, institution: Institution, **changes: object) -> ParentChildSession:
    fields: dict[str, object] = {
        "title": "亲子音乐",
        "date": day(),
        "starts_at": datetime.time(9, 30),
        "ends_at": datetime.time(10, 30),
        "min_age_months": 12,
        "max_age_months": 24,
        "capacity": 6,
    }
    fields.update(changes)
    return session_publish(actor=director, institution=institution, **fields)  # type: ignore[arg-type]


class TestSessionPublish:
    def test_the_price_comes_from_the_catalogue_unless_given(
        self, director_x: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        from_catalogue = publish_session(director_x, institution_x)
        given = publish_session(director_x, institution_x, price_yuan=Decimal("0.00"))

        assert from_catalogue.price_yuan == PARENT_CHILD_PRICE
        assert given.price_yuan == Decimal("0.00")
        assert from_catalogue.booking_cutoff == default_booking_cutoff(day())

    def test_director_of_another_institution_is_refused(
        self, director_y: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        with pytest.raises(NotPermitted):
            publish_session(director_y, institution_x)

        assert not ParentChildSession.objects.exists()

    def test_an_institution_without_parent_child_sessions_in_its_catalogue_cannot_publish(
        self, director_x: User, institution_x: Institution
    ) -> None:
        ServiceOffering.objects.create(
            institution=institution_x, service_type="temporary", price_yuan=1, price_unit="session"
        )

        with pytest.raises(Refusal) as raised:
            publish_session(director_x, institution_x)

        assert_refusal(raised, "service_not_offered")

    def test_a_day_in_the_past_is_refused(
        self, director_x: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        with pytest.raises(Refusal) as raised:
            publish_session(director_x, institution_x, date=timezone.localdate() - datetime.timedelta(days=1))

        assert_refusal(raised, "date_in_past")

    def test_the_session_must_end_after_it_starts(
        self, director_x: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        with pytest.raises(Refusal) as raised:
            publish_session(director_x, institution_x, ends_at=datetime.time(9, 30))

        assert_refusal(raised, "ends_before_start")

    @pytest.mark.parametrize(("low", "high"), [(24, 24), (30, 12), (12, 37)])
    def test_the_age_range_must_rise_and_stay_under_3(
        self,
        director_x: User,
        institution_x: Institution,
        catalogue_x: list[ServiceOffering],
        low: int,
        high: int,
    ) -> None:
        with pytest.raises(Refusal) as raised:
            publish_session(director_x, institution_x, min_age_months=low, max_age_months=high)

        assert_refusal(raised, "age_range_invalid")

    def test_bookings_must_close_before_the_session_starts(
        self, director_x: User, institution_x: Institution, catalogue_x: list[ServiceOffering]
    ) -> None:
        cutoff = timezone.make_aware(datetime.datetime.combine(day(), datetime.time(9, 31)))

        with pytest.raises(Refusal) as raised:
            publish_session(director_x, institution_x, booking_cutoff=cutoff)

        assert_refusal(raised, "cutoff_too_late")


class TestSessionBook:
    def test_a_child_of_the_right_age_is_booked_and_the_guardian_told(
        self, guardian: User, session: ParentChildSession, child: Child, before_cutoff: datetime.datetime
    ) -> None:
        booking = session_book(
            actor=guardian, session=session, child=child, adult_name=" 赵女士 ", now=before_cutoff
        )

        assert (booking.status, booking.adult_name) == (SessionBookingStatus.BOOKED, "赵女士")
        notification = Notification.objects.get(user=guardian)
        assert notification.kind == "booking_confirmed"
        assert session.title in notification.title

    def test_a_full_session_puts_the_child_on_the_waitlist_with_its_position(
        self,
        guardian: User,
        other_guardian: User,
        session: ParentChildSession,
        child: Child,
        other_child: Child,
        make_child: MakeChild,
        before_cutoff: datetime.datetime,
    ) -> None:
        other_guardian.preferred_language = "en"  # notifications are written in the recipient's language
        other_guardian.save(update_fields=["preferred_language"])
        session_book(actor=guardian, session=session, child=child, adult_name="赵女士", now=before_cutoff)
        third_child = make_child(other_guardian, name="钱小多")
        with translation.override("zh-hans"):  # whatever the language of the request
            second = session_book(
                actor=other_guardian,
                session=session,
                child=other_child,
                adult_name="钱先生",
                now=before_cutoff,
            )
            third = session_book(
                actor=other_guardian,
                session=session,
                child=third_child,
                adult_name="钱先生",
                now=before_cutoff + datetime.timedelta(seconds=1),
            )

        assert (second.status, third.status) == (SessionBookingStatus.WAITLISTED,) * 2
        assert (waitlist_position(second), waitlist_position(third)) == (1, 2)
        told = Notification.objects.filter(user=other_guardian, kind="booking_waitlisted").order_by("pk")
        assert [n.title for n in told] == [
            "“亲子绘本时光” is full: 钱小满 is number 1 on the waitlist",
            "“亲子绘本时光” is full: 钱小多 is number 2 on the waitlist",
        ]

    def test_someone_not_guardian_of_the_child_is_refused(
        self, other_guardian: User, session: ParentChildSession, child: Child
    ) -> None:
        with pytest.raises(Refusal) as raised:
            session_book(actor=other_guardian, session=session, child=child, adult_name="钱先生")

        assert_refusal(raised, "not_guardian")

    def test_booking_closes_at_the_cutoff(
        self, guardian: User, session: ParentChildSession, child: Child
    ) -> None:
        with pytest.raises(Refusal) as raised:
            session_book(
                actor=guardian,
                session=session,
                child=child,
                adult_name="赵女士",
                now=session.booking_cutoff,
            )

        assert_refusal(raised, "booking_closed", conflict=True)
        assert not SessionBooking.objects.exists()

    @pytest.mark.parametrize(("months", "accepted"), [(11, False), (12, True), (23, True), (24, False)])
    def test_the_age_must_be_within_the_session_range_on_its_day(
        self,
        guardian: User,
        session: ParentChildSession,
        make_child: MakeChild,
        months: int,
        accepted: bool,
        before_cutoff: datetime.datetime,
    ) -> None:
        child = make_child(guardian, name="小禾", birth_date=born_months_before(session.date, months))

        if accepted:
            session_book(actor=guardian, session=session, child=child, adult_name="赵女士", now=before_cutoff)
            assert SessionBooking.objects.filter(child=child).exists()
        else:
            with pytest.raises(Refusal) as raised:
                session_book(
                    actor=guardian, session=session, child=child, adult_name="赵女士", now=before_cutoff
                )
            assert_refusal(raised, "age_outside_session")
            assert "from 12 to under 24 months" in raised.value.text

    def test_the_same_child_cannot_be_booked_twice_even_from_the_waitlist(
        self,
        guardian: User,
        other_guardian: User,
        session: ParentChildSession,
        child: Child,
        other_child: Child,
        before_cutoff: datetime.datetime,
    ) -> None:
        session_book(actor=guardian, session=session, child=child, adult_name="赵女士", now=before_cutoff)
        session_book(
            actor=other_guardian,
            session=session,
            child=other_child,
            adult_name="钱先生",
            now=before_cutoff,
        )

        for booked_child, user in ((child, guardian), (other_child, other_guardian)):
            with pytest.raises(Refusal) as raised:
                session_book(
                    actor=user, session=session, child=booked_child, adult_name="某人", now=before_cutoff
                )
            assert_refusal(raised, "already_booked", conflict=True)
        assert SessionBooking.objects.count() == 2

    def test_the_accompanying_adult_must_be_named(
        self, guardian: User, session: ParentChildSession, child: Child, before_cutoff: datetime.datetime
    ) -> None:
        with pytest.raises(Refusal) as raised:
            session_book(actor=guardian, session=session, child=child, adult_name="  ", now=before_cutoff)

        assert_refusal(raised, "adult_name_required")


class TestSessionCancel:
    def test_cancelling_a_booked_place_promotes_the_earliest_waitlisted_child_and_tells_its_guardians(
        self,
        guardian: User,
        other_guardian: User,
        session: ParentChildSession,
        child: Child,
        other_child: Child,
        make_child: MakeChild,
        before_cutoff: datetime.datetime,
    ) -> None:
        booked = session_book(
            actor=guardian, session=session, child=child, adult_name="赵女士", now=before_cutoff
        )
        later_child = make_child(other_guardian, name="钱小多")
        # Booked later but with an earlier pk would not matter: the order is the booking time.
        later = SessionBookingFactory.create(
            session=session,
            child=later_child,
            booked_by=other_guardian,
            status=SessionBookingStatus.WAITLISTED,
            created_at=before_cutoff + datetime.timedelta(minutes=5),
        )
        earliest = SessionBookingFactory.create(
            session=session,
            child=other_child,
            booked_by=other_guardian,
            status=SessionBookingStatus.WAITLISTED,
            created_at=before_cutoff + datetime.timedelta(minutes=1),
        )
        Notification.objects.all().delete()

        session_cancel(actor=guardian, booking=booked, now=before_cutoff + datetime.timedelta(hours=1))

        statuses = dict(SessionBooking.objects.values_list("pk", "status"))
        assert statuses == {
            booked.pk: SessionBookingStatus.CANCELLED,
            earliest.pk: SessionBookingStatus.BOOKED,
            later.pk: SessionBookingStatus.WAITLISTED,
        }
        later.refresh_from_db()
        assert waitlist_position(later) == 1
        freed = Notification.objects.get()
        assert (freed.user, freed.kind, freed.sent_by_sms) == (other_guardian, "session_place_freed", True)
        assert other_child.name in freed.title

    def test_leaving_the_waitlist_promotes_nobody(
        self,
        guardian: User,
        other_guardian: User,
        session: ParentChildSession,
        child: Child,
        other_child: Child,
        before_cutoff: datetime.datetime,
    ) -> None:
        booked = session_book(
            actor=guardian, session=session, child=child, adult_name="赵女士", now=before_cutoff
        )
        waiting = session_book(
            actor=other_guardian,
            session=session,
            child=other_child,
            adult_name="钱先生",
            now=before_cutoff,
        )

        session_cancel(actor=other_guardian, booking=waiting, now=before_cutoff)

        booked.refresh_from_db()
        waiting.refresh_from_db()
        assert (booked.status, waiting.status) == (
            SessionBookingStatus.BOOKED,
            SessionBookingStatus.CANCELLED,
        )
        assert not Notification.objects.filter(kind="session_place_freed").exists()

    def test_a_booked_place_cannot_be_given_up_after_the_cutoff_but_the_waitlist_can_be_left(
        self,
        guardian: User,
        other_guardian: User,
        session: ParentChildSession,
        child: Child,
        other_child: Child,
        before_cutoff: datetime.datetime,
    ) -> None:
        booked = session_book(
            actor=guardian, session=session, child=child, adult_name="赵女士", now=before_cutoff
        )
        waiting = session_book(
            actor=other_guardian,
            session=session,
            child=other_child,
            adult_name="钱先生",
            now=before_cutoff,
        )

        with pytest.raises(Refusal) as raised:
            session_cancel(actor=guardian, booking=booked, now=session.booking_cutoff)
        session_cancel(actor=other_guardian, booking=waiting, now=session.booking_cutoff)

        assert_refusal(raised, "cancel_closed", conflict=True)
        booked.refresh_from_db()
        waiting.refresh_from_db()
        assert (booked.status, waiting.status) == (
            SessionBookingStatus.BOOKED,
            SessionBookingStatus.CANCELLED,
        )

    def test_a_cancelled_booking_cannot_be_cancelled_again(
        self, guardian: User, session: ParentChildSession, child: Child, before_cutoff: datetime.datetime
    ) -> None:
        booking = session_book(
            actor=guardian, session=session, child=child, adult_name="赵女士", now=before_cutoff
        )
        session_cancel(actor=guardian, booking=booking, now=before_cutoff)

        with pytest.raises(Refusal) as raised:
            session_cancel(actor=guardian, booking=booking, now=before_cutoff)

        assert_refusal(raised, "booking_not_active", conflict=True)

    def test_another_guardian_cannot_cancel(
        self, guardian: User, other_guardian: User, session: ParentChildSession, child: Child
    ) -> None:
        booking = session_book(actor=guardian, session=session, child=child, adult_name="赵女士")

        with pytest.raises(Refusal) as raised:
            session_cancel(actor=other_guardian, booking=booking)

        assert_refusal(raised, "not_guardian")
