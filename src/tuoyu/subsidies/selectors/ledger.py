"""Reads of the district's subsidy ledger ("三到位": budget allocated, committed by decisions, paid): the
year's figures, its entries, payment times per institution, overdue payments, and the year's claims and
decisions for export.

Decisions are grouped by their original: a difference decision's commitment and the payments recorded against
the original count together (``services.ledger.decision_family_totals``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from tuoyu.accounts.access import Perm, districts_in_scope, in_scope_of
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.subsidies.models import Claim, Decision, EntryKind, LedgerEntry
from tuoyu.subsidies.selectors.decisions import decisions_visible_to, instalment_plan

ZERO = Decimal("0.00")


# Who reads what -----------------------------------------------------------------------------------------


def ledger_regions_of(actor: object) -> QuerySet[Region]:
    """The districts whose ledger the actor keeps (Perm.DECIDE_SUBSIDIES): a regulator's district, or the
    districts below their city; every district for a superuser."""
    return districts_in_scope(actor, Perm.DECIDE_SUBSIDIES)


def decisions_payable_by(actor: object) -> QuerySet[Decision]:
    """Decisions against which the actor records payments and refunds: those of the districts they decide
    for."""
    return in_scope_of(
        Decision.objects.select_related("claim__institution", "corrects"),
        actor,
        Perm.DECIDE_SUBSIDIES,
        "claim__institution__",
    )


# The year's figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerSummary:
    year: int
    budget: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        """Budget not yet committed."""
        return self.budget - self.committed

    @property
    def unpaid(self) -> Decimal:
        """Committed, not yet paid."""
        return self.committed - self.paid

    def percent(self, amount: Decimal) -> int:
        """``amount`` as a whole percentage of the budget (0–100), for a bar."""
        if self.budget <= 0:
            return 0
        return max(0, min(100, round(amount * 100 / self.budget)))


def ledger_entries(region: Region, year: int) -> QuerySet[LedgerEntry]:
    """The year's entries of the district's ledger, in the order they were recorded."""
    return (
        LedgerEntry.objects.filter(region=region, year=year)
        .select_related("decision", "institution", "recorded_by")
        .order_by("recorded_at", "pk")
    )


def ledger_summary(region: Region, year: int) -> LedgerSummary:
    """Budget, committed, paid (and, as properties, remaining = budget − committed, unpaid = committed −
    paid) of the district's year."""
    totals = {
        row["kind"]: row["total"]
        for row in LedgerEntry.objects.filter(region=region, year=year)
        .values("kind")
        .annotate(total=Sum("amount_yuan"))
        .order_by()
    }
    return LedgerSummary(
        year=year,
        budget=totals.get(EntryKind.BUDGET) or ZERO,
        committed=totals.get(EntryKind.COMMITMENT) or ZERO,
        paid=totals.get(EntryKind.PAYMENT) or ZERO,
    )


def ledger_years(region: Region, today: datetime.date) -> list[int]:
    """The years the district's ledger has entries for, and this year, newest first."""
    years = set(LedgerEntry.objects.filter(region=region).values_list("year", flat=True).distinct())
    return sorted(years | {today.year}, reverse=True)


# Decisions grouped by their original -------------------------------------------------------------------


@dataclass
class DecisionPayments:
    """An original decision with its difference decisions: what they commit, what was paid, and when."""

    decision: Decision
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    payments: list[LedgerEntry] = field(default_factory=list)

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid

    @property
    def decided_on(self) -> datetime.date:
        return timezone.localdate(self.decision.decided_at)

    @property
    def fully_paid(self) -> bool:
        return self.committed > 0 and self.paid >= self.committed

    @property
    def last_paid_on(self) -> datetime.date | None:
        days = [entry.paid_on for entry in self.payments if entry.paid_on is not None]
        return max(days) if days else None

    @property
    def days_to_payment(self) -> int | None:
        """Days from the decision to its last payment, once fully paid."""
        last = self.last_paid_on
        if not self.fully_paid or last is None:
            return None
        return (last - self.decided_on).days

    @property
    def on_time(self) -> bool | None:
        """Fully paid by the decision's payment_due_on (None while not fully paid)."""
        last = self.last_paid_on
        if not self.fully_paid or last is None:
            return None
        return last <= self.decision.payment_due_on


def decision_payments(entries: QuerySet[LedgerEntry]) -> list[DecisionPayments]:
    """The commitments and payments among ``entries``, grouped by original decision (oldest first)."""
    grouped: dict[int, DecisionPayments] = {}
    rows = entries.filter(decision__isnull=False).select_related(
        "decision__claim__institution", "decision__claim__policy", "decision__corrects"
    )
    for entry in rows.order_by("recorded_at", "pk"):
        decision = entry.decision
        assert decision is not None
        original = decision.corrects if decision.corrects_id is not None else decision
        assert original is not None
        group = grouped.setdefault(original.pk, DecisionPayments(decision=original))
        if entry.kind == EntryKind.COMMITMENT:
            group.committed += entry.amount_yuan
        elif entry.kind == EntryKind.PAYMENT:
            group.paid += entry.amount_yuan
            group.payments.append(entry)
    return sorted(grouped.values(), key=lambda group: (group.decision.decided_at, group.decision.pk))


def _district_entries(region: Region) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(region=region)


def decisions_unpaid(region: Region) -> list[DecisionPayments]:
    """Original decisions of the district with an amount still to pay (committed > paid)."""
    return [group for group in decision_payments(_district_entries(region)) if group.unpaid > 0]


def decisions_to_recover(region: Region) -> list[DecisionPayments]:
    """Original decisions of the district paid beyond what they now commit (after a clawback)."""
    return [group for group in decision_payments(_district_entries(region)) if group.unpaid < 0]


# Per institution -----------------------------------------------------------------------------------------


@dataclass
class InstitutionPayments:
    institution: Institution
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    decisions: int = 0
    days: list[int] = field(default_factory=list)  # days from decision to payment, per decision fully paid
    on_time: int = 0
    late_unpaid: int = 0  # decisions past their due date and not fully paid: not on time either

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid

    @property
    def paid_decisions(self) -> int:
        return len(self.days)

    @property
    def average_days(self) -> Decimal | None:
        if not self.days:
            return None
        return (Decimal(sum(self.days)) / len(self.days)).quantize(Decimal("0.1"))

    @property
    def max_days(self) -> int | None:
        return max(self.days) if self.days else None

    @property
    def due_decisions(self) -> int:
        """The decisions whose payment is due: paid in full, or past their due date."""
        return len(self.days) + self.late_unpaid

    @property
    def on_time_percent(self) -> int | None:
        """The share of due decisions paid in full by their due date, in whole percent."""
        if not self.due_decisions:
            return None
        return round(self.on_time * 100 / self.due_decisions)


def payments_by_institution(
    region: Region, year: int, today: datetime.date | None = None
) -> list[InstitutionPayments]:
    """Per institution of the district's year: committed, paid, and for each decision fully paid the days from
    decision to its last payment (average, maximum) and whether it was paid by its due date; a decision past
    its due date and not paid counts as not on time. By name."""
    today = today or timezone.localdate()
    rows: dict[int, InstitutionPayments] = {}
    for group in decision_payments(_district_entries(region).filter(year=year)):
        institution = group.decision.claim.institution
        row = rows.setdefault(institution.pk, InstitutionPayments(institution=institution))
        row.committed += group.committed
        row.paid += group.paid
        row.decisions += 1
        if group.days_to_payment is not None:
            row.days.append(group.days_to_payment)
            row.on_time += 1 if group.on_time else 0
        elif group.decision.payment_due_on < today and group.paid < group.committed:
            row.late_unpaid += 1
    return sorted(rows.values(), key=lambda row: (row.institution.name, row.institution.pk))


def payments_overall(rows: list[InstitutionPayments]) -> InstitutionPayments:
    """The district's totals of ``rows`` (its ``institution`` is unused)."""
    total = InstitutionPayments(institution=Institution())
    for row in rows:
        total.committed += row.committed
        total.paid += row.paid
        total.decisions += row.decisions
        total.days += row.days
        total.on_time += row.on_time
        total.late_unpaid += row.late_unpaid
    return total


# Overdue -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    """An instalment of a decision not paid by its due date."""

    decision: Decision
    instalment: int  # 1, 2... (operating decisions have one)
    instalments: int
    due_on: datetime.date
    due_yuan: Decimal  # this instalment's amount
    unpaid_yuan: Decimal  # what of it is still unpaid
    days_overdue: int


def instalments_due(group: DecisionPayments) -> list[tuple[datetime.date, Decimal, Decimal]]:
    """(due on, amount of the instalment, cumulative amount due by then) per instalment of what the decision
    and its difference decisions committed: instalment k is due on payment_due_on + 12·k months."""
    rows = []
    cumulative = ZERO
    for instalment in instalment_plan(group.decision, group.committed):
        cumulative += instalment.amount
        rows.append((instalment.due_on, instalment.amount, cumulative))
    return rows


def payments_overdue(region: Region, today: datetime.date) -> list[Overdue]:
    """Instalments of the district's decisions whose amount is not paid by their due date, with the days
    overdue; the longest overdue first."""
    overdue = []
    for group in decision_payments(_district_entries(region)):
        if group.committed <= 0:
            continue
        instalments = instalments_due(group)
        for number, (due_on, amount, cumulative) in enumerate(instalments, start=1):
            unpaid = min(amount, cumulative - group.paid)
            if due_on < today and unpaid > 0:
                overdue.append(
                    Overdue(
                        decision=group.decision,
                        instalment=number,
                        instalments=len(instalments),
                        due_on=due_on,
                        due_yuan=amount,
                        unpaid_yuan=unpaid,
                        days_overdue=(today - due_on).days,
                    )
                )
    return sorted(overdue, key=lambda row: (-row.days_overdue, row.decision.number, row.instalment))


# Per policy (the yearly summary) -------------------------------------------------------------------------


@dataclass
class PolicyTotals:
    name: str
    committed: Decimal = ZERO
    paid: Decimal = ZERO


def totals_by_policy(region: Region, year: int) -> list[PolicyTotals]:
    rows: dict[str, PolicyTotals] = defaultdict(lambda: PolicyTotals(name=""))
    for group in decision_payments(_district_entries(region).filter(year=year)):
        name = group.decision.claim.policy.name
        row = rows[name]
        row.name = name
        row.committed += group.committed
        row.paid += group.paid
    return [rows[name] for name in sorted(rows)]


# The year's claims and decisions (exports) --------------------------------------------------------------


def claims_of_year(region: Region, year: int) -> QuerySet[Claim]:
    """The district's claims of ``year`` (operating claims for a month of the year, construction claims
    prepared in it), each with ``child_months``: its counted child-months."""
    return (
        Claim.objects.filter(institution__street__path__startswith=region.path)
        .filter(Q(month__year=year) | Q(month__isnull=True, prepared_at__year=year))
        .select_related("institution", "policy", "filing")
        .annotate(child_months=Count("lines", filter=Q(lines__counted=True, lines__child__isnull=False)))
        .order_by("month", "institution__name", "pk")
    )


def decisions_of_year(region: Region, year: int) -> QuerySet[Decision]:
    """The district's decisions made in ``year``, originals and differences, in the order they were made."""
    return (
        Decision.objects.filter(
            claim__institution__street__path__startswith=region.path, decided_at__year=year
        )
        .select_related("claim__institution", "claim__policy", "corrects")
        .order_by("decided_at", "pk")
    )


def payments_of_originals(region: Region) -> dict[int, DecisionPayments]:
    """The district's decisions' payment state, by original decision id."""
    return {group.decision.pk: group for group in decision_payments(_district_entries(region))}


def payments_visible_to(actor: object) -> list[DecisionPayments]:
    """The payment state of the decisions the actor may read (``decisions_visible_to``), by original."""
    visible = decisions_visible_to(actor)
    return decision_payments(LedgerEntry.objects.filter(decision__in=visible.values("pk")))
