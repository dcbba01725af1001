from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuoyu.rules import Severity


class Finding(models.Model):
    """What a compliance rule found about an institution; it opens and closes itself as data changes."""

    rule_code = models.CharField(_("rule"), max_length=20)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    subject_key = models.CharField(max_length=80)  # what the finding is about, e.g. "staff:<code>"
    subject_label = models.CharField(_("concerning"), max_length=120)
    evidence = models.TextField(_("evidence"))
    # As a regulator reads it: no child's name or health detail (see tuoyu.rules.Detected).
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    about_child = models.BooleanField(default=False)
    detected_at = models.DateTimeField(_("detected at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-detected_at"]
        constraints = [
            # Led by the institution, its index also serves the read of an institution's open findings
            # (findings_refresh), whatever the planner's statistics say of the table.
            models.UniqueConstraint(
                fields=["institution", "rule_code", "subject_key"],
                condition=Q(resolved_at__isnull=True),
                name="finding_one_open_per_subject",
            )
        ]

    def __str__(self) -> str:
        # Shown by the back office's titles and history to whoever may see the finding: no child's name.
        return self.rule_code if self.about_child else f"{self.rule_code} {self.subject_label}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
