import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, in_scope_of
from tuoyu.registry.credit_code import validate_credit_code
from tuoyu.registry.standards import BAND_STANDARDS, AgeBand, class_cap, class_label
from tuoyu.uploads import IMAGE_TYPES, SniffedFileField


class Hospital(models.Model):
    """A medical institution that partners with childcare institutions (医育结合)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True, help_text=_("For example 三级甲等."))
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hospital")
        verbose_name_plural = _("hospitals")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RegistrationType(models.TextChoices):
    PUBLIC_INSTITUTION = "public_institution", _("Public institution (事业单位)")
    SOCIAL_SERVICE = "social_service", _("Social service organisation (社会服务机构)")
    ENTERPRISE = "enterprise", _("Enterprise (企业)")


class ProviderModel(models.TextChoices):
    EMPLOYER = "employer", _("Employer-run")
    SHOPPING_CENTRE = "shopping_centre", _("Shopping-centre-run")
    UNIVERSITY = "university", _("University-run")
    BUSINESS_DISTRICT = "business_district", _("Business-district-run")
    COMMUNITY = "community", _("Community-embedded")
    PUBLIC = "public", _("Public")
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
    KINDERGARTEN = "kindergarten", _("Kindergarten nursery class")
    HOME_BASED = "home_based", _("Home-based childcare point")


class ServiceType(models.TextChoices):
    FULL_DAY = "full_day", _("Full-day care")
    HALF_DAY = "half_day", _("Half-day care")
    HOURLY = "hourly", _("Hourly care")
    TEMPORARY = "temporary", _("Temporary care")
    PARENT_CHILD = "parent_child", _("Parent-child early education")


class FilingStatus(models.TextChoices):
    NOT_FILED = "not_filed", _("Not filed")
    FILED = "filed", _("Filed")
    DEREGISTERED = "deregistered", _("Filing cancelled")


class OperatingStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing to open")
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class InstitutionQuerySet(models.QuerySet["Institution"]):
    def visible_to(self, actor: object, perm: Perm = Perm.VIEW_INSTITUTION_FILE) -> "InstitutionQuerySet":
        """The institutions whose non-public file the actor may see under ``perm``."""
        return in_scope_of(self, actor, perm)


class Institution(models.Model):
    """A childcare institution (托育服务机构) of the district."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    registration_type = models.CharField(
        _("registration type"), max_length=32, choices=RegistrationType.choices
    )
    inclusive_recognized_on = models.DateField(
        _("inclusive recognition date"),
        null=True,
        blank=True,
        help_text=_("Date the institution was recognised as inclusive (普惠); empty if it is not."),
    )
    partner_hospital = models.ForeignKey(
        Hospital,
        verbose_name=_("medical-integration partner hospital"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_institutions",
    )
    street = models.ForeignKey(
        "regions.Region",
        verbose_name=_("street / town"),
        on_delete=models.PROTECT,
        related_name="institutions",
    )
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    building_area_m2 = models.DecimalField(
        _("building area (m²)"), max_digits=8, decimal_places=1, validators=[MinValueValidator(0)]
    )
    floors_used = models.CharField(_("floors used"), max_length=30, help_text=_("For example 1-2."))
    opening_hours = models.CharField(
        _("opening hours"), max_length=60, help_text=_("For example 7:30-18:00.")
    )
    # The same hours, structured: what check-in and the day's screens are judged by (on working days of the
    # national calendar, except the institution's own closed days).
    opens_at = models.TimeField(_("opens at"), default=datetime.time(7, 30))
    closes_at = models.TimeField(_("closes at"), default=datetime.time(18, 0))
    public_phone = models.CharField(_("public telephone"), max_length=20, blank=True)
    filed_places = models.PositiveIntegerField(_("filed places"), default=0)
    filing_status = models.CharField(
        _("filing status"), max_length=16, choices=FilingStatus.choices, default=FilingStatus.NOT_FILED
    )
    filing_receipt_no = models.CharField(_("filing receipt number"), max_length=40, blank=True)
    filed_on = models.DateField(_("filing date"), null=True, blank=True)
    operating_status = models.CharField(
        _("operating status"),
        max_length=16,
        choices=OperatingStatus.choices,
        default=OperatingStatus.PREPARING,
    )
    description = models.TextField(_("description"), blank=True)
    serves_meals = models.BooleanField(_("serves meals"), default=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="institution_filed_has_receipt",
                condition=Q(filing_status=FilingStatus.NOT_FILED)
                | Q(filing_status__in=[FilingStatus.FILED, FilingStatus.DEREGISTERED], filed_on__isnull=False)
                & ~Q(filing_receipt_no=""),
            ),
        ]
        # The finder's bounding box (``near`` within ``radius_km``) before the exact distance.
        indexes = [models.Index(fields=["latitude", "longitude"], name="institution_position_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_inclusive(self) -> bool:
        return self.inclusive_recognized_on is not None

    @property
    def is_medical_integrated(self) -> bool:
        return self.partner_hospital_id is not None

    def clean(self) -> None:
        if self.filing_status == FilingStatus.FILED and not (self.filing_receipt_no and self.filed_on):
            raise ValidationError(_("A filed institution needs its filing receipt number and filing date."))


class ProviderTag(models.Model):
    """One provider model (办托模式) an institution follows; an institution may have several."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="provider_tags")
    model = models.CharField(_("provider model"), max_length=32, choices=ProviderModel.choices)

    class Meta:
        verbose_name = _("provider model")
        verbose_name_plural = _("provider models")
        constraints = [models.UniqueConstraint(fields=["institution", "model"], name="provider_tag_unique")]

    def __str__(self) -> str:
        return self.get_model_display()


class ServiceOffering(models.Model):
    """A service type an institution offers, with its price."""

    class PriceUnit(models.TextChoices):
        MONTH = "month", _("per month")
        HOUR = "hour", _("per hour")
        SESSION = "session", _("per session")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service type"), max_length=20, choices=ServiceType.choices)
    price_yuan = models.DecimalField(
        _("price (yuan)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    price_unit = models.CharField(_("price unit"), max_length=10, choices=PriceUnit.choices)

    class Meta:
        verbose_name = _("service offering")
        verbose_name_plural = _("service offerings")
        ordering = ["institution", "service_type"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "service_type"], name="service_offering_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} ¥{self.price_yuan} {self.get_price_unit_display()}"


class CareClass(models.Model):
    """A class (班级) of an institution, for one age band."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="classes"
    )
    name = models.CharField(_("name"), max_length=50)
    age_band = models.CharField(_("age band"), max_length=16, choices=AgeBand.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    room_area_m2 = models.DecimalField(
        _("room area (m²)"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)]
    )
    # The caregivers who look after this class (班级保育师): their home is its screen, and the families'
    # messages about its children reach them. Assigned by the director among the institution's caregivers.
    caregivers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("caregivers"), blank=True, related_name="care_classes"
    )

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["institution", "age_band", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="care_class_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} {self.name}"

    @property
    def label(self) -> str:
        """The name with the band's age range, the band named once: 托小班（12—24个月）."""
        return class_label(self.name, str(self.get_age_band_display()))

    def clean(self) -> None:
        standard = BAND_STANDARDS.get(self.age_band)
        if standard is None or self.capacity is None:
            return
        cap = class_cap(self.age_band, on=timezone.localdate())
        if self.capacity > cap:
            raise ValidationError(
                {
                    "capacity": _(
                        "A %(band)s may hold at most %(cap)d children (%(source)s); %(capacity)d is too many."
                    )
                    % {
                        "band": self.get_age_band_display(),
                        "cap": cap,
                        "source": standard.source,
                        "capacity": self.capacity,
                    }
                }
            )


class InstitutionPhoto(models.Model):
    """A photo of the institution its director shows families on the public page (rooms, garden, meals):
    a JPEG or PNG by its bytes, served by a view, in the director's order."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="photos")
    image = SniffedFileField(_("photo"), upload_to="institution-photos/", allowed=IMAGE_TYPES)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("institution photo")
        verbose_name_plural = _("institution photos")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.caption or str(self.image.name)


class ClosedDay(models.Model):
    """A working day on which the institution is closed (a training day, a repair, a local closure)."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="closed_days"
    )
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=100)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["institution", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "day"], name="closed_day_one_per_institution_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} {self.day:%Y-%m-%d} {self.reason}"
