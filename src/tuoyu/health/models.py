"""Health and the medical partnership (医育结合): growth, exams, development, immunisation, outbreaks.

Every model here is about a child's health or an institution's infectious-disease watch. Who may read a
child's health record is decided in ``selectors.access``; every read is written to
:class:`HealthRecordAccess`.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.plausible import Between
from tuoyu.regions.choices import GrowthStandardCode

# Growth ------------------------------------------------------------------------------------------------


class MeasurementSource(models.TextChoices):
    INSTITUTION = "institution", _("Institution")
    HOSPITAL = "hospital", _("Hospital")
    GUARDIAN = "guardian", _("Reported by the guardian")


class Position(models.TextChoices):
    LYING = "l", _("Lying (length)")
    STANDING = "h", _("Standing (height)")


# Physically possible measurements of a child under six. There is no national table of limits: these are
# Tuoyu's, set wide of the extremes (the smallest surviving newborns, the tallest and heaviest six-year-olds);
# a value beyond them is a typing error and is refused. Within them, WHO's method flags implausible z-scores
# (beyond ±5 or ±6 SD) and the measurement is kept with that flag.
WEIGHT_KG_RANGE = Between(Decimal("0.3"), Decimal("60"), " kg")
LENGTH_CM_RANGE = Between(Decimal("25"), Decimal("150"), " cm")
HEAD_CM_RANGE = Between(Decimal("18"), Decimal("65"), " cm")


class Measurement(models.Model):
    """A measurement of a child, with its z-scores, flags and classification computed when recorded against
    the growth standard of the institution's region (``standard``). Under WS/T 423—2022 the z-scores are
    values interpolated between the standard's SD lines, and ``bands`` holds the standard's band of each."""

    child = models.ForeignKey("enrolment.Child", on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("measured on"))
    age_days = models.PositiveIntegerField(_("age in days"))
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=2, null=True, blank=True, validators=[WEIGHT_KG_RANGE]
    )
    length_cm = models.DecimalField(
        _("length/height (cm)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[LENGTH_CM_RANGE],
    )
    position = models.CharField(_("position"), max_length=1, choices=Position.choices, blank=True)
    head_cm = models.DecimalField(
        _("head circumference (cm)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[HEAD_CM_RANGE],
    )
    oedema = models.BooleanField(_("oedema"), default=False)
    source = models.CharField(_("source"), max_length=12, choices=MeasurementSource.choices)
    institution = models.ForeignKey(
        "registry.Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    measured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    standard = models.CharField(
        _("growth standard"),
        max_length=12,
        choices=GrowthStandardCode.choices,
        default=GrowthStandardCode.WHO_2006,
    )
    zwei = models.FloatField(_("weight-for-age z"), null=True, blank=True)
    zlen = models.FloatField(_("length/height-for-age z"), null=True, blank=True)
    zwfl = models.FloatField(_("weight-for-length/height z"), null=True, blank=True)
    zbmi = models.FloatField(_("BMI-for-age z"), null=True, blank=True)
    zhc = models.FloatField(_("head circumference-for-age z"), null=True, blank=True)
    bands = models.JSONField(_("bands"), default=dict, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    classification = models.JSONField(_("classification"), default=dict, blank=True)

    class Meta:
        verbose_name = _("growth measurement")
        verbose_name_plural = _("growth measurements")
        ordering = ["child", "measured_on", "pk"]
        indexes = [models.Index(fields=["child", "measured_on"])]

    def __str__(self) -> str:
        return f"{self.child} {self.measured_on}"


# Health examinations ------------------------------------------------------------------------------------


class ExamKind(models.TextChoices):
    COMMUNITY = "community", _("Community child health check (社区儿童健康检查)")
    IN_CARE = "in_care", _("Periodic examination in care (在托定期体检)")
    HAEMOGLOBIN = "haemoglobin", _("Haemoglobin test")
    HEARING = "hearing", _("Hearing screen")


class HearingResult(models.TextChoices):
    PASS = "pass", _("Pass")
    REFER = "refer", _("Refer")


class HealthExam(models.Model):
    """A health examination, test or screen done for a child (which one of the schedule it fulfils)."""

    child = models.ForeignKey("enrolment.Child", on_delete=models.CASCADE, related_name="health_exams")
    kind = models.CharField(_("examination"), max_length=12, choices=ExamKind.choices)
    examined_on = models.DateField(_("examined on"))
    haemoglobin_g_l = models.PositiveSmallIntegerField(
        _("haemoglobin (g/L)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    hearing_result = models.CharField(
        _("hearing result"), max_length=5, choices=HearingResult.choices, blank=True
    )
    note = models.CharField(_("findings"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=MeasurementSource.choices)
    institution = models.ForeignKey(
        "registry.Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("health examination")
        verbose_name_plural = _("health examinations")
        ordering = ["child", "examined_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="health_exam_haemoglobin_has_value",
                condition=~Q(kind="haemoglobin") | Q(haemoglobin_g_l__isnull=False),
            ),
            models.CheckConstraint(
                name="health_exam_hearing_has_result", condition=~Q(kind="hearing") | ~Q(hearing_result="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.child} {self.examined_on}"


class ExamReminder(models.Model):
    """A guardian was reminded of an overdue examination (once per child, examination and due date)."""

    child = models.ForeignKey("enrolment.Child", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ExamKind.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "kind", "due_on"], name="exam_reminder_once_per_due_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.kind} {self.due_on}"


# Development warning signs and referrals -------------------------------------------------------------------


class DevelopmentScreening(models.Model):
    """The 儿童心理行为发育预警征象 checklist at one checkpoint age; any positive sign is referred."""

    child = models.ForeignKey(
        "enrolment.Child", on_delete=models.CASCADE, related_name="development_screenings"
    )
    checkpoint_months = models.PositiveSmallIntegerField(_("checkpoint (months)"))
    screened_on = models.DateField(_("screened on"))
    positive_signs = models.JSONField(_("positive signs"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    institution = models.ForeignKey(
        "registry.Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("development screening")
        verbose_name_plural = _("development screenings")
        ordering = ["child", "screened_on", "pk"]

    def __str__(self) -> str:
        return f"{self.child} {self.checkpoint_months}"


class ReferralReason(models.TextChoices):
    GROWTH = "growth", _("Growth (undernutrition or overweight)")
    DEVELOPMENT = "development", _("Development warning sign")
    ANAEMIA = "anaemia", _("Anaemia")
    HEARING = "hearing", _("Hearing")
    OTHER = "other", _("Other")


class Referral(models.Model):
    """A child referred to a doctor or hospital, followed up until its outcome closes it."""

    child = models.ForeignKey("enrolment.Child", on_delete=models.CASCADE, related_name="referrals")
    reason = models.CharField(_("reason"), max_length=12, choices=ReferralReason.choices)
    detail = models.CharField(_("detail"), max_length=300)
    referred_on = models.DateField(_("referred on"))
    referred_to = models.CharField(_("referred to"), max_length=100, blank=True)
    institution = models.ForeignKey(
        "registry.Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    measurement = models.ForeignKey(
        Measurement, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    screening = models.ForeignKey(
        DevelopmentScreening, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    exam = models.ForeignKey(HealthExam, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["closed_at", "referred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.child} {self.get_reason_display()}"


class DoctorVisit(models.Model):
    """A partner-hospital doctor's visit to an institution (巡诊), with what was done."""

    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.CASCADE, related_name="doctor_visits"
    )
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("visited on"))
    summary = models.TextField(_("summary"))
    children = models.ManyToManyField("enrolment.Child", blank=True, related_name="doctor_visits")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("doctor's visit")
        verbose_name_plural = _("doctor's visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} {self.visited_on}"


# Immunisation certificate check -------------------------------------------------------------------------


class ImmunisationCheckKind(models.TextChoices):
    ENTRY = "entry", _("On entry (within 30 days of the start)")
    ANNUAL = "annual", _("Yearly re-check (before 31 December)")


class ImmunisationCheck(models.Model):
    """预防接种证查验: the certificate seen, whether every dose due is given, and the family urged if not."""

    child = models.ForeignKey("enrolment.Child", on_delete=models.CASCADE, related_name="immunisation_checks")
    institution = models.ForeignKey("registry.Institution", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("check"), max_length=6, choices=ImmunisationCheckKind.choices)
    checked_on = models.DateField(_("checked on"))
    complete = models.BooleanField(_("all doses due are given"))
    missing_doses = models.CharField(_("missing doses"), max_length=300, blank=True)
    guardian_urged_at = models.DateTimeField(_("guardian urged at"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("immunisation certificate check")
        verbose_name_plural = _("immunisation certificate checks")
        ordering = ["child", "checked_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="immunisation_incomplete_names_doses", condition=Q(complete=True) | ~Q(missing_doses="")
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.checked_on}"


# Infectious disease: outbreaks, exclusion, quarantine ---------------------------------------------------


class Disease(models.Model):
    """A disease the watch knows: whether it is notifiable, its cluster rule and its exclusion period."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    notifiable = models.BooleanField(_("notifiable"), default=True)
    class_cases = models.PositiveSmallIntegerField(
        _("cases in one class"), null=True, blank=True, help_text=_("A cluster from this many in one class.")
    )
    institution_cases = models.PositiveSmallIntegerField(_("cases in the institution"), null=True, blank=True)
    window_days = models.PositiveSmallIntegerField(_("within days"), default=7)
    exclusion_days = models.PositiveSmallIntegerField(_("exclusion (days from onset)"))
    exclusion_note = models.CharField(_("return condition"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("disease")
        verbose_name_plural = _("diseases")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DiagnosisStatus(models.TextChoices):
    SUSPECTED = "suspected", _("Suspected")
    CONFIRMED = "confirmed", _("Confirmed")


class Diagnosis(models.Model):
    """A child's (suspected or confirmed) infectious disease: excluded until the period ends and a return
    certificate (复课证明) is checked by the health worker."""

    child = models.ForeignKey("enrolment.Child", on_delete=models.CASCADE, related_name="diagnoses")
    institution = models.ForeignKey("registry.Institution", on_delete=models.CASCADE, related_name="+")
    care_class = models.ForeignKey(
        "registry.CareClass", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disease = models.ForeignKey(Disease, on_delete=models.PROTECT, related_name="diagnoses")
    status = models.CharField(_("status"), max_length=10, choices=DiagnosisStatus.choices)
    onset_on = models.DateField(_("onset"))
    diagnosed_on = models.DateField(_("diagnosed on"))
    diagnosed_by = models.CharField(_("diagnosed by"), max_length=100, blank=True)
    excluded_until = models.DateField(_("excluded until"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        ordering = ["-onset_on", "pk"]

    def __str__(self) -> str:
        return f"{self.child} {self.disease}"


class ReturnCertificate(models.Model):
    """The medical certificate that a child may return (复课证明), checked by the health worker."""

    diagnosis = models.OneToOneField(Diagnosis, on_delete=models.CASCADE, related_name="return_certificate")
    issued_by = models.CharField(_("issued by"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        verbose_name = _("return certificate")
        verbose_name_plural = _("return certificates")

    def __str__(self) -> str:
        return str(self.diagnosis)


class OutbreakTrigger(models.TextChoices):
    SAME_DAY = "same_day", _("3 or more children with the same symptom on one day")
    THREE_DAYS = "three_days", _("5 or more children with the same symptom within 3 days")
    DISEASE_CLUSTER = "disease_cluster", _("Cluster of one disease")
    NOTIFIABLE_CASE = "notifiable_case", _("Case of a notifiable disease")


class OutbreakReport(models.Model):
    """An outbreak (or a notifiable case) to report to the CDC and the health authority by ``due_at``."""

    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.CASCADE, related_name="outbreaks"
    )
    care_class = models.ForeignKey(
        "registry.CareClass", null=True, blank=True, on_delete=models.SET_NULL, related_name="outbreaks"
    )
    trigger = models.CharField(_("trigger"), max_length=16, choices=OutbreakTrigger.choices)
    symptom = models.CharField(_("symptom"), max_length=12, blank=True)
    disease = models.ForeignKey(Disease, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField(_("first case"))
    last_day = models.DateField(_("latest case"))
    case_count = models.PositiveSmallIntegerField(_("cases"))
    cases = models.ManyToManyField("enrolment.Child", related_name="+", blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due_at = models.DateTimeField(_("report due by"))
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report = models.TextField(_("report"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("outbreak report")
        verbose_name_plural = _("outbreak reports")
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} {self.get_trigger_display()} {self.first_day}"

    @property
    def is_active(self) -> bool:
        return self.resolved_at is None


class ClassQuarantine(models.Model):
    """A class under observation: no new admissions or transfers until ``ends_on`` (inclusive)."""

    care_class = models.ForeignKey("registry.CareClass", on_delete=models.CASCADE, related_name="quarantines")
    outbreak = models.ForeignKey(
        OutbreakReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="quarantines"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("class quarantine")
        verbose_name_plural = _("class quarantines")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="quarantine_ends_after_start", condition=Q(ends_on__gte=models.F("starts_on"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.care_class} {self.starts_on}–{self.ends_on}"

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class LogRetention(models.Model):
    """One run of the retention procedure (``manage.py logs_retain``): which rows of the access log and the
    audit log left the database, into which archive, on whose word. Append-only like the logs themselves."""

    ran_at = models.DateTimeField(_("ran at"), default=timezone.now)
    ran_by = models.CharField(_("on whose word"), max_length=100)
    reason = models.CharField(_("reason"), max_length=300)
    before = models.DateField(_("rows before"))
    access_rows = models.PositiveIntegerField(_("access-log rows"))
    audit_rows = models.PositiveIntegerField(_("audit-log rows"))
    archive = models.CharField(_("archive file"), max_length=500)
    archive_sha256 = models.CharField(_("archive SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("log retention")
        verbose_name_plural = _("log retentions")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.before:%Y-%m-%d} ({self.ran_by})"
