"""Booked services: temporary care (临时托 / 计时托) and parent-child sessions (亲子早教) for children.

A temporary-care slot is a number of places at an institution for a day or half a day; a parent-child
session is a timed activity for children of an age range with an accompanying adult. Both take bookings
until their cut-off time (by default 18:00 local time on the day before) and are never oversold: the
services lock the slot or session row before counting. A full session puts further children on a waitlist,
promoted in order when a booked child cancels.
"""

import uuid
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.plausible import Between

if TYPE_CHECKING:
    from tuoyu.enrolment.models import Child
    from tuoyu.registry.models import Institution

OLDEST_SESSION_MONTHS = 36
"""Parent-child sessions serve children under 3 (the 0-3 childcare system), like every other service."""


class Period(models.TextChoices):
    FULL_DAY = "full_day", _("Full day")
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")


class Bookable(models.Model):
    """What a guardian books: places at an institution on a day, at a price, bookable until the cut-off.

    The fields every kind shares; each kind adds its institution (with its own related name), its
    capacity and what tells its places apart (a period, or a title and times). Its bookings are
    ``bookings``.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    date = models.DateField(_("date"))
    booking_cutoff = models.DateTimeField(
        _("bookings close at"), help_text=_("Bookings and cancellations close at this time.")
    )
    price_yuan = models.DecimalField(
        _("price (yuan)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    if TYPE_CHECKING:
        institution: "Institution"
        institution_id: int
        capacity: int

    class Meta:
        abstract = True


class Booking(models.Model):
    """A child's booking of a :class:`Bookable`, made by a guardian; cancelled, it is kept with its time.

    Each kind adds the foreign key to what is booked (named by ``bookable_field``), the child (with its
    own related name), its statuses and the time it was booked.
    """

    bookable_field: ClassVar[str]
    """The name of the foreign key to the slot or session booked."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("booked by")
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    if TYPE_CHECKING:
        child: "Child"
        child_id: int
        status: str

    class Meta:
        abstract = True

    @classmethod
    def bookable_model(cls) -> type[Bookable]:
        """The kind of what is booked: :class:`TemporaryCareSlot` or :class:`ParentChildSession`."""
        return cls._meta.get_field(cls.bookable_field).related_model  # type: ignore[return-value]

    @property
    def bookable_id(self) -> int:
        return getattr(self, f"{self.bookable_field}_id")

    @property
    def bookable(self) -> Bookable:
        return getattr(self, self.bookable_field)


class BookingStatus(models.TextChoices):
    """The statuses every kind of booking has: a booked place holds one of the bookable's places."""

    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class TemporaryCareSlot(Bookable):
    """Places for temporary care at an institution on one day or half-day, bookable until the cut-off."""

    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="temporary_care_slots",
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    # No institution has more than a few hundred places (the largest demo one has 150): 500 is a typing error.
    capacity = models.PositiveSmallIntegerField(_("places"), validators=[Between(1, 500)])

    class Meta:
        verbose_name = _("temporary-care slot")
        verbose_name_plural = _("temporary-care slots")
        ordering = ["date", "institution", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "date", "period"], name="temporary_care_slot_unique"
            ),
            models.CheckConstraint(
                name="temporary_care_slot_capacity_positive", condition=Q(capacity__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} {self.date.isoformat()} {self.get_period_display()}"


TemporaryCareStatus = BookingStatus
"""Temporary care has no waitlist: a booking is booked or cancelled."""


class TemporaryCareBooking(Booking):
    """A child's place in a temporary-care slot, booked by a guardian."""

    bookable_field = "slot"

    slot = models.ForeignKey(
        TemporaryCareSlot, verbose_name=_("slot"), on_delete=models.CASCADE, related_name="bookings"
    )
    # A guardian may have a child's data deleted (PIPL art. 47): bookings go with it.
    child = models.ForeignKey(
        "enrolment.Child",
        verbose_name=_("child"),
        on_delete=models.CASCADE,
        related_name="temporary_care_bookings",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TemporaryCareStatus.choices, default=TemporaryCareStatus.BOOKED
    )
    booked_at = models.DateTimeField(_("booked at"), default=timezone.now)

    class Meta:
        verbose_name = _("temporary-care booking")
        verbose_name_plural = _("temporary-care bookings")
        ordering = ["slot", "booked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "child"],
                condition=Q(status="booked"),
                name="temporary_care_booking_one_per_child",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} · {self.slot}"


class ParentChildSession(Bookable):
    """A parent-child early-education session (亲子早教) for children of an age range, with an adult."""

    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="parent_child_sessions",
    )
    title = models.CharField(_("title"), max_length=100)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    min_age_months = models.PositiveSmallIntegerField(_("from age (months)"))
    max_age_months = models.PositiveSmallIntegerField(
        _("under age (months)"), validators=[MaxValueValidator(OLDEST_SESSION_MONTHS)]
    )
    capacity = models.PositiveSmallIntegerField(_("children"), validators=[Between(1, 500)])

    class Meta:
        verbose_name = _("parent-child session")
        verbose_name_plural = _("parent-child sessions")
        ordering = ["date", "starts_at", "institution", "pk"]
        constraints = [
            models.CheckConstraint(
                name="parent_child_session_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
            models.CheckConstraint(
                name="parent_child_session_age_range",
                condition=Q(
                    min_age_months__lt=F("max_age_months"), max_age_months__lte=OLDEST_SESSION_MONTHS
                ),
            ),
            models.CheckConstraint(
                name="parent_child_session_capacity_positive", condition=Q(capacity__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date.isoformat()} {self.starts_at:%H:%M})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_at is not None and self.ends_at is not None and self.ends_at <= self.starts_at:
            errors["ends_at"] = str(_("The session must end after it starts."))
        if (
            self.min_age_months is not None
            and self.max_age_months is not None
            and self.min_age_months >= self.max_age_months
        ):
            errors["max_age_months"] = str(_("The upper age must be above the lower age."))
        if errors:
            raise ValidationError(errors)


class SessionBookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_SESSION_BOOKING_STATUSES = (SessionBookingStatus.BOOKED, SessionBookingStatus.WAITLISTED)


class SessionBooking(Booking):
    """A child's booking for a parent-child session (or a waitlist place), with the accompanying adult."""

    bookable_field = "session"

    session = models.ForeignKey(
        ParentChildSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="bookings"
    )
    child = models.ForeignKey(
        "enrolment.Child",
        verbose_name=_("child"),
        on_delete=models.CASCADE,
        related_name="session_bookings",
    )
    adult_name = models.CharField(_("accompanying adult"), max_length=50)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionBookingStatus.choices, default=SessionBookingStatus.BOOKED
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)  # also the waitlist order

    class Meta:
        verbose_name = _("parent-child session booking")
        verbose_name_plural = _("parent-child session bookings")
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "child"],
                condition=Q(status__in=ACTIVE_SESSION_BOOKING_STATUSES),
                name="session_booking_one_active_per_child",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} · {self.session}"
