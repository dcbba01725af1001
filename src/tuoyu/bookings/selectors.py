"""Reads of bookings: what is open to book (public), places left, the waitlist, and who sees which booking.

Places left of a slot or a session = capacity − booked bookings (waitlisted ones hold no place). They are
counted by subqueries so that a list of slots is one query. Both kinds are read by the same functions
(``with_counts``, ``with_booked_list``...); the public names per kind say what each list is.
"""

import datetime
from typing import Any, TypeVar, cast

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from tuoyu.accounts.access import Perm
from tuoyu.bookings.models import (
    Bookable,
    Booking,
    BookingStatus,
    ParentChildSession,
    SessionBooking,
    SessionBookingStatus,
    TemporaryCareBooking,
    TemporaryCareSlot,
)
from tuoyu.enrolment.models import Child
from tuoyu.registry.selectors import institutions_public, institutions_visible_to

BookableT = TypeVar("BookableT", bound=Bookable)
BookingT = TypeVar("BookingT", bound=Booking)


def _count(queryset: QuerySet, group: str) -> Coalesce:
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _bookings_of(model: type[Bookable]) -> tuple[Any, str]:
    """The booking model of a kind of bookable, and the name of its foreign key to the bookable (typed
    ``Any``: the type checker cannot follow a query over the fields the two kinds share)."""
    relation: Any = cast(Any, model)._meta.get_field("bookings")
    return relation.related_model, relation.field.name


# Both kinds -----------------------------------------------------------------------------------------------


def with_counts(bookables: QuerySet[BookableT]) -> QuerySet[BookableT]:
    """Annotate ``booked``, ``waitlisted`` (always 0 for slots: temporary care has no waitlist) and
    ``remaining`` (never below 0) on each slot or session."""
    booking_model, key = _bookings_of(bookables.model)
    bookings = booking_model._default_manager.filter(**{key: OuterRef("pk")})
    counted = bookables.annotate(
        booked=_count(bookings.filter(status=BookingStatus.BOOKED), key),
        waitlisted=_count(bookings.filter(status=SessionBookingStatus.WAITLISTED), key),
    ).annotate(remaining=Greatest(F("capacity") - F("booked"), Value(0)))
    return cast(QuerySet[BookableT], counted)


def bookable_with_counts(bookable: BookableT) -> BookableT:
    """One slot or session read again with its institution and its counts (after publishing it)."""
    model = type(bookable)
    return with_counts(model._default_manager.filter(pk=bookable.pk).select_related("institution")).get()


def _bookable(model: type[BookableT]) -> QuerySet[BookableT]:
    return model._default_manager.filter(institution__in=institutions_public())


def _upcoming_public(model: type[BookableT], today: datetime.date | None) -> QuerySet[BookableT]:
    today = today or timezone.localdate()
    return with_counts(_bookable(model).filter(date__gte=today).select_related("institution"))


def _visible_to(model: type[BookableT], actor: object, perm: Perm) -> QuerySet[BookableT]:
    return with_counts(
        model._default_manager.filter(institution__in=institutions_visible_to(actor, perm))
    ).select_related("institution")


def _bookings_visible_to(model: type[BookingT], actor: object) -> QuerySet[BookingT]:
    """A guardian's own children's bookings, plus those at institutions whose children the actor sees."""
    key = model.bookable_field
    institutions = institutions_visible_to(actor, Perm.VIEW_CHILDREN)
    condition = Q(child__in=Child.objects.of_guardian(actor)) | Q(**{f"{key}__institution__in": institutions})
    manager: Any = model._default_manager
    return manager.filter(condition).select_related(f"{key}__institution", "child")


def with_booked_list(bookables: QuerySet[BookableT]) -> QuerySet[BookableT]:
    """Prefetch ``booked_list`` on each slot or session: its booked bookings with their children, in the
    order they were booked (the bookings' own ordering: bookable, booking time, number)."""
    booking_model, _key = _bookings_of(bookables.model)
    booked = booking_model._default_manager.filter(status=BookingStatus.BOOKED).select_related("child")
    return bookables.prefetch_related(Prefetch("bookings", queryset=booked, to_attr="booked_list"))


# Temporary care ----------------------------------------------------------------------------------------


def slots_bookable() -> QuerySet[TemporaryCareSlot]:
    """Slots of institutions in the public directory, past or upcoming: what a guardian may ask to book."""
    return _bookable(TemporaryCareSlot)


def slots_public(*, today: datetime.date | None = None) -> QuerySet[TemporaryCareSlot]:
    """Upcoming slots of institutions in the public directory, with their counts."""
    return _upcoming_public(TemporaryCareSlot, today).order_by("date", "institution__name", "period", "pk")


def slots_visible_to(actor: object, perm: Perm = Perm.VIEW_CHILDREN) -> QuerySet[TemporaryCareSlot]:
    """Slots of the institutions where the actor holds ``perm`` (their staff), with their counts."""
    return _visible_to(TemporaryCareSlot, actor, perm)


def temporary_care_bookings_visible_to(actor: object) -> QuerySet[TemporaryCareBooking]:
    """A guardian's own children's bookings, plus those at institutions whose children the actor sees."""
    return _bookings_visible_to(TemporaryCareBooking, actor)


# Parent-child sessions ---------------------------------------------------------------------------------


def sessions_bookable() -> QuerySet[ParentChildSession]:
    return _bookable(ParentChildSession)


def sessions_public(*, today: datetime.date | None = None) -> QuerySet[ParentChildSession]:
    """Upcoming sessions of institutions in the public directory, with their counts."""
    return _upcoming_public(ParentChildSession, today).order_by(
        "date", "starts_at", "institution__name", "pk"
    )


def sessions_visible_to(actor: object, perm: Perm = Perm.VIEW_CHILDREN) -> QuerySet[ParentChildSession]:
    return _visible_to(ParentChildSession, actor, perm)


def session_bookings_visible_to(actor: object) -> QuerySet[SessionBooking]:
    """A guardian's own children's bookings, plus those at institutions whose children the actor sees."""
    return _bookings_visible_to(SessionBooking, actor)


def with_waitlist(sessions: QuerySet[ParentChildSession]) -> QuerySet[ParentChildSession]:
    """Prefetch ``waitlist`` on each session: its waitlisted bookings with their children, in order."""
    waiting = SessionBooking.objects.filter(status=SessionBookingStatus.WAITLISTED).select_related("child")
    return sessions.prefetch_related(
        Prefetch("bookings", queryset=waiting.order_by("created_at", "pk"), to_attr="waitlist")
    )


def waitlist_of(session: ParentChildSession) -> QuerySet[SessionBooking]:
    """The session's waitlist in the order places are offered: booking time, then booking number."""
    return (
        session.bookings.filter(status=SessionBookingStatus.WAITLISTED)
        .select_related("child")
        .order_by("created_at", "pk")
    )


def with_waitlist_position(bookings: QuerySet[SessionBooking]) -> QuerySet[SessionBooking]:
    """Annotate ``waitlist_place``: the 1-based place of each waitlisted booking (None for the others)."""
    ahead = SessionBooking.objects.filter(
        session=OuterRef("session"), status=SessionBookingStatus.WAITLISTED
    ).filter(
        Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
    )
    return bookings.annotate(
        waitlist_place=Case(
            When(status=SessionBookingStatus.WAITLISTED, then=_count(ahead, "session") + 1),
            default=None,
            output_field=IntegerField(),
        )
    )


def waitlist_position(booking: SessionBooking) -> int | None:
    """1-based place on the session's waitlist; None when the booking is not waitlisted."""
    if booking.status != SessionBookingStatus.WAITLISTED:
        return None
    ahead = SessionBooking.objects.filter(
        session_id=booking.session_id, status=SessionBookingStatus.WAITLISTED
    ).filter(Q(created_at__lt=booking.created_at) | Q(created_at=booking.created_at, pk__lt=booking.pk))
    return ahead.count() + 1


def upcoming_bookings_of_guardian(user: object, today: datetime.date) -> list[Booking]:
    """A guardian's own children's booked temporary care and parent-child sessions from ``today`` on, the
    soonest first."""
    children = Child.objects.of_guardian(user).values("pk")
    slots = TemporaryCareBooking.objects.filter(
        child__in=children, status=BookingStatus.BOOKED, slot__date__gte=today
    ).select_related("slot__institution", "child")
    sessions = SessionBooking.objects.filter(
        child__in=children, status=SessionBookingStatus.BOOKED, session__date__gte=today
    ).select_related("session__institution", "child")
    bookings: list[Booking] = [*slots, *sessions]
    return sorted(bookings, key=lambda booking: (booking.bookable.date, booking.pk))
