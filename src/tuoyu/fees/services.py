"""Fees' writes: the district's guided prices, an institution's meal plan, a child's monthly statement (built
from the data only) and the payments the director records against it."""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, actor_may, scope_of
from tuoyu.accounts.models import User
from tuoyu.bookings.models import BookingStatus, SessionBooking, SessionBookingStatus, TemporaryCareBooking
from tuoyu.daycare.models import IN_CARE_STATUSES, Attendance
from tuoyu.enrolment.models import Child, Placement, ServiceAgreement
from tuoyu.enrolment.selectors import guardians_of
from tuoyu.fees.models import (
    FeePayment,
    FeeStatement,
    GuidedPrice,
    LineKind,
    MealPlan,
    MealRefund,
    PaymentMethod,
)
from tuoyu.money import to_fen, yuan
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.regions.models import Region
from tuoyu.registry.models import ClosedDay, Institution, ServiceOffering, ServiceType
from tuoyu.registry.signals import announce_change
from tuoyu.workdays import is_working_day

MONTHLY_SERVICES = (ServiceType.FULL_DAY, ServiceType.HALF_DAY)
"""The services priced by the month, which have a government-guided price."""


# Months ---------------------------------------------------------------------------------------------------


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    return month_of(month.replace(day=1) - datetime.timedelta(days=1))


def service_days(institution: Institution, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The institution's service days from ``start`` up to ``end`` (excluded): the working days of the
    national calendar, less the institution's own closed days."""
    closed = set(
        ClosedDay.objects.filter(institution=institution, day__gte=start, day__lt=end).values_list(
            "day", flat=True
        )
    )
    days, day = [], start
    while day < end:
        if is_working_day(day) and day not in closed:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _zh(label: Any) -> str:
    """A label of the catalogue as the statement (a document of the institution) writes it: in Chinese."""
    with translation.override("zh-hans"):
        return str(label)


def _md(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"


# Guided prices --------------------------------------------------------------------------------------------


def _require_region_in_scope(actor: User, region: Region) -> None:
    scope = scope_of(actor, Perm.DECIDE_SUBSIDIES)
    if not (scope.everything or any(region.path.startswith(path) for path in scope.region_paths)):
        raise NotPermitted("guided prices outside the actor's districts")


@transaction.atomic
def guided_price_add(
    *,
    region: Region,
    service_type: str,
    price_yuan: Decimal,
    effective_from: datetime.date,
    source_document: str,
    is_demo_value: bool,
    actor: User,
    now: datetime.datetime | None = None,
) -> GuidedPrice:
    """A new guided price of a monthly service in the district, in force from ``effective_from`` until a
    later one. An old row is never edited: a price changes by a new row from a later day."""
    _require_region_in_scope(actor, region)
    if region.level != Region.Level.DISTRICT:
        raise Refusal(_("Guided prices are set for a district."), "guided_price_region")
    if service_type not in MONTHLY_SERVICES:
        raise Refusal(
            _("Guided prices are set for the monthly services (full-day and half-day care)."),
            "guided_price_service_type",
        )
    if price_yuan < 0:
        raise Refusal(_("A price cannot be negative."), "guided_price_negative")
    if GuidedPrice.objects.filter(
        region=region, service_type=service_type, effective_from=effective_from
    ).exists():
        raise Refusal(
            _("A guided price of this service already takes effect on %(day)s: set a later day.")
            % {"day": effective_from.isoformat()},
            "guided_price_duplicate",
            conflict=True,
        )
    price = GuidedPrice(
        region=region,
        service_type=service_type,
        price_yuan=to_fen(price_yuan),
        effective_from=effective_from,
        source_document=source_document.strip(),
        is_demo_value=is_demo_value,
        created_by=actor,
    )
    price.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            price.save()
    except IntegrityError:
        raise Refusal(
            _("A guided price of this service already takes effect on %(day)s: set a later day.")
            % {"day": effective_from.isoformat()},
            "guided_price_duplicate",
            conflict=True,
        ) from None
    # FEE-01 reads the guided prices: the district's institutions are evaluated again.
    for institution_id in Institution.objects.filter(street__path__startswith=region.path).values_list(
        "pk", flat=True
    ):
        announce_change(institution_id)
    return price


# Meal plan ------------------------------------------------------------------------------------------------


@transaction.atomic
def meal_plan_set(
    *, institution: Institution, price_per_day_yuan: Decimal, refund: str, actor: User
) -> MealPlan:
    """The institution's meal fee per day of care and its rule for absent days (part of its catalogue)."""
    if not actor_may(actor, Perm.MANAGE_FEES, institution.pk):
        raise NotPermitted("meal plan of another institution")
    if refund not in MealRefund.values:
        raise Refusal(_("Choose how absent days are treated."), "meal_plan_refund")
    if price_per_day_yuan < 0:
        raise Refusal(_("A price cannot be negative."), "meal_plan_negative")
    plan = MealPlan.objects.select_for_update().filter(institution=institution).first()
    plan = plan or MealPlan(institution=institution)
    plan.price_per_day_yuan = to_fen(price_per_day_yuan)
    plan.refund = refund
    plan.full_clean(validate_unique=False)
    plan.save()
    return plan


# Statements -----------------------------------------------------------------------------------------------


def _line(
    kind: str, label: str, quantity: str, unit: Decimal, amount: Decimal, detail: str, source: str
) -> dict[str, str]:
    return {
        "kind": kind,
        "label": label,
        "quantity": quantity,
        "unit_price_yuan": str(to_fen(unit)),
        "amount_yuan": str(to_fen(amount)),
        "detail": detail,
        "source": source,
    }


def _monthly_price(placement: Placement) -> tuple[Decimal, str] | None:
    """The monthly price of the placement's service: from its service agreement, else (a placement recorded
    without one) from the institution's fee catalogue; None when neither prices it by the month."""
    try:
        agreement: ServiceAgreement | None = placement.agreement
    except ServiceAgreement.DoesNotExist:
        agreement = None
    if agreement is not None:
        for item in agreement.items:
            if item.get("service_type") == placement.service_type and item.get("unit") == "month":
                return Decimal(str(item["price_yuan"])), "service_agreement"
    offering = ServiceOffering.objects.filter(
        institution_id=placement.institution_id,
        service_type=placement.service_type,
        price_unit=ServiceOffering.PriceUnit.MONTH,
    ).first()
    if offering is not None:
        return offering.price_yuan, "fee_catalogue"
    return None


def _tuition_lines(
    placements: Iterable[Placement],
    month: datetime.date,
    month_days: list[datetime.date],
) -> tuple[list[dict[str, str]], list[datetime.date]]:
    after = next_month(month)
    lines: list[dict[str, str]] = []
    in_care: list[datetime.date] = []
    for placement in placements:
        start, end = max(month, placement.start_date), min(after, placement.ends_on)
        days = [day for day in month_days if start <= day < end]
        in_care += days
        priced = _monthly_price(placement)
        if priced is None:
            continue
        price, source = priced
        label = f"保育费（{_zh(ServiceType(placement.service_type).label)}）"
        if placement.start_date <= month and placement.ends_on >= after:
            detail = f"{month.year}年{month.month}月整月在托，按月收费{yuan(price)}"
            lines.append(_line(LineKind.TUITION, label, "1", price, price, detail, source))
        elif days:
            amount = to_fen(price * len(days) / len(month_days))
            detail = (
                f"本月服务日{len(month_days)}天（国家法定工作日，扣除本园闭园日），"
                f"在托期间（{_md(days[0])}至{_md(days[-1])}）服务日{len(days)}天；"
                f"{yuan(price)}×{len(days)}÷{len(month_days)}＝{yuan(amount)}"
            )
            quantity = f"{len(days)}/{len(month_days)}"
            lines.append(_line(LineKind.TUITION, label, quantity, price, amount, detail, source))
    return lines, sorted(set(in_care))


def _meal_lines(
    child: Child, institution: Institution, in_care: list[datetime.date], today: datetime.date
) -> list[dict[str, str]]:
    if not institution.serves_meals or not in_care:
        return []
    plan = MealPlan.objects.filter(institution=institution).first()
    if plan is None:
        return []
    price, count = plan.price_per_day_yuan, len(in_care)
    lines = [
        _line(
            LineKind.MEALS,
            "伙食费",
            str(count),
            price,
            price * count,
            f"在托服务日{count}天×每日{yuan(price)}",
            "meal_plan",
        )
    ]
    if plan.refund != MealRefund.PER_ABSENT_DAY:
        return lines
    # A day is absent once it has passed without the child in care; today and later days are not yet.
    passed = [day for day in in_care if day < today]
    present = set(
        Attendance.objects.filter(
            child=child, placement__institution=institution, day__in=passed, status__in=IN_CARE_STATUSES
        ).values_list("day", flat=True)
    )
    absent = [day for day in passed if day not in present]
    if absent:
        days = "、".join(_md(day) for day in absent)
        lines.append(
            _line(
                LineKind.MEAL_REFUND,
                f"伙食费退还（缺勤{len(absent)}天）",
                str(len(absent)),
                -price,
                -price * len(absent),
                f"按本园退费规则，缺勤日每日退还{yuan(price)}；缺勤日：{days}",
                "meal_plan",
            )
        )
    return lines


def _booking_lines(child: Child, institution: Institution, month: datetime.date) -> list[dict[str, str]]:
    after = next_month(month)
    lines = []
    temporary = (
        TemporaryCareBooking.objects.filter(
            child=child,
            slot__institution=institution,
            slot__date__gte=month,
            slot__date__lt=after,
            status=BookingStatus.BOOKED,
        )
        .select_related("slot")
        .order_by("slot__date", "slot__period", "pk")
    )
    for booking in temporary:
        slot = booking.slot
        lines.append(
            _line(
                LineKind.TEMPORARY_CARE,
                f"临时托（{_md(slot.date)}{_zh(slot.get_period_display())}）",
                "1",
                slot.price_yuan,
                slot.price_yuan,
                f"已预约临时托，{slot.date.isoformat()}{_zh(slot.get_period_display())}，每次{yuan(slot.price_yuan)}",
                f"temporary_care_booking:{booking.code}",
            )
        )
    sessions = (
        SessionBooking.objects.filter(
            child=child,
            session__institution=institution,
            session__date__gte=month,
            session__date__lt=after,
            status=SessionBookingStatus.BOOKED,
        )
        .select_related("session")
        .order_by("session__date", "session__starts_at", "pk")
    )
    for session_booking in sessions:
        session = session_booking.session
        lines.append(
            _line(
                LineKind.PARENT_CHILD,
                f"亲子早教（{session.title}）",
                "1",
                session.price_yuan,
                session.price_yuan,
                f"已预约亲子活动，{session.date.isoformat()} {session.starts_at:%H:%M}，"
                f"每次{yuan(session.price_yuan)}",
                f"session_booking:{session_booking.code}",
            )
        )
    return lines


def statement_lines(
    *, child: Child, institution: Institution, month: datetime.date, today: datetime.date
) -> list[dict[str, str]]:
    """The lines of the child's statement for ``month`` at ``institution``, from the data only: the
    placement's monthly price (pro rata by service days when not placed the whole month), the meal plan with
    its refund for absent days, and the booked temporary care and parent-child sessions."""
    month = month_of(month)
    after = next_month(month)
    placements = list(
        Placement.objects.filter(
            child=child, institution=institution, start_date__lt=after, ends_on__gt=month
        ).order_by("start_date", "pk")
    )
    month_days = service_days(institution, month, after)
    lines, in_care = _tuition_lines(placements, month, month_days)
    lines += _meal_lines(child, institution, in_care, today)
    lines += _booking_lines(child, institution, month)
    return lines


def lines_total(lines: Iterable[dict[str, str]]) -> Decimal:
    return sum((Decimal(line["amount_yuan"]) for line in lines), Decimal("0.00"))


def _notify_issued(statement: FeeStatement) -> None:
    notify_all(
        guardians_of(statement.child),
        kind=NotificationKind.FEE_STATEMENT,
        title=_("Fee statement for %(month)s: %(child)s"),
        body=_("%(institution)s has issued the fee statement of %(child)s for %(month)s: %(total)s."),
        params={
            "month": f"{statement.month:%Y-%m}",
            "child": statement.child.name,
            "institution": statement.institution.name,
            "total": yuan(statement.total_yuan),
        },
        link=reverse("fees:statement", args=[statement.code]),
    )


def statement_issue(
    *, child: Child, institution: Institution, month: datetime.date, now: datetime.datetime | None = None
) -> FeeStatement:
    """Issue (or, while nothing is paid against it, issue again) the child's statement for ``month`` from
    the data. A statement with a payment recorded stands as it is. The guardians are told when it is first
    issued."""
    now = now or timezone.now()
    month = month_of(month)
    if month > month_of(timezone.localdate(now)):
        raise Refusal(_("A statement is issued for a month that has begun."), "statement_month_future")
    with transaction.atomic():
        existing = (
            FeeStatement.objects.select_for_update()
            .filter(child=child, institution=institution, month=month)
            .first()
        )
        if existing is not None and existing.payments.exists():
            raise Refusal(
                _("A payment is recorded against this statement: it stands as issued."),
                "statement_paid",
                conflict=True,
            )
        lines = statement_lines(
            child=child, institution=institution, month=month, today=timezone.localdate(now)
        )
        if not lines and existing is None:
            raise Refusal(
                _("%(child)s has nothing to pay at %(institution)s for %(month)s.")
                % {"child": child.name, "institution": institution.name, "month": f"{month:%Y-%m}"},
                "statement_nothing_to_charge",
                conflict=True,
            )
        total = lines_total(lines)
        if existing is not None:
            existing.lines, existing.total_yuan, existing.issued_at = lines, total, now
            existing.save(update_fields=["lines", "total_yuan", "issued_at"])
            return existing
        try:
            with transaction.atomic():
                statement = FeeStatement.objects.create(
                    child=child,
                    institution=institution,
                    month=month,
                    lines=lines,
                    total_yuan=total,
                    issued_at=now,
                )
        except IntegrityError:
            raise Refusal(
                _("This statement was issued meanwhile: open it again."), "statement_issued", conflict=True
            ) from None
        _notify_issued(statement)
    return statement


def charged_children(institution: Institution | None, month: datetime.date) -> set[tuple[int, int]]:
    """(child, institution) ids with something to charge in ``month``: a placement overlapping it, or a
    booked temporary care or parent-child session."""
    after = next_month(month)
    where = Q() if institution is None else Q(institution=institution)
    pairs = set(
        Placement.objects.filter(where, start_date__lt=after, ends_on__gt=month).values_list(
            "child_id", "institution_id"
        )
    )
    slots = Q() if institution is None else Q(slot__institution=institution)
    pairs |= set(
        TemporaryCareBooking.objects.filter(
            slots, slot__date__gte=month, slot__date__lt=after, status=BookingStatus.BOOKED
        ).values_list("child_id", "slot__institution_id")
    )
    sessions = Q() if institution is None else Q(session__institution=institution)
    pairs |= set(
        SessionBooking.objects.filter(
            sessions, session__date__gte=month, session__date__lt=after, status=SessionBookingStatus.BOOKED
        ).values_list("child_id", "session__institution_id")
    )
    return pairs


def statements_issue_month(
    *,
    month: datetime.date,
    institution: Institution | None = None,
    reissue: bool = False,
    now: datetime.datetime | None = None,
) -> int:
    """Issue the month's statements of every child with something to charge (of one institution, or of
    all); those already issued are left alone, or with ``reissue`` issued again while unpaid. Idempotent.
    Answers how many statements were issued."""
    now = now or timezone.now()
    month = month_of(month)
    issued = set(
        FeeStatement.objects.filter(month=month).values_list("child_id", "institution_id")
        if not reissue
        else FeeStatement.objects.filter(month=month, payments__isnull=False).values_list(
            "child_id", "institution_id"
        )
    )
    pairs = sorted(charged_children(institution, month) - issued)
    children = Child.objects.in_bulk([child for child, _ in pairs])
    institutions = Institution.objects.in_bulk([place for _, place in pairs])
    count = 0
    for child_id, institution_id in pairs:
        try:
            statement_issue(
                child=children[child_id], institution=institutions[institution_id], month=month, now=now
            )
        except Refusal:
            continue  # nothing to charge after all (a placement priced by no catalogue), or paid meanwhile
        count += 1
    return count


# Payments -------------------------------------------------------------------------------------------------


def paid_on_statement(statement: FeeStatement) -> Decimal:
    return sum((payment.amount_yuan for payment in statement.payments.all()), Decimal("0.00"))


@transaction.atomic
def payment_record(
    *,
    statement: FeeStatement,
    amount_yuan: Decimal,
    paid_on: datetime.date,
    method: str,
    reference: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> FeePayment:
    """A payment received against the statement (Tuoyu takes none itself): more than nothing, no more than
    what remains due, not paid in the future."""
    now = now or timezone.now()
    if not actor_may(actor, Perm.MANAGE_FEES, statement.institution_id):
        raise NotPermitted("payments of another institution")
    statement = FeeStatement.objects.select_for_update().get(pk=statement.pk)
    if amount_yuan <= 0:
        raise Refusal(_("A payment is an amount above zero."), "payment_not_positive")
    if to_fen(amount_yuan) != amount_yuan:
        raise Refusal(_("An amount is in yuan and fen (two decimal places)."), "payment_fen")
    if paid_on > timezone.localdate(now):
        raise Refusal(_("A payment cannot be received on a day still to come."), "payment_in_future")
    if method not in PaymentMethod.values:
        raise Refusal(_("Choose how the payment was received."), "payment_method")
    due = statement.total_yuan - paid_on_statement(statement)
    if amount_yuan > due:
        raise Refusal(
            _("%(amount)s is more than the %(due)s still due on this statement.")
            % {"amount": yuan(amount_yuan), "due": yuan(due)},
            "overpayment",
            conflict=due <= 0,
        )
    return FeePayment.objects.create(
        statement=statement,
        amount_yuan=amount_yuan,
        paid_on=paid_on,
        method=method,
        reference=reference.strip(),
        recorded_by=actor,
        recorded_at=now,
    )
