from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, Perm, get_visible_or_404, has_perm
from tuoyu.bookings import services
from tuoyu.bookings.filters import BookableFilter
from tuoyu.bookings.forms import BookForm, SessionBookForm, SessionPublishForm, SlotPublishForm
from tuoyu.bookings.models import (
    ACTIVE_SESSION_BOOKING_STATUSES,
    Booking,
    SessionBooking,
    SessionBookingStatus,
    TemporaryCareBooking,
    TemporaryCareStatus,
)
from tuoyu.bookings.selectors import (
    session_bookings_visible_to,
    sessions_bookable,
    sessions_public,
    sessions_visible_to,
    slots_bookable,
    slots_public,
    slots_visible_to,
    temporary_care_bookings_visible_to,
    waitlist_position,
    with_booked_list,
    with_waitlist,
    with_waitlist_position,
)
from tuoyu.enrolment.models import Child
from tuoyu.refusals import refusal_shown
from tuoyu.registry.selectors import institutions_visible_to

BookingT = TypeVar("BookingT", bound=Booking)


def _children(request: AuthenticatedRequest) -> list[Child]:
    return list(Child.objects.of_guardian(request.user).order_by("name", "pk"))


def _form_errors(request: AuthenticatedRequest, form: BookForm) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


# Guardians -----------------------------------------------------------------------------------------------


SLOTS_PER_PAGE = 12


@login_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    """Upcoming slots and sessions to book, and the guardian's own bookings with a way to cancel them."""
    now = timezone.now()
    today = timezone.localdate(now)
    slot_filter = BookableFilter(request.GET, queryset=slots_public(today=today))
    session_filter = BookableFilter(request.GET, queryset=sessions_public(today=today))
    children = _children(request)
    own_slot_bookings = (
        temporary_care_bookings_visible_to(request.user)
        .filter(child__in=children, slot__date__gte=today, status=TemporaryCareStatus.BOOKED)
        .order_by("slot__date", "slot__period", "child__name")
    )
    own_session_bookings = (
        with_waitlist_position(session_bookings_visible_to(request.user))
        .filter(child__in=children, session__date__gte=today, status__in=ACTIVE_SESSION_BOOKING_STATUSES)
        .order_by("session__date", "session__starts_at", "child__name")
    )
    context = {
        "now": now,
        "filter": slot_filter,
        "slots": Paginator(slot_filter.qs, SLOTS_PER_PAGE).get_page(request.GET.get("page")),
        "sessions": session_filter.qs,
        "children": children,
        "slot_bookings": own_slot_bookings,
        "session_bookings": own_session_bookings,
    }
    return render(request, "bookings/index.html", context)


def _choices(children: list[Child]) -> list[tuple[str, str]]:
    return [(str(child.code), child.name) for child in children]


def _book(
    request: AuthenticatedRequest,
    *,
    form_class: type[BookForm],
    book: Callable[..., BookingT],
    booked: Callable[[BookingT], str],
) -> HttpResponse:
    """Book (``book``, a service with its slot or session) for one of the guardian's children; the message
    ``booked`` says what was booked."""
    form = form_class(request.POST, child_choices=_choices(_children(request)))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("bookings:index")
    fields = dict(form.cleaned_data)
    child = get_visible_or_404(Child.objects.of_guardian(request.user), code=fields.pop("child"))
    with refusal_shown(request):
        booking = book(actor=request.user, child=child, **fields)
        messages.success(request, booked(booking))
    return redirect("bookings:index")


def _cancel(
    request: AuthenticatedRequest,
    booking: BookingT,
    *,
    cancel: Callable[..., BookingT],
    cancelled: str,
    context: dict[str, object],
) -> HttpResponse:
    """A confirmation page (GET), then the cancellation (POST) and the message ``cancelled``."""
    if request.method == "POST":
        with refusal_shown(request):
            cancel(actor=request.user, booking=booking)
            messages.success(request, cancelled)
        return redirect("bookings:index")
    return render(request, "bookings/cancel.html", {"booking": booking, **context})


@login_required
@require_POST
def slot_book(request: AuthenticatedRequest, code: str) -> HttpResponse:
    slot = get_visible_or_404(slots_bookable().select_related("institution"), code=code)
    return _book(
        request, form_class=BookForm, book=partial(services.slot_book, slot=slot), booked=_slot_booked
    )


def _slot_booked(booking: TemporaryCareBooking) -> str:
    slot = booking.slot
    return _("%(child)s is booked for temporary care at %(institution)s on %(day)s (%(period)s).") % {
        "child": booking.child.name,
        "institution": slot.institution.name,
        "day": slot.date.isoformat(),
        "period": slot.get_period_display(),
    }


@login_required
@require_POST
def session_book(request: AuthenticatedRequest, code: str) -> HttpResponse:
    session = get_visible_or_404(sessions_bookable().select_related("institution"), code=code)
    return _book(
        request,
        form_class=SessionBookForm,
        book=partial(services.session_book, session=session),
        booked=_session_booked,
    )


def _session_booked(booking: SessionBooking) -> str:
    session, child = booking.session, booking.child
    if booking.status == SessionBookingStatus.WAITLISTED:
        return _(
            "“%(session)s” is full: %(child)s is number %(position)d on the waitlist. We will tell you "
            "if a place becomes free."
        ) % {"session": session.title, "child": child.name, "position": waitlist_position(booking) or 0}
    return _("%(child)s is booked for “%(session)s” on %(day)s.") % {
        "child": child.name,
        "session": session.title,
        "day": session.date.isoformat(),
    }


@login_required
def slot_cancel(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """A confirmation page (GET), then the cancellation (POST)."""
    booking = get_visible_or_404(temporary_care_bookings_visible_to(request.user), code=code)
    slot = booking.slot
    return _cancel(
        request,
        booking,
        cancel=services.slot_cancel,
        cancelled=_("The booking of %(child)s on %(day)s is cancelled.")
        % {"child": booking.child.name, "day": slot.date.isoformat()},
        context={
            "kind": _("Temporary care"),
            "place": slot.institution.name,
            "when": f"{slot.date.isoformat()} {slot.get_period_display()}",
            "active": booking.status == TemporaryCareStatus.BOOKED,
            "closed": timezone.now() >= slot.booking_cutoff,
        },
    )


@login_required
def session_cancel(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """A confirmation page (GET), then the cancellation or leaving the waitlist (POST)."""
    booking = get_visible_or_404(session_bookings_visible_to(request.user), code=code)
    session = booking.session
    return _cancel(
        request,
        booking,
        cancel=services.session_cancel,
        cancelled=_("The booking of %(child)s for “%(session)s” is cancelled.")
        % {"child": booking.child.name, "session": session.title},
        context={
            "kind": session.title,
            "place": session.institution.name,
            "when": f"{session.date.isoformat()} {session.starts_at:%H:%M}–{session.ends_at:%H:%M}",
            "active": booking.status in ACTIVE_SESSION_BOOKING_STATUSES,
            "waitlisted": booking.status == SessionBookingStatus.WAITLISTED,
            # Leaving the waitlist frees no place: it stays possible after the cut-off.
            "closed": booking.status == SessionBookingStatus.BOOKED
            and timezone.now() >= session.booking_cutoff,
        },
    )


# Directors -----------------------------------------------------------------------------------------------


@login_required
def manage(request: AuthenticatedRequest) -> HttpResponse:
    """Publish slots and sessions (director); the upcoming ones with the booked children and the waitlist."""
    if not has_perm(request.user, Perm.VIEW_CHILDREN):
        raise Http404
    managed = list(institutions_visible_to(request.user, Perm.MANAGE_ENROLMENT).order_by("name"))
    choices = [(str(institution.code), institution.name) for institution in managed]
    action = request.POST.get("action") if request.method == "POST" else None
    # Two forms on one page: distinct element ids, the same field names as the services' arguments.
    slot_form = SlotPublishForm(
        request.POST if action == "slot" else None, institution_choices=choices, auto_id="slot_%s"
    )
    session_form = SessionPublishForm(
        request.POST if action == "session" else None, institution_choices=choices, auto_id="session_%s"
    )
    form = {"slot": slot_form, "session": session_form}.get(action or "")
    if form is not None and managed and form.is_valid():
        data: dict[str, Any] = dict(form.cleaned_data)
        institution = next(i for i in managed if str(i.code) == data.pop("institution"))
        with refusal_shown(request):
            if action == "slot":
                services.slot_publish(actor=request.user, institution=institution, **data)
                done = _("The temporary-care places of %(day)s are published.")
            else:
                services.session_publish(actor=request.user, institution=institution, **data)
                done = _("The session of %(day)s is published.")
            messages.success(request, done % {"day": data["date"].isoformat()})
            return redirect("bookings:manage")
    today = timezone.localdate()
    slots = with_booked_list(
        slots_visible_to(request.user).filter(date__gte=today).order_by("date", "institution__name", "period")
    )
    sessions = with_waitlist(
        with_booked_list(
            sessions_visible_to(request.user)
            .filter(date__gte=today)
            .order_by("date", "starts_at", "institution__name")
        )
    )
    context = {
        "slots": slots,
        "sessions": sessions,
        "slot_form": slot_form if managed else None,
        "session_form": session_form if managed else None,
    }
    return render(request, "bookings/manage.html", context)
