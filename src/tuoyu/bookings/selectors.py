"""Reads of bookings: what is open to book (public), places left, the waitlist, and who sees which booking.

Places left of a slot = capacity − booked bookings; of a session = capacity − booked bookings (waitlisted
ones hold no place). Both are counted by subqueries so that a list of slots is one query.
"""

import datetime

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from tuoyu.accounts.access import Perm
from tuoyu.bookings.models import (
    ParentChildSession,
    SessionBooking,
    SessionBookingStatus,
    TemporaryCareBooking,
    TemporaryCareSlot,
    TemporaryCareStatus,
)
from tuoyu.enrolment.models import Child
from tuoyu.registry.selectors import institutions_public, institutions_visible_to


def _count(queryset: QuerySet, group: str) -> Coalesce:
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# Temporary care ----------------------------------------------------------------------------------------


def slots_with_counts(slots: QuerySet[TemporaryCareSlot]) -> QuerySet[TemporaryCareSlot]:
    """Annotate ``booked`` and ``remaining`` (never below 0) on each slot."""
    booked = TemporaryCareBooking.objects.filter(slot=OuterRef("pk"), status=TemporaryCareStatus.BOOKED)
    return slots.annotate(booked=_count(booked, "slot")).annotate(
        remaining=Greatest(F("capacity") - F("booked"), Value(0))
    )


def slots_bookable() -> QuerySet[TemporaryCareSlot]:
    """Slots of institutions in the public directory, past or upcoming: what a guardian may ask to book."""
    return TemporaryCareSlot.objects.filter(institution__in=institutions_public())


def slots_public(*, today: datetime.date | None = None) -> QuerySet[TemporaryCareSlot]:
    """Upcoming slots of institutions in the public directory, with their counts."""
    today = today or timezone.localdate()
    return slots_with_counts(slots_bookable().filter(date__gte=today).select_related("institution")).order_by(
        "date", "institution__name", "period", "pk"
    )


def slots_visible_to(actor: object, perm: Perm = Perm.VIEW_CHILDREN) -> QuerySet[TemporaryCareSlot]:
    """Slots of the institutions where the actor holds ``perm`` (their staff), with their counts."""
    return slots_with_counts(
        TemporaryCareSlot.objects.filter(institution__in=institutions_visible_to(actor, perm))
    ).select_related("institution")


def temporary_care_bookings_visible_to(actor: object) -> QuerySet[TemporaryCareBooking]:
    """A guardian's own children's bookings, plus those at institutions whose children the actor sees."""
    institutions = institutions_visible_to(actor, Perm.VIEW_CHILDREN)
    condition = Q(child__in=Child.objects.of_guardian(actor)) | Q(slot__institution__in=institutions)
    return TemporaryCareBooking.objects.filter(condition).select_related("slot__institution", "child")


def booked_children_of_slot(slot: TemporaryCareSlot) -> QuerySet[TemporaryCareBooking]:
    return (
        slot.bookings.filter(status=TemporaryCareStatus.BOOKED)
        .select_related("child")
        .order_by("booked_at", "pk")
    )


# Parent-child sessions ---------------------------------------------------------------------------------


def sessions_with_counts(sessions: QuerySet[ParentChildSession]) -> QuerySet[ParentChildSession]:
    """Annotate ``booked``, ``waitlisted`` and ``remaining`` (never below 0) on each session."""
    bookings = SessionBooking.objects.filter(session=OuterRef("pk"))
    return sessions.annotate(
        booked=_count(bookings.filter(status=SessionBookingStatus.BOOKED), "session"),
        waitlisted=_count(bookings.filter(status=SessionBookingStatus.WAITLISTED), "session"),
    ).annotate(remaining=Greatest(F("capacity") - F("booked"), Value(0)))


def sessions_bookable() -> QuerySet[ParentChildSession]:
    return ParentChildSession.objects.filter(institution__in=institutions_public())


def sessions_public(*, today: datetime.date | None = None) -> QuerySet[ParentChildSession]:
    """Upcoming sessions of institutions in the public directory, with their counts."""
    today = today or timezone.localdate()
    return sessions_with_counts(
        sessions_bookable().filter(date__gte=today).select_related("institution")
    ).order_by("date", "starts_at", "institution__name", "pk")


def sessions_visible_to(actor: object, perm: Perm = Perm.VIEW_CHILDREN) -> QuerySet[ParentChildSession]:
    return sessions_with_counts(
        ParentChildSession.objects.filter(institution__in=institutions_visible_to(actor, perm))
    ).select_related("institution")


def session_bookings_visible_to(actor: object) -> QuerySet[SessionBooking]:
    """A guardian's own children's bookings, plus those at institutions whose children the actor sees."""
    institutions = institutions_visible_to(actor, Perm.VIEW_CHILDREN)
    condition = Q(child__in=Child.objects.of_guardian(actor)) | Q(session__institution__in=institutions)
    return SessionBooking.objects.filter(condition).select_related("session__institution", "child")


def session_booked(session: ParentChildSession) -> QuerySet[SessionBooking]:
    return (
        session.bookings.filter(status=SessionBookingStatus.BOOKED)
        .select_related("child")
        .order_by("created_at", "pk")
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
