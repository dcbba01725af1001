"""The day in care: attendance with morning and noon checks, absences, pick-up, staff on duty per class,
the care log, the family's daily report, outings, menus and food samples.

National rules §8 (daily care, health checks, meals) and §16.6 (what is checked automatically).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.plausible import Between
from tuoyu.uploads import IMAGE_TYPES, SniffedFileField

TEMPERATURE_MIN, TEMPERATURE_MAX = 34, 43
"""A body temperature outside 34-43 °C is a typing error, not a reading."""
FEVER_FROM = 37.3
"""Local practice: 37.3 °C and above is a fever (national rules §8.2)."""


class AttendanceStatus(models.TextChoices):
    CHECKED_IN = "checked_in", _("Checked in")
    SENT_HOME = "sent_home", _("Sent home at the morning check")
    CHECKED_OUT = "checked_out", _("Checked out")


IN_CARE_STATUSES = (AttendanceStatus.CHECKED_IN, AttendanceStatus.CHECKED_OUT)
"""A day the child spent in care (checked in, whether or not checked out since), unlike one sent home."""


class Attendance(models.Model):
    """A child's day at the institution: checked in (with the morning check), then checked out.

    One per child and day (a unique constraint): two caregivers checking in the same child at the same
    moment produce one attendance, and the second is told it is already done.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The daily tables keep only the indexes their reads use: a composite index serves its leading column,
    # so the foreign keys it leads with have none of their own (a year of a province is ~56 M attendances).
    child = models.ForeignKey(
        "enrolment.Child", on_delete=models.CASCADE, related_name="attendances", db_index=False
    )
    placement = models.ForeignKey("enrolment.Placement", on_delete=models.PROTECT, related_name="attendances")
    care_class = models.ForeignKey(
        "registry.CareClass",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="attendances",
        db_index=False,
    )
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=12, choices=AttendanceStatus.choices)
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    picked_up_by_person = models.ForeignKey(
        "enrolment.PickupPerson", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    picked_up_by_guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    picked_up_by_name = models.CharField(_("collected by"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["day", "care_class", "child__name"]
        constraints = [
            models.UniqueConstraint(fields=["child", "day"], name="attendance_one_per_child_and_day"),
            models.CheckConstraint(
                name="attendance_out_after_in",
                condition=Q(checked_out_at__isnull=True) | Q(checked_out_at__gte=models.F("checked_in_at")),
            ),
        ]
        indexes = [models.Index(fields=["care_class", "day"])]

    def __str__(self) -> str:
        return f"{self.child} {self.day}"


class CheckKind(models.TextChoices):
    MORNING = "morning", _("Morning check")
    NOON = "noon", _("Noon check")


class Observation(models.TextChoices):
    """The 一摸二看三问四查 routine as a checklist."""

    RASH = "rash", _("Rash")
    COUGH = "cough", _("Cough")
    RUNNY_NOSE = "runny_nose", _("Runny nose")
    RED_EYES = "red_eyes", _("Red eyes")
    VOMITING_DIARRHOEA = "vomiting_diarrhoea", _("Reported vomiting or diarrhoea")
    INJURY = "injury", _("Injury")
    OTHER = "other", _("Other")


class CheckDecision(models.TextChoices):
    ADMIT = "admit", _("Admit")
    WATCH = "watch", _("Admit and watch")
    SEND_HOME = "send_home", _("Send home")


class HealthCheck(models.Model):
    """A morning (晨检) or noon (午检) check of a child present that day."""

    attendance = models.ForeignKey(
        Attendance, on_delete=models.CASCADE, related_name="health_checks", db_index=False
    )  # the unique (attendance, kind) index serves it
    kind = models.CharField(_("check"), max_length=8, choices=CheckKind.choices)
    temperature_c = models.DecimalField(
        _("temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(TEMPERATURE_MIN), MaxValueValidator(TEMPERATURE_MAX)],
    )
    observations = models.JSONField(_("observations"), default=list, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=CheckDecision.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    guardian_notified_at = models.DateTimeField(_("guardian notified at"), null=True, blank=True)
    action = models.CharField(_("action taken"), max_length=200, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")
        ordering = ["attendance", "checked_at"]
        constraints = [
            models.UniqueConstraint(fields=["attendance", "kind"], name="health_check_one_per_kind_and_day"),
            models.CheckConstraint(
                name="health_check_temperature_plausible",
                condition=Q(temperature_c__gte=TEMPERATURE_MIN, temperature_c__lte=TEMPERATURE_MAX),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.attendance}"

    @property
    def is_abnormal(self) -> bool:
        return (
            bool(self.observations)
            or float(self.temperature_c) >= FEVER_FROM
            or self.decision != CheckDecision.ADMIT
        )


class AbsenceReason(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    PERSONAL = "personal", _("Personal")


class Symptom(models.TextChoices):
    FEVER = "fever", _("Fever")
    RESPIRATORY = "respiratory", _("Cough or respiratory")
    GASTRO = "gastro", _("Diarrhoea or vomiting")
    RASH = "rash", _("Rash")
    EYE = "eye", _("Eye")
    OTHER = "other", _("Other")


class Absence(models.Model):
    """A child expected but not coming, with the reason; an illness opens a follow-up (因病缺勤追踪)."""

    child = models.ForeignKey("enrolment.Child", on_delete=models.CASCADE, related_name="absences")
    care_class = models.ForeignKey("registry.CareClass", on_delete=models.PROTECT, related_name="absences")
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=10, choices=AbsenceReason.choices)
    symptom = models.CharField(_("symptom"), max_length=12, choices=Symptom.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    by_family = models.BooleanField(
        _("reported by the family"),
        default=False,
        help_text=_("Reported by a guardian, not entered by a caregiver."),
    )

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["day", "child__name"]
        constraints = [
            models.UniqueConstraint(fields=["child", "day"], name="absence_one_per_child_and_day"),
            models.CheckConstraint(
                name="absence_illness_has_symptom", condition=~Q(reason="illness") | ~Q(symptom="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.day} {self.get_reason_display()}"


class MissedArrivalAlert(models.Model):
    """That the families of a child expected on a day and not arrived were told: the unique row is the claim,
    so that however many runs of the schedule there are, each family hears once per child and day."""

    child = models.ForeignKey("enrolment.Child", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("missed-arrival alert")
        verbose_name_plural = _("missed-arrival alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["child", "day"], name="missed_arrival_alert_one_per_child_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.day}"


class IllnessFollowUp(models.Model):
    """The health worker's follow-up of an illness absence: diagnosis if known, expected return, closed."""

    absence = models.OneToOneField(Absence, on_delete=models.CASCADE, related_name="follow_up")
    diagnosis = models.CharField(_("diagnosis"), max_length=100, blank=True)
    expected_return = models.DateField(_("expected return"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("illness follow-up")
        verbose_name_plural = _("illness follow-ups")

    def __str__(self) -> str:
        return str(self.absence)


class PickupRefusal(models.Model):
    """Somebody not authorised tried to collect a child: refused, and the director alerted."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="pickup_refusals")
    person_name = models.CharField(_("person"), max_length=50)
    note = models.CharField(_("note"), max_length=200, blank=True)
    refused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    refused_at = models.DateTimeField(_("refused at"), default=timezone.now)

    class Meta:
        verbose_name = _("refused pick-up")
        verbose_name_plural = _("refused pick-ups")
        ordering = ["-refused_at"]

    def __str__(self) -> str:
        return f"{self.person_name} → {self.attendance}"


class ClassDuty(models.Model):
    """A staff member on duty in a class: checked in and (later) out. Only certified caregivers count
    towards the ratio (持证上岗)."""

    staff = models.ForeignKey("workforce.Staff", on_delete=models.CASCADE, related_name="class_duties")
    care_class = models.ForeignKey(
        "registry.CareClass", on_delete=models.CASCADE, related_name="duties", db_index=False
    )
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("on duty from"))
    ended_at = models.DateTimeField(_("off duty at"), null=True, blank=True)

    class Meta:
        verbose_name = _("class duty")
        verbose_name_plural = _("class duties")
        ordering = ["day", "care_class", "started_at"]
        indexes = [models.Index(fields=["care_class", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "day"],
                condition=Q(ended_at__isnull=True),
                name="class_duty_one_open_per_staff",
            ),
            models.CheckConstraint(
                name="class_duty_ends_after_start",
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} @ {self.care_class} {self.day}"


class RatioBreach(models.Model):
    """A moment when a class had fewer certified caregivers on duty than its children present require."""

    care_class = models.ForeignKey(
        "registry.CareClass", on_delete=models.CASCADE, related_name="ratio_breaches"
    )
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    children_present = models.PositiveSmallIntegerField(_("children present"))
    caregivers_required = models.PositiveSmallIntegerField(_("caregivers required"))
    caregivers_on_duty = models.PositiveSmallIntegerField(_("certified caregivers on duty"))

    class Meta:
        verbose_name = _("ratio breach")
        verbose_name_plural = _("ratio breaches")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.care_class} {self.started_at:%Y-%m-%d %H:%M}"


class LogKind(models.TextChoices):
    MEAL = "meal", _("Meal")
    SNACK = "snack", _("Snack")
    BOTTLE = "bottle", _("Bottle")
    WATER = "water", _("Water")
    SLEEP = "sleep", _("Sleep")
    NAPPY = "nappy", _("Nappy or toilet")
    MOOD = "mood", _("Mood")
    RESPONSIVE = "responsive", _("Responsive care")
    ACTIVITY = "activity", _("Activity area")
    MEDICATION = "medication", _("Medication")
    INCIDENT = "incident", _("Incident or injury")
    NOTE = "note", _("Note")


class Portion(models.TextChoices):
    ALL = "all", _("All")
    MOST = "most", _("Most")
    HALF = "half", _("Half")
    LITTLE = "little", _("A little")
    NONE = "none", _("None")


class Mood(models.TextChoices):
    HAPPY = "happy", _("Happy")
    CALM = "calm", _("Calm")
    TIRED = "tired", _("Tired")
    UNSETTLED = "unsettled", _("Unsettled")
    UPSET = "upset", _("Upset")


class CareLogEntry(models.Model):
    """One entry of a child's care log. Which fields hold depends on ``kind`` (checked by the services).

    Entries stay invisible to the family until the day's report is published.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "enrolment.Child", on_delete=models.CASCADE, related_name="care_log", db_index=False
    )
    care_class = models.ForeignKey(
        "registry.CareClass", on_delete=models.PROTECT, related_name="care_log", db_index=False
    )
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind of entry"), max_length=12, choices=LogKind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)  # sleep
    portion = models.CharField(_("amount eaten"), max_length=8, choices=Portion.choices, blank=True)
    amount_ml = models.PositiveSmallIntegerField(_("amount (ml)"), null=True, blank=True)
    mood = models.CharField(_("mood"), max_length=10, choices=Mood.choices, blank=True)
    activity_area = models.CharField(_("activity area"), max_length=40, blank=True)
    cause = models.CharField(_("cause found"), max_length=200, blank=True)  # responsive care
    response = models.CharField(_("how we responded"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    medication_instruction = models.ForeignKey(
        "MedicationInstruction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="doses",
        db_index=False,  # a partial index below: almost every entry has none
    )
    dose_given = models.CharField(_("dose given"), max_length=60, blank=True)
    place = models.CharField(_("where"), max_length=100, blank=True)  # incident
    first_aid = models.CharField(_("first aid"), max_length=200, blank=True)
    guardian_informed_at = models.DateTimeField(_("guardian informed at"), null=True, blank=True)
    guardian_acknowledged_at = models.DateTimeField(
        _("acknowledged by the guardian at"), null=True, blank=True
    )
    text = models.CharField(_("details"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("care log entry")
        verbose_name_plural = _("care log")
        ordering = ["day", "at", "pk"]
        indexes = [
            models.Index(fields=["child", "day"]),
            models.Index(fields=["care_class", "day"]),
            models.Index(
                fields=["medication_instruction"],
                condition=Q(medication_instruction__isnull=False),
                name="care_log_medication_given",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="care_log_sleep_ends_after_start",
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("at")),
            ),
            models.CheckConstraint(
                name="care_log_medication_has_instruction",
                condition=~Q(kind="medication") | Q(medication_instruction__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class MedicationInstruction(models.Model):
    """The guardian's written instruction to give a medicine (家长委托喂药单): without it, none is given."""

    child = models.ForeignKey(
        "enrolment.Child", on_delete=models.CASCADE, related_name="medication_instructions"
    )
    medicine = models.CharField(_("medicine"), max_length=100)
    dose = models.CharField(_("dose"), max_length=60)
    times = models.CharField(_("when to give it"), max_length=100)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"))
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("medication instruction")
        verbose_name_plural = _("medication instructions")
        ordering = ["child", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                name="medication_instruction_period", condition=Q(valid_until__gte=models.F("valid_from"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.valid_from}–{self.valid_until}"  # no medicine: names show in lists


class ActivityArea(models.Model):
    """An activity corner an institution offers for free choice (阅读区角, 艺术区角, 生活区角 …)."""

    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.CASCADE, related_name="activity_areas"
    )
    name = models.CharField(_("name"), max_length=40)

    class Meta:
        verbose_name = _("activity area")
        verbose_name_plural = _("activity areas")
        ordering = ["institution", "pk"]
        constraints = [models.UniqueConstraint(fields=["institution", "name"], name="activity_area_unique")]

    def __str__(self) -> str:
        return self.name


class DailyReport(models.Model):
    """A child's day as the family reads it: published by the caregiver; the guardian may reply."""

    child = models.ForeignKey("enrolment.Child", on_delete=models.CASCADE, related_name="daily_reports")
    care_class = models.ForeignKey(
        "registry.CareClass", on_delete=models.PROTECT, related_name="daily_reports"
    )
    day = models.DateField(_("day"))
    summary = models.TextField(_("a word from the caregiver"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("read by the family at"), null=True, blank=True)
    reply = models.TextField(_("family's reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-day", "child__name"]
        constraints = [
            models.UniqueConstraint(fields=["child", "day"], name="daily_report_one_per_child_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.day}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="photos")
    image = SniffedFileField(_("photo"), upload_to="daily-reports/%Y/%m/", allowed=IMAGE_TYPES)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.caption or str(self.image.name)


class Outing(models.Model):
    """A class outdoors (户外活动): head count out and back; a mismatch raises an alert at once."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    care_class = models.ForeignKey(
        "registry.CareClass", on_delete=models.CASCADE, related_name="outings", db_index=False
    )
    day = models.DateField(_("day"))
    left_at = models.DateTimeField(_("left at"))
    returned_at = models.DateTimeField(_("back at"), null=True, blank=True)
    children_out = models.ManyToManyField("enrolment.Child", related_name="+", verbose_name=_("children out"))
    children_back = models.ManyToManyField(
        "enrolment.Child", related_name="+", verbose_name=_("children back")
    )
    mismatch = models.BooleanField(_("head count did not match"), default=False)
    led_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("outing")
        verbose_name_plural = _("outings")
        ordering = ["day", "left_at"]
        indexes = [models.Index(fields=["care_class", "day"])]
        constraints = [
            models.CheckConstraint(
                name="outing_back_after_out",
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=models.F("left_at")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.care_class} {self.left_at:%Y-%m-%d %H:%M}"


class WeatherExemption(models.Model):
    """No or shorter outdoor time on a day for a reason (rain, heat, haze): no outdoor-time warning."""

    institution = models.ForeignKey("registry.Institution", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=100)

    class Meta:
        verbose_name = _("weather exemption")
        verbose_name_plural = _("weather exemptions")
        constraints = [
            models.UniqueConstraint(fields=["institution", "day"], name="weather_exemption_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reason}"


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    MORNING_SNACK = "morning_snack", _("Morning snack")
    LUNCH = "lunch", _("Lunch")
    AFTERNOON_SNACK = "afternoon_snack", _("Afternoon snack")
    DINNER = "dinner", _("Dinner")


class WeeklyMenu(models.Model):
    """The week's menu (带量食谱) of an institution; published to families by Monday."""

    institution = models.ForeignKey("registry.Institution", on_delete=models.CASCADE, related_name="menus")
    week_start = models.DateField(_("week starting (Monday)"))
    dishes = models.JSONField(
        _("dishes"), help_text=_('{"2026-11-30": {"lunch": ["番茄炒蛋", "米饭"]}, ...}')
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly menu")
        verbose_name_plural = _("weekly menus")
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "week_start"], name="weekly_menu_unique")
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.week_start}"


class FoodSample(models.Model):
    """A food sample (留样) of one dish of one meal: ≥ 100 g, refrigerated ≥ 48 h (national rules §8.9)."""

    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.CASCADE, related_name="food_samples"
    )
    day = models.DateField(_("day"))
    meal = models.CharField(_("meal"), max_length=16, choices=Meal.choices)
    dish = models.CharField(_("dish"), max_length=60)
    # At least 100 g is the rule (DAY-04 reports less); more than 2 kg of one dish is a typing error.
    weight_g = models.PositiveSmallIntegerField(_("weight (g)"), validators=[Between(1, 2000, " g")])
    refrigerated_at = models.DateTimeField(_("refrigerated at"))
    sampled_by = models.CharField(_("sampled by"), max_length=50)
    discarded_at = models.DateTimeField(_("discarded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("food sample")
        verbose_name_plural = _("food samples")
        ordering = ["-day", "meal", "dish"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "day", "meal", "dish"], name="food_sample_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_meal_display()} {self.dish}"
