import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuoyu.uploads import SniffedFileField


class FilingKind(models.TextChoices):
    INITIAL = "initial", _("Initial filing")
    CHANGE = "change", _("Change filing")
    DEREGISTRATION = "deregistration", _("Cancellation of filing")


class FilingState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")


OPEN_STATES = (FilingState.DRAFT, FilingState.SUBMITTED, FilingState.RETURNED)


class Filing(models.Model):
    """A filing (备案) with the district health authority: initial, a change, or its cancellation.

    The 备案书 fields hold the values proposed; the institution keeps its filed values until approval.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="filings",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FilingKind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=FilingState.choices, default=FilingState.DRAFT
    )
    # 备案书
    name = models.CharField(_("institution name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    director_name = models.CharField(_("director (负责人)"), max_length=50)
    filed_places = models.PositiveIntegerField(_("places to file"), validators=[MinValueValidator(1)])
    service_types = models.JSONField(_("service types"), default=list)
    serves_meals = models.BooleanField(_("serves meals"), default=True)
    resettlement = models.TextField(
        _("resettlement of the children"),
        blank=True,
        help_text=_("For a cancellation: where the children went."),
    )
    # 备案承诺书
    commitment_accepted_at = models.DateTimeField(_("commitment accepted at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_deadline = models.DateField(_("review deadline"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receipt_no = models.CharField(_("receipt number"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(state__in=OPEN_STATES),
                name="filing_one_open_per_institution",
            ),
            models.UniqueConstraint(
                fields=["receipt_no"], condition=~Q(receipt_no=""), name="filing_receipt_no_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"

    @property
    def is_editable(self) -> bool:
        return self.state in (FilingState.DRAFT, FilingState.RETURNED)


class MaterialKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence or legal-person certificate")
    PREMISES = "premises", _("Proof of premises (ownership, or a lease of at least 3 years)")
    HEALTH_EVALUATION = "health_evaluation", _("Health evaluation report (卫生评价) rated 合格")
    FIRE_SAFETY = "fire_safety", _("Fire-safety inspection pass")
    FOOD_LICENCE = "food_licence", _("Food business licence")
    OTHER = "other", _("Other material")


class FilingMaterial(models.Model):
    """A document attached to a filing, with the facts the review checks."""

    class Tenure(models.TextChoices):
        OWNED = "owned", _("Owned")
        LEASED = "leased", _("Leased")

    class Rating(models.TextChoices):
        PASS = "pass", _("合格 (pass)")
        FAIL = "fail", _("不合格 (fail)")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("material"), max_length=32, choices=MaterialKind.choices)
    file = SniffedFileField(_("file"), upload_to="filings/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    tenure = models.CharField(_("tenure"), max_length=10, choices=Tenure.choices, blank=True)
    lease_start = models.DateField(_("lease start"), null=True, blank=True)
    lease_end = models.DateField(_("lease end"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("filing material")
        verbose_name_plural = _("filing materials")
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class FilingVersion(models.Model):
    """What a filing said when it was submitted: every submission is kept."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("filing version")
        verbose_name_plural = _("filing versions")
        ordering = ["filing", "number"]
        constraints = [models.UniqueConstraint(fields=["filing", "number"], name="filing_version_unique")]

    def __str__(self) -> str:
        return f"{self.filing} v{self.number}"


class ReturnReason(models.Model):
    """Why the regulator returned a filing, item by item; a published decision is public (备案办法 art. 9)."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="return_reasons")
    version = models.PositiveIntegerField(_("version"))
    item = models.CharField(_("item"), max_length=40)
    reason = models.TextField(_("reason"))
    decided_at = models.DateTimeField(_("decided at"))
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("return reason")
        verbose_name_plural = _("return reasons")
        ordering = ["filing", "-version", "item"]

    def __str__(self) -> str:
        return f"{self.item}: {self.reason}"
