"""Writes of the workforce register: hiring, certificates, the duty roster and training."""

import datetime
from decimal import Decimal

from auditlog.models import LogEntry
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.refusals import Refusal
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.signals import announce_change
from tuoyu.uploads import validate_upload
from tuoyu.workdays import months_later
from tuoyu.workforce.models import (
    VALIDITY_MONTHS,
    Certificate,
    CertificateRequirement,
    CertificateType,
    DutyShift,
    Education,
    Staff,
    TrainingEnrolment,
    TrainingSession,
    valid_on,
)
from tuoyu.workforce.requirements import REQUIREMENTS


def already_employed_error() -> Refusal:
    """Anti-挂靠 (STF-06). Deliberately says nothing about where: the other institution is outside the
    actor's scope. It is about the identity number: pages show it at that field."""
    return Refusal(
        _("This person is already employed at another institution."), "already_employed", conflict=True
    )


def identity_number_reveal(*, actor: User, staff: Staff) -> str:
    """Write the reveal of a staff member's full identity number to the audit log, and return it."""
    LogEntry.objects.log_create(
        staff,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        changes_text="identity number revealed",
    )
    return staff.id_number


def employments_overlapping(id_number: str, employed_from: datetime.date) -> QuerySet[Staff]:
    """Employments of the person still running on or after ``employed_from``: an open-ended one, or one
    ending on that day or later (a notice period, a contract ending next month)."""
    return Staff.objects.filter(
        Q(employed_until__isnull=True) | Q(employed_until__gte=employed_from), id_number=id_number
    )


def staff_hire(
    *,
    institution: Institution,
    name: str,
    id_number: str,
    role: str,
    employed_from: datetime.date,
    education: str = Education.SENIOR,
    management_years: Decimal = Decimal("0"),
    phone: str = "",
    full_time: bool = True,
) -> Staff:
    """Put a person on an institution's register; refused (``already_employed``) if they are employed
    anywhere on or after ``employed_from`` (anti-挂靠)."""
    staff = Staff(
        institution=institution,
        name=name,
        id_number=id_number.strip().upper(),
        role=role,
        employed_from=employed_from,
        education=education,
        management_years=management_years,
        phone=phone,
        full_time=full_time,
    )
    staff.full_clean(validate_constraints=False)
    if employments_overlapping(staff.id_number, employed_from).exists():
        raise already_employed_error()
    try:
        # The partial unique index settles two simultaneous hires of the same person.
        with transaction.atomic():
            staff.save()
    except IntegrityError as error:
        raise already_employed_error() from error
    announce_change(institution.pk)
    return staff


@transaction.atomic
def staff_end_employment(*, staff: Staff, on: datetime.date) -> Staff:
    staff.employed_until = on
    staff.full_clean(validate_constraints=False)
    staff.save(update_fields=["employed_until"])
    announce_change(staff.institution_id)
    return staff


def default_expiry(certificate_type: str, issued_on: datetime.date) -> datetime.date | None:
    months = VALIDITY_MONTHS.get(certificate_type)
    if months is None:
        return None
    return months_later(issued_on, months) - datetime.timedelta(days=1)


@transaction.atomic
def certificate_record(
    *,
    staff: Staff,
    certificate_type: str,
    number: str,
    issuer: str,
    issued_on: datetime.date,
    expires_on: datetime.date | None = None,
    scan: UploadedFile | None = None,
) -> Certificate:
    """Record a certificate; a health certificate without an expiry date is valid for 12 months."""
    if scan is not None:
        validate_upload(scan)
    certificate = Certificate(
        staff=staff,
        certificate_type=certificate_type,
        number=number,
        issuer=issuer,
        issued_on=issued_on,
        expires_on=expires_on or default_expiry(certificate_type, issued_on),
    )
    if scan is not None:
        certificate.scan = scan
    certificate.full_clean()
    certificate.save()
    announce_change(staff.institution_id)
    return certificate


@transaction.atomic
def certificate_requirements_load() -> None:
    """(Re)load the requirement table from workforce/requirements.py (a database emptied by a test runner)."""
    for role, certificate_type, source in REQUIREMENTS:
        CertificateRequirement.objects.update_or_create(
            role=role, certificate_type=certificate_type, defaults={"source": source}
        )


def require_fit_for_duty(staff: Staff, day: datetime.date) -> None:
    """The one rule for putting anyone on duty, by the roster or in a class: employed that day and holding a
    valid health certificate (L76 art. 14: 取得健康合格证明后方可上岗)."""
    if not staff.is_employed_on(day):
        raise Refusal(
            _("%(name)s is not employed on %(day)s.") % {"name": staff.name, "day": day.isoformat()},
            "staff_not_employed",
            conflict=True,
        )
    has_health_certificate = staff.certificates.filter(valid_on(day), certificate_type=CertificateType.HEALTH)
    if not has_health_certificate.exists():
        raise Refusal(
            _("%(name)s has no valid health certificate on %(day)s and cannot be put on duty.")
            % {"name": staff.name, "day": day.isoformat()},
            "health_certificate_missing",
            conflict=True,
        )


@transaction.atomic
def duty_schedule(*, staff: Staff, day: datetime.date, care_class: CareClass | None = None) -> DutyShift:
    """Put a staff member on the roster; nobody works without a valid health certificate (持证上岗), and a
    class of another institution is refused (``class_of_another_institution``)."""
    require_fit_for_duty(staff, day)
    if care_class is not None and care_class.institution_id != staff.institution_id:
        raise Refusal(_("The class belongs to another institution."), "class_of_another_institution")
    shift, _created = DutyShift.objects.update_or_create(
        staff=staff, day=day, defaults={"care_class": care_class}
    )
    announce_change(staff.institution_id)
    return shift


@transaction.atomic
def training_schedule(
    *,
    region_id: int,
    topic: str,
    title: str,
    expert: str,
    day: datetime.date,
    hours: Decimal,
    capacity: int,
    location: str = "",
) -> TrainingSession:
    session = TrainingSession(
        region_id=region_id,
        topic=topic,
        title=title,
        expert=expert,
        day=day,
        hours=hours,
        capacity=capacity,
        location=location,
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def training_enrol(*, session: TrainingSession, staff: Staff) -> TrainingEnrolment:
    """Enrol a staff member; the session's capacity holds under concurrent enrolments (row lock). Refused
    when already enrolled (``already_enrolled``), full (``training_full``) or not employed on the day of the
    session (``staff_not_employed``, as for the roster)."""
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if locked.enrolments.filter(staff=staff).exists():
        raise Refusal(
            _("%(name)s is already enrolled in this session.") % {"name": staff.name},
            "already_enrolled",
            conflict=True,
        )
    if locked.enrolments.count() >= locked.capacity:
        raise Refusal(
            _("This training session is full (%(n)d places).") % {"n": locked.capacity},
            "training_full",
            conflict=True,
        )
    if not staff.is_employed_on(locked.day):
        raise Refusal(
            _("%(name)s is not employed on the day of the session.") % {"name": staff.name},
            "staff_not_employed",
            conflict=True,
        )
    return TrainingEnrolment.objects.create(session=locked, staff=staff)


@transaction.atomic
def training_record_attendance(*, enrolment: TrainingEnrolment, attended: bool) -> TrainingEnrolment:
    TrainingEnrolment.objects.filter(pk=enrolment.pk).update(attended=attended)
    enrolment.refresh_from_db()
    return enrolment
