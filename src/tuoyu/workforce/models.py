import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuoyu.accounts.identity import validate_identity_number
from tuoyu.uploads import SniffedFileField


class StaffRole(models.TextChoices):
    DIRECTOR = "director", _("Director (负责人)")
    CAREGIVER = "caregiver", _("Caregiver (保育人员)")
    HEALTH_WORKER = "health_worker", _("Health-care staff (卫生保健人员)")
    SECURITY = "security", _("Security guard (保安)")
    COOK = "cook", _("Cook (炊事人员)")
    TEACHER = "teacher", _("Teacher (教师)")
    OTHER = "other", _("Other")


class Education(models.TextChoices):
    JUNIOR = "junior", _("Junior high school or below")
    SENIOR = "senior", _("Senior high school / secondary vocational")
    COLLEGE = "college", _("Junior college (大专)")
    BACHELOR = "bachelor", _("Bachelor's degree")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


EDUCATION_RANK = {level: rank for rank, level in enumerate(Education.values)}


class Staff(models.Model):
    """A person employed by an institution (从业人员)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        "registry.Institution", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="staff"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_number = models.CharField(_("identity number"), max_length=18, validators=[validate_identity_number])
    role = models.CharField(pgettext_lazy("staff", "role"), max_length=20, choices=StaffRole.choices)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices)
    management_years = models.DecimalField(
        _("years of management experience"),
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text=_("Years managing childcare, early education or health work (for directors)."),
    )
    phone = models.CharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        validators=[RegexValidator(r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number."))],
    )
    full_time = models.BooleanField(
        _("full-time"), default=True, help_text=_("Full-time (专职) rather than part-time (兼职).")
    )
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
            ),
            # Anti-挂靠: a person (by identity number) holds one open employment at a time, anywhere.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(employed_until__isnull=True),
                name="staff_one_open_employment_per_person",
                violation_error_message=_("This person is already employed at another institution."),
            ),
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


class CertificateType(models.TextChoices):
    HEALTH = "health", _("Health certificate (健康证)")
    NO_CRIMINAL_RECORD = "no_criminal_record", _("No-criminal-record certificate (无犯罪记录证明)")
    CAREGIVER = "caregiver", _("Caregiver vocational certificate (保育师 / 育婴员)")
    HEALTH_CARE_TRAINING = "health_care_training", _("Health-care training certificate (卫生保健培训合格证)")
    SECURITY_GUARD = "security_guard", _("Security-guard certificate (保安员证)")
    DIRECTOR_TRAINING = "director_training", _("Director post-training certificate (负责人岗位培训合格证)")
    TEACHER = "teacher", _("Teacher qualification certificate (教师资格证)")


# Certificates valid for a fixed time from their issue date, in months (健康证: 12; national rules §5.13).
VALIDITY_MONTHS: dict[str, int] = {CertificateType.HEALTH: 12}


class Certificate(models.Model):
    """A certificate a staff member holds, with its validity and an optional scan."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="certificates"
    )
    certificate_type = models.CharField(_("certificate type"), max_length=32, choices=CertificateType.choices)
    number = models.CharField(_("certificate number"), max_length=60)
    issuer = models.CharField(_("issued by"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty if it does not expire.")
    )
    scan = SniffedFileField(_("scan"), upload_to="certificates/%Y/%m/", blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["staff", "certificate_type", "-issued_on"]
        constraints = [
            models.CheckConstraint(
                name="certificate_expires_after_issue",
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_certificate_type_display()} {self.number}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.issued_on <= day and (self.expires_on is None or self.expires_on >= day)

    @property
    def scan_download_name(self) -> str:
        """The name a downloaded scan is saved under (before its extension): the type and the number."""
        return f"{self.get_certificate_type_display()}-{self.number}"

    def clean(self) -> None:
        if self.expires_on and self.issued_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("A certificate cannot expire before it was issued.")})


def valid_on(day: datetime.date) -> Q:
    """Filter for certificates valid on ``day``."""
    return Q(issued_on__lte=day) & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))


class CertificateRequirement(models.Model):
    """A certificate a staff role must hold to work (持证上岗): data, not code branches."""

    role = models.CharField(pgettext_lazy("staff", "role"), max_length=20, choices=StaffRole.choices)
    certificate_type = models.CharField(_("certificate type"), max_length=32, choices=CertificateType.choices)
    source = models.CharField(pgettext_lazy("rule", "source"), max_length=200)

    class Meta:
        verbose_name = _("certificate requirement")
        verbose_name_plural = _("certificate requirements")
        ordering = ["role", "certificate_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "certificate_type"], name="certificate_requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.get_certificate_type_display()}"


class DutyShift(models.Model):
    """A staff member on duty on a day, optionally with a class (排班)."""

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="shifts"
    )
    day = models.DateField(_("day"))
    care_class = models.ForeignKey(
        "registry.CareClass", verbose_name=_("class"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["day", "staff"]
        constraints = [models.UniqueConstraint(fields=["staff", "day"], name="duty_shift_one_per_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.staff.name}"


class TrainingTopic(models.TextChoices):
    PAEDIATRIC_HEALTH = "paediatric_health", _("Paediatric health")
    INFECTIOUS_DISEASE = "infectious_disease", _("Infectious-disease prevention")
    SAFETY = "safety", _("Safety")
    NUTRITION = "nutrition", _("Nutrition")
    RESPONSIVE_CARE = "responsive_care", _("Responsive care")
    OTHER = "other", _("Other")


class TrainingSession(models.Model):
    """A training session the district schedules for institutions' staff."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    topic = models.CharField(_("topic"), max_length=32, choices=TrainingTopic.choices)
    title = models.CharField(_("title"), max_length=120)
    expert = models.CharField(_("expert"), max_length=100)
    day = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0.5)]
    )
    capacity = models.PositiveIntegerField(
        pgettext_lazy("training", "capacity"), validators=[MinValueValidator(1)]
    )
    location = models.CharField(_("location"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-day", "title"]

    def __str__(self) -> str:
        return f"{self.day} {self.title}"


class TrainingEnrolment(models.Model):
    """A staff member enrolled in a training session, and whether they attended."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="enrolments")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="training_enrolments")
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training enrolment")
        verbose_name_plural = _("training enrolments")
        constraints = [models.UniqueConstraint(fields=["session", "staff"], name="training_enrolment_unique")]

    def __str__(self) -> str:
        return f"{self.session}: {self.staff.name}"
