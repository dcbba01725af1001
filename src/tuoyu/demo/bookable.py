"""Temporary care (临时托) and parent-child sessions (亲子早教) of the demo district, published and booked
through the booking services, so that /bookings/ shows realistic availability, a full session with a
waitlist, and the demo parent's own booking."""

import datetime

from django.utils import timezone

from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.bookings import services
from tuoyu.bookings.models import ParentChildSession, TemporaryCareSlot
from tuoyu.enrolment.models import Child, Guardianship, completed_months
from tuoyu.registry.models import Institution, ServiceType

SESSIONS = (  # title, start, end, min months, max months, capacity
    ("亲子音乐律动", datetime.time(9, 30), datetime.time(10, 30), 12, 24, 8),
    ("绘本共读时光", datetime.time(10, 0), datetime.time(11, 0), 18, 36, 10),
    ("感统游戏课", datetime.time(15, 30), datetime.time(16, 30), 24, 36, 6),
)
SLOT_PERIODS = ("morning", "afternoon")


def _director(institution: Institution) -> User:
    return (
        RoleAssignment.objects.filter(role=Role.DIRECTOR, institution=institution)
        .select_related("user")[0]
        .user
    )


def _working_days(start: datetime.date, count: int) -> list[datetime.date]:
    days: list[datetime.date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _families_with_children(on: datetime.date, low: int, high: int) -> list[tuple[User, Child]]:
    """Guardians and children aged [low, high) months on ``on``, in a stable order."""
    pairs = []
    for guardianship in Guardianship.objects.select_related("user", "child").order_by("child_id")[:400]:
        if low <= completed_months(guardianship.child.birth_date, on) < high:
            pairs.append((guardianship.user, guardianship.child))
    return pairs


def seed_bookable_care(*, demo_guardian: User) -> None:
    now = timezone.now()
    days = _working_days(timezone.localdate(now) + datetime.timedelta(days=2), 8)
    for institution in Institution.objects.filter(services__service_type=ServiceType.TEMPORARY).order_by(
        "name"
    ):
        director = _director(institution)
        for number, day in enumerate(days):
            for period in SLOT_PERIODS:
                services.slot_publish(
                    actor=director,
                    institution=institution,
                    date=day,
                    period=period,
                    capacity=4 + number % 3,
                )
    for institution in Institution.objects.filter(services__service_type=ServiceType.PARENT_CHILD).order_by(
        "name"
    ):
        director = _director(institution)
        for number, (title, starts, ends, low, high, capacity) in enumerate(SESSIONS):
            services.session_publish(
                actor=director,
                institution=institution,
                title=title,
                date=days[number * 2],
                starts_at=starts,
                ends_at=ends,
                min_age_months=low,
                max_age_months=high,
                capacity=capacity,
            )
    _book(demo_guardian, days)


def _book(demo_guardian: User, days: list[datetime.date]) -> None:
    """Some bookings: the first slots nearly taken, the first music session full with two waiting."""
    slot = TemporaryCareSlot.objects.filter(date=days[0]).order_by("institution__name", "period").first()
    session = ParentChildSession.objects.filter(title=SESSIONS[0][0]).order_by("institution__name").first()
    if slot is None or session is None:
        return
    own = [(demo_guardian, child) for child in Child.objects.filter(guardianships__user=demo_guardian)]
    families = [pair for pair in _families_with_children(days[0], 12, 24) if pair[0] != demo_guardian]
    toddler_of_demo_parent = [
        pair for pair in own if 12 <= completed_months(pair[1].birth_date, days[0]) < 24
    ]
    for guardian, child in (toddler_of_demo_parent + families)[: slot.capacity - 1]:
        services.slot_book(actor=guardian, slot=slot, child=child)
    for guardian, child in families[: session.capacity + 2]:
        adult = f"{guardian.display_name[:1]}家长"
        services.session_book(actor=guardian, session=session, child=child, adult_name=adult)
