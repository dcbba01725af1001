from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuoyu.rules import Severity
from tuoyu.uploads import IMAGE_TYPES, SniffedFileField

# The rule code of a finding an inspector made on site: the rules never close it; verifying its
# rectification order does.
FOUND_ON_SITE = "INSPECTION"


class Finding(models.Model):
    """What a compliance rule found about an institution (it opens and closes itself as data changes), or
    what an inspector found on site (``FOUND_ON_SITE``: it closes when its rectification order does)."""

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


# Complaints (投诉举报) -----------------------------------------------------------------------------------


class ComplaintCategory(models.TextChoices):
    SAFETY = "safety", _("Safety of children")
    CARE = "care", _("Care and conduct of staff")
    HEALTH = "health", _("Health, hygiene and food")
    FEES = "fees", _("Fees and contracts")
    PREMISES = "premises", _("Premises and fire safety")
    UNLICENSED = "unlicensed", _("Operating without filing")
    OTHER = "other", _("Other")


class ComplaintOutcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")
    UNFOUNDED = "unfounded", _("Unfounded")


class Complaint(models.Model):
    """A complaint about an institution, through the public form or the API. Its handling is a case of kind
    ``complaint``; who complained (name, phone, account) is read only by the regulator handling it and never
    shown to the institution or on the status page, which answers by ticket only."""

    ticket = models.CharField(_("ticket"), max_length=20, unique=True)
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="complaint"
    )
    category = models.CharField(_("category"), max_length=20, choices=ComplaintCategory.choices)
    content = models.TextField(_("what happened"), max_length=2000)
    happened_on = models.DateField(_("when it happened"), null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = models.CharField(_("name"), max_length=40, blank=True)
    complainant_phone = models.CharField(_("mobile number"), max_length=11, blank=True)
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"))
    start_by = models.DateField(_("to be started by"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    outcome_reason = models.TextField(_("reasons"), blank=True)
    # What the public status page shows: written by the regulator for the complainant, never internal notes.
    public_progress = models.CharField(_("progress for the complainant"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False)
                | (Q(complainant_name="") & Q(complainant_phone="") & Q(complainant__isnull=True)),
                name="complaint_anonymous_has_no_identity",
            )
        ]

    def __str__(self) -> str:
        return self.ticket


# On-site inspections -------------------------------------------------------------------------------------


class Checklist(models.Model):
    """A checklist as data: the routine inspection from the national rules, the WS/T 821—2023 quality
    assessment. ``grade_cutoffs`` (minimum score per grade, best first) is configurable."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    source = models.CharField(_("source"), max_length=300)
    max_score = models.PositiveIntegerField(_("maximum score"))
    grade_cutoffs = models.JSONField(_("grade cut-offs"), default=dict)  # {"A": 900, "B": 750, "C": 600}
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One item of a checklist: what is checked, where the rule comes from, its weight, whether failing it
    vetoes the whole result, and how Tuoyu prefills it from its own data (``prefill``: a key of
    ``supervision.prefill.PREFILLS``; empty for an item only the inspector can judge)."""

    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.CharField(_("number"), max_length=10)
    dimension = models.CharField(_("dimension"), max_length=40)
    text = models.CharField(_("item"), max_length=300)
    source = models.CharField(_("source"), max_length=300)
    weight = models.PositiveSmallIntegerField(_("points"))
    veto = models.BooleanField(_("basic item (veto)"), default=False)
    prefill = models.CharField(_("prefilled from"), max_length=40, blank=True)
    # An item whose wording the district fills in from the standard's full text (not verified here).
    configurable = models.BooleanField(_("configurable"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "position"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="checklist_item_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text}"


class InspectionPlan(models.Model):
    """An inspection plan for a period (双随机): institutions drawn at random within each risk group at the
    group's rate, inspectors drawn at random, from a published seed, so anyone can re-run the draw. ``inputs``
    holds what the draw read (institutions with their risk group, inspectors, last inspectors) and ``drawn``
    the plan, both as canonical JSON; results are published (一公开) after approval."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="inspection_plans"
    )
    title = models.CharField(_("title"), max_length=120)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    seed = models.CharField(_("published seed"), max_length=64)
    rates = models.JSONField(_("share drawn per risk group (%)"))
    inputs = models.JSONField(_("inputs of the draw"))
    drawn = models.JSONField(_("drawn plan"))
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-period_start", "-pk"]

    def __str__(self) -> str:
        return self.title


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("Routine inspection")
    QUALITY = "quality", _("Quality assessment")
    FOLLOW_UP = "follow_up", _("Follow-up inspection")
    COMPLAINT = "complaint", _("Inspection on a complaint")


class InspectionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class Inspection(models.Model):
    """An on-site inspection of one institution against a checklist: items prefilled from Tuoyu's data,
    confirmed or overridden by the inspector, photos, the signatures of the inspector and the director."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    checklist = models.ForeignKey(Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspections",
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    score = models.PositiveIntegerField(_("score"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=2, blank=True)
    vetoed = models.BooleanField(_("a basic item failed"), default=False)
    director_name = models.CharField(_("director present"), max_length=40, blank=True)
    inspector_signature = SniffedFileField(
        _("inspector's signature"), upload_to="inspections/signatures/", allowed=IMAGE_TYPES, blank=True
    )
    director_signature = SniffedFileField(
        _("director's signature"), upload_to="inspections/signatures/", allowed=IMAGE_TYPES, blank=True
    )
    remarks = models.TextField(_("remarks"), blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.number


class ItemResult(models.TextChoices):
    PASS = "pass", _("Meets")
    FAIL = "fail", _("Does not meet")
    NOT_APPLICABLE = "na", _("Not applicable")


class InspectionItem(models.Model):
    """One checklist item in one inspection: what Tuoyu's data says (``prefilled`` with its ``evidence``)
    and what the inspector found (``result``); an inspector's result that differs from the prefill needs a
    reason (``override_reason``)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="items"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    prefilled = models.CharField(_("Tuoyu's data says"), max_length=4, choices=ItemResult.choices, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    result = models.CharField(_("result"), max_length=4, choices=ItemResult.choices, blank=True)
    override_reason = models.CharField(_("reason for overriding"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    points = models.PositiveSmallIntegerField(_("points awarded"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("rectification"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        ordering = ["inspection", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.item_id}"


class InspectionPhoto(models.Model):
    """A photo taken for one item of an inspection."""

    item = models.ForeignKey(
        InspectionItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="photos"
    )
    file = SniffedFileField(_("photo"), upload_to="inspections/photos/", allowed=IMAGE_TYPES)
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["taken_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.taken_at:%Y-%m-%d %H:%M}"
