from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, in_scope_of
from tuoyu.cases.kinds import KINDS, Kind
from tuoyu.rules import Severity
from tuoyu.uploads import SniffedFileField

if TYPE_CHECKING:
    from tuoyu.registry.models import Institution


class EscalationStep(models.IntegerChoices):
    """The ladder an overdue case climbs, one step at a time (the working days overdue at which each step is
    taken are policy values ``cases.escalate.<step>``)."""

    NONE = 0, _("Not escalated")
    REMINDER = 1, _("Reminder")
    INTERVIEW = 2, _("Interview (约谈)")
    PUBLIC_NOTICE = 3, _("Public notice")
    SUSPENSION = 4, _("Suspension proposed")


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, actor: object) -> "CaseQuerySet":
        """Every case of the institutions the actor supervises; for the institution's own staff who see its
        findings, the cases of the kinds shown to institutions (rectification orders, never complaints). A
        case about no institution (an enterprise's request) is read through its own app's selectors."""
        supervised = in_scope_of(
            self.filter(institution__isnull=False), actor, Perm.SUPERVISE_REGION, "institution__"
        )
        own = in_scope_of(self, actor, Perm.VIEW_FINDINGS, "institution__").filter(
            kind__in=[code for code, kind in KINDS.items() if kind.visible_to_institution]
        )
        return self.filter(Q(pk__in=supervised.values("pk")) | Q(pk__in=own.values("pk")))


class Case(models.Model):
    """Something to see through to the end: a rectification order, a complaint, an enterprise's request. Its
    kind (``cases.kinds``) declares its states and transitions; every step is a ``CaseEvent``."""

    kind = models.CharField(_("kind"), max_length=30)
    number = models.CharField(_("number"), max_length=40, unique=True)
    # The institution the case is about; none for a kind about something else (an enterprise's request).
    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
    )
    subject = models.CharField(_("subject"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, blank=True)
    status = models.CharField(_("status"), max_length=30)
    opened_at = models.DateTimeField(_("opened at"))
    updated_at = models.DateTimeField(_("updated at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Null when the deadline falls in a year whose holidays are not published yet: ``deadline_year_unknown``
    # then names that year, and the case says so instead of guessing.
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_year_unknown = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline_days = models.PositiveSmallIntegerField(_("working days given"), default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    # Where the case comes from: "finding:<id>", "complaint:<id>"...
    source_key = models.CharField(max_length=80, blank=True)
    source_label = models.CharField(_("comes from"), max_length=200, blank=True)
    rule_code = models.CharField(_("rule"), max_length=20, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=EscalationStep.choices, default=EscalationStep.NONE
    )
    outcome = models.CharField(_("outcome"), max_length=30, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["institution", "kind", "status"], name="case_institution_kind")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_key"],
                condition=Q(closed_at__isnull=True) & ~Q(source_key=""),
                name="case_one_open_per_source",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def institution_concerned(self) -> "Institution":
        """The institution of a case about one (every supervision case is)."""
        if self.institution is None:
            raise LookupError(f"case {self.number} is not about an institution")
        return self.institution

    @property
    def kind_spec(self) -> Kind:
        return KINDS[self.kind]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def status_label(self) -> str:
        return str(self.kind_spec.states.get(self.status, self.status))


class CaseEvent(models.Model):
    """One step of a case: opened, answered, returned, escalated, closed... with who, when and why."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30)
    status_after = models.CharField(_("status after"), max_length=30)
    note = models.TextField(_("note"), blank=True)
    # Internal notes of the regulator (and everything of a kind the institution does not see) stay hidden.
    visible_to_institution = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class CaseAttachment(models.Model):
    """Evidence attached to a step: a photo of the repaired gate, a training record, a signed interview."""

    event = models.ForeignKey(
        CaseEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = SniffedFileField(_("file"), upload_to="cases/")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
