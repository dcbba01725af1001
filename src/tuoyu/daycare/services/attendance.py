"""Attendance rules: check-in with the morning check (晨检), the noon check (午检), absences and their
illness follow-up (因病缺勤追踪), check-out to an authorised person only, and the expected-but-absent alert.

Every write runs in one ``transaction.atomic`` and raises :class:`Refusal` before writing, so a refused
action writes nothing. The one exception is deliberate: a pick-up by someone not authorised is refused
(nothing about the child changes) and *then* the refusal itself is recorded and the directors alerted, in
a transaction of its own, so that the record survives the refusal.

One attendance per child and day is a unique constraint: two caregivers checking in the same child at the
same moment both pass the checks, the second insert fails on the constraint and is answered
``already_checked_in``. A check-in or check-out changes the children present, so it ends with
``staffing.ratio_watch`` (which opens or closes the class's ratio breach and alerts the directors).

Refusal codes: ``not_on_roster``, ``temperature_required``, ``temperature_invalid``,
``temperature_implausible``, ``observation_unknown``, ``decision_invalid``, ``reason_required``,
``abnormal_needs_notification``, ``notified_in_future`` (400); ``already_checked_in``, ``already_checked``,
``not_checked_in``, ``already_checked_out`` (409); absences: ``day_in_past``, ``reason_invalid``,
``symptom_required``, ``symptom_invalid`` (400), ``already_absent`` (409); follow-ups:
``expected_return_before_absence``, ``outcome_required`` (400), ``follow_up_closed`` (409); the family's
请假: ``range_reversed``, ``range_too_long`` (400), ``no_expected_day``, ``day_not_ahead`` (409); check-out:
``pickup_person_required``, ``pickup_not_authorised`` (400).
"""

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import User
from tuoyu.daycare.models import (
    FEVER_FROM,
    TEMPERATURE_MAX,
    TEMPERATURE_MIN,
    Absence,
    AbsenceReason,
    Attendance,
    AttendanceStatus,
    CheckDecision,
    CheckKind,
    HealthCheck,
    IllnessFollowUp,
    MissedArrivalAlert,
    Observation,
    PickupRefusal,
    Symptom,
)
from tuoyu.daycare.selectors.attendance import (
    attendance_so_far,
    exam_months_after_absence,
    expected_absent,
    needs_exam_after_absence,
    placements_active_on,
)
from tuoyu.daycare.services.staffing import ratio_watch
from tuoyu.daycare.signals import symptoms_recorded
from tuoyu.enrolment.models import Child, PickupPerson, Placement
from tuoyu.enrolment.selectors import guardians_of, is_guardian_of
from tuoyu.guards import Guards
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass
from tuoyu.registry.selectors import caregivers_of, closure_of, directors_of, health_workers_of

FEVER = Decimal(str(FEVER_FROM))
NOTIFIED_CLOCK_SKEW = datetime.timedelta(minutes=5)
"""A "guardian notified at" may be a few minutes ahead of the server's clock (a phone's clock), not more."""

CHECK_IN_GUARDS: Guards[[Child, datetime.date]] = Guards("check_in")
"""Checks another app adds before a child is admitted for the day (health: a child still excluded)."""


def _announce_symptoms(care_class: CareClass, day: datetime.date) -> None:
    transaction.on_commit(lambda: symptoms_recorded.send(sender=Absence, care_class=care_class, day=day))


# Shared checks ----------------------------------------------------------------------------------------------


def _validate(record: Model) -> None:
    """``full_clean`` without a query: every field's own rules (choices, lengths, ranges, required).

    Its foreign keys are rows the service has just read or been handed, and the database refuses a dangling
    one; uniqueness and the constraints are the database's too, where a clash is an ``IntegrityError`` that
    the service answers with its refusal (or that its own checks have already ruled out).
    """
    relations = [field.name for field in record._meta.concrete_fields if field.is_relation]
    record.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def _placement(care_class: CareClass, child: Child, day: datetime.date) -> Placement:
    placement = placements_active_on(day).filter(care_class=care_class, child=child).first()
    if placement is None:
        raise Refusal(
            _("%(child)s has no place in %(class)s on that day.")
            % {"child": child, "class": care_class.name},
            "not_on_roster",
        )
    return placement


def temperature_parse(value: object) -> Decimal:
    """A body temperature in °C to one decimal; outside 34-43 °C is a typing error, refused."""
    if value is None or str(value).strip() == "":
        raise Refusal(_("Choose or enter the temperature."), "temperature_required")
    try:
        temperature = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise Refusal(_("Enter the temperature as a number, such as 36.5."), "temperature_invalid") from None
    if not temperature.is_finite():
        raise Refusal(_("Enter the temperature as a number, such as 36.5."), "temperature_invalid")
    if not TEMPERATURE_MIN <= temperature <= TEMPERATURE_MAX:
        raise Refusal(
            _("%(t)s °C is not a plausible body temperature (%(min)s-%(max)s °C). Please measure again.")
            % {"t": temperature, "min": TEMPERATURE_MIN, "max": TEMPERATURE_MAX},
            "temperature_implausible",
        )
    return temperature.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def is_abnormal(temperature: Decimal, observations: Iterable[str], decision: str) -> bool:
    """A fever (from 37.3 °C), anything observed, or a decision other than admit."""
    return bool(list(observations)) or temperature >= FEVER or decision != CheckDecision.ADMIT


def _health_check(
    *,
    attendance: Attendance | None,
    kind: str,
    temperature_c: object,
    observations: Iterable[str],
    decision: str,
    reason: str,
    guardian_notified_at: datetime.datetime | None,
    action: str,
    by: User,
    now: datetime.datetime,
) -> HealthCheck:
    """Check the rules of a morning or noon check and build it (not saved)."""
    temperature = temperature_parse(temperature_c)
    observed = list(dict.fromkeys(observations))
    unknown = [value for value in observed if value not in Observation.values]
    if unknown:
        raise Refusal(
            _("Unknown observation: %(value)s.") % {"value": ", ".join(unknown)}, "observation_unknown"
        )
    if decision not in CheckDecision.values:
        raise Refusal(_("Choose admit, admit and watch, or send home."), "decision_invalid")
    reason, action = reason.strip(), action.strip()
    if decision == CheckDecision.SEND_HOME and not reason:
        raise Refusal(_("Say why the child is sent home."), "reason_required")
    if is_abnormal(temperature, observed, decision) and (guardian_notified_at is None or not action):
        raise Refusal(
            _(
                "An abnormal check (a temperature from %(fever)s °C, something observed, watching or sending "
                "home) needs the time the guardian was notified and the action taken."
            )
            % {"fever": FEVER},
            "abnormal_needs_notification",
        )
    if guardian_notified_at is not None and guardian_notified_at > now + NOTIFIED_CLOCK_SKEW:
        raise Refusal(_("The guardian cannot have been notified in the future."), "notified_in_future")
    check = HealthCheck(
        attendance=attendance,
        kind=kind,
        temperature_c=temperature,
        # In the order of the checklist, whatever the order they were ticked in.
        observations=[value for value in Observation.values if value in observed],
        decision=decision,
        reason=reason,
        guardian_notified_at=guardian_notified_at,
        action=action,
        checked_by=by,
        checked_at=now,
    )
    _validate(check)  # the temperature's range is temperature_parse's (and the database's)
    return check


def _notify_sent_home(child: Child, check: HealthCheck) -> None:
    notify_all(
        guardians_of(child),
        kind=NotificationKind.SENT_HOME,
        title=_("%(child)s is to go home (%(check)s)"),
        body=_("Temperature %(t)s °C. Reason: %(reason)s. Action taken: %(action)s."),
        params={
            "child": child.name,
            "check": check.get_kind_display(),
            "t": check.temperature_c,
            "reason": check.reason,
            "action": check.action,
        },
        link=child_attendance_link(child, check.attendance.day),
    )


def child_attendance_link(child: Child, day: datetime.date) -> str:
    return reverse("daycare:child_attendance", args=[child.code]) + f"?day={day.isoformat()}"


def _already_checked_in() -> Refusal:
    return Refusal(_("This child is already checked in today."), "already_checked_in", conflict=True)


# Check-in with the morning check -------------------------------------------------------------------------


def _require_exam_after_long_absence(
    child: Child, day: datetime.date, last_day: datetime.date | None
) -> None:
    if last_day is not None and needs_exam_after_absence(child, last_day, day):
        raise Refusal(
            _(
                "%(child)s was last in care on %(last)s, %(months)d months or more ago: a new health "
                "examination (重新体检) is needed before the child comes back. Record it as the entry "
                "examination first."
            )
            % {"child": child.name, "last": last_day.isoformat(), "months": exam_months_after_absence(day)},
            "exam_after_absence_required",
            conflict=True,
        )


def attendance_check_in(
    *,
    care_class: CareClass,
    child: Child,
    by: User,
    temperature_c: object,
    decision: str,
    observations: Iterable[str] = (),
    reason: str = "",
    guardian_notified_at: datetime.datetime | None = None,
    action: str = "",
    now: datetime.datetime | None = None,
) -> Attendance:
    """Check a child in with the morning check: admitted (checked in) or sent home, in one step.

    The check's rules are applied before the transaction, and the ratio is watched after it, so that the
    write lock (one writer at a time on SQLite) is held only for the inserts.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    check = _health_check(
        attendance=None,
        kind=CheckKind.MORNING,
        temperature_c=temperature_c,
        observations=observations,
        decision=decision,
        reason=reason,
        guardian_notified_at=guardian_notified_at,
        action=action,
        by=by,
        now=now,
    )
    try:
        with transaction.atomic():
            placement = _placement(care_class, child, day)
            already, last_day = attendance_so_far(child, day)
            if already:
                raise _already_checked_in()
            if decision != CheckDecision.SEND_HOME:
                _require_exam_after_long_absence(child, day, last_day)
                CHECK_IN_GUARDS.check(child, day)
            attendance = Attendance(
                child=child,
                placement=placement,
                care_class=care_class,
                day=day,
                status=AttendanceStatus.SENT_HOME
                if decision == CheckDecision.SEND_HOME
                else AttendanceStatus.CHECKED_IN,
                checked_in_at=now,
                checked_in_by=by,
            )
            _validate(attendance)  # one per child and day: the database's unique constraint
            attendance.save()
            check.attendance = attendance
            check.save()
            if check.is_abnormal:
                _announce_symptoms(care_class, day)
            if check.decision == CheckDecision.SEND_HOME:
                _notify_sent_home(child, check)
    except IntegrityError:
        # Another caregiver checked the child in between our check and our insert; ours is rolled back.
        if Attendance.objects.filter(child=child, day=day).exists():
            raise _already_checked_in() from None
        raise
    if check.decision != CheckDecision.SEND_HOME:
        ratio_watch(care_class, now)  # one more child present: the ratio may no longer hold
    return attendance


def _attendance_today(child: Child, day: datetime.date, *, lock: bool = False) -> Attendance:
    attendances = Attendance.objects.filter(child=child, day=day)
    attendance = (attendances.select_for_update() if lock else attendances).first()
    if attendance is None or attendance.status == AttendanceStatus.SENT_HOME:
        raise Refusal(_("This child is not checked in today."), "not_checked_in", conflict=True)
    if attendance.status == AttendanceStatus.CHECKED_OUT:
        raise Refusal(
            _("This child has already been checked out today."), "already_checked_out", conflict=True
        )
    attendance.child = child  # the one asked for: its name is in the audit log's entry, read without a query
    return attendance


# The noon check ---------------------------------------------------------------------------------------------


def noon_check_record(
    *,
    care_class: CareClass,
    child: Child,
    by: User,
    temperature_c: object,
    decision: str,
    observations: Iterable[str] = (),
    reason: str = "",
    guardian_notified_at: datetime.datetime | None = None,
    action: str = "",
    now: datetime.datetime | None = None,
) -> HealthCheck:
    """The noon check of a child present. Sending home at noon leaves the child checked in until collected."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    done = Refusal(_("The noon check of this child is already recorded."), "already_checked", conflict=True)
    try:
        with transaction.atomic():
            _placement(care_class, child, day)
            attendance = _attendance_today(child, day, lock=True)
            if attendance.health_checks.filter(kind=CheckKind.NOON).exists():
                raise done
            check = _health_check(
                attendance=attendance,
                kind=CheckKind.NOON,
                temperature_c=temperature_c,
                observations=observations,
                decision=decision,
                reason=reason,
                guardian_notified_at=guardian_notified_at,
                action=action,
                by=by,
                now=now,
            )
            check.save()
            if check.is_abnormal:
                _announce_symptoms(attendance.care_class, attendance.day)
            if check.decision == CheckDecision.SEND_HOME:
                _notify_sent_home(child, check)
    except IntegrityError:
        # Recorded by someone else between our read and our insert (one noon check a day, by constraint).
        noon = HealthCheck.objects.filter(attendance__child=child, attendance__day=day, kind=CheckKind.NOON)
        if noon.exists():
            raise done from None
        raise
    return check


# Absence and its follow-up ----------------------------------------------------------------------------------


@transaction.atomic
def absence_record(
    *,
    care_class: CareClass,
    child: Child,
    by: User,
    reason: str,
    symptom: str = "",
    note: str = "",
    day: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Absence:
    """Record why an expected child does not come (today, or a day ahead when the family calls early).

    An illness absence opens a follow-up for the institution's health workers, who are told at once.
    """
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    _absence_check(reason=reason, symptom=symptom, day=day, now=now)
    return _absence_write(
        care_class=care_class,
        child=child,
        by=by,
        reason=reason,
        symptom=symptom,
        note=note,
        day=day,
        now=now,
        by_family=False,
    )


def _absence_check(*, reason: str, symptom: str, day: datetime.date, now: datetime.datetime) -> None:
    """The rules of an absence's reason, symptom and day, before anything is read."""
    if day < timezone.localdate(now):
        raise Refusal(_("An absence is recorded on the day or ahead, not afterwards."), "day_in_past")
    if reason not in AbsenceReason.values:
        raise Refusal(_("Choose illness or personal as the reason."), "reason_invalid")
    if reason == AbsenceReason.ILLNESS and not symptom:
        raise Refusal(_("An illness absence needs its symptom category."), "symptom_required")
    if symptom and symptom not in Symptom.values:
        raise Refusal(_("Unknown symptom category: %(value)s.") % {"value": symptom}, "symptom_invalid")


def _absence_write(
    *,
    care_class: CareClass,
    child: Child,
    by: User,
    reason: str,
    symptom: str,
    note: str,
    day: datetime.date,
    now: datetime.datetime,
    by_family: bool,
    follow_up: bool = True,
) -> Absence:
    """The one way an absence is written, whoever reports it (the caregiver's entry or the family's 请假):
    the same row, and for an illness the same follow-up, health workers' message and outbreak watch
    (``follow_up=False``: the family's report does those once for its whole range)."""
    placement = _placement(care_class, child, day)
    if Attendance.objects.filter(child=child, day=day).exists():
        raise _already_checked_in()
    already = Refusal(_("This child's absence is already recorded."), "already_absent", conflict=True)
    if Absence.objects.filter(child=child, day=day).exists():
        raise already
    absence = Absence(
        child=child,
        care_class=placement.care_class,
        day=day,
        reason=reason,
        symptom=symptom if reason == AbsenceReason.ILLNESS else "",
        note=note.strip(),
        recorded_by=by,
        recorded_at=now,
        by_family=by_family,
    )
    absence.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            absence.save()
    except IntegrityError:
        if Absence.objects.filter(child=child, day=day).exists():
            raise already from None
        raise
    if absence.reason == AbsenceReason.ILLNESS and follow_up:
        _illness_follow_up_open(absence, day.isoformat())
        _announce_symptoms(care_class, day)
    return absence


def _illness_follow_up_open(absence: Absence, days: str) -> None:
    """An illness absence's follow-up, and the health workers told of it (``days``: the day or the span)."""
    IllnessFollowUp.objects.create(absence=absence)
    notify_all(
        health_workers_of(absence.care_class.institution_id),
        kind=NotificationKind.ILLNESS_ABSENCE,
        title=_("Absent through illness: %(child)s (%(class)s)"),
        body=_("Symptom: %(symptom)s. Day: %(day)s. Please follow up."),
        params={
            "child": absence.child.name,
            "class": absence.care_class.name,
            "symptom": absence.get_symptom_display(),
            "day": days,
        },
        link=reverse("daycare:follow_ups"),
    )


# The family's 请假 ------------------------------------------------------------------------------------------

FAMILY_ABSENCE_MAX_DAYS = 31
"""The longest range a family reports at once (a month); a longer absence is a matter for the director."""


def _expected_days(
    child: Child, first_day: datetime.date, last_day: datetime.date
) -> list[tuple[datetime.date, Placement]]:
    """The days of the range on which the child holds a place and the institution is open (expected)."""
    placements = list(
        Placement.objects.filter(child=child, start_date__lte=last_day, ends_on__gt=first_day)
        .select_related("care_class__institution")
        .order_by("start_date")
    )
    days = []
    day = first_day
    while day <= last_day:
        placement = next((p for p in placements if p.is_active_on(day)), None)
        if placement is not None and closure_of(placement.care_class.institution, day) is None:
            days.append((day, placement))
        day += datetime.timedelta(days=1)
    return days


@transaction.atomic
def family_absence_report(
    *,
    child: Child,
    actor: User,
    reason: str,
    first_day: datetime.date,
    last_day: datetime.date | None = None,
    symptom: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> list[Absence]:
    """A guardian's 请假: the child will not come on a day or a range of days, for a personal reason or an
    illness with its symptom category.

    Each day on which the child holds a place and the institution is open becomes the same ``Absence`` a
    caregiver's entry writes (``recorded_by`` the guardian), so an illness opens the follow-up and feeds the
    outbreak watch exactly as the class screen's entry does. Days already reported, or on which the child is
    checked in, are left as they are. An illness opens one follow-up for the whole report; the class's
    caregivers (its directors when it has none) are told, with a link to the class screen. Refusals: those of
    the caregiver's entry, and ``range_reversed``, ``range_too_long`` (400), ``no_expected_day`` (409).
    """
    if not is_guardian_of(actor, child):
        raise NotPermitted
    now = now or timezone.now()
    last_day = last_day or first_day
    if last_day < first_day:
        raise Refusal(_("The last day of the absence is before its first day."), "range_reversed")
    if (last_day - first_day).days + 1 > FAMILY_ABSENCE_MAX_DAYS:
        raise Refusal(
            _("Report at most %(days)d days at once; for a longer absence, please talk to the director.")
            % {"days": FAMILY_ABSENCE_MAX_DAYS},
            "range_too_long",
        )
    _absence_check(reason=reason, symptom=symptom, day=first_day, now=now)
    span = (first_day, last_day)
    reported = set(Absence.objects.filter(child=child, day__range=span).values_list("day", flat=True))
    reported |= set(Attendance.objects.filter(child=child, day__range=span).values_list("day", flat=True))
    days = [
        (day, placement)
        for day, placement in _expected_days(child, first_day, last_day)
        if day not in reported
    ]
    if not days:
        raise Refusal(
            _(
                "%(child)s is not expected on those days (no place, the institution closed, or already "
                "reported)."
            )
            % {"child": child.name},
            "no_expected_day",
            conflict=True,
        )
    absences = [
        _absence_write(
            care_class=placement.care_class,
            child=child,
            by=actor,
            reason=reason,
            symptom=symptom,
            note=note,
            day=day,
            now=now,
            by_family=True,
            follow_up=False,
        )
        for day, placement in days
    ]
    if absences[0].reason == AbsenceReason.ILLNESS:
        # One illness, one follow-up and one message to the health workers, whatever the range. The outbreak
        # watch is fed the days that have come: symptom_log counts a day still ahead from that day on (in the
        # watch runs of the class's recordings then), and a watch run for a day ahead does nothing.
        _illness_follow_up_open(absences[0], day_span(absences))
        today = timezone.localdate(now)
        for absence in absences:
            if absence.day <= today:
                _announce_symptoms(absence.care_class, absence.day)
    _notify_caregivers_of_family_absence(absences, actor)
    return absences


def day_span(absences: list[Absence]) -> str:
    """The days of a report as one span: 2026-11-26, or 2026-11-26—2026-11-30."""
    first, last = absences[0].day, absences[-1].day
    return first.isoformat() if first == last else f"{first.isoformat()}—{last.isoformat()}"


def _notify_caregivers_of_family_absence(absences: list[Absence], guardian: User) -> None:
    absence = absences[0]
    care_class, child = absence.care_class, absence.child
    # The class's caregivers (the body names the illness); the directors when none is assigned to the class.
    told = list(caregivers_of(care_class)) or list(directors_of(care_class.institution_id))
    notify_all(
        told,
        kind=NotificationKind.FAMILY_ABSENCE,
        title=_("Absence reported by the family: %(child)s (%(class)s)"),
        body=_("%(guardian)s reports %(child)s absent: %(days)s. Reason: %(reason)s."),
        params={
            "child": child.name,
            "class": care_class.name,
            "guardian": guardian.display_name,
            "days": day_span(absences),
            "reason": absence.get_symptom_display() if absence.symptom else absence.get_reason_display(),
        },
        link=reverse("daycare:class", args=[care_class.code]),
    )


@transaction.atomic
def family_absence_withdraw(*, absence: Absence, actor: User, now: datetime.datetime | None = None) -> None:
    """A guardian takes back a 请假 day still ahead (the child comes after all). Today's and past days stay:
    the class has already counted on them. The report's illness follow-up goes with its last day."""
    if not absence.by_family or not is_guardian_of(actor, absence.child):
        raise NotPermitted
    now = now or timezone.now()
    if absence.day <= timezone.localdate(now):
        raise Refusal(
            _("Only a day still ahead can be withdrawn; for today, please call the class."),
            "day_not_ahead",
            conflict=True,
        )
    # The report's one follow-up stays with its next day still reported (the days of a report share their
    # recorded_at); it goes when no day is left.
    rest = Absence.objects.filter(
        child=absence.child, by_family=True, recorded_at=absence.recorded_at, day__gt=absence.day
    ).order_by("day")
    next_day = rest.first()
    if next_day is not None:
        IllnessFollowUp.objects.filter(absence=absence).update(absence=next_day)
    absence.delete()


@transaction.atomic
def follow_up_update(
    *,
    follow_up: IllnessFollowUp,
    by: User,
    diagnosis: str | None = None,
    expected_return: datetime.date | None = None,
    outcome: str | None = None,
    close: bool = False,
    now: datetime.datetime | None = None,
) -> IllnessFollowUp:
    """The health worker's record of an illness absence: diagnosis if known, expected return, closing it."""
    now = now or timezone.now()
    follow_up = IllnessFollowUp.objects.select_for_update().select_related("absence").get(pk=follow_up.pk)
    if follow_up.closed_at is not None:
        raise Refusal(_("This follow-up is already closed."), "follow_up_closed", conflict=True)
    if expected_return is not None and expected_return < follow_up.absence.day:
        raise Refusal(
            _("The expected return cannot be before the day of the absence."),
            "expected_return_before_absence",
        )
    if diagnosis is not None:
        follow_up.diagnosis = diagnosis.strip()
    if expected_return is not None:
        follow_up.expected_return = expected_return
    if outcome is not None:
        follow_up.outcome = outcome.strip()
    if close:
        if not follow_up.outcome:
            raise Refusal(_("Record the outcome before closing the follow-up."), "outcome_required")
        follow_up.closed_at, follow_up.closed_by = now, by
    follow_up.full_clean()
    follow_up.save()
    return follow_up


# Check-out --------------------------------------------------------------------------------------------------


def attendance_check_out(
    *,
    care_class: CareClass,
    child: Child,
    by: User,
    pickup_person: PickupPerson | None = None,
    guardian: User | None = None,
    person_name: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> Attendance:
    """Hand a child over to one of their authorised pick-up persons or a guardian, and record who and when.

    Anyone else is refused (``pickup_not_authorised``); the refused attempt is recorded and the directors are
    alerted by text message straight away, in a transaction of its own after the refusal. Call this outside
    any transaction so that the record is kept.
    """
    now = now or timezone.now()
    try:
        return _check_out(
            care_class=care_class,
            child=child,
            by=by,
            pickup_person=pickup_person,
            guardian=guardian,
            person_name=person_name,
            now=now,
        )
    except Refusal as refusal:
        if refusal.code == "pickup_not_authorised":
            name = _collector(pickup_person, guardian, person_name)
            pickup_refusal_record(child=child, person_name=name, note=note, by=by, now=now)
        raise


def _collector(pickup_person: PickupPerson | None, guardian: User | None, person_name: str) -> str:
    """The name of whoever is collecting: as typed for someone else, else the person's or guardian's name."""
    if person_name.strip():
        return person_name.strip()
    if pickup_person is not None:
        return pickup_person.name
    return guardian.display_name if guardian is not None else ""


@transaction.atomic
def _check_out(
    *,
    care_class: CareClass,
    child: Child,
    by: User,
    pickup_person: PickupPerson | None,
    guardian: User | None,
    person_name: str,
    now: datetime.datetime,
) -> Attendance:
    day = timezone.localdate(now)
    _placement(care_class, child, day)
    attendance = _attendance_today(child, day, lock=True)
    if pickup_person is None and guardian is None and not person_name.strip():
        raise Refusal(_("Choose who is collecting the child."), "pickup_person_required")
    authorised = (pickup_person is not None and pickup_person.child_id == child.pk) or (
        guardian is not None and guardian.is_active and is_guardian_of(guardian, child)
    )
    if not authorised:
        raise Refusal(
            _(
                "%(name)s is not authorised to collect %(child)s. Do not hand the child over; "
                "the director has been alerted."
            )
            % {"name": _collector(pickup_person, guardian, person_name), "child": child.name},
            "pickup_not_authorised",
        )
    attendance.status = AttendanceStatus.CHECKED_OUT
    attendance.checked_out_at = now
    attendance.checked_out_by = by
    attendance.picked_up_by_person = pickup_person
    attendance.picked_up_by_guardian = guardian if pickup_person is None else None
    attendance.picked_up_by_name = _collector(pickup_person, guardian, "")[:50]
    _validate(attendance)
    attendance.save()
    ratio_watch(care_class, now)  # one child fewer: a breach may end
    return attendance


@transaction.atomic
def pickup_refusal_record(
    *, child: Child, person_name: str, by: User, note: str = "", now: datetime.datetime | None = None
) -> PickupRefusal:
    """Record a refused pick-up of a child checked in today and alert the directors (in-app and by SMS)."""
    now = now or timezone.now()
    attendance = Attendance.objects.select_related("care_class").get(child=child, day=timezone.localdate(now))
    refusal = PickupRefusal(
        attendance=attendance,
        person_name=(person_name.strip() or str(_("unknown")))[:50],
        note=note.strip()[:200],
        refused_by=by,
        refused_at=now,
    )
    refusal.full_clean()
    refusal.save()
    care_class = attendance.care_class
    notify_all(
        directors_of(care_class.institution_id),
        kind=NotificationKind.PICKUP_REFUSED,
        title=_("Pick-up refused: %(child)s (%(class)s)"),
        body=_(
            "%(person)s tried to collect %(child)s at %(time)s and is not authorised. Recorded by %(by)s."
        ),
        params={
            "child": child.name,
            "class": care_class.name,
            "person": refusal.person_name,
            "time": timezone.localtime(now).strftime("%H:%M"),
            "by": by.display_name,
        },
        link=reverse("daycare:institution_today", args=[care_class.institution.code]),
        sms=True,
    )
    return refusal


# Expected but absent ----------------------------------------------------------------------------------------


def expected_absent_after(day: datetime.date) -> datetime.datetime:
    """The moment of ``day`` from which a child with no check-in and no absence note is missed."""
    hour, minute = (int(part) for part in settings.EXPECTED_ABSENT_AFTER.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def expected_absent_notify(*, now: datetime.datetime | None = None) -> int:
    """Tell the guardians of every child expected today but neither checked in nor excused, once a day.

    Nothing happens before ``settings.EXPECTED_ABSENT_AFTER``. Each child and day is claimed by inserting
    its ``MissedArrivalAlert`` in the transaction that writes the messages, so any number of runs, at once
    or one after the other, tell each family once. Returns the number of messages sent.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    if now < expected_absent_after(day):
        return 0
    sent = 0
    children = expected_absent(None, day).prefetch_related("placements__care_class__institution")
    for child in children:
        with transaction.atomic():
            _alert, claimed = MissedArrivalAlert.objects.get_or_create(child=child, day=day)
            if claimed:
                sent += len(_missed_arrival_notify(child, day))
    return sent


def _missed_arrival_notify(child: Child, day: datetime.date) -> list[Notification]:
    placement = next(p for p in child.placements.all() if p.is_active_on(day))
    return notify_all(
        guardians_of(child),
        kind=NotificationKind.EXPECTED_ABSENT,
        title=_("%(child)s has not arrived at %(institution)s today"),
        body=_(
            "We expected %(child)s today and have neither a check-in nor an absence note. "
            "Please tell the class (%(class)s) whether %(child)s is coming."
        ),
        params={
            "child": child.name,
            "institution": placement.care_class.institution.name,
            "class": placement.care_class.name,
        },
        link=child_attendance_link(child, day),
    )
