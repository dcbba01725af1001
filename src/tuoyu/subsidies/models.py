"""Subsidies (建设补助、运营补助): policies as dated data, claims computed from verified data, decisions
with their lines, and the append-only ledger from the district's budget to the payments.

Every yuan is traceable: a decision's amount is the sum of its lines; an operating line names the child and
the attendance days (``days``, the dates of the child's attendance rows) that justify it; a construction
line names the filing that added the places; every line's rate comes from the decision's policy.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Basis(models.TextChoices):
    PER_NEW_PLACE = "per_new_place", _("Per new inclusive place (construction)")
    PER_CHILD_MONTH = "per_child_month", _("Per child-month of attendance (operating)")


class SubsidyPolicy(models.Model):
    """A subsidy programme of a district, in force from ``effective_from`` until ``effective_to``.

    Its rate and conditions are data the regulator keeps; a policy that a decision has used is never
    edited (the decision's basis would change): it is ended and followed by a new one.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="subsidy_policies",
    )
    name = models.CharField(_("name"), max_length=100)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    rate_yuan = models.DecimalField(
        _("rate (yuan)"), validators=[MinValueValidator(0)], max_digits=14, decimal_places=2
    )
    cap_per_institution_year_yuan = models.DecimalField(
        _("cap per institution and year (yuan)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Empty: no cap."),
        max_digits=14,
        decimal_places=2,
    )
    min_attendance_days = models.PositiveSmallIntegerField(
        _("minimum attendance days for a child-month"), default=10
    )
    requires_inclusive = models.BooleanField(_("only inclusive (普惠) institutions"), default=True)
    requires_filed = models.BooleanField(_("only institutions with an approved filing"), default=True)
    requires_guided_price = models.BooleanField(
        _("only institutions at or below the government-guided price"), default=True
    )
    # Open findings that hold a claim for review: by severity, and by rule code prefix (the staff rules).
    holding_severities = models.JSONField(_("severities of open findings that hold a claim"), default=list)
    holding_rule_prefixes = models.JSONField(_("rule codes of open findings that hold a claim"), default=list)
    # Construction: the share of each instalment in percent, paid in order (e.g. [60, 40]).
    instalments = models.JSONField(_("instalments (percent)"), default=list)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    source_document = models.CharField(_("source document"), max_length=200)
    article = models.CharField(_("article"), max_length=100, blank=True)
    is_demo_value = models.BooleanField(
        _("demo value"),
        default=False,
        help_text=_("The rate is an example for the demo district, not a published rate."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subsidy policy")
        verbose_name_plural = _("subsidy policies")
        ordering = ["region", "basis", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                name="subsidy_policy_ends_after_start",
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ClaimState(models.TextChoices):
    DRAFT = "draft", _("Prepared, not submitted")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    RETURNED = "returned", _("Returned to the institution")
    DECIDED = "decided", _("Decided")


class Claim(models.Model):
    """An institution's claim under one policy: for a month (operating) or for a filing (construction).

    Prepared from the data, never typed: the director reviews it, adds remarks and submits it.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        "registry.Institution", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="claims"
    )
    policy = models.ForeignKey(
        SubsidyPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="claims"
    )
    month = models.DateField(_("month"), null=True, blank=True, help_text=_("First day of the month."))
    filing = models.ForeignKey(
        "filings.Filing",
        verbose_name=_("filing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    state = models.CharField(_("state"), max_length=12, choices=ClaimState.choices, default=ClaimState.DRAFT)
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), default=Decimal("0.00"), max_digits=14, decimal_places=2
    )
    # Why the claim waits for a closer review: [{"code": "...", "text": "..."}] (open findings, ...).
    holds = models.JSONField(_("held for review because"), default=list, blank=True)
    remarks = models.TextField(_("remarks of the institution"), blank=True)
    review_note = models.TextField(_("note of the reviewer"), blank=True)
    prepared_at = models.DateTimeField(_("prepared at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("subsidy claim")
        verbose_name_plural = _("subsidy claims")
        ordering = ["-month", "institution"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "institution", "month"],
                condition=Q(month__isnull=False),
                name="claim_one_per_policy_institution_month",
            ),
            models.UniqueConstraint(
                fields=["policy", "filing"], condition=Q(filing__isnull=False), name="claim_one_per_filing"
            ),
            models.CheckConstraint(
                name="claim_has_month_or_filing",
                condition=Q(month__isnull=False, filing__isnull=True)
                | Q(month__isnull=True, filing__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.month:%Y-%m}" if self.month else str(self.filing_id)
        return f"{self.institution} · {self.policy} · {period}"


class LineReason(models.TextChoices):
    COUNTED = "counted", _("Counted")
    TOO_FEW_DAYS = "too_few_days", _("Fewer attendance days than the policy's minimum")
    NO_ATTENDANCE = "no_attendance", _("No attendance in the month")
    COUNTED_ELSEWHERE = (
        "counted_elsewhere",
        _("Placed at two institutions: counted at the one with more days"),
    )
    EXCLUDED_BY_REVIEW = "excluded_by_review", _("Excluded by the reviewer")
    OVER_CAP = "over_cap", _("Above the cap per institution and year")
    NEW_PLACES = "new_places", _("New inclusive places")


class ClaimLine(models.Model):
    """One child-month (operating) or one filing's new places (construction), with what justifies it."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    child = models.ForeignKey(
        "enrolment.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    places = models.PositiveIntegerField(_("new places"), null=True, blank=True)
    attendance_days = models.PositiveSmallIntegerField(_("attendance days"), default=0)
    days = models.JSONField(_("days attended"), default=list)  # ISO dates of the attendance rows
    counted = models.BooleanField(_("counted"))
    reason = models.CharField(_("reason"), max_length=20, choices=LineReason.choices)
    reason_detail = models.CharField(_("detail"), max_length=200, blank=True)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["claim", "-counted", "child__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "child"], condition=Q(child__isnull=False), name="claim_line_one_per_child"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim} · {self.get_reason_display()}"


class DecisionKind(models.TextChoices):
    ORIGINAL = "original", _("Decision")
    DIFFERENCE = "difference", _("Difference decision")


class Decision(models.Model):
    """A subsidy decision (补助决定): its number, amount and basis; never edited after it is made.

    A later correction is a difference decision that refers to the original (positive, or a clawback).
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=60, unique=True)
    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="decisions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DecisionKind.choices)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    # The policy as it stood: name, source document, article, rate, minimum days (the letter prints it).
    basis = models.JSONField(_("basis"))
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    payment_due_on = models.DateField(_("payment due on"))

    class Meta:
        verbose_name = _("subsidy decision")
        verbose_name_plural = _("subsidy decisions")
        ordering = ["-decided_at"]
        constraints = [
            # Two regulators deciding the same claim at once make one decision.
            models.UniqueConstraint(
                fields=["claim"], condition=Q(kind="original"), name="decision_one_original_per_claim"
            ),
            models.CheckConstraint(
                name="decision_difference_refers_to_original",
                condition=Q(kind="original", corrects__isnull=True)
                | Q(kind="difference", corrects__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class DecisionLine(models.Model):
    """A line of a decision as decided (a copy of the claim line); a difference line carries the change."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="lines")
    child = models.ForeignKey(
        "enrolment.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    places = models.PositiveIntegerField(_("new places"), null=True, blank=True)
    attendance_days = models.PositiveSmallIntegerField(_("attendance days"), default=0)
    days = models.JSONField(_("days attended"), default=list)
    counted = models.BooleanField(_("counted"))
    reason = models.CharField(_("reason"), max_length=20, choices=LineReason.choices)
    reason_detail = models.CharField(_("detail"), max_length=200, blank=True)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    previous_amount_yuan = models.DecimalField(
        _("amount decided before (yuan)"), default=Decimal("0.00"), max_digits=14, decimal_places=2
    )

    class Meta:
        verbose_name = _("decision line")
        verbose_name_plural = _("decision lines")
        ordering = ["decision", "-counted", "child__name"]

    def __str__(self) -> str:
        return f"{self.decision} · {self.get_reason_display()}"


class EntryKind(models.TextChoices):
    BUDGET = "budget", _("Budget allocated")
    COMMITMENT = "commitment", _("Committed by a decision")
    PAYMENT = "payment", _("Paid")


class LedgerEntry(models.Model):
    """A line of the district's subsidy ledger for a year. Append-only, enforced by the database: a
    correction is a new entry (a clawback is a negative commitment), never a change of an old one."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("district"), on_delete=models.PROTECT, related_name="ledger_entries"
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["year", "recorded_at", "pk"]
        indexes = [models.Index(fields=["region", "year"], name="ledger_region_year_idx")]
        constraints = [
            models.CheckConstraint(
                name="ledger_entry_traceable",
                # A budget entry is an allocation (> 0) or a reduction (< 0, refused by the service when it
                # would leave the budget below what is committed); a payment below zero is a refund received.
                condition=Q(kind="budget", decision__isnull=True) & ~Q(amount_yuan=0)
                | Q(kind="commitment", decision__isnull=False)
                | Q(kind="payment", decision__isnull=False, paid_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.amount_yuan}"
