"""Temporary care and parent-child sessions: public lists, publishing (directors), booking (guardians).

Refusals of the services propagate to the project's exception handler, which answers 400 or 409 with
``{"code", "detail"}``; objects outside the actor's scope are 404.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404, signed_in_user
from tuoyu.bookings import services
from tuoyu.bookings.filters import BookableFilter
from tuoyu.bookings.models import (
    OLDEST_SESSION_MONTHS,
    Bookable,
    Booking,
    ParentChildSession,
    Period,
    SessionBooking,
    TemporaryCareBooking,
    TemporaryCareSlot,
)
from tuoyu.bookings.selectors import (
    bookable_with_counts,
    session_bookings_visible_to,
    sessions_bookable,
    sessions_public,
    slots_bookable,
    slots_public,
    temporary_care_bookings_visible_to,
    with_waitlist_position,
)
from tuoyu.enrolment.models import Child
from tuoyu.parsers import validated
from tuoyu.refusals import refused
from tuoyu.registry.selectors import institutions_visible_to

REFUSED = refused("age_not_served", "slot_full")

Bookings = Callable[[Any], QuerySet[Any]]
"""The bookings an actor sees, in the order the API lists them: one kind's listing, lookup and answer."""


# Both kinds: publishing, booking and cancelling go the same way -------------------------------------------


def _publish(
    request: Request,
    *,
    data_class: type[serializers.Serializer],
    publish: Callable[..., Bookable],
    answer_class: type[serializers.Serializer],
) -> Response:
    """Publish a slot or session at an institution the director manages; answer it with its counts."""
    fields = validated(data_class, request.data)
    actor = signed_in_user(request)
    institution = get_visible_or_404(
        institutions_visible_to(actor, Perm.MANAGE_ENROLMENT), code=fields.pop("institution")
    )
    bookable = publish(actor=actor, institution=institution, **fields)
    return Response(answer_class(bookable_with_counts(bookable)).data, status=status.HTTP_201_CREATED)


def _book(
    request: Request,
    *,
    data_class: type[serializers.Serializer],
    key: str,
    bookables: QuerySet[Any],
    book: Callable[..., Booking],
    bookings: Bookings,
    answer_class: type[serializers.Serializer],
) -> Response:
    """Book the slot or session given by its code in the field ``key`` for one of the guardian's children."""
    fields = validated(data_class, request.data)
    actor = signed_in_user(request)
    bookable = get_visible_or_404(bookables, code=fields.pop(key))
    child = get_visible_or_404(Child.objects.of_guardian(actor), code=fields.pop("child"))
    booking = book(actor=actor, child=child, **{key: bookable}, **fields)
    return Response(answer_class(bookings(actor).get(pk=booking.pk)).data, status=status.HTTP_201_CREATED)


def _cancel(
    request: Request,
    code: str,
    *,
    cancel: Callable[..., Booking],
    bookings: Bookings,
    answer_class: type[serializers.Serializer],
) -> Response:
    """Cancel a booking the actor sees (the service refuses anyone but the child's guardian)."""
    actor = signed_in_user(request)
    booking = get_visible_or_404(bookings(actor), code=code)
    cancel(actor=actor, booking=booking)
    return Response(answer_class(bookings(actor).get(pk=booking.pk)).data)


# What every slot and session answers besides its own fields, with the counts of ``with_counts``. (No
# docstring: the OpenAPI schema would show it as the description of Slot and Session.)
class _BookableSerializer(serializers.ModelSerializer):
    institution = serializers.UUIDField(source="institution.code", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    booked = serializers.IntegerField(read_only=True)
    remaining = serializers.IntegerField(read_only=True)


class _BookingSerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="child.code", read_only=True)
    child_name = serializers.CharField(source="child.name", read_only=True)


class _BookableListView(generics.ListCreateAPIView):
    """Upcoming slots or sessions of institutions in the public directory (public); directors publish."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    filterset_class = BookableFilter


# Temporary care ------------------------------------------------------------------------------------------


class SlotSerializer(_BookableSerializer):
    class Meta:
        model = TemporaryCareSlot
        fields = [
            "code",
            "institution",
            "institution_name",
            "date",
            "period",
            "capacity",
            "booked",
            "remaining",
            "price_yuan",
            "booking_cutoff",
        ]


class SlotPublishSerializer(serializers.Serializer):
    institution = serializers.UUIDField(help_text="Code of an institution the director manages.")
    date = serializers.DateField()
    period = serializers.ChoiceField(choices=Period.choices)
    capacity = serializers.IntegerField(min_value=1)
    booking_cutoff = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Empty: 18:00 local time on the day before."
    )


class SlotListView(_BookableListView):
    """Upcoming temporary-care slots of institutions in the public directory (public); directors publish.

    Filter with ``institution`` (code), ``date_from`` and ``date_to``. The price comes from the
    institution's fee catalogue (service type ``temporary``).
    """

    serializer_class = SlotSerializer
    queryset = TemporaryCareSlot.objects.none()  # for the schema; get_queryset answers every request

    def get_queryset(self) -> QuerySet[TemporaryCareSlot]:
        return slots_public()

    @extend_schema(request=SlotPublishSerializer, responses={201: SlotSerializer, **REFUSED})
    def post(self, request: Request) -> Response:
        return _publish(
            request,
            data_class=SlotPublishSerializer,
            publish=services.slot_publish,
            answer_class=SlotSerializer,
        )


class TemporaryCareBookingSerializer(_BookingSerializer):
    slot = serializers.UUIDField(source="slot.code", read_only=True)
    institution_name = serializers.CharField(source="slot.institution.name", read_only=True)
    date = serializers.DateField(source="slot.date", read_only=True)
    period = serializers.ChoiceField(source="slot.period", choices=Period.choices, read_only=True)
    booking_cutoff = serializers.DateTimeField(source="slot.booking_cutoff", read_only=True)

    class Meta:
        model = TemporaryCareBooking
        fields = [
            "code",
            "slot",
            "institution_name",
            "date",
            "period",
            "booking_cutoff",
            "child",
            "child_name",
            "status",
            "booked_at",
            "cancelled_at",
        ]


class SlotBookSerializer(serializers.Serializer):
    slot = serializers.UUIDField()
    child = serializers.UUIDField(help_text="Code of one of the guardian's children.")


def _slot_bookings(actor: object) -> QuerySet[TemporaryCareBooking]:
    return temporary_care_bookings_visible_to(actor).order_by("slot__date", "booked_at", "pk")


class TemporaryCareBookingListView(generics.ListCreateAPIView):
    """Temporary-care bookings: a guardian's children's, and those at the institutions whose children the
    actor sees. A guardian books a place with a slot code and a child code."""

    serializer_class = TemporaryCareBookingSerializer
    queryset = TemporaryCareBooking.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[TemporaryCareBooking]:
        return _slot_bookings(self.request.user)

    @extend_schema(request=SlotBookSerializer, responses={201: TemporaryCareBookingSerializer, **REFUSED})
    def post(self, request: Request) -> Response:
        return _book(
            request,
            data_class=SlotBookSerializer,
            key="slot",
            bookables=slots_bookable(),
            book=services.slot_book,
            bookings=_slot_bookings,
            answer_class=TemporaryCareBookingSerializer,
        )


class TemporaryCareBookingCancelView(APIView):
    """Cancel a temporary-care booking (its child's guardian, before the slot's cut-off)."""

    @extend_schema(request=None, responses={200: TemporaryCareBookingSerializer, **REFUSED})
    def post(self, request: Request, code: str) -> Response:
        return _cancel(
            request,
            code,
            cancel=services.slot_cancel,
            bookings=_slot_bookings,
            answer_class=TemporaryCareBookingSerializer,
        )


# Parent-child sessions ---------------------------------------------------------------------------------


class SessionSerializer(_BookableSerializer):
    waitlisted = serializers.IntegerField(read_only=True)

    class Meta:
        model = ParentChildSession
        fields = [
            "code",
            "institution",
            "institution_name",
            "title",
            "date",
            "starts_at",
            "ends_at",
            "min_age_months",
            "max_age_months",
            "capacity",
            "booked",
            "waitlisted",
            "remaining",
            "price_yuan",
            "booking_cutoff",
        ]


class SessionPublishSerializer(serializers.Serializer):
    institution = serializers.UUIDField(help_text="Code of an institution the director manages.")
    title = serializers.CharField(max_length=100)
    date = serializers.DateField()
    starts_at = serializers.TimeField()
    ends_at = serializers.TimeField()
    min_age_months = serializers.IntegerField(min_value=0, max_value=OLDEST_SESSION_MONTHS)
    max_age_months = serializers.IntegerField(min_value=0, max_value=OLDEST_SESSION_MONTHS)
    capacity = serializers.IntegerField(min_value=1)
    price_yuan = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Empty: the price of the institution's fee catalogue (service type parent_child).",
    )
    booking_cutoff = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Empty: 18:00 local time on the day before."
    )


class SessionListView(_BookableListView):
    """Upcoming parent-child sessions of institutions in the public directory, with booked and waitlisted
    counts (public); directors publish. Filter with ``institution`` (code), ``date_from``, ``date_to``."""

    serializer_class = SessionSerializer
    queryset = ParentChildSession.objects.none()  # for the schema; get_queryset answers every request

    def get_queryset(self) -> QuerySet[ParentChildSession]:
        return sessions_public()

    @extend_schema(request=SessionPublishSerializer, responses={201: SessionSerializer, **REFUSED})
    def post(self, request: Request) -> Response:
        return _publish(
            request,
            data_class=SessionPublishSerializer,
            publish=services.session_publish,
            answer_class=SessionSerializer,
        )


class SessionBookingSerializer(_BookingSerializer):
    session = serializers.UUIDField(source="session.code", read_only=True)
    session_title = serializers.CharField(source="session.title", read_only=True)
    institution_name = serializers.CharField(source="session.institution.name", read_only=True)
    date = serializers.DateField(source="session.date", read_only=True)
    starts_at = serializers.TimeField(source="session.starts_at", read_only=True)
    booking_cutoff = serializers.DateTimeField(source="session.booking_cutoff", read_only=True)
    waitlist_position = serializers.IntegerField(
        source="waitlist_place", read_only=True, allow_null=True, help_text="Only for waitlisted bookings."
    )

    class Meta:
        model = SessionBooking
        fields = [
            "code",
            "session",
            "session_title",
            "institution_name",
            "date",
            "starts_at",
            "booking_cutoff",
            "child",
            "child_name",
            "adult_name",
            "status",
            "waitlist_position",
            "created_at",
            "cancelled_at",
        ]


class SessionBookSerializer(serializers.Serializer):
    session = serializers.UUIDField()
    child = serializers.UUIDField(help_text="Code of one of the guardian's children.")
    adult_name = serializers.CharField(max_length=50, help_text="The adult who comes with the child.")


def _session_bookings(actor: object) -> QuerySet[SessionBooking]:
    return with_waitlist_position(session_bookings_visible_to(actor)).order_by(
        "session__date", "session__starts_at", "created_at", "pk"
    )


class SessionBookingListView(generics.ListCreateAPIView):
    """Parent-child session bookings: a guardian's children's, and those at the institutions whose children
    the actor sees. Booking a full session puts the child on its waitlist (status ``waitlisted``)."""

    serializer_class = SessionBookingSerializer
    queryset = SessionBooking.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[SessionBooking]:
        return _session_bookings(self.request.user)

    @extend_schema(request=SessionBookSerializer, responses={201: SessionBookingSerializer, **REFUSED})
    def post(self, request: Request) -> Response:
        return _book(
            request,
            data_class=SessionBookSerializer,
            key="session",
            bookables=sessions_bookable(),
            book=services.session_book,
            bookings=_session_bookings,
            answer_class=SessionBookingSerializer,
        )


class SessionBookingCancelView(APIView):
    """Cancel a session booking or leave the waitlist (its child's guardian); the freed place goes to the
    first child on the waitlist."""

    @extend_schema(request=None, responses={200: SessionBookingSerializer, **REFUSED})
    def post(self, request: Request, code: str) -> Response:
        return _cancel(
            request,
            code,
            cancel=services.session_cancel,
            bookings=_session_bookings,
            answer_class=SessionBookingSerializer,
        )


urlpatterns = [
    path("temporary-care/slots/", SlotListView.as_view(), name="api-temporary-care-slots"),
    path(
        "temporary-care/bookings/",
        TemporaryCareBookingListView.as_view(),
        name="api-temporary-care-bookings",
    ),
    path(
        "temporary-care/bookings/<uuid:code>/cancel/",
        TemporaryCareBookingCancelView.as_view(),
        name="api-temporary-care-booking-cancel",
    ),
    path("parent-child/sessions/", SessionListView.as_view(), name="api-parent-child-sessions"),
    path("parent-child/bookings/", SessionBookingListView.as_view(), name="api-parent-child-bookings"),
    path(
        "parent-child/bookings/<uuid:code>/cancel/",
        SessionBookingCancelView.as_view(),
        name="api-parent-child-booking-cancel",
    ),
]
