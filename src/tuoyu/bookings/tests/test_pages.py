"""The booking pages: what a guardian and a director see and do, refusals shown and nothing saved."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.bookings.factories import (
    SessionBookingFactory,
    TemporaryCareBookingFactory,
    TemporaryCareSlotFactory,
)
from tuoyu.bookings.models import (
    ParentChildSession,
    SessionBookingStatus,
    TemporaryCareBooking,
    TemporaryCareSlot,
    TemporaryCareStatus,
)
from tuoyu.bookings.tests.conftest import MakeChild, day
from tuoyu.enrolment.models import Child
from tuoyu.registry.models import Institution, ServiceOffering

pytestmark = pytest.mark.django_db

ClientAs = Callable[[str], Client]


# Guardians ------------------------------------------------------------------------------------------------


def test_a_guardian_without_children_is_told_how_to_start(
    client_as: ClientAs, slot: TemporaryCareSlot, session: ParentChildSession
) -> None:
    html = client_as("guardian").get("/bookings/").content.decode()

    assert "You have no upcoming bookings." in html
    assert "first add your child to your family" in html
    assert "星星托育园" in html and "亲子绘本时光" in html
    assert "Book this place" not in html  # nobody to book for


def test_a_guardian_sees_slots_and_sessions_with_places_left_and_book_forms(
    client_as: ClientAs, slot: TemporaryCareSlot, session: ParentChildSession, child: Child
) -> None:
    html = client_as("guardian").get("/bookings/").content.decode()

    assert "2 places left" in html
    assert "1 place left" in html
    assert f'action="/bookings/temporary-care/{slot.code}/book/"' in html
    assert f'action="/bookings/parent-child/{session.code}/book/"' in html
    assert f'<option value="{child.code}">赵小宝</option>' in html
    assert 'name="adult_name"' in html
    assert "For children from 12 to under 24 months old" in html


def test_empty_lists_speak_plainly(client_as: ClientAs, child: Child) -> None:
    html = client_as("guardian").get("/bookings/").content.decode()

    assert "No temporary care is open for booking right now." in html
    assert "No parent-child session is open for booking right now." in html


def test_the_institution_filter_narrows_the_lists(
    client_as: ClientAs, slot: TemporaryCareSlot, institution_y: Institution, child: Child
) -> None:
    TemporaryCareSlotFactory.create(institution=institution_y)

    html = client_as("guardian").get(f"/bookings/?institution={institution_y.code}").content.decode()

    assert f'data-slot="{slot.code}"' not in html
    assert "月亮托育园</h3>" in html


def test_booking_from_the_page_confirms_and_lists_the_booking(
    client_as: ClientAs, slot: TemporaryCareSlot, child: Child
) -> None:
    response = client_as("guardian").post(
        f"/bookings/temporary-care/{slot.code}/book/", {"child": str(child.code)}, follow=True
    )

    html = response.content.decode()
    booking = TemporaryCareBooking.objects.get()
    assert "赵小宝 is booked for temporary care at 星星托育园" in html
    assert f'data-booking="{booking.code}"' in html
    assert f'href="/bookings/temporary-care/bookings/{booking.code}/cancel/"' in html


def test_a_refusal_is_shown_and_nothing_is_saved(
    client_as: ClientAs, slot: TemporaryCareSlot, child: Child, other_guardian: User, make_child: MakeChild
) -> None:
    for name in ("甲", "乙"):
        TemporaryCareBookingFactory.create(slot=slot, child=make_child(other_guardian, name=name))

    response = client_as("guardian").post(
        f"/bookings/temporary-care/{slot.code}/book/", {"child": str(child.code)}, follow=True
    )

    assert "This slot is full: all 2 places are taken." in response.content.decode()
    assert not TemporaryCareBooking.objects.filter(child=child).exists()


def test_someone_elses_child_cannot_be_booked_from_the_page(
    client_as: ClientAs, slot: TemporaryCareSlot, child: Child, other_child: Child
) -> None:
    response = client_as("guardian").post(
        f"/bookings/temporary-care/{slot.code}/book/", {"child": str(other_child.code)}, follow=True
    )

    assert "Select a valid choice" in response.content.decode()
    assert not TemporaryCareBooking.objects.exists()


def test_a_full_session_offers_the_waitlist_and_says_the_position(
    client_as: ClientAs, session: ParentChildSession, child: Child, other_child: Child
) -> None:
    SessionBookingFactory.create(session=session, child=other_child)
    client = client_as("guardian")
    assert "Join the waitlist" in client.get("/bookings/").content.decode()

    response = client.post(
        f"/bookings/parent-child/{session.code}/book/",
        {"child": str(child.code), "adult_name": "赵女士"},
        follow=True,
    )

    html = response.content.decode()
    assert "is full: 赵小宝 is number 1 on the waitlist" in html
    assert "Number 1 on the waitlist" in html
    assert "Leave the waitlist" in html


def test_cancelling_asks_for_confirmation_first(
    client_as: ClientAs, slot: TemporaryCareSlot, child: Child
) -> None:
    booking = TemporaryCareBookingFactory.create(slot=slot, child=child)
    client = client_as("guardian")
    url = f"/bookings/temporary-care/bookings/{booking.code}/cancel/"

    confirm = client.get(url).content.decode()
    booking.refresh_from_db()
    assert booking.status == TemporaryCareStatus.BOOKED
    assert "Cancel this booking?" in confirm
    assert "Yes, cancel this booking" in confirm
    assert 'method="post"' in confirm

    done = client.post(url, follow=True).content.decode()

    booking.refresh_from_db()
    assert booking.status == TemporaryCareStatus.CANCELLED
    assert f"The booking of 赵小宝 on {slot.date.isoformat()} is cancelled." in done


def test_cancelling_a_session_booking_from_the_page_promotes_the_waitlist(
    client_as: ClientAs, session: ParentChildSession, child: Child, other_child: Child
) -> None:
    mine = SessionBookingFactory.create(session=session, child=child)
    waiting = SessionBookingFactory.create(
        session=session, child=other_child, status=SessionBookingStatus.WAITLISTED
    )
    url = f"/bookings/parent-child/bookings/{mine.code}/cancel/"
    client = client_as("guardian")

    assert "Yes, cancel this booking" in client.get(url).content.decode()
    client.post(url)

    waiting.refresh_from_db()
    assert waiting.status == SessionBookingStatus.BOOKED


def test_cancelling_after_the_cutoff_is_refused_on_the_page(
    client_as: ClientAs, institution_x: Institution, child: Child
) -> None:
    closed = TemporaryCareSlotFactory.create(
        institution=institution_x, booking_cutoff=timezone.now() - datetime.timedelta(hours=1)
    )
    booking = TemporaryCareBookingFactory.create(slot=closed, child=child)
    client = client_as("guardian")

    url = f"/bookings/temporary-care/bookings/{booking.code}/cancel/"

    listed = client.get("/bookings/").content.decode()
    confirm = client.get(url).content.decode()
    response = client.post(url, follow=True)

    assert "It is too late to cancel here." in listed
    assert "It is too late to cancel here." in confirm
    assert "Yes, cancel this booking" not in confirm
    assert "Cancellations closed at" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == TemporaryCareStatus.BOOKED


@pytest.mark.parametrize("persona", ["other_guardian", "director_y"])
def test_someone_elses_booking_is_404_on_the_pages(
    client_as: ClientAs, slot: TemporaryCareSlot, session: ParentChildSession, child: Child, persona: str
) -> None:
    slot_booking = TemporaryCareBookingFactory.create(slot=slot, child=child)
    session_booking = SessionBookingFactory.create(session=session, child=child)
    client = client_as(persona)

    for url in (
        f"/bookings/temporary-care/bookings/{slot_booking.code}/cancel/",
        f"/bookings/parent-child/bookings/{session_booking.code}/cancel/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    slot_booking.refresh_from_db()
    assert slot_booking.status == TemporaryCareStatus.BOOKED


def test_the_pages_ask_anonymous_to_sign_in(anonymous_client: Client, db: None) -> None:
    for url in ("/bookings/", "/bookings/manage/"):
        response = anonymous_client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# Directors ----------------------------------------------------------------------------------------------


def test_the_director_sees_publish_forms_booked_children_and_the_waitlist(
    client_as: ClientAs,
    slot: TemporaryCareSlot,
    session: ParentChildSession,
    child: Child,
    other_child: Child,
) -> None:
    TemporaryCareBookingFactory.create(slot=slot, child=child)
    SessionBookingFactory.create(session=session, child=child, adult_name="赵女士")
    SessionBookingFactory.create(session=session, child=other_child, status=SessionBookingStatus.WAITLISTED)

    html = client_as("director_x").get("/bookings/manage/").content.decode()

    assert "Publish temporary-care places" in html
    assert "Publish a parent-child session" in html
    assert "1 / 2" in html  # the slot: one of two places booked
    assert "赵小宝" in html and "（赵女士）" in html
    assert "1. 钱小满" in html


def test_the_director_has_empty_states(client_as: ClientAs, institution_x: Institution) -> None:
    html = client_as("director_x").get("/bookings/manage/").content.decode()

    assert "No upcoming temporary-care places." in html
    assert "No upcoming parent-child sessions." in html


def test_the_director_publishes_a_slot_from_the_page(
    client_as: ClientAs, institution_x: Institution, catalogue_x: list[ServiceOffering]
) -> None:
    response = client_as("director_x").post(
        "/bookings/manage/",
        {
            "action": "slot",
            "institution": str(institution_x.code),
            "date": day().isoformat(),
            "period": "afternoon",
            "capacity": "3",
        },
        follow=True,
    )

    assert "are published" in response.content.decode()
    slot = TemporaryCareSlot.objects.get()
    assert (slot.period, slot.capacity, slot.institution) == ("afternoon", 3, institution_x)


def test_the_director_publishes_a_session_from_the_page(
    client_as: ClientAs, institution_x: Institution, catalogue_x: list[ServiceOffering]
) -> None:
    response = client_as("director_x").post(
        "/bookings/manage/",
        {
            "action": "session",
            "institution": str(institution_x.code),
            "title": "亲子早教体验课",
            "date": day().isoformat(),
            "starts_at": "15:00",
            "ends_at": "16:00",
            "min_age_months": "18",
            "max_age_months": "36",
            "capacity": "10",
        },
        follow=True,
    )

    assert "The session of" in response.content.decode()
    assert ParentChildSession.objects.get().title == "亲子早教体验课"


def test_a_refused_publication_is_shown_and_nothing_saved(
    client_as: ClientAs, institution_x: Institution
) -> None:
    response = client_as("director_x").post(
        "/bookings/manage/",
        {
            "action": "slot",
            "institution": str(institution_x.code),
            "date": day().isoformat(),
            "period": "morning",
            "capacity": "3",
        },
    )

    assert response.status_code == 200
    assert "has no “Temporary care” in its fee catalogue" in response.content.decode()
    assert not TemporaryCareSlot.objects.exists()


def test_director_y_cannot_publish_for_institution_x_from_the_page(
    client_as: ClientAs,
    institution_x: Institution,
    institution_y: Institution,
    catalogue_x: list[ServiceOffering],
) -> None:
    response = client_as("director_y").post(
        "/bookings/manage/",
        {
            "action": "slot",
            "institution": str(institution_x.code),
            "date": day().isoformat(),
            "period": "morning",
            "capacity": "3",
        },
    )

    assert "Select a valid choice" in response.content.decode()
    assert not TemporaryCareSlot.objects.exists()


def test_director_y_does_not_see_the_children_booked_at_x(
    client_as: ClientAs, slot: TemporaryCareSlot, child: Child, institution_y: Institution
) -> None:
    TemporaryCareBookingFactory.create(slot=slot, child=child)

    html = client_as("director_y").get("/bookings/manage/").content.decode()

    assert "赵小宝" not in html
    assert f'data-slot="{slot.code}"' not in html


def test_a_caregiver_sees_the_bookings_but_no_publish_form(
    client_as: ClientAs, slot: TemporaryCareSlot, child: Child
) -> None:
    TemporaryCareBookingFactory.create(slot=slot, child=child)

    html = client_as("caregiver_x").get("/bookings/manage/").content.decode()

    assert "赵小宝" in html
    assert "Publish temporary-care places" not in html


@pytest.mark.parametrize("persona", ["guardian", "regulator_a", "doctor"])
def test_the_manage_page_is_404_for_those_who_see_no_children(
    client_as: ClientAs, persona: str, institution_x: Institution
) -> None:
    assert client_as(persona).get("/bookings/manage/").status_code == 404
