"""Back-office screens of bookings: read-only and scoped.

Slots, sessions and bookings are written only through the services (pages and API), which hold the rules
(price from the fee catalogue, cut-off, age, capacity, waitlist order); the back office shows them, each
screen's fields in the order of its model's own (``fields``: the shared ones come from abstract bases).
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from tuoyu.accounts.access import Perm
from tuoyu.accounts.admin import ScopedModelAdmin
from tuoyu.bookings.models import ParentChildSession, SessionBooking, TemporaryCareBooking, TemporaryCareSlot
from tuoyu.bookings.selectors import (
    session_bookings_visible_to,
    sessions_visible_to,
    slots_visible_to,
    temporary_care_bookings_visible_to,
)
from tuoyu.registry.selectors import institutions_visible_to


@admin.register(TemporaryCareSlot)
class TemporaryCareSlotAdmin(ScopedModelAdmin):
    view_perm = Perm.VIEW_CHILDREN
    list_display = ["date", "period", "institution", "capacity", "price_yuan", "booking_cutoff"]
    fields = ["institution", "date", "period", "capacity", "booking_cutoff", "price_yuan", "published_at"]
    list_filter = ["period", "date"]
    list_select_related = ["institution"]
    search_fields = ["institution__name"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[TemporaryCareSlot]:
        return slots_visible_to(request.user)


@admin.register(TemporaryCareBooking)
class TemporaryCareBookingAdmin(ScopedModelAdmin):
    view_perm = Perm.VIEW_CHILDREN
    list_display = ["child", "slot", "status", "booked_at", "cancelled_at"]
    fields = ["slot", "child", "booked_by", "status", "booked_at", "cancelled_at"]
    list_filter = ["status"]
    list_select_related = ["child", "slot__institution"]
    search_fields = ["child__name", "slot__institution__name"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[TemporaryCareBooking]:
        # Staff see the bookings at their institutions, not their own family's through this screen.
        institutions = institutions_visible_to(request.user, Perm.VIEW_CHILDREN)
        return temporary_care_bookings_visible_to(request.user).filter(slot__institution__in=institutions)


@admin.register(ParentChildSession)
class ParentChildSessionAdmin(ScopedModelAdmin):
    view_perm = Perm.VIEW_CHILDREN
    list_display = ["title", "date", "starts_at", "institution", "capacity", "price_yuan"]
    fields = [
        "institution",
        "title",
        "date",
        "starts_at",
        "ends_at",
        "min_age_months",
        "max_age_months",
        "capacity",
        "price_yuan",
        "booking_cutoff",
        "published_at",
    ]
    list_filter = ["date"]
    list_select_related = ["institution"]
    search_fields = ["title", "institution__name"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[ParentChildSession]:
        return sessions_visible_to(request.user)


@admin.register(SessionBooking)
class SessionBookingAdmin(ScopedModelAdmin):
    view_perm = Perm.VIEW_CHILDREN
    list_display = ["child", "session", "adult_name", "status", "created_at", "cancelled_at"]
    fields = ["session", "child", "adult_name", "booked_by", "status", "created_at", "cancelled_at"]
    list_filter = ["status"]
    list_select_related = ["child", "session__institution"]
    search_fields = ["child__name", "session__title", "session__institution__name"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[SessionBooking]:
        institutions = institutions_visible_to(request.user, Perm.VIEW_CHILDREN)
        return session_bookings_visible_to(request.user).filter(session__institution__in=institutions)
