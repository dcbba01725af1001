"""Staff on duty per class (班级在岗) and the live caregiver ratio watch (师幼比).

``ratio_watch(care_class, now)`` must run after every change of who is in a class: each child's check-in
and check-out (the attendance services call it) and each staff duty change (``duty_start`` and
``duty_end`` call it themselves). It opens a :class:`RatioBreach` the moment certified caregivers on
duty fall below ceil(children present / r), alerting the institution's directors at once by text message,
and closes it when the ratio is met again. Rule DAY-01 reports the breaches.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.accounts.models import INSTITUTION_ROLES, RoleAssignment, User
from tuoyu.daycare.models import ClassDuty, RatioBreach
from tuoyu.daycare.selectors.ratios import class_ratio
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass
from tuoyu.registry.selectors import directors_of
from tuoyu.registry.signals import announce_change
from tuoyu.workforce.models import Staff
from tuoyu.workforce.services import require_fit_for_duty

FORBIDDEN = _("Only the institution's staff may record the day in care.")


def require_care_recorder(actor: object, institution_id: int) -> None:
    """Refuse unless ``actor`` records the day in care (caregiver, health worker, director) there."""
    if not actor_may(actor, Perm.RECORD_CARE, institution_id):
        raise NotPermitted(FORBIDDEN)


def users_of_staff(institution_id: int, staff: Iterable[Staff]) -> list[User]:
    """The accounts of these staff members: users with a role at the institution and the same phone."""
    phones = {person.phone for person in staff if person.phone}
    if not phones:
        return []
    assignments = RoleAssignment.objects.filter(
        role__in=INSTITUTION_ROLES,
        institution_id=institution_id,
        user__phone__in=phones,
        user__is_active=True,
    ).select_related("user")
    return list({assignment.user.pk: assignment.user for assignment in assignments}.values())


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def _close(duty: ClassDuty, now: datetime.datetime) -> None:
    """End a duty now, or at the end of its own day if it was left open on an earlier day."""
    ended = now if duty.day == timezone.localdate(now) else min(now, _end_of(duty.day))
    duty.ended_at = max(ended, duty.started_at)
    duty.save(update_fields=["ended_at"])


def _watch_in_order(classes: Iterable[CareClass], now: datetime.datetime) -> None:
    """Watch several classes, locking them in primary-key order so that two writers never cross."""
    for care_class in sorted({c.pk: c for c in classes}.values(), key=lambda c: c.pk):
        ratio_watch(care_class, now)


def duty_start(
    *, actor: object, staff: Staff, care_class: CareClass, now: datetime.datetime | None = None
) -> ClassDuty:
    """Put a staff member on duty in a class. Being on duty elsewhere ends that duty first."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    require_care_recorder(actor, care_class.institution_id)
    with transaction.atomic():
        staff = Staff.objects.select_for_update().get(pk=staff.pk)
        if staff.institution_id != care_class.institution_id:
            raise Refusal(
                _("%(name)s does not work at this institution.") % {"name": staff.name}, "staff_elsewhere"
            )
        require_fit_for_duty(staff, day)
        touched = [care_class]
        for open_duty in ClassDuty.objects.filter(staff=staff, ended_at__isnull=True).select_related(
            "care_class"
        ):
            if open_duty.care_class_id == care_class.pk and open_duty.day == day:
                raise Refusal(
                    _("%(name)s is already on duty in this class.") % {"name": staff.name},
                    "already_on_duty",
                    conflict=True,
                )
            _close(open_duty, now)
            touched.append(open_duty.care_class)
        duty = ClassDuty(staff=staff, care_class=care_class, day=day, started_at=now)
        duty.full_clean()
        duty.save()
        _watch_in_order(touched, now)
    return duty


def duty_end(
    *,
    actor: object,
    staff: Staff,
    care_class: CareClass | None = None,
    now: datetime.datetime | None = None,
) -> ClassDuty:
    """Take a staff member off duty (in ``care_class``, if given: refused when on duty elsewhere)."""
    now = now or timezone.now()
    require_care_recorder(actor, staff.institution_id)
    with transaction.atomic():
        staff = Staff.objects.select_for_update().get(pk=staff.pk)
        duties = ClassDuty.objects.filter(staff=staff, ended_at__isnull=True).select_related("care_class")
        if care_class is not None:
            duties = duties.filter(care_class=care_class)
        duty = duties.order_by("-started_at").first()
        if duty is None:
            raise Refusal(
                _("%(name)s is not on duty here.") % {"name": staff.name}, "not_on_duty", conflict=True
            )
        if now < duty.started_at:
            raise Refusal(_("A duty cannot end before it started."), "end_before_start")
        _close(duty, now)
        _watch_in_order([duty.care_class], now)
    return duty


def ratio_watch(care_class: CareClass, now: datetime.datetime | None = None) -> RatioBreach | None:
    """Open or close the class's ratio breach to match the ratio now; return the breach still open.

    Call it after every check-in or check-out of a child and every duty change in the class. A breach
    opens once (the directors get a text message at once) and closes when certified caregivers suffice.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    # A transaction of its own after a check-in; inside a check-out's or a duty change's, no savepoint: a
    # failure here fails the whole change anyway.
    with transaction.atomic(savepoint=False):
        care_class = CareClass.objects.select_for_update().select_related("institution").get(pk=care_class.pk)
        breach = RatioBreach.objects.filter(care_class=care_class, ended_at__isnull=True).first()
        if breach is not None and breach.day != day:  # left open overnight: it ended with its day
            breach.ended_at = max(breach.started_at, min(now, _end_of(breach.day)))
            breach.save(update_fields=["ended_at"])
            breach = None
        ratio = class_ratio(care_class, day)
        if ratio.breach and breach is None:
            breach = RatioBreach.objects.create(
                care_class=care_class,
                day=day,
                started_at=now,
                children_present=ratio.present,
                caregivers_required=ratio.required,
                caregivers_on_duty=ratio.certified_on_duty,
            )
            _alert_directors(breach)
            announce_change(care_class.institution_id)
        elif not ratio.breach and breach is not None:
            breach.ended_at = max(now, breach.started_at)
            breach.save(update_fields=["ended_at"])
            announce_change(care_class.institution_id)
            breach = None
    return breach


def _alert_directors(breach: RatioBreach) -> None:
    care_class = breach.care_class
    params = {
        "institution": care_class.institution.name,
        "class": care_class.name,
        "present": breach.children_present,
        "required": breach.caregivers_required,
        "on_duty": breach.caregivers_on_duty,
    }
    link = reverse("daycare:class_duty", args=[care_class.code])
    notify_all(
        directors_of(care_class.institution_id),
        kind=NotificationKind.RATIO_BREACH,
        title=_("Caregiver ratio breached in %(class)s"),
        body=_(
            "%(institution)s, %(class)s: %(present)s children present need %(required)s certified "
            "caregivers on duty; %(on_duty)s are. Put another certified caregiver on duty now."
        ),
        params=params,
        link=link,
        sms=True,
    )
