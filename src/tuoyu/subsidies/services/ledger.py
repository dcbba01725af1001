"""The district's subsidy ledger: budget allocated → committed by decisions → paid. Append-only (the database
refuses UPDATE and DELETE); every write here runs with the district's row locked, so that two writers never
both see the same balance.

"Balance never negative": what decisions commit never exceeds the year's budget (``ledger_commit``, and a
reduction of the budget is refused below it), and what is paid never exceeds what is committed, per
decision (with its difference decisions) and for the year. A clawback is a negative commitment; money the
institution pays back is a negative payment (``refund_record``)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.refusals import Refusal
from tuoyu.regions.models import Region
from tuoyu.subsidies.models import Decision, EntryKind, LedgerEntry

ZERO = Decimal("0.00")


def _total(region: Region, year: int, kind: str) -> Decimal:
    entries = LedgerEntry.objects.filter(region=region, year=year, kind=kind)
    return entries.aggregate(total=Sum("amount_yuan"))["total"] or ZERO


def _locked_region(region_id: int) -> Region:
    return Region.objects.select_for_update().get(pk=region_id)


@transaction.atomic
def ledger_commit(
    *, decision: Decision, region: Region, actor: User, now: datetime.datetime | None = None
) -> LedgerEntry:
    """Commit a decision's amount (negative for a clawback) against the district's budget of the year it is
    decided in. Refused when the budget's uncommitted balance would go below zero."""
    now = now or timezone.now()
    year = timezone.localdate(now).year
    region = _locked_region(region.pk)
    if decision.amount_yuan > 0:
        remaining = _total(region, year, EntryKind.BUDGET) - _total(region, year, EntryKind.COMMITMENT)
        if decision.amount_yuan > remaining:
            raise Refusal(
                _(
                    "The %(year)d budget has ¥%(remaining)s left uncommitted; this decision needs "
                    "¥%(amount)s. Record the additional budget first."
                )
                % {"year": year, "remaining": f"{remaining:,.2f}", "amount": f"{decision.amount_yuan:,.2f}"},
                "budget_exceeded",
                conflict=True,
            )
    return LedgerEntry.objects.create(
        region=region,
        year=year,
        kind=EntryKind.COMMITMENT,
        amount_yuan=decision.amount_yuan,
        decision=decision,
        institution=decision.claim.institution,
        recorded_by=actor,
        recorded_at=now,
    )


# The budget ------------------------------------------------------------------------------------------------


def _positive(amount_yuan: Decimal) -> Decimal:
    if amount_yuan <= 0:
        raise Refusal(_("The amount must be more than zero."), "amount_not_positive")
    return amount_yuan.quantize(Decimal("0.01"))


def _document(document: str) -> str:
    document = document.strip()
    if not document:
        raise Refusal(
            _("Name the document that allocates or changes the budget (its title and number)."),
            "document_required",
        )
    return document


@transaction.atomic
def budget_allocate(
    *,
    region: Region,
    year: int,
    amount_yuan: Decimal,
    document: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> LedgerEntry:
    """Record budget allocated to the district for ``year`` (an addition; the first allocation or more)."""
    now = now or timezone.now()
    amount_yuan = _positive(amount_yuan)
    document = _document(document)
    region = _locked_region(region.pk)
    return LedgerEntry.objects.create(
        region=region,
        year=year,
        kind=EntryKind.BUDGET,
        amount_yuan=amount_yuan,
        note=document,
        recorded_by=actor,
        recorded_at=now,
    )


@transaction.atomic
def budget_reduce(
    *,
    region: Region,
    year: int,
    amount_yuan: Decimal,
    document: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> LedgerEntry:
    """Record a reduction of the district's budget for ``year`` (预算调减) as a negative budget entry. Refused
    when the budget left would be less than what decisions have committed."""
    now = now or timezone.now()
    amount_yuan = _positive(amount_yuan)
    document = _document(document)
    region = _locked_region(region.pk)
    budget = _total(region, year, EntryKind.BUDGET)
    committed = _total(region, year, EntryKind.COMMITMENT)
    if budget - amount_yuan < committed:
        raise Refusal(
            _(
                "The %(year)d budget is ¥%(budget)s, of which ¥%(committed)s is committed by decisions: it "
                "can be reduced by at most ¥%(most)s."
            )
            % {
                "year": year,
                "budget": f"{budget:,.2f}",
                "committed": f"{committed:,.2f}",
                "most": f"{max(budget - committed, ZERO):,.2f}",
            },
            "budget_below_committed",
            conflict=True,
        )
    return LedgerEntry.objects.create(
        region=region,
        year=year,
        kind=EntryKind.BUDGET,
        amount_yuan=-amount_yuan,
        note=document,
        recorded_by=actor,
        recorded_at=now,
    )


# Payments --------------------------------------------------------------------------------------------------


def decision_original(decision: Decision) -> Decision:
    """The original decision a difference decision corrects (the decision itself for an original)."""
    while decision.corrects_id is not None:
        assert decision.corrects is not None
        decision = decision.corrects
    return decision


def decision_family_totals(original: Decision) -> tuple[Decimal, Decimal]:
    """(committed, paid) of an original decision and its difference decisions, read from the ledger."""
    entries = LedgerEntry.objects.filter(Q(decision=original) | Q(decision__corrects=original))
    committed = entries.filter(kind=EntryKind.COMMITMENT).aggregate(total=Sum("amount_yuan"))["total"]
    paid = entries.filter(kind=EntryKind.PAYMENT).aggregate(total=Sum("amount_yuan"))["total"]
    return committed or ZERO, paid or ZERO


def _payment_checks(*, paid_on: datetime.date, reference: str, now: datetime.datetime) -> str:
    if paid_on > timezone.localdate(now):
        raise Refusal(_("The payment date cannot be in the future."), "paid_on_in_future")
    reference = reference.strip()
    if not reference:
        raise Refusal(
            _("Give the bank's voucher number of the payment (its reference)."), "reference_required"
        )
    return reference


def _commitment_of(original: Decision) -> LedgerEntry:
    """The original decision's commitment entry: its district and budget year are those of its payments."""
    entry = (
        LedgerEntry.objects.filter(decision=original, kind=EntryKind.COMMITMENT)
        .order_by("recorded_at")
        .first()
    )
    if entry is None:
        raise Refusal(
            _("Decision %(number)s has committed nothing in the ledger: nothing can be paid against it.")
            % {"number": original.number},
            "decision_not_committed",
            conflict=True,
        )
    return entry


def _payment_entry(
    *,
    decision: Decision,
    amount_yuan: Decimal,
    paid_on: datetime.date,
    reference: str,
    actor: User,
    now: datetime.datetime | None,
    refund: bool,
) -> LedgerEntry:
    now = now or timezone.now()
    amount_yuan = _positive(amount_yuan)
    reference = _payment_checks(paid_on=paid_on, reference=reference, now=now)
    original = decision_original(decision)
    institution = original.claim.institution
    commitment = _commitment_of(original)
    region, year = _locked_region(commitment.region_id), commitment.year
    committed, paid = decision_family_totals(original)
    if not refund and paid + amount_yuan > committed:
        raise Refusal(
            _(
                "Decision %(number)s commits ¥%(committed)s, of which ¥%(paid)s is paid: at most "
                "¥%(most)s more can be paid, not ¥%(amount)s."
            )
            % {
                "number": original.number,
                "committed": f"{committed:,.2f}",
                "paid": f"{paid:,.2f}",
                "most": f"{max(committed - paid, ZERO):,.2f}",
                "amount": f"{amount_yuan:,.2f}",
            },
            "payment_exceeds_commitment",
            conflict=True,
        )
    if refund and paid - amount_yuan < committed:
        raise Refusal(
            _(
                "Decision %(number)s commits ¥%(committed)s and ¥%(paid)s was paid: at most ¥%(most)s is to "
                "be recovered, not ¥%(amount)s."
            )
            % {
                "number": original.number,
                "committed": f"{committed:,.2f}",
                "paid": f"{paid:,.2f}",
                "most": f"{max(paid - committed, ZERO):,.2f}",
                "amount": f"{amount_yuan:,.2f}",
            },
            "refund_exceeds_recoverable",
            conflict=True,
        )
    if not refund:
        year_paid = _total(region, year, EntryKind.PAYMENT)
        year_committed = _total(region, year, EntryKind.COMMITMENT)
        if year_paid + amount_yuan > year_committed:
            raise Refusal(
                _("The %(year)d payments would exceed what the year's decisions commit.") % {"year": year},
                "payment_exceeds_commitment",
                conflict=True,
            )
    return LedgerEntry.objects.create(
        region=region,
        year=year,
        kind=EntryKind.PAYMENT,
        amount_yuan=-amount_yuan if refund else amount_yuan,
        decision=original,
        institution=institution,
        paid_on=paid_on,
        reference=reference,
        recorded_by=actor,
        recorded_at=now,
    )


@transaction.atomic
def payment_record(
    *,
    decision: Decision,
    amount_yuan: Decimal,
    paid_on: datetime.date,
    reference: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> LedgerEntry:
    """Record a payment to the decision's institution. It is recorded against the original decision (a
    difference decision's payment too) in the budget year of its commitment. Refused when the decision's paid
    total would exceed its committed total (its own commitment plus its difference decisions'), when
    ``paid_on`` is in the future, and without the bank's voucher number."""
    return _payment_entry(
        decision=decision,
        amount_yuan=amount_yuan,
        paid_on=paid_on,
        reference=reference,
        actor=actor,
        now=now,
        refund=False,
    )


@transaction.atomic
def refund_record(
    *,
    decision: Decision,
    amount_yuan: Decimal,
    paid_on: datetime.date,
    reference: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> LedgerEntry:
    """Record money the institution paid back (a clawback decision after full payment: "to be recovered") as
    a negative payment. Refused beyond what is to be recovered (paid minus committed), with the same checks
    of date and reference as a payment."""
    return _payment_entry(
        decision=decision,
        amount_yuan=amount_yuan,
        paid_on=paid_on,
        reference=reference,
        actor=actor,
        now=now,
        refund=True,
    )
