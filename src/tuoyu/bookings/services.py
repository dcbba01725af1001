"""The booking rules: publishing temporary-care slots and parent-child sessions, booking and cancelling.

Every rule lives here, not in views or forms. Refusals raise :class:`Refusal` inside the transaction, so
a refused action writes nothing. Places are never oversold: both kinds of booking take one path
(``_book``, and ``_cancel`` to give a place up), which first locks the slot's (or the session's) row with
``select_for_update()`` and counts inside the same transaction; on SQLite the IMMEDIATE transaction mode
serialises writers the same way. What differs by kind is passed to that path: who is eligible, and what
a full slot or session does (a slot refuses, a session puts the child on its waitlist).

Bookings and cancellations close at the cut-off (by default 18:00 local time on the day before). A full
session is not a refusal: the child goes on the waitlist, and the earliest waitlisted child takes the
place a booked child gives up.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.accounts.models import User
from tuoyu.bookings.models import (
    OLDEST_SESSION_MONTHS,
    Bookable,
    Booking,
    BookingStatus,
    ParentChildSession,
    SessionBooking,
    SessionBookingStatus,
    TemporaryCareBooking,
    TemporaryCareSlot,
)
from tuoyu.bookings.selectors import waitlist_of, waitlist_position
from tuoyu.enrolment.eligibility import OLDEST_MONTHS, YOUNGEST_MONTHS
from tuoyu.enrolment.models import Child, completed_months
from tuoyu.enrolment.selectors import guardians_of
from tuoyu.enrolment.services import child_lock, require_guardian
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import Institution, ServiceOffering, ServiceType
from tuoyu.registry.selectors import institutions_public

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

ModelT = TypeVar("ModelT", bound=Model)
BookableT = TypeVar("BookableT", bound=Bookable)
BookingT = TypeVar("BookingT", bound=Booking)

DEFAULT_CUTOFF_TIME = datetime.time(18, 0)
"""Bookings close at 18:00 local time on the day before, unless the institution sets another time."""


def default_booking_cutoff(day: datetime.date) -> datetime.datetime:
    """18:00 local time (``TIME_ZONE``) on the day before ``day``."""
    evening_before = datetime.datetime.combine(day - datetime.timedelta(days=1), DEFAULT_CUTOFF_TIME)
    return timezone.make_aware(evening_before, timezone.get_default_timezone())


def _local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time), timezone.get_default_timezone())


def _moment(moment: datetime.datetime) -> str:
    return timezone.localtime(moment, timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M")


# Shared checks -------------------------------------------------------------------------------------------


def _require_manager(actor: User, institution: Institution) -> None:
    if not actor_may(actor, Perm.MANAGE_ENROLMENT, institution.pk):
        raise NotPermitted(_("Only the institution's director may publish its bookable places."))


def _offering(institution: Institution, service_type: str) -> ServiceOffering:
    offering = institution.services.filter(service_type=service_type).first()
    if offering is None:
        raise Refusal(
            _(
                "%(institution)s has no “%(service)s” in its fee catalogue; add the service and its price "
                "before publishing places."
            )
            % {"institution": institution.name, "service": ServiceType(service_type).label},
            "service_not_offered",
        )
    return offering


def _require_future_day(day: datetime.date, now: datetime.datetime) -> None:
    if day < timezone.localdate(now):
        raise Refusal(_("%(day)s has already passed.") % {"day": day.isoformat()}, "date_in_past")


def _require_cutoff(cutoff: datetime.datetime, *, latest: datetime.datetime, now: datetime.datetime) -> None:
    if cutoff > latest:
        raise Refusal(
            _("Bookings must close by %(latest)s, not after.") % {"latest": _moment(latest)},
            "cutoff_too_late",
        )
    if cutoff <= now:
        raise Refusal(
            _("Bookings would already be closed (cut-off %(moment)s): choose a later date or cut-off.")
            % {"moment": _moment(cutoff)},
            "cutoff_in_past",
        )


def _require_open_institution(institution_id: int) -> None:
    if not institutions_public().filter(pk=institution_id).exists():
        raise Refusal(_("This institution is not taking bookings."), "institution_not_open", conflict=True)


def _require_before_cutoff(cutoff: datetime.datetime, now: datetime.datetime) -> None:
    if now >= cutoff:
        raise Refusal(
            _("Bookings closed at %(moment)s.") % {"moment": _moment(cutoff)}, "booking_closed", conflict=True
        )


def _require_cancellable(cutoff: datetime.datetime, now: datetime.datetime) -> None:
    if now >= cutoff:
        raise Refusal(
            _("Cancellations closed at %(moment)s; please call the institution.")
            % {"moment": _moment(cutoff)},
            "cancel_closed",
            conflict=True,
        )


def _notify_guardians(
    child: Child,
    *,
    kind: NotificationKind,
    title: Callable[[], str],
    body: Callable[[], str],
    sms: bool = True,
) -> None:
    """Tell every guardian of the child, each in their own language (the texts are built lazily, under it)."""
    notify_all(
        guardians_of(child),
        kind=kind,
        title=lazy(title, str)(),
        body=lazy(body, str)(),
        link=reverse("bookings:index"),
        sms=sms,
    )


# The one booking path ------------------------------------------------------------------------------------


def _locked(model: type[ModelT], pk: int) -> ModelT:
    """The row, locked until the transaction ends (``select_for_update``)."""
    return model._default_manager.select_for_update().get(pk=pk)


def _book(
    model: type[BookingT],
    bookable: BookableT,
    *,
    child: Child,
    actor: User,
    now: datetime.datetime,
    require_eligible: Callable[[BookableT, Child], None],
    already: "StrPromise",
    when_full: Callable[[BookableT], str],
    fields: dict[str, object],
) -> BookingT:
    """Book ``bookable`` for the actor's child: the one locked path of every kind of booking.

    The bookable's row is locked before its bookings are counted, so bookings of its last place are
    taken one after the other. The checks run in this order: the child's guardian, the institution open,
    the cut-off, the child's eligibility (``require_eligible``, by kind), one active booking per child
    (``already``, a message with ``%(child)s``), the places. When none is left, ``when_full`` refuses or
    gives the status the booking takes instead (a waitlist). ``fields`` are the kind's own fields. It
    runs in the caller's transaction, which holds the lock until it ends.
    """
    child = child_lock(child)
    require_guardian(actor, child)
    bookable = _locked(type(bookable), bookable.pk)
    _require_open_institution(bookable.institution_id)
    _require_before_cutoff(bookable.booking_cutoff, now)
    require_eligible(bookable, child)
    duplicate = Refusal(already % {"child": child.name}, "already_booked", conflict=True)
    active = model._default_manager.filter(**{model.bookable_field: bookable}).exclude(
        status=BookingStatus.CANCELLED
    )
    if active.filter(child=child).exists():
        raise duplicate
    booked = active.filter(status=BookingStatus.BOOKED).count()
    status = BookingStatus.BOOKED if booked < bookable.capacity else when_full(bookable)
    booking = model(child=child, booked_by=actor, status=status, **{model.bookable_field: bookable}, **fields)
    _insert(booking, taken=duplicate)
    return booking


def _insert(instance: Model, *, taken: Refusal) -> None:
    """Validate and insert ``instance``; when a concurrent writer took its unique place first, refuse."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise taken from None


def _cancel(booking: BookingT, *, actor: User, now: datetime.datetime) -> tuple[BookingT, bool]:
    """Cancel ``booking``, locked after its bookable's row (in the caller's transaction): the booking
    cancelled, and whether it held a place, now free. The cancelled booking's ``bookable`` is the locked row.

    A booked place may be given up only before the cut-off; any other active booking (a waitlist place)
    frees no place and may be cancelled at any time.
    """
    model = type(booking)
    loaded = model._default_manager.select_related("child").get(pk=booking.pk)
    require_guardian(actor, loaded.child)
    bookable = _locked(model.bookable_model(), loaded.bookable_id)
    booking = _locked(model, booking.pk)
    setattr(booking, model.bookable_field, bookable)
    if booking.status == BookingStatus.CANCELLED:
        raise Refusal(_("This booking is already cancelled."), "booking_not_active", conflict=True)
    held_place = booking.status == BookingStatus.BOOKED
    if held_place:
        _require_cancellable(bookable.booking_cutoff, now)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.save(update_fields=["status", "cancelled_at"])
    return booking, held_place


def _require_publishable(
    *, actor: User, institution: Institution, service_type: str, date: datetime.date, now: datetime.datetime
) -> ServiceOffering:
    """The checks every publication starts with; the offering of the fee catalogue gives the price."""
    _require_manager(actor, institution)
    offering = _offering(institution, service_type)
    _require_future_day(date, now)
    return offering


def _cutoff(
    booking_cutoff: datetime.datetime | None,
    day: datetime.date,
    *,
    latest: datetime.datetime,
    now: datetime.datetime,
) -> datetime.datetime:
    """The cut-off chosen (or the default one), once it is checked."""
    cutoff = booking_cutoff or default_booking_cutoff(day)
    _require_cutoff(cutoff, latest=latest, now=now)
    return cutoff


# Temporary care ------------------------------------------------------------------------------------------


@transaction.atomic
def slot_publish(
    *,
    actor: User,
    institution: Institution,
    date: datetime.date,
    period: str,
    capacity: int,
    booking_cutoff: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> TemporaryCareSlot:
    """Publish temporary-care places at the price of the institution's fee catalogue."""
    now = now or timezone.now()
    offering = _require_publishable(
        actor=actor, institution=institution, service_type=ServiceType.TEMPORARY, date=date, now=now
    )
    end_of_day = _local(date + datetime.timedelta(days=1), datetime.time(0, 0))
    cutoff = _cutoff(booking_cutoff, date, latest=end_of_day, now=now)
    exists = Refusal(
        _("%(institution)s already has a slot on %(day)s for this period.")
        % {"institution": institution.name, "day": date.isoformat()},
        "slot_exists",
        conflict=True,
    )
    if TemporaryCareSlot.objects.filter(institution=institution, date=date, period=period).exists():
        raise exists
    slot = TemporaryCareSlot(
        institution=institution,
        date=date,
        period=period,
        capacity=capacity,
        booking_cutoff=cutoff,
        price_yuan=offering.price_yuan,
        published_at=now,
    )
    _insert(slot, taken=exists)
    return slot


def _require_temporary_care_age(slot: TemporaryCareSlot, child: Child) -> None:
    months = completed_months(child.birth_date, slot.date)
    if not YOUNGEST_MONTHS <= months < OLDEST_MONTHS:
        raise Refusal(
            _(
                "Temporary care is for children from 6 to 36 months old; %(child)s will be %(months)d "
                "months old on %(day)s."
            )
            % {"child": child.name, "months": months, "day": slot.date.isoformat()},
            "age_not_served",
        )


def _refuse_full_slot(slot: TemporaryCareSlot) -> str:
    raise Refusal(
        _("This slot is full: all %(capacity)d places are taken.") % {"capacity": slot.capacity},
        "slot_full",
        conflict=True,
    )


@transaction.atomic
def slot_book(
    *, actor: User, slot: TemporaryCareSlot, child: Child, now: datetime.datetime | None = None
) -> TemporaryCareBooking:
    """Book a place in a slot for the actor's child (the actor is its guardian); a full slot refuses."""
    now = now or timezone.now()
    booking = _book(
        TemporaryCareBooking,
        slot,
        child=child,
        actor=actor,
        now=now,
        require_eligible=_require_temporary_care_age,
        already=_("%(child)s is already booked for this slot."),
        when_full=_refuse_full_slot,
        fields={"booked_at": now},
    )
    slot, child = booking.slot, booking.child
    institution = slot.institution
    _notify_guardians(
        child,
        kind=NotificationKind.BOOKING_CONFIRMED,
        title=lambda: str(
            _("%(child)s is booked for temporary care at %(institution)s")
            % {"child": child.name, "institution": institution.name}
        ),
        body=lambda: str(
            _("%(day)s, %(period)s. You can cancel until %(cutoff)s.")
            % {
                "day": slot.date.isoformat(),
                "period": slot.get_period_display(),
                "cutoff": _moment(slot.booking_cutoff),
            }
        ),
    )
    return booking


@transaction.atomic
def slot_cancel(
    *, actor: User, booking: TemporaryCareBooking, now: datetime.datetime | None = None
) -> TemporaryCareBooking:
    """Cancel a booking before the slot's cut-off (the actor is the child's guardian): the place is free."""
    cancelled, _held_place = _cancel(booking, actor=actor, now=now or timezone.now())
    return cancelled


# Parent-child sessions ---------------------------------------------------------------------------------


@transaction.atomic
def session_publish(
    *,
    actor: User,
    institution: Institution,
    title: str,
    date: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    min_age_months: int,
    max_age_months: int,
    capacity: int,
    price_yuan: Decimal | None = None,
    booking_cutoff: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> ParentChildSession:
    """Publish a parent-child session; its price is the fee catalogue's unless one is given."""
    now = now or timezone.now()
    offering = _require_publishable(
        actor=actor, institution=institution, service_type=ServiceType.PARENT_CHILD, date=date, now=now
    )
    if ends_at <= starts_at:
        raise Refusal(_("The session must end after it starts."), "ends_before_start")
    if not 0 <= min_age_months < max_age_months <= OLDEST_SESSION_MONTHS:
        raise Refusal(
            _("The age range must run from a lower to a higher age, at most %(oldest)d months.")
            % {"oldest": OLDEST_SESSION_MONTHS},
            "age_range_invalid",
        )
    cutoff = _cutoff(booking_cutoff, date, latest=_local(date, starts_at), now=now)
    session = ParentChildSession(
        institution=institution,
        title=title,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        min_age_months=min_age_months,
        max_age_months=max_age_months,
        capacity=capacity,
        price_yuan=offering.price_yuan if price_yuan is None else price_yuan,
        booking_cutoff=cutoff,
        published_at=now,
    )
    session.full_clean()
    session.save()
    return session


def _require_session_fits(session: ParentChildSession, child: Child, *, adult_name: str) -> None:
    months = completed_months(child.birth_date, session.date)
    if not session.min_age_months <= months < session.max_age_months:
        raise Refusal(
            _(
                "This session is for children from %(low)d to under %(high)d months old; %(child)s will be "
                "%(months)d months old on %(day)s."
            )
            % {
                "low": session.min_age_months,
                "high": session.max_age_months,
                "child": child.name,
                "months": months,
                "day": session.date.isoformat(),
            },
            "age_outside_session",
        )
    if not adult_name:
        raise Refusal(_("Give the name of the adult who comes with the child."), "adult_name_required")


def _waitlist_when_full(session: ParentChildSession) -> str:
    return SessionBookingStatus.WAITLISTED


@transaction.atomic
def session_book(
    *,
    actor: User,
    session: ParentChildSession,
    child: Child,
    adult_name: str,
    now: datetime.datetime | None = None,
) -> SessionBooking:
    """Book a session for the actor's child (the actor is its guardian), or put the child on its waitlist
    when it is full."""
    now = now or timezone.now()
    adult_name = adult_name.strip()
    booking = _book(
        SessionBooking,
        session,
        child=child,
        actor=actor,
        now=now,
        require_eligible=partial(_require_session_fits, adult_name=adult_name),
        already=_("%(child)s is already booked for this session."),
        when_full=_waitlist_when_full,
        fields={"adult_name": adult_name, "created_at": now},
    )
    session, child = booking.session, booking.child
    institution = session.institution
    if booking.status == SessionBookingStatus.BOOKED:
        _notify_guardians(
            child,
            kind=NotificationKind.BOOKING_CONFIRMED,
            title=lambda: str(
                _("%(child)s is booked for “%(session)s” at %(institution)s")
                % {"child": child.name, "session": session.title, "institution": institution.name}
            ),
            body=lambda: _session_when(session),
        )
    else:
        position = waitlist_position(booking)
        _notify_guardians(
            child,
            kind=NotificationKind.BOOKING_WAITLISTED,
            title=lambda: str(
                _("“%(session)s” is full: %(child)s is number %(position)d on the waitlist")
                % {"session": session.title, "child": child.name, "position": position}
            ),
            body=lambda: str(
                _("We will tell you if a place becomes free. %(when)s") % {"when": _session_when(session)}
            ),
        )
    return booking


def _session_when(session: ParentChildSession) -> str:
    return str(
        _("%(day)s %(start)s–%(end)s. You can cancel until %(cutoff)s.")
        % {
            "day": session.date.isoformat(),
            "start": session.starts_at.strftime("%H:%M"),
            "end": session.ends_at.strftime("%H:%M"),
            "cutoff": _moment(session.booking_cutoff),
        }
    )


@transaction.atomic
def session_cancel(
    *, actor: User, booking: SessionBooking, now: datetime.datetime | None = None
) -> SessionBooking:
    """Cancel a booking or leave the waitlist (the actor is the child's guardian); a freed place goes to the
    earliest waitlisted child.

    A booked place may be given up only before the cut-off (as for temporary care); leaving the
    waitlist is possible at any time, since it frees no place.
    """
    cancelled, freed = _cancel(booking, actor=actor, now=now or timezone.now())
    if freed:
        _promote_waitlist(cancelled.session)
    return cancelled


def _promote_waitlist(session: ParentChildSession) -> None:
    """Give the free places to the waitlist in its order (the caller holds the session's row lock)."""
    free = session.capacity - session.bookings.filter(status=SessionBookingStatus.BOOKED).count()
    if free <= 0:
        return
    institution = session.institution
    for waiting in list(waitlist_of(session)[:free]):
        waiting.status = SessionBookingStatus.BOOKED
        waiting.save(update_fields=["status"])
        _notify_guardians(
            waiting.child,
            kind=NotificationKind.SESSION_PLACE_FREED,
            title=partial(_place_freed_title, waiting.child, session, institution),
            body=partial(_session_when, session),
        )


def _place_freed_title(child: Child, session: ParentChildSession, institution: Institution) -> str:
    return str(
        _("A place became free: %(child)s is now booked for “%(session)s” at %(institution)s")
        % {"child": child.name, "session": session.title, "institution": institution.name}
    )
