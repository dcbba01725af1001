from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyValue(models.Model):
    """A number a rule with a legal source uses (a class cap, a ratio, a deadline in working days), in force
    from ``effective_from`` until the next value of the same key. A day is judged by the value in force that
    day. Values change by a data migration that adds a row, never by editing code or an old row."""

    key = models.CharField(_("key"), max_length=60)
    value = models.IntegerField(_("value"))
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("policy value")
        verbose_name_plural = _("policy values")
        ordering = ["key", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="policy_value_one_per_key_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.effective_from:%Y-%m-%d})"
