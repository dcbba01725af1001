"""Children, their guardians and pick-up persons, and the path to a place: application, offer, placement.

Children's data are sensitive personal data (PIPL art. 28/31): nothing about a child is stored before a
guardian has consented to the current privacy notice, identity numbers are shown masked, and allergies and
special needs are visible only to the child's guardians and the staff of an institution caring for them.
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import GUARDIAN_PERMISSIONS, Perm, actor_pk, in_scope_of
from tuoyu.accounts.identity import mask_identity_number, validate_identity_number
from tuoyu.accounts.validators import validate_mainland_mobile
from tuoyu.registry.models import CareClass, ServiceType
from tuoyu.uploads import IMAGE_TYPES, SniffedFileField
from tuoyu.workdays import months_later

PLACE_SERVICE_TYPES = (ServiceType.FULL_DAY, ServiceType.HALF_DAY)
"""The service types that hold a place in a class (托位); temporary care and sessions are booked."""
PLACE_SERVICE_CHOICES = [
    (value, label) for value, label in ServiceType.choices if value in PLACE_SERVICE_TYPES
]


def completed_months(birth_date: datetime.date, on: datetime.date) -> int:
    """Age in completed months on ``on`` (national rules §16: ages are completed months at the check date)."""
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
    while months > 0 and months_later(birth_date, months) > on:
        months -= 1
    return max(months, 0)


class PrivacyNotice(models.Model):
    """A version of the privacy notice guardians consent to before a child's data are stored."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class Consent(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="consents")
    given_at = models.DateTimeField(_("consented at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="consent_once_per_notice")]

    def __str__(self) -> str:
        return f"{self.user} · {self.notice.version}"


class Sex(models.TextChoices):
    # The codes follow GB/T 2261.1 (1 male, 2 female), as WHO's growth software does.
    MALE = "1", _("Boy")
    FEMALE = "2", _("Girl")


def _own_children(actor: object) -> Q:
    return Q(pk__in=Guardianship.objects.filter(user_id=actor_pk(actor)).values("child"))


class ChildQuerySet(models.QuerySet["Child"]):
    """Which children an actor may see: the one way every app asks (see accounts/access.py)."""

    def of_guardian(self, actor: object) -> "ChildQuerySet":
        """The actor's own children, as their guardian."""
        return self.filter(_own_children(actor))

    def visible_to(
        self, actor: object, perm: Perm = Perm.VIEW_CHILDREN, *, on: datetime.date | None = None
    ) -> "ChildQuerySet":
        """A guardian's own children (for what a guardian holds over them), and the children of the
        institutions where the actor holds ``perm``: placed there (still holding a place after ``on``, when
        given) and, under ``VIEW_CHILDREN``, applying there."""
        placements = in_scope_of(Placement.objects.all(), actor, perm, "institution__")
        if on is not None:
            placements = placements.filter(ends_on__gt=on)
        condition = Q(pk__in=placements.values("child"))
        if perm == Perm.VIEW_CHILDREN:
            applications = in_scope_of(Application.objects.all(), actor, perm, "institution__")
            condition |= Q(pk__in=applications.values("child"))
        if perm in GUARDIAN_PERMISSIONS:
            condition |= _own_children(actor)
        return self.filter(condition)

    def in_class(self, care_class: CareClass, day: datetime.date | None = None) -> "ChildQuerySet":
        """The children holding a place in the class on ``day``; without a day, ever placed in it."""
        placed = Placement.objects.filter(care_class=care_class)
        if day is not None:
            placed = placed.filter(start_date__lte=day, ends_on__gt=day)
        return self.filter(pk__in=placed.values("child"))


class Child(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("full name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    identity_number = models.CharField(
        _("identity number"), max_length=18, blank=True, validators=[validate_identity_number]
    )
    allergies = models.TextField(_("allergies"), blank=True)
    special_needs = models.TextField(_("special needs"), blank=True)
    # Optional, with a guardian's consent (photo_consent_at): shown to the class's staff on the class screen;
    # removed when the consent is withdrawn.
    photo = SniffedFileField(_("photo"), upload_to="children/", allowed=IMAGE_TYPES, blank=True)
    photo_consent_at = models.DateTimeField(_("photo consent given at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_identity_number(self) -> str:
        return mask_identity_number(self.identity_number)

    def age_months(self, on: datetime.date | None = None) -> int:
        return completed_months(self.birth_date, on or timezone.localdate())


class Relation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER = "other", _("Other relative or carer")


class Guardianship(models.Model):
    """A guardian (监护人) of a child: a user who may act for the child."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardianships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardianships")
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [models.UniqueConstraint(fields=["child", "user"], name="guardianship_unique")]

    def __str__(self) -> str:
        return f"{self.user.display_name} ({self.get_relation_display()})"


class PickupPerson(models.Model):
    """A person authorised to collect the child (授权接送人)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="pickup_persons")
    name = models.CharField(_("full name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    phone = models.CharField(_("mobile number"), max_length=11, validators=[validate_mainland_mobile])
    identity_number = models.CharField(
        _("identity number"), max_length=18, validators=[validate_identity_number]
    )

    class Meta:
        verbose_name = _("authorised pick-up person")
        verbose_name_plural = _("authorised pick-up persons")
        ordering = ["child", "name"]
        constraints = [
            models.UniqueConstraint(fields=["child", "identity_number"], name="pickup_person_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relation_display()})"

    @property
    def masked_identity_number(self) -> str:
        return mask_identity_number(self.identity_number)


class ExamResult(models.TextChoices):
    PASS = "pass", _("Pass (合格)")
    FAIL = "fail", _("Fail (不合格)")


class EntryExam(models.Model):
    """The health examination before admission (入托体检), by a medical institution."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="entry_exams")
    examined_on = models.DateField(_("examination date"))
    medical_institution = models.CharField(_("medical institution"), max_length=100)
    result = models.CharField(_("result"), max_length=8, choices=ExamResult.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("entry health examination")
        verbose_name_plural = _("entry health examinations")
        ordering = ["child", "-examined_on"]

    def __str__(self) -> str:
        return f"{self.child} {self.examined_on} {self.get_result_display()}"


class QueuePriority(models.Model):
    """An admission priority an institution publishes (e.g. a sibling already enrolled), with its points."""

    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.CASCADE, related_name="queue_priorities"
    )
    label = models.CharField(_("priority"), max_length=60)
    points = models.PositiveSmallIntegerField(_("points"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("admission priority")
        verbose_name_plural = _("admission priorities")
        ordering = ["institution", "-points", "label"]
        constraints = [models.UniqueConstraint(fields=["institution", "label"], name="queue_priority_unique")]

    def __str__(self) -> str:
        return f"{self.label} (+{self.points})"


class ApplicationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Place offered")
    PLACED = "placed", _("Placed")
    DECLINED = "declined", _("Offer declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_APPLICATION_STATUSES = (ApplicationStatus.WAITING, ApplicationStatus.OFFERED)


class Application(models.Model):
    """A guardian's request for a place at one institution; a child may apply to several, ranked."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="applications")
    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    service_type = models.CharField(
        _("service type"),
        max_length=20,
        choices=PLACE_SERVICE_CHOICES,
    )
    rank = models.PositiveSmallIntegerField(_("preference"), default=1)
    desired_start = models.DateField(_("desired start date"))
    priorities = models.ManyToManyField(QueuePriority, blank=True, verbose_name=_("priorities claimed"))
    priority_points = models.PositiveSmallIntegerField(_("priority points"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.WAITING
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("applied by")
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-priority_points", "applied_at", "pk"]  # the queue order, published to guardians
        constraints = [
            models.UniqueConstraint(
                fields=["child", "institution", "service_type"],
                condition=Q(status__in=OPEN_APPLICATION_STATUSES),
                name="application_one_open_per_child_institution_service",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} → {self.institution} ({self.get_service_type_display()})"


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the guardian's answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Offer(models.Model):
    """A place in a class offered to an application, held for the guardian until it expires."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="offers")
    care_class = models.ForeignKey(
        "registry.CareClass", verbose_name=_("class"), on_delete=models.PROTECT, related_name="offers"
    )
    start_date = models.DateField(_("start date"))
    expires_at = models.DateTimeField(_("answer by"))
    status = models.CharField(
        _("status"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("offered by")
    )
    made_at = models.DateTimeField(_("offered at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Offered before waiting applications ahead in the queue that fit the class: how many, and why (shown to
    # the regulator on the institution file).
    passed_over = models.PositiveSmallIntegerField(_("applications passed over"), default=0)
    out_of_order_reason = models.TextField(
        _("reason for offering out of queue order"), max_length=500, blank=True
    )

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-made_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(status="open"), name="offer_one_open_per_application"
            )
        ]
        # The open offers of each class: what the finder counts as places taken.
        indexes = [
            models.Index(
                fields=["care_class", "expires_at"], condition=Q(status="open"), name="offer_open_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.child} · {self.care_class}"

    def is_open_at(self, moment: datetime.datetime) -> bool:
        return self.status == OfferStatus.OPEN and self.expires_at > moment


class EndReason(models.TextChoices):
    AGED_OUT = "aged_out", _("Reached 36 months")
    WITHDRAWN = "withdrawn", _("Withdrawn by the family")
    TRANSFERRED = "transferred", _("Transferred to another institution")
    OTHER = "other", _("Other")


class Placement(models.Model):
    """A child's place in a class (入托). It holds the place from its creation until ``ends_on``.

    ``ends_on`` is set at creation to the day the child turns 36 months (the move to kindergarten) and
    brought forward when the placement ends earlier; the place is free again from that day.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="placements")
    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    care_class = models.ForeignKey(
        "registry.CareClass", verbose_name=_("class"), on_delete=models.PROTECT, related_name="placements"
    )
    service_type = models.CharField(_("service type"), max_length=20, choices=ServiceType.choices)
    start_date = models.DateField(_("start date"))
    ends_on = models.DateField(_("place held until"))
    end_reason = models.CharField(
        _("end reason"), max_length=12, choices=EndReason.choices, default=EndReason.AGED_OUT
    )
    offer = models.OneToOneField(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="placement"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["care_class", "child__name"]
        constraints = [
            models.CheckConstraint(
                name="placement_ends_after_start", condition=Q(ends_on__gte=models.F("start_date"))
            )
        ]
        # The places held on a day (``ends_on`` after it) counted per class, from the index alone.
        indexes = [models.Index(fields=["ends_on", "care_class"], name="placement_holding_idx")]

    def __str__(self) -> str:
        return f"{self.child} @ {self.care_class}"

    def holds_place_on(self, day: datetime.date) -> bool:
        return self.ends_on > day

    def is_active_on(self, day: datetime.date) -> bool:
        return self.start_date <= day < self.ends_on


class ServiceAgreement(models.Model):
    """The service agreement (托育服务协议) for a placement, built from the institution's fee catalogue."""

    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="agreement")
    items = models.JSONField(_("fee items"))
    government_guided_price = models.BooleanField(_("government-guided price"), default=False)
    text = models.TextField(_("terms"))
    accepted_at = models.DateTimeField(_("accepted at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("accepted by")
    )

    class Meta:
        verbose_name = _("service agreement")
        verbose_name_plural = _("service agreements")

    def __str__(self) -> str:
        return str(self.placement)


class TaskKind(models.TextChoices):
    VACCINATION_CHECK = "vaccination_check", _("Check the vaccination certificate (预防接种证查验)")


class CareTask(models.Model):
    """A task for the institution's health worker about one child, with its due date."""

    kind = models.CharField(_("task"), max_length=30, choices=TaskKind.choices)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="care_tasks")
    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.CASCADE, related_name="care_tasks"
    )
    placement = models.ForeignKey(Placement, null=True, blank=True, on_delete=models.CASCADE)
    due_on = models.DateField(_("due by"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("health task")
        verbose_name_plural = _("health tasks")
        ordering = ["done_at", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.child}"


class DeletionRequest(models.Model):
    """A guardian's request to delete a child's data (PIPL art. 47), and how it was answered."""

    class Outcome(models.TextChoices):
        DELETED = "deleted", _("Deleted")
        REFUSED = "refused", _("Refused: records must be kept")

    child_name = models.CharField(_("child"), max_length=50)
    child_code = models.UUIDField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.child_name} · {self.get_outcome_display()}"


# Access log -----------------------------------------------------------------------------------------------


class AccessChannel(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")
    EXPORT = "export", _("Export")


# What each logged ``view`` of a health record shows, for the auditor; an unknown name shows as it is.
RECORD_VIEW_LABELS = {
    "overview": _("Health record"),
    "growth": _("Growth"),
    "care": _("Examinations and development"),
    "schedule": _("Examination schedule"),
    "exams": _("Examinations"),
    "screenings": _("Development screenings"),
    "referrals": _("Referrals"),
    "referral": _("Referral"),
    "immunisation": _("Immunisation certificate checks"),
    "export": _("Export of the health record"),
    "pdf": _("Printed health record (PDF)"),
    "family_absences": _("Absences reported by the family"),
    "outbreak": _("Outbreak report"),
    "outbreak_class": _("Outbreak watch of a class"),
    "excluded_children": _("Children excluded"),
    "diagnosis_add": _("Diagnosis"),
    "return_certificate": _("Return certificate"),
    "children_list": _("Children's health list"),
    "overdue": _("Overdue examinations"),
    "visits": _("Doctor's visits"),
    "class_screen": _("Class screen (checks, allergies)"),
    "child_day": _("A child's day in care (checks)"),
    "child_attendance": _("Arrival and health checks"),
    "follow_ups": _("Illness follow-ups"),
    "institution_today": _("The institution's day (illness absences)"),
    "daily_care": _("Care log (medication, incidents)"),
    "daily_reports": _("Daily reports"),
    "medication": _("Medication instructions"),
    "child_profile": _("Child's profile (allergies, special needs)"),
    "class_roster": _("Class roster (allergies)"),
    "entry_exams": _("Entry health examinations"),
    "back office: measurement": _("Back office: measurements"),
    "back office: healthexam": _("Back office: examinations"),
    "back office: developmentscreening": _("Back office: development screenings"),
    "back office: referral": _("Back office: referrals"),
    "back office: immunisationcheck": _("Back office: immunisation certificate checks"),
    "back office: diagnosis": _("Back office: diagnoses"),
    "back office: doctorvisit": _("Back office: doctor's visits"),
    "back office: outbreakreport": _("Back office: outbreak reports"),
}


class HealthRecordAccess(models.Model):
    """One read of a child's health data: who, when, which child, which view. Kept for audit, append-only in
    the database (tuoyu.append_only). It lives here, beside the child, because every app that shows health
    data (the day in care, enrolment, health) writes it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, null=True, on_delete=models.SET_NULL, related_name="health_record_reads")
    child_name = models.CharField(_("child"), max_length=50)
    view = models.CharField(_("view"), max_length=50)
    channel = models.CharField(_("channel"), max_length=6, choices=AccessChannel.choices)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        db_table = "health_healthrecordaccess"  # where it was created, by the health app
        verbose_name = _("health record access")
        verbose_name_plural = _("health record accesses")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.child_name} {self.view}"

    @property
    def view_label(self) -> str:
        return str(RECORD_VIEW_LABELS.get(self.view, self.view))
