"""Temporary care and parent-child sessions: public lists, publishing (directors), booking (guardians).

Refusals of the services propagate to the project's exception handler, which answers 400 or 409 with
``{"code", "detail"}``; objects outside the actor's scope are 404.
"""

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
    ParentChildSession,
    Period,
    SessionBooking,
    TemporaryCareBooking,
    TemporaryCareSlot,
)
from tuoyu.bookings.selectors import (
    session_bookings_visible_to,
    sessions_bookable,
    sessions_public,
    sessions_with_counts,
    slots_bookable,
    slots_public,
    slots_with_counts,
    temporary_care_bookings_visible_to,
    with_waitlist_position,
)
from tuoyu.enrolment.models import Child
from tuoyu.refusals import refused
from tuoyu.registry.selectors import institutions_visible_to

REFUSED = refused("age_not_served", "slot_full")


# Temporary care ------------------------------------------------------------------------------------------


class SlotSerializer(serializers.ModelSerializer):
    institution = serializers.UUIDField(source="institution.code", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    booked = serializers.IntegerField(read_only=True)
    remaining = serializers.IntegerField(read_only=True)

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


class SlotListView(generics.ListCreateAPIView):
    """Upcoming temporary-care slots of institutions in the public directory (public); directors publish.

    Filter with ``institution`` (code), ``date_from`` and ``date_to``. The price comes from the
    institution's fee catalogue (service type ``temporary``).
    """

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = SlotSerializer
    filterset_class = BookableFilter
    queryset = TemporaryCareSlot.objects.none()  # for the schema; get_queryset answers every request

    def get_queryset(self) -> QuerySet[TemporaryCareSlot]:
        return slots_public()

    @extend_schema(request=SlotPublishSerializer, responses={201: SlotSerializer, **REFUSED})
    def post(self, request: Request) -> Response:
        data = SlotPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        actor = signed_in_user(request)
        institution = get_visible_or_404(
            institutions_visible_to(actor, Perm.MANAGE_ENROLMENT), code=fields.pop("institution")
        )
        slot = services.slot_publish(director=actor, institution=institution, **fields)
        slot = slots_with_counts(
            TemporaryCareSlot.objects.filter(pk=slot.pk).select_related("institution")
        ).get()
        return Response(SlotSerializer(slot).data, status=status.HTTP_201_CREATED)


class TemporaryCareBookingSerializer(serializers.ModelSerializer):
    slot = serializers.UUIDField(source="slot.code", read_only=True)
    institution_name = serializers.CharField(source="slot.institution.name", read_only=True)
    date = serializers.DateField(source="slot.date", read_only=True)
    period = serializers.ChoiceField(source="slot.period", choices=Period.choices, read_only=True)
    booking_cutoff = serializers.DateTimeField(source="slot.booking_cutoff", read_only=True)
    child = serializers.UUIDField(source="child.code", read_only=True)
    child_name = serializers.CharField(source="child.name", read_only=True)

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


class TemporaryCareBookingListView(generics.ListCreateAPIView):
    """Temporary-care bookings: a guardian's children's, and those at the institutions whose children the
    actor sees. A guardian books a place with a slot code and a child code."""

    serializer_class = TemporaryCareBookingSerializer
    queryset = TemporaryCareBooking.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[TemporaryCareBooking]:
        return temporary_care_bookings_visible_to(self.request.user).order_by("slot__date", "booked_at", "pk")

    @extend_schema(request=SlotBookSerializer, responses={201: TemporaryCareBookingSerializer, **REFUSED})
    def post(self, request: Request) -> Response:
        data = SlotBookSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actor = signed_in_user(request)
        slot = get_visible_or_404(slots_bookable(), code=data.validated_data["slot"])
        child = get_visible_or_404(Child.objects.of_guardian(actor), code=data.validated_data["child"])
        booking = services.slot_book(guardian=actor, slot=slot, child=child)
        booking = self.get_queryset().get(pk=booking.pk)
        return Response(TemporaryCareBookingSerializer(booking).data, status=status.HTTP_201_CREATED)


class TemporaryCareBookingCancelView(APIView):
    """Cancel a temporary-care booking (its child's guardian, before the slot's cut-off)."""

    @extend_schema(request=None, responses={200: TemporaryCareBookingSerializer, **REFUSED})
    def post(self, request: Request, code: str) -> Response:
        actor = signed_in_user(request)
        booking = get_visible_or_404(temporary_care_bookings_visible_to(actor), code=code)
        services.slot_cancel(guardian=actor, booking=booking)
        booking = temporary_care_bookings_visible_to(actor).get(pk=booking.pk)
        return Response(TemporaryCareBookingSerializer(booking).data)


# Parent-child sessions ---------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    institution = serializers.UUIDField(source="institution.code", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    booked = serializers.IntegerField(read_only=True)
    waitlisted = serializers.IntegerField(read_only=True)
    remaining = serializers.IntegerField(read_only=True)

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


class SessionListView(generics.ListCreateAPIView):
    """Upcoming parent-child sessions of institutions in the public directory, with booked and waitlisted
    counts (public); directors publish. Filter with ``institution`` (code), ``date_from``, ``date_to``."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = SessionSerializer
    filterset_class = BookableFilter
    queryset = ParentChildSession.objects.none()  # for the schema; get_queryset answers every request

    def get_queryset(self) -> QuerySet[ParentChildSession]:
        return sessions_public()

    @extend_schema(request=SessionPublishSerializer, responses={201: SessionSerializer, **REFUSED})
    def post(self, request: Request) -> Response:
        data = SessionPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        actor = signed_in_user(request)
        institution = get_visible_or_404(
            institutions_visible_to(actor, Perm.MANAGE_ENROLMENT), code=fields.pop("institution")
        )
        session = services.session_publish(director=actor, institution=institution, **fields)
        session = sessions_with_counts(
            ParentChildSession.objects.filter(pk=session.pk).select_related("institution")
        ).get()
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionBookingSerializer(serializers.ModelSerializer):
    session = serializers.UUIDField(source="session.code", read_only=True)
    session_title = serializers.CharField(source="session.title", read_only=True)
    institution_name = serializers.CharField(source="session.institution.name", read_only=True)
    date = serializers.DateField(source="session.date", read_only=True)
    starts_at = serializers.TimeField(source="session.starts_at", read_only=True)
    booking_cutoff = serializers.DateTimeField(source="session.booking_cutoff", read_only=True)
    child = serializers.UUIDField(source="child.code", read_only=True)
    child_name = serializers.CharField(source="child.name", read_only=True)
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
        data = SessionBookSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actor = signed_in_user(request)
        session = get_visible_or_404(sessions_bookable(), code=data.validated_data["session"])
        child = get_visible_or_404(Child.objects.of_guardian(actor), code=data.validated_data["child"])
        booking = services.session_book(
            guardian=actor, session=session, child=child, adult_name=data.validated_data["adult_name"]
        )
        booking = _session_bookings(actor).get(pk=booking.pk)
        return Response(SessionBookingSerializer(booking).data, status=status.HTTP_201_CREATED)


class SessionBookingCancelView(APIView):
    """Cancel a session booking or leave the waitlist (its child's guardian); the freed place goes to the
    first child on the waitlist."""

    @extend_schema(request=None, responses={200: SessionBookingSerializer, **REFUSED})
    def post(self, request: Request, code: str) -> Response:
        actor = signed_in_user(request)
        booking = get_visible_or_404(session_bookings_visible_to(actor), code=code)
        services.session_cancel(guardian=actor, booking=booking)
        booking = _session_bookings(actor).get(pk=booking.pk)
        return Response(SessionBookingSerializer(booking).data)


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
