"""The booking API: public lists, publishing, booking, cancelling; refusals as 400/409 with their code;
objects outside the actor's scope as 404."""

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.bookings.factories import (
    ParentChildSessionFactory,
    SessionBookingFactory,
    TemporaryCareBookingFactory,
    TemporaryCareSlotFactory,
)
from tuoyu.bookings.models import (
    ParentChildSession,
    SessionBooking,
    SessionBookingStatus,
    TemporaryCareBooking,
    TemporaryCareSlot,
    TemporaryCareStatus,
)
from tuoyu.bookings.tests.conftest import PARENT_CHILD_PRICE, TEMPORARY_PRICE, MakeChild, day
from tuoyu.enrolment.models import Child
from tuoyu.registry.models import Institution, ServiceOffering

pytestmark = pytest.mark.django_db

ApiAs = Callable[[str], APIClient]

SLOTS = "/api/v1/temporary-care/slots/"
SLOT_BOOKINGS = "/api/v1/temporary-care/bookings/"
SESSIONS = "/api/v1/parent-child/sessions/"
SESSION_BOOKINGS = "/api/v1/parent-child/bookings/"


# Public lists ---------------------------------------------------------------------------------------------


def test_anyone_lists_upcoming_slots_with_places_price_and_cutoff(
    anonymous_api: APIClient, slot: TemporaryCareSlot, guardian: User, make_child: MakeChild
) -> None:
    TemporaryCareBookingFactory.create(slot=slot, child=make_child(guardian, name="甲"))

    response = anonymous_api.get(SLOTS)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["code"] == str(slot.code)
    assert row["institution"] == str(slot.institution.code)
    assert (row["capacity"], row["booked"], row["remaining"]) == (2, 1, 1)
    assert row["price_yuan"] == str(slot.price_yuan)
    assert row["period"] == "full_day"
    assert datetime.datetime.fromisoformat(row["booking_cutoff"]) == slot.booking_cutoff


def test_slots_are_filtered_by_institution_and_dates(
    anonymous_api: APIClient, slot: TemporaryCareSlot, institution_y: Institution
) -> None:
    later = TemporaryCareSlotFactory.create(
        institution=slot.institution, date=day() + datetime.timedelta(days=3)
    )
    elsewhere = TemporaryCareSlotFactory.create(institution=institution_y, date=day())

    def codes(query: str) -> set[str]:
        response = anonymous_api.get(SLOTS + query)
        assert response.status_code == 200, response.content
        return {row["code"] for row in response.json()["results"]}

    assert codes(f"?institution={institution_y.code}") == {str(elsewhere.code)}
    assert codes(f"?date_from={later.date.isoformat()}") == {str(later.code)}
    assert codes(f"?date_to={day().isoformat()}") == {str(slot.code), str(elsewhere.code)}
    assert anonymous_api.get(SLOTS + "?institution=not-a-code").status_code == 400


def test_anyone_lists_sessions_with_booked_and_waitlisted_counts(
    anonymous_api: APIClient, session: ParentChildSession, guardian: User, make_child: MakeChild
) -> None:
    SessionBookingFactory.create(session=session, child=make_child(guardian, name="甲"))
    SessionBookingFactory.create(
        session=session, child=make_child(guardian, name="乙"), status=SessionBookingStatus.WAITLISTED
    )

    response = anonymous_api.get(SESSIONS)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["title"], row["booked"], row["waitlisted"], row["remaining"]) == ("亲子绘本时光", 1, 1, 0)
    assert (row["min_age_months"], row["max_age_months"]) == (12, 24)


# Publishing -------------------------------------------------------------------------------------------------


def slot_payload(institution: Institution, **changes: object) -> dict[str, object]:
    return {
        "institution": str(institution.code),
        "date": day().isoformat(),
        "period": "morning",
        "capacity": 4,
    } | (changes)


def session_payload(institution: Institution, **changes: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "institution": str(institution.code),
        "title": "亲子律动",
        "date": day().isoformat(),
        "starts_at": "09:30",
        "ends_at": "10:30",
        "min_age_months": 12,
        "max_age_months": 24,
        "capacity": 6,
    }
    return payload | changes


def test_a_director_publishes_a_slot_and_gets_it_back_with_its_counts(
    api_as: ApiAs, institution_x: Institution, catalogue_x: list[ServiceOffering]
) -> None:
    response = api_as("director_x").post(SLOTS, slot_payload(institution_x), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["booked"], body["remaining"], body["price_yuan"]) == (0, 4, str(TEMPORARY_PRICE))
    assert TemporaryCareSlot.objects.get().code.hex == body["code"].replace("-", "")


def test_a_second_slot_for_the_same_period_is_409_slot_exists(
    api_as: ApiAs, institution_x: Institution, catalogue_x: list[ServiceOffering]
) -> None:
    client = api_as("director_x")
    client.post(SLOTS, slot_payload(institution_x), format="json")

    response = client.post(SLOTS, slot_payload(institution_x), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "slot_exists"


def test_publishing_without_the_service_in_the_catalogue_is_400_service_not_offered(
    api_as: ApiAs, institution_x: Institution
) -> None:
    response = api_as("director_x").post(SLOTS, slot_payload(institution_x), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "service_not_offered"
    assert "fee catalogue" in response.json()["detail"]


def test_a_day_in_the_past_is_400_date_in_past(
    api_as: ApiAs, institution_x: Institution, catalogue_x: list[ServiceOffering]
) -> None:
    past = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()

    response = api_as("director_x").post(SLOTS, slot_payload(institution_x, date=past), format="json")

    assert (response.status_code, response.json()["code"]) == (400, "date_in_past")


@pytest.mark.parametrize("persona", ["director_y", "guardian", "caregiver_x", "regulator_a"])
def test_nobody_but_the_director_can_publish_for_institution_x(
    api_as: ApiAs, institution_x: Institution, catalogue_x: list[ServiceOffering], persona: str
) -> None:
    client = api_as(persona)

    slot_response = client.post(SLOTS, slot_payload(institution_x), format="json")
    session_response = client.post(SESSIONS, session_payload(institution_x), format="json")

    assert (slot_response.status_code, session_response.status_code) == (404, 404)
    assert not TemporaryCareSlot.objects.exists()
    assert not ParentChildSession.objects.exists()


def test_anonymous_cannot_publish(anonymous_api: APIClient, institution_x: Institution) -> None:
    assert anonymous_api.post(SLOTS, slot_payload(institution_x), format="json").status_code in (401, 403)


def test_a_director_publishes_a_session_at_the_catalogue_price(
    api_as: ApiAs, institution_x: Institution, catalogue_x: list[ServiceOffering]
) -> None:
    response = api_as("director_x").post(SESSIONS, session_payload(institution_x), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["price_yuan"] == str(PARENT_CHILD_PRICE)
    assert response.json()["waitlisted"] == 0


def test_a_session_ending_before_it_starts_is_400(
    api_as: ApiAs, institution_x: Institution, catalogue_x: list[ServiceOffering]
) -> None:
    response = api_as("director_x").post(
        SESSIONS, session_payload(institution_x, ends_at="09:00"), format="json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "ends_before_start")


# Booking temporary care ---------------------------------------------------------------------------------


def test_a_guardian_books_lists_and_cancels_a_place(
    api_as: ApiAs, slot: TemporaryCareSlot, child: Child
) -> None:
    client = api_as("guardian")

    created = client.post(SLOT_BOOKINGS, {"slot": str(slot.code), "child": str(child.code)}, format="json")
    listed = client.get(SLOT_BOOKINGS)
    code = created.json()["code"]
    cancelled = client.post(f"{SLOT_BOOKINGS}{code}/cancel/")

    assert created.status_code == 201, created.content
    assert (created.json()["status"], created.json()["child_name"]) == ("booked", child.name)
    assert [row["code"] for row in listed.json()["results"]] == [code]
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert TemporaryCareBooking.objects.get().status == TemporaryCareStatus.CANCELLED


def test_a_full_slot_is_409_slot_full(
    api_as: ApiAs, slot: TemporaryCareSlot, child: Child, other_guardian: User, make_child: MakeChild
) -> None:
    for name in ("甲", "乙"):
        TemporaryCareBookingFactory.create(slot=slot, child=make_child(other_guardian, name=name))

    response = api_as("guardian").post(
        SLOT_BOOKINGS, {"slot": str(slot.code), "child": str(child.code)}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "slot_full"
    assert response.json()["detail"] == "This slot is full: all 2 places are taken."


def test_booking_twice_is_409_already_booked(api_as: ApiAs, slot: TemporaryCareSlot, child: Child) -> None:
    client = api_as("guardian")
    client.post(SLOT_BOOKINGS, {"slot": str(slot.code), "child": str(child.code)}, format="json")

    response = client.post(SLOT_BOOKINGS, {"slot": str(slot.code), "child": str(child.code)}, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "already_booked")


def test_a_child_too_young_is_400_age_not_served(
    api_as: ApiAs, slot: TemporaryCareSlot, guardian: User, make_child: MakeChild
) -> None:
    baby = make_child(guardian, name="小芽", birth_date=day() - datetime.timedelta(days=60))

    response = api_as("guardian").post(
        SLOT_BOOKINGS, {"slot": str(slot.code), "child": str(baby.code)}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "age_not_served")


def test_booking_after_the_cutoff_is_409_booking_closed(
    api_as: ApiAs, institution_x: Institution, child: Child
) -> None:
    closed = TemporaryCareSlotFactory.create(
        institution=institution_x, booking_cutoff=timezone.now() - datetime.timedelta(minutes=1)
    )

    response = api_as("guardian").post(
        SLOT_BOOKINGS, {"slot": str(closed.code), "child": str(child.code)}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (409, "booking_closed")


def test_cancelling_after_the_cutoff_is_409_cancel_closed(
    api_as: ApiAs, institution_x: Institution, child: Child
) -> None:
    closed = TemporaryCareSlotFactory.create(
        institution=institution_x, booking_cutoff=timezone.now() - datetime.timedelta(minutes=1)
    )
    booking = TemporaryCareBookingFactory.create(slot=closed, child=child)

    response = api_as("guardian").post(f"{SLOT_BOOKINGS}{booking.code}/cancel/")

    assert (response.status_code, response.json()["code"]) == (409, "cancel_closed")


def test_someone_elses_child_or_booking_is_404(
    api_as: ApiAs, slot: TemporaryCareSlot, child: Child, other_child: Child
) -> None:
    theirs = TemporaryCareBookingFactory.create(slot=slot, child=other_child)
    client = api_as("guardian")

    book = client.post(SLOT_BOOKINGS, {"slot": str(slot.code), "child": str(other_child.code)}, format="json")
    cancel = client.post(f"{SLOT_BOOKINGS}{theirs.code}/cancel/")
    listed = client.get(SLOT_BOOKINGS)

    assert (book.status_code, cancel.status_code) == (404, 404)
    assert listed.json()["results"] == []
    theirs.refresh_from_db()
    assert theirs.status == TemporaryCareStatus.BOOKED


def test_a_slot_of_an_institution_outside_the_directory_is_404(api_as: ApiAs, child: Child) -> None:
    from tuoyu.registry.factories import InstitutionFactory

    hidden = TemporaryCareSlotFactory.create(institution=InstitutionFactory.create())

    response = api_as("guardian").post(
        SLOT_BOOKINGS, {"slot": str(hidden.code), "child": str(child.code)}, format="json"
    )

    assert response.status_code == 404


@pytest.mark.parametrize(("persona", "rows"), [("director_x", 1), ("caregiver_x", 1), ("director_y", 0)])
def test_staff_list_the_bookings_at_their_institution(
    api_as: ApiAs, slot: TemporaryCareSlot, child: Child, persona: str, rows: int
) -> None:
    TemporaryCareBookingFactory.create(slot=slot, child=child)

    response = api_as(persona).get(SLOT_BOOKINGS)

    assert response.status_code == 200
    assert len(response.json()["results"]) == rows


def test_the_director_cannot_cancel_for_the_family_400_not_guardian(
    api_as: ApiAs, slot: TemporaryCareSlot, child: Child
) -> None:
    booking = TemporaryCareBookingFactory.create(slot=slot, child=child)

    response = api_as("director_x").post(f"{SLOT_BOOKINGS}{booking.code}/cancel/")

    assert (response.status_code, response.json()["code"]) == (400, "not_guardian")


def test_bookings_need_a_signed_in_user(anonymous_api: APIClient) -> None:
    assert anonymous_api.get(SLOT_BOOKINGS).status_code in (401, 403)
    assert anonymous_api.get(SESSION_BOOKINGS).status_code in (401, 403)


# Booking parent-child sessions ------------------------------------------------------------------------------


def test_a_full_session_answers_201_waitlisted_with_the_position(
    api_as: ApiAs, session: ParentChildSession, child: Child, other_child: Child
) -> None:
    SessionBookingFactory.create(session=session, child=other_child)

    response = api_as("guardian").post(
        SESSION_BOOKINGS,
        {"session": str(session.code), "child": str(child.code), "adult_name": "赵女士"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["waitlist_position"]) == ("waitlisted", 1)


def test_a_booked_session_has_no_waitlist_position(
    api_as: ApiAs, session: ParentChildSession, child: Child
) -> None:
    response = api_as("guardian").post(
        SESSION_BOOKINGS,
        {"session": str(session.code), "child": str(child.code), "adult_name": "赵女士"},
        format="json",
    )

    assert (response.json()["status"], response.json()["waitlist_position"]) == ("booked", None)


def test_a_child_outside_the_session_ages_is_400_age_outside_session(
    api_as: ApiAs, session: ParentChildSession, guardian: User, make_child: MakeChild
) -> None:
    older = make_child(guardian, name="大宝", birth_date=day() - datetime.timedelta(days=800))

    response = api_as("guardian").post(
        SESSION_BOOKINGS,
        {"session": str(session.code), "child": str(older.code), "adult_name": "赵女士"},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "age_outside_session")


def test_cancelling_a_session_booking_promotes_the_waitlist(
    api_as: ApiAs, session: ParentChildSession, child: Child, other_child: Child
) -> None:
    mine = SessionBookingFactory.create(session=session, child=child)
    waiting = SessionBookingFactory.create(
        session=session, child=other_child, status=SessionBookingStatus.WAITLISTED
    )

    response = api_as("guardian").post(f"{SESSION_BOOKINGS}{mine.code}/cancel/")
    again = api_as("guardian").post(f"{SESSION_BOOKINGS}{mine.code}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == SessionBookingStatus.BOOKED
    assert (again.status_code, again.json()["code"]) == (409, "booking_not_active")


@pytest.mark.parametrize("persona", ["other_guardian", "director_y"])
def test_another_guardian_or_another_director_gets_404_on_a_session_booking(
    api_as: ApiAs, session: ParentChildSession, child: Child, persona: str
) -> None:
    mine = SessionBookingFactory.create(session=session, child=child)
    client = api_as(persona)

    response = client.post(f"{SESSION_BOOKINGS}{mine.code}/cancel/")
    listed = client.get(SESSION_BOOKINGS)

    assert response.status_code == 404
    assert listed.json()["results"] == []
    assert SessionBooking.objects.get().status == SessionBookingStatus.BOOKED


def test_an_unknown_code_is_404(api_as: ApiAs, db: None) -> None:
    client = api_as("guardian")
    unknown = "00000000-0000-0000-0000-000000000000"

    assert client.post(f"{SLOT_BOOKINGS}{unknown}/cancel/").status_code == 404
    assert client.post(f"{SESSION_BOOKINGS}{unknown}/cancel/").status_code == 404
    assert (
        client.post(SESSION_BOOKINGS, {"session": unknown, "child": unknown, "adult_name": "x"}).status_code
        == 404
    )


def test_sessions_of_past_days_are_not_listed(anonymous_api: APIClient, institution_x: Institution) -> None:
    ParentChildSessionFactory.create(
        institution=institution_x, date=timezone.localdate() - datetime.timedelta(days=1)
    )

    assert anonymous_api.get(SESSIONS).json()["results"] == []
