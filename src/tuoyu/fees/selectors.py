"""Fees' reads: the government-guided price in force and the catalogue prices above it; who sees which
guided prices and statements; a month's statements, the arrears."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from tuoyu.accounts.access import Perm, districts_in_scope, in_scope_of, scope_of
from tuoyu.enrolment.models import Child
from tuoyu.fees.models import FeePayment, FeeStatement, GuidedPrice, MealPlan
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution, ServiceOffering
from tuoyu.registry.selectors import district_of


def guided_price_on(region: Region, service_type: str, day: datetime.date) -> GuidedPrice | None:
    """The government-guided price of ``service_type`` in force in the district on ``day``, if any."""
    return (
        GuidedPrice.objects.filter(region=region, service_type=service_type, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


@dataclass(frozen=True)
class PriceExcess:
    offering: ServiceOffering
    guided: GuidedPrice

    @property
    def excess_yuan(self) -> Decimal:
        return self.offering.price_yuan - self.guided.price_yuan


def prices_above_guided(institution: Institution, day: datetime.date) -> list[PriceExcess]:
    """The monthly catalogue prices of ``institution`` above the guided price in force on ``day`` (two
    queries: the offerings, and the district's guided prices in force)."""
    offerings = list(institution.services.filter(price_unit=ServiceOffering.PriceUnit.MONTH))
    if not offerings:
        return []
    in_force: dict[str, GuidedPrice] = {}
    guided_prices = GuidedPrice.objects.filter(
        region=district_of(institution),
        service_type__in=[o.service_type for o in offerings],
        effective_from__lte=day,
    ).order_by("effective_from", "pk")
    for guided in guided_prices:
        in_force[guided.service_type] = guided  # the latest in force wins
    return [
        PriceExcess(offering, in_force[offering.service_type])
        for offering in offerings
        if offering.service_type in in_force
        and offering.price_yuan > in_force[offering.service_type].price_yuan
    ]


# Who sees what ---------------------------------------------------------------------------------------------


def guided_prices_visible_to(actor: object) -> QuerySet[GuidedPrice]:
    """The guided prices of the districts where the actor decides subsidies (the regulator)."""
    scope = scope_of(actor, Perm.DECIDE_SUBSIDIES)
    prices = GuidedPrice.objects.select_related("region", "created_by")
    if scope.everything:
        return prices.all()
    if not scope.region_paths:
        return prices.none()
    condition = Q()
    for path in scope.region_paths:
        condition |= Q(region__path__startswith=path)
    return prices.filter(condition)


def guided_price_districts(actor: object) -> QuerySet[Region]:
    """The districts whose guided prices the actor sets."""
    return districts_in_scope(actor, Perm.DECIDE_SUBSIDIES)


def fee_institutions_visible_to(actor: object) -> QuerySet[Institution]:
    """The institutions whose fees the actor manages (their director)."""
    return Institution.objects.visible_to(actor, Perm.MANAGE_FEES)


def statements_visible_to(actor: object) -> QuerySet[FeeStatement]:
    """The statements of the institutions where the actor manages fees, and those of the actor's own
    children as their guardian. Nobody else's (caregivers handle no money; regulators see no family's)."""
    managed = in_scope_of(FeeStatement.objects.all(), actor, Perm.MANAGE_FEES, "institution__")
    own = FeeStatement.objects.filter(child__in=Child.objects.of_guardian(actor))
    return (
        FeeStatement.objects.filter(Q(pk__in=managed.values("pk")) | Q(pk__in=own.values("pk")))
        .select_related("child", "institution")
        .order_by("-month", "child__name", "pk")
    )


def _money() -> DecimalField:
    return DecimalField(max_digits=12, decimal_places=2)


def with_paid(statements: QuerySet[FeeStatement]) -> QuerySet[FeeStatement]:
    """``paid_yuan`` on each statement: the sum of the payments recorded against it."""
    return statements.annotate(
        paid_yuan=Coalesce(Sum("payments__amount_yuan"), Decimal("0.00"), output_field=_money())
    )


def statements_of(institution: Institution, month: datetime.date) -> QuerySet[FeeStatement]:
    """The institution's statements of a month, with ``paid_yuan``, by child."""
    return with_paid(
        FeeStatement.objects.filter(institution=institution, month=month).select_related(
            "child", "institution"
        )
    ).order_by("child__name", "pk")


@dataclass(frozen=True)
class Arrear:
    statement: FeeStatement
    paid_yuan: Decimal
    due_yuan: Decimal
    days_since_issue: int


def arrears_of(institution: Institution, today: datetime.date) -> list[Arrear]:
    """The institution's statements with something still due (total − paid > 0), oldest month first."""
    statements = with_paid(
        FeeStatement.objects.filter(institution=institution).select_related("child", "institution")
    ).order_by("month", "child__name", "pk")
    arrears = []
    for statement in statements:
        paid = statement.paid_yuan  # type: ignore[attr-defined]
        due = statement.total_yuan - paid
        if due > 0:
            issued = timezone.localdate(statement.issued_at)
            arrears.append(Arrear(statement, paid, due, (today - issued).days))
    return arrears


def payments_of(statement: FeeStatement) -> QuerySet[FeePayment]:
    return statement.payments.select_related("recorded_by").order_by("paid_on", "pk")


def statement_status(total: Decimal, paid: Decimal) -> str:
    """``paid``, ``part_paid`` or ``unpaid`` (a statement of nothing counts as paid)."""
    if paid >= total:
        return "paid"
    return "part_paid" if paid > 0 else "unpaid"


def latest_statement_month(institution: Institution) -> datetime.date | None:
    """The latest month the institution has statements for (the page opens on it)."""
    return (
        FeeStatement.objects.filter(institution=institution)
        .order_by("-month")
        .values_list("month", flat=True)
    ).first()


def statements_of_guardian(actor: object) -> QuerySet[FeeStatement]:
    """The statements of the actor's own children (缴费通知), with ``paid_yuan``, latest month first."""
    return with_paid(
        FeeStatement.objects.filter(child__in=Child.objects.of_guardian(actor)).select_related(
            "child", "institution"
        )
    ).order_by("-month", "child__name", "pk")


def meal_plan_of(institution: Institution) -> MealPlan | None:
    """The institution's meal plan (the meal part of its catalogue), if it has one; the caller has taken the
    institution through the access layer."""
    return MealPlan.objects.filter(institution=institution).first()
