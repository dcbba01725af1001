import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    DIRECTOR = "director", _("Director (负责人)")
    CAREGIVER = "caregiver", _("Caregiver (保育人员)")
    HEALTH_WORKER = "health_worker", _("Health-care staff (卫生保健人员)")
    SECURITY = "security", _("Security guard (保安)")
    COOK = "cook", _("Cook (炊事人员)")
    TEACHER = "teacher", _("Teacher (教师)")
    OTHER = "other", _("Other")


class Staff(models.Model):
    """A person employed by an institution (从业人员)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        "registry.Institution", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="staff"
    )
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    employed_from = models.DateField(_("employed from"))
    employed_until = models.DateField(_("employed until"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["institution", "role", "name"]
        constraints = [
            models.CheckConstraint(
                name="staff_employment_dates_in_order",
                condition=Q(employed_until__isnull=True) | Q(employed_until__gte=models.F("employed_from")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def is_employed_on(self, day: datetime.date) -> bool:
        return self.employed_from <= day and (self.employed_until is None or self.employed_until >= day)

    def clean(self) -> None:
        if self.employed_until and self.employed_from and self.employed_until < self.employed_from:
            raise ValidationError({"employed_until": _("The end of employment cannot be before its start.")})


def employed_on(day: datetime.date) -> Q:
    """Filter for staff employed on ``day``."""
    return Q(employed_from__lte=day) & (Q(employed_until__isnull=True) | Q(employed_until__gte=day))
