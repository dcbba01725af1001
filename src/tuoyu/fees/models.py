"""Families' fees: the government-guided prices of the district, each institution's meal plan (the meal
part of its fee catalogue, with its refund rule for absent days), the monthly fee statement of a child and the
payments the director records against it.

A statement is built from the service agreement, the fee catalogue, the attendance and the bookings only:
no fee outside the catalogue.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuoyu.registry.models import ServiceType


class GuidedPrice(models.Model):
    """The government-guided price (政府指导价) of a service in a district, dated; inclusive institutions'
    prices are judged against the one in force that day."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("district"), on_delete=models.PROTECT, related_name="guided_prices"
    )
    service_type = models.CharField(_("service type"), max_length=20, choices=ServiceType.choices)
    price_yuan = models.DecimalField(
        _("guided price (yuan per month)"), validators=[MinValueValidator(0)], max_digits=12, decimal_places=2
    )
    effective_from = models.DateField(_("effective from"))
    source_document = models.CharField(_("source document"), max_length=200)
    is_demo_value = models.BooleanField(_("demo value"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("government-guided price")
        verbose_name_plural = _("government-guided prices")
        ordering = ["region", "service_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "service_type", "effective_from"], name="guided_price_one_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} ¥{self.price_yuan}"


class MealRefund(models.TextChoices):
    PER_ABSENT_DAY = "per_absent_day", _("Refunded per absent day")
    NONE = "none", _("Not refunded")


class MealPlan(models.Model):
    """The meal fee of an institution's catalogue: a price per day of care and the rule for absent days."""

    institution = models.OneToOneField(
        "registry.Institution",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="meal_plan",
    )
    price_per_day_yuan = models.DecimalField(
        _("meal fee per day (yuan)"), validators=[MinValueValidator(0)], max_digits=12, decimal_places=2
    )
    refund = models.CharField(
        _("absent days"), max_length=16, choices=MealRefund.choices, default=MealRefund.PER_ABSENT_DAY
    )

    class Meta:
        verbose_name = _("meal plan")
        verbose_name_plural = _("meal plans")

    def __str__(self) -> str:
        return f"{self.institution} ¥{self.price_per_day_yuan}"


class LineKind(models.TextChoices):
    """The kinds of line a statement may hold: each comes from one part of the fee catalogue (the service
    agreement's monthly price, the meal plan, the booked temporary care and parent-child sessions). No other
    kind of line exists."""

    TUITION = "tuition", _("Care (monthly)")
    MEALS = "meals", _("Meals")
    MEAL_REFUND = "meal_refund", _("Meals refunded for absent days")
    TEMPORARY_CARE = "temporary_care", _("Temporary care")
    PARENT_CHILD = "parent_child", _("Parent-child session")


class FeeStatement(models.Model):
    """A child's fee statement (缴费通知单) for a month at an institution.

    ``lines`` is the statement as issued: [{"kind", "label", "quantity", "unit_price_yuan", "amount_yuan",
    "detail", "source"}] (amounts as decimal strings; ``kind`` one of :class:`LineKind`; ``source`` the part
    of the catalogue the line comes from); a refund is a line with a negative amount. Reissued from the data
    until a payment is recorded against it; from then on it stands.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("enrolment.Child", on_delete=models.PROTECT, related_name="fee_statements")
    institution = models.ForeignKey(
        "registry.Institution", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    lines = models.JSONField(_("lines"))
    total_yuan = models.DecimalField(_("total (yuan)"), max_digits=12, decimal_places=2)
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("fee statement")
        verbose_name_plural = _("fee statements")
        ordering = ["-month", "child__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "institution", "month"], name="fee_statement_one_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.month:%Y-%m}"


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    CARD = "card", _("Card at the desk")
    MOBILE = "mobile", _("Mobile payment at the desk")
    CASH = "cash", _("Cash")


class FeePayment(models.Model):
    """A payment the director records as received against a statement (Tuoyu takes no payment itself)."""

    statement = models.ForeignKey(FeeStatement, on_delete=models.PROTECT, related_name="payments")
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), validators=[MinValueValidator(0.01)], max_digits=12, decimal_places=2
    )
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=12, choices=PaymentMethod.choices)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("fee payment")
        verbose_name_plural = _("fee payments")
        ordering = ["paid_on", "pk"]
        constraints = [models.CheckConstraint(name="fee_payment_positive", condition=Q(amount_yuan__gt=0))]

    def __str__(self) -> str:
        return f"{self.statement} ¥{self.amount_yuan}"


class AllowanceReminderReason(models.TextChoices):
    NEW_YEAR = "new_year", _("A new year of the allowance")
    LAST_MONTHS = "last_months", _("The last months before the third birthday")


class AllowanceReminder(models.Model):
    """A child's guardians were reminded of the national childcare allowance (育儿补贴): once per child,
    reason and year, whatever the number of runs."""

    child = models.ForeignKey("enrolment.Child", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=12, choices=AllowanceReminderReason.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    sent_at = models.DateTimeField(_("sent at"))

    objects: "models.Manager[AllowanceReminder]" = models.Manager()

    class Meta:
        verbose_name = _("childcare allowance reminder")
        verbose_name_plural = _("childcare allowance reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["child", "reason", "year"], name="allowance_reminder_once_per_child_reason_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.reason} {self.year}"
